// swift-tools-version: 6.0
// Fluke: what separates false positives from true positives among resampled LLM code.
// Run Scripts/setup once before building (it fetches the tree-sitter Python grammar).
import PackageDescription

let package = Package(
    name: "Fluke",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fluke", targets: ["fluke"]),
        .library(name: "Fluke", targets: ["SyntaxTree", "Candidates", "Sanitizer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C: the tree-sitter runtime (Debian) and the Python grammar (PyPI source, see Scripts/setup).
        .systemLibrary(name: "CTreeSitter", pkgConfig: "tree-sitter",
                       providers: [.apt(["libtree-sitter-dev"])]),
        .target(name: "CTreeSitterPython", dependencies: ["CTreeSitter"]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Source text → syntax tree: a safe Swift API over tree-sitter.
        .target(name: "SyntaxTree", dependencies: ["CTreeSitter", "CTreeSitterPython"]),
        // Where candidates come from: files, folders, EvalPlus JSONL and folders, bigcode JSON.
        .target(name: "Candidates", dependencies: ["CZlib"]),
        // Raw model output → the code in it.
        .target(name: "Sanitizer", dependencies: ["SyntaxTree", "Candidates"]),
        // The command-line tool.
        .executableTarget(name: "fluke", dependencies: [
            "SyntaxTree", "Candidates", "Sanitizer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmarks print figures; they are not tests.
        .executableTarget(name: "fluke-bench", dependencies: ["SyntaxTree", "Candidates", "Sanitizer"],
                          path: "Benchmarks/fluke-bench"),

        .testTarget(name: "SyntaxTreeTests", dependencies: ["SyntaxTree"]),
        .testTarget(name: "CandidatesTests", dependencies: ["Candidates"]),
        .testTarget(name: "SanitizerTests", dependencies: ["Sanitizer", "SyntaxTree", "Candidates"]),
        .testTarget(name: "CommandLineTests", dependencies: ["fluke"]),
        
        
        
        
    ]
)
