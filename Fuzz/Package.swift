// swift-tools-version:6.1
// libFuzzer targets for every parser a user can feed dropfill (kept out of the main build: the sanitizer flags
// apply to the whole graph). Build and run with ../scripts/fuzz.sh.
import PackageDescription

let package = Package(
    name: "dropfill-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "dropfill", path: "..")],
    targets: [
        .executableTarget(name: "dropfill-fuzz", dependencies: [.product(name: "DropfillParsers", package: "dropfill")]),
    ]
)
