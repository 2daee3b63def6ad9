// swift-tools-version:6.0
// A scratch package for the motion-cue study (DECISIONS.md, "Six more levers, measured and dropped"): it builds
// `dump` against the repository's engine. Not part of the product; build it with `swift build -c release` here.
import PackageDescription

let package = Package(
    name: "motion-cues",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "dropfill", path: "../../..")],
    targets: [
        .executableTarget(name: "dump", dependencies: [.product(name: "DropfillParsers", package: "dropfill")], path: "Sources/dump"),
    ]
)
