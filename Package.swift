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
        // The parsers a user can feed, for the libFuzzer targets in Fuzz/ (nothing else links this product).
        .library(name: "DropfillParsers", targets: ["Tensor", "Alignment", "Restoration", "Corpus", "Pipeline", "Inspector", "Rating"]),
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

        // SafeOutput: the one output writer (a leaf, so that Tensor's safetensors go through it without FFmpeg).
        .target(name: "SafeOutput", exclude: ["README.md"]),
        // MARK: - Engine (each module's README.md says what lives there; it is documentation, not a resource)
        .target(name: "Tensor", dependencies: ["COpenBLAS", "SafeOutput"], exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Media", dependencies: ["CFFmpeg", "SafeOutput"], exclude: ["README.md"]),
        .target(name: "Metrics", exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Features", exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Alignment", dependencies: ["Tensor", "Features"], exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Phonetics", dependencies: ["CPocketSphinx", "Tensor", "Features"], exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Restoration", dependencies: ["Tensor", "Features", "Media", "Metrics"], exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Landmarks", dependencies: ["CDlibLandmarks", "Media"], exclude: ["README.md"]),
        .target(name: "Corpus", dependencies: ["SafeOutput", "Media", "Tensor"], exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Pipeline", dependencies: ["SafeOutput", "Corpus", "Media", "Tensor", "Features", "Alignment", "Phonetics", "Landmarks",
                                                 "Restoration"],
                exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Evaluation", dependencies: ["SafeOutput", "Pipeline", "Corpus", "Media", "Tensor", "Features", "Metrics", "Restoration",
                                                   "Landmarks"],
                exclude: ["README.md"], swiftSettings: hotLoops),
        .target(name: "Training", dependencies: ["Pipeline", "Corpus", "Media", "Tensor", "Features", "Alignment", "Phonetics", "Restoration",
                                                 "Metrics"],
                exclude: ["README.md"], swiftSettings: hotLoops),

        // MARK: - Faces
        .target(name: "Inspector", dependencies: ["SafeOutput", "Pipeline", "Corpus", "Alignment", "Restoration", "Metrics", "Media", "Evaluation",
                                                  "Landmarks", "CNcursesw", "CSixel"], exclude: ["README.md"]),
        .target(name: "Rating", dependencies: ["Tensor", "SafeOutput", "Metrics", "CNcursesw", "Inspector", "Pipeline", "Corpus", "Restoration", "Media", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["README.md"]),
        .executableTarget(name: "dropfill", dependencies: [
            "SafeOutput", "Media", "Tensor", "Metrics", "Alignment", "Phonetics", "Restoration", "Corpus", "Pipeline", "Evaluation", "Training", "Landmarks",
            "Inspector", "Rating",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["README.md"]),

        // MARK: - Tests (one target per module, and what the end-to-end tests share)
        .target(name: "DropfillTestSupport", dependencies: ["Corpus", "Media", "Tensor"], path: "Tests/DropfillTestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MediaTests", dependencies: ["SafeOutput", "Media", "DropfillTestSupport"]),
        .testTarget(name: "SafeOutputTests", dependencies: ["SafeOutput"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AlignmentTests", dependencies: ["Tensor", "Alignment", "Features", "DropfillTestSupport"]),
        .testTarget(name: "PhoneticsTests", dependencies: ["Tensor", "Features", "Phonetics", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RestorationTests", dependencies: ["SafeOutput", "Features", "Restoration", "Media", "Metrics", "Tensor", "DropfillTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CorpusTests", dependencies: ["Tensor", "Corpus", "Pipeline", "Evaluation", "Restoration", "Media", "SafeOutput", "DropfillTestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Tensor", "Pipeline", "Training", "Evaluation", "Alignment", "Phonetics", "Restoration", "Media", "Metrics", "Corpus", "DropfillTestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Metrics", "Media", "Evaluation", "Landmarks", "Pipeline", "Corpus", "Restoration", "DropfillTestSupport"]),
        .testTarget(name: "LandmarksTests", dependencies: ["Landmarks", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "InspectorTests", dependencies: ["Restoration", "Metrics", "Media", "Alignment", "Inspector", "Pipeline", "Landmarks",
                                                     "DropfillTestSupport"]),
        .testTarget(name: "RatingTests", dependencies: [.product(name: "GRDB", package: "GRDB.swift"), "Rating", "Inspector", "Pipeline", "Corpus", "Media", "Restoration", "DropfillTestSupport"]),
        .testTarget(name: "dropfillTests", dependencies: ["Media", "Rating", "Tensor", "DropfillTestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
