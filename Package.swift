// swift-tools-version:6.1
// dropfill — restores the frames a talking-head video lost in transit, from the audio and the frames that survived.
import PackageDescription

/// Compiler settings for the numerical modules: their hot loops are unusable without optimisation even in debug.
let hotLoops: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "dropfill",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dropfill", targets: ["dropfill"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // MARK: - C libraries (module map + shim header each; nobody but their one Swift user imports them)
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev",
                                         "libswscale-dev", "libswresample-dev", "libavfilter-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CSixel", pkgConfig: "libsixel", providers: [.apt(["libsixel-dev"])]),
        .systemLibrary(name: "CPocketSphinx", pkgConfig: "pocketsphinx",
                       providers: [.apt(["libpocketsphinx-dev", "libsphinxbase-dev", "pocketsphinx-en-us"])]),
        // dlib's shape predictor behind a C interface (C++ target; libdlib.so brings its BLAS/LAPACK/PNG/JPEG itself).
        .target(name: "CDlibLandmarks", cxxSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))],
                linkerSettings: [.linkedLibrary("dlib")]),

        // MARK: - Engine
        .target(name: "Tensor", dependencies: ["COpenBLAS"], swiftSettings: hotLoops),
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        .target(name: "Metrics", swiftSettings: hotLoops),
        .target(name: "Features", swiftSettings: hotLoops),
        .target(name: "Alignment", dependencies: ["Tensor", "Features", "Metrics"], swiftSettings: hotLoops),
        .target(name: "Phonetics", dependencies: ["CPocketSphinx", "Tensor", "Features"], swiftSettings: hotLoops),
        .target(name: "Restoration", dependencies: ["Tensor", "Features", "Media", "Metrics"], swiftSettings: hotLoops),
        .target(name: "Landmarks", dependencies: ["CDlibLandmarks", "Media"]),
        .target(name: "Corpus", dependencies: ["Media", "Tensor"], swiftSettings: hotLoops),
        .target(name: "Pipeline", dependencies: ["Corpus", "Media", "Tensor", "Features", "Metrics", "Alignment", "Phonetics", "Landmarks", "Restoration"],
                swiftSettings: hotLoops),
        .target(name: "Evaluation", dependencies: ["Pipeline", "Corpus", "Media", "Tensor", "Features", "Metrics", "Alignment", "Restoration"],
                swiftSettings: hotLoops),
        .target(name: "Training", dependencies: ["Pipeline", "Corpus", "Media", "Tensor", "Features", "Alignment", "Phonetics", "Restoration"],
                swiftSettings: hotLoops),

        // MARK: - Faces
        .target(name: "Inspector", dependencies: ["Pipeline", "Corpus", "Alignment", "Restoration", "Metrics", "Media", "CNcursesw", "CSixel"]),
        .target(name: "Rating", dependencies: ["Inspector", "Pipeline", "Corpus", "Restoration", "Media", .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(name: "dropfill", dependencies: [
            "Media", "Tensor", "Metrics", "Features", "Alignment", "Phonetics", "Restoration", "Corpus", "Pipeline", "Evaluation", "Training",
            "Inspector", "Rating",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Tests (one target per module, and what the end-to-end tests share)
        .target(name: "DropfillTestSupport", dependencies: ["Corpus", "Media", "Tensor"], path: "Tests/DropfillTestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "DropfillTestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AlignmentTests", dependencies: ["Alignment", "Features", "DropfillTestSupport"]),
        .testTarget(name: "PhoneticsTests", dependencies: ["Phonetics", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RestorationTests", dependencies: ["Restoration", "Media", "Metrics", "DropfillTestSupport"]),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "DropfillTestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Training", "Alignment", "Phonetics", "Restoration", "Media", "Corpus", "DropfillTestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "DropfillTestSupport"]),
        .testTarget(name: "LandmarksTests", dependencies: ["Landmarks", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "InspectorTests", dependencies: ["Inspector", "DropfillTestSupport"]),
        .testTarget(name: "RatingTests", dependencies: ["Rating", "Inspector", "Pipeline", "Corpus", "Media", "Restoration", "DropfillTestSupport"]),
        .testTarget(name: "dropfillTests", dependencies: ["Media", "DropfillTestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
