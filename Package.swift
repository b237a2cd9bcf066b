// swift-tools-version: 6.0
// Fluke: what separates false positives from true positives among resampled LLM code.
// Run Scripts/setup once before building (it fetches the tree-sitter Python grammar).
import PackageDescription

let package = Package(
    name: "Fluke",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fluke", targets: ["fluke"]),
        .library(name: "Fluke", targets: ["SyntaxTree", "Candidates", "Sanitizer", "Rules", "Checkers",
                                          "Lint", "Configuration", "LintOutput", "Verifier", "Statistics", "Report",
                                          "Gate", "Scaling", "Consensus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C: the tree-sitter runtime (Debian) and the Python grammar (PyPI source, see Scripts/setup).
        // The runtime is linked from Debian's static library (see its module map), not through
        // pkg-config, whose flags would link the shared one.
        .systemLibrary(name: "CTreeSitter",
                       providers: [.apt(["libtree-sitter-dev"])]),
        .target(name: "CTreeSitterPython", dependencies: ["CTreeSitter"]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Source text → syntax tree: a safe Swift API over tree-sitter.
        .target(name: "SyntaxTree", dependencies: ["CTreeSitter", "CTreeSitterPython"]),
        // Where candidates come from: files, folders, EvalPlus JSONL and folders, bigcode JSON.
        .target(name: "Candidates", dependencies: ["CZlib"]),
        // Raw model output → the code in it.
        .target(name: "Sanitizer", dependencies: ["SyntaxTree", "Candidates"]),
        // Rules are data (Rules/<category>/<code>.yaml): their model, loading and documentation.
        .target(name: "Rules", dependencies: ["SyntaxTree", "Yams"]),
        // What a query cannot say: named Swift checkers that rule files invoke with parameters.
        .target(name: "Checkers", dependencies: ["SyntaxTree", "Rules"]),
        // Syntax tree → findings → adherence and scores.
        .target(name: "Lint", dependencies: ["SyntaxTree", "Candidates", "Rules", "Checkers"]),
        // pyproject.toml [tool.fluke] and fluke.toml: selection, options, profiles.
        .target(name: "Configuration", dependencies: ["Rules", "TOMLKit"]),
        // Labels × lint results → what separates false positives from true positives.
        .target(name: "Report", dependencies: ["Candidates", "Rules", "Statistics", "Scaling"]),
        // Accept or reject candidates by a style policy; measure what that buys.
        .target(name: "Gate", dependencies: ["Candidates", "Checkers", "Configuration", "Lint", "Rules", "Report", "Statistics"]),
        // What resampling against imperfect tests can buy: exact curves of accuracy and reward
        // against the number of samples, ceilings, and their comparison across models.
        .target(name: "Scaling", dependencies: ["Candidates", "Statistics"]),
        // Findings as text, JSON, JSONL and SARIF.
        .target(name: "LintOutput", dependencies: ["Lint", "Rules", "Candidates"]),
        // Honest statistics for the reporter: intervals, exact and rank tests, multiplicity,
        // stratified tables, descriptive summaries. Foundation only.
        .target(name: "Statistics"),
        // Candidates → sandboxed runs against base and plus inputs → TP/FP/TN/FN labels.
        .target(name: "Verifier", dependencies: ["Candidates"]),
        // Candidates that pass the weak tests → new inputs by mutation → sandboxed outputs →
        // agreement with their siblings: a gate that needs no stronger tests.
        .target(name: "Consensus", dependencies: ["Candidates", "Verifier", "Statistics"]),
        // The command-line tool.
        .executableTarget(name: "fluke", dependencies: [
            "SyntaxTree", "Candidates", "Sanitizer", "Rules", "Lint", "Configuration", "LintOutput", "Verifier",
            "Report", "Gate", "Scaling", "Consensus", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        // jemalloc (Debian's libjemalloc-dev, static) replaces glibc's malloc, as Ruff does on
        // Linux: trees, node lists and findings are allocated and freed per candidate on two
        // threads (lint 7% less wall time, parse-only 6%; see README's measurements).
        linkerSettings: [.linkedLibrary(":libjemalloc_pic.a")]),
        // Benchmarks print figures; they are not tests.
        .executableTarget(name: "fluke-bench", dependencies: ["SyntaxTree", "Candidates", "Sanitizer"],
                          path: "Benchmarks/fluke-bench"),

        .testTarget(name: "SyntaxTreeTests", dependencies: ["SyntaxTree"]),
        .testTarget(name: "CandidatesTests", dependencies: ["Candidates"]),
        .testTarget(name: "SanitizerTests", dependencies: ["Sanitizer", "SyntaxTree", "Candidates"]),
        .testTarget(name: "RuleTests", dependencies: ["Rules", "Lint", "Checkers", "Configuration", "SyntaxTree",
                                                     "Candidates", "LintOutput"]),
        .testTarget(name: "CommandLineTests", dependencies: ["fluke"]),
        // Compares every statistic with scipy/statsmodels values in Fixtures/statistics.json
        // (made by Scripts/reference/statistics_fixtures.py; the tests need no Python).
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VerifierTests", dependencies: ["Verifier", "Candidates", "fluke"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Statistics"]),
        .testTarget(name: "ScalingTests", dependencies: ["Scaling", "Candidates", "Report"]),
        .testTarget(name: "GateTests", dependencies: ["Gate", "Report", "Lint", "LintOutput", "Configuration", "Candidates",
                                                     "Rules"]),
        .testTarget(name: "ConsensusTests", dependencies: ["Consensus", "Verifier", "Candidates", "Statistics", "fluke"]),
    ]
)
