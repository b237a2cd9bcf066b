import Foundation
import Lint
import Rules
import SyntaxTree
import Testing

/// One generic test for every rule: each rule file's passing examples give no finding, and its
/// failing examples give findings exactly where their ↓ markers are. Adding a rule adds no test
/// code.
@Suite struct RuleExamplesTests {
    static let catalog: RuleCatalog = {
        do { return try RuleCatalog.builtin() } catch { fatalError("the built-in rules do not load: \(error)") }
    }()

    static var codes: [String] { catalog.rules.map(\.code) }

    @Test(arguments: codes)
    func ruleMatchesItsExamples(_ code: String) throws {
        let rule = try #require(Self.catalog[code])
        let linter = try Linter(rules: [rule])
        let parser = try PythonParser()
        for example in rule.passing {
            let findings = linter.findings(in: try parser.parse(example.code))
            #expect(findings.isEmpty, """
                \(rule.file):\(example.line): passing example of \(code) gives \
                \(findings.map { "\($0.start): \($0.message)" })
                """)
        }
        for example in rule.failing {
            let findings = linter.findings(in: try parser.parse(example.code))
            let got = findings.map { RuleExample.Marker(line: $0.start.line, column: $0.start.column) }.sorted()
            #expect(got == example.markers.sorted(), """
                \(rule.file):\(example.line): failing example of \(code): expected findings at \
                \(example.markers.sorted()), got \(findings.map { "\($0.start): \($0.message)" })
                """)
            for f in findings {
                #expect(!f.message.contains("{"), "\(rule.file): message has an unfilled placeholder: \(f.message)")
            }
        }
    }

    @Test func catalogueHasEveryProfileTheIssueAsksFor() {
        let profiles = Set(Self.catalog.profiles.keys)
        for p in ["paper", "pep8", "naming", "pyflakes", "complexity", "docs", "llm"] {
            #expect(profiles.contains(p), "no rule in profile \(p)")
        }
        #expect(Self.catalog.rules.count >= 100)
    }
}

/// docs/rules.md is generated from the rule files (`fluke rules --format markdown`); it must not
/// fall behind them.
@Suite struct RuleReferenceTests {
    @Test func committedReferenceMatchesTheRuleFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        let generated = RuleDocs.reference(RuleExamplesTests.catalog)
        #expect(committed == generated, "docs/rules.md is stale: run `fluke rules --isolated --format markdown > docs/rules.md`")
    }

    @Test func everyRuleHasRationaleReferencesAndBothKindsOfExample() {
        for rule in RuleExamplesTests.catalog.rules {
            #expect(rule.rationale.count > 40, "\(rule.file): the rationale is too thin")
            #expect(!rule.references.isEmpty, "\(rule.file): no reference")
            #expect(!rule.passing.isEmpty && !rule.failing.isEmpty, "\(rule.file)")
        }
    }
}
