import Foundation
@testable import Lint
import Rules
@testable import SyntaxTree
import Testing

/// Fluke matches its rules' queries over the node list in Swift (`QueryPatterns`); these tests
/// hold every match to tree-sitter's own query cursor, on every rule's query and every rule's
/// examples.
@Suite struct QueryPatternsTests {
    /// A match as a comparable value: pattern, then each capture's index and node.
    struct Seen: Hashable, Comparable {
        var pattern: Int
        var captures: [[Int]]
        static func < (a: Seen, b: Seen) -> Bool {
            (a.pattern, a.captures.description) < (b.pattern, b.captures.description)
        }
    }

    static func seen(_ m: QueryMatch) -> Seen {
        Seen(pattern: m.patternIndex,
             captures: m.captures.map { [$0.index, $0.node.byteRange.lowerBound, $0.node.byteRange.upperBound, Int($0.node.symbol)] })
    }

    /// Every example of every rule, passing and failing: varied code, some of it invalid.
    static let corpus: [String] = RuleExamplesTests.catalog.rules.flatMap { ($0.passing + $0.failing).map(\.code) }

    @Test func everyQueryRuleIsMatchedInSwiftAsTreeSitterMatchesIt() throws {
        let parser = try PythonParser()
        let trees = try QueryPatternsTests.corpus.map { try parser.parse($0) }
        var rules = 0, matches = 0
        for rule in RuleExamplesTests.catalog.rules {
            guard case .query(let text) = rule.check else { continue }
            let defaults = Dictionary(uniqueKeysWithValues: rule.options.map { ($0.name, $0.defaultValue) })
            let query = try Query(Linter.substitute(text, defaults))
            #expect(query.patterns != nil, "\(rule.code): its query is not read for matching in Swift")
            rules += 1
            for tree in trees {
                var mine: [Seen] = [], theirs: [Seen] = []
                query.forEachMatch(in: tree.root) { mine.append(QueryPatternsTests.seen($0)) }
                query.forEachTreeSitterMatch(in: tree.root) { theirs.append(QueryPatternsTests.seen($0)) }
                #expect(mine.sorted() == theirs.sorted(), "\(rule.code) on:\n\(tree.source.text(in: 0..<tree.source.bytes.count))")
                matches += theirs.count
            }
        }
        #expect(rules >= 16)
        #expect(matches > 30)
    }

    /// The linter compiles Fluke's own rule queries without tree-sitter's checks (see
    /// `Query.init(_:checkedByTreeSitter:)`): they are checked here. Each compiles in
    /// tree-sitter (whose checks include whether a pattern can match at all in the grammar), the
    /// combined query as the linter makes it too, and reading them without tree-sitter gives
    /// the same capture names, patterns, pattern starts and matches.
    @Test func everyRuleQueryCompilesInTreeSitterAndReadsTheSameWithout() throws {
        let parser = try PythonParser()
        let tree = try parser.parse(QueryPatternsTests.corpus.joined(separator: "\n\n"))
        var combined = ""
        for rule in RuleExamplesTests.catalog.rules {
            guard case .query(let text) = rule.check else { continue }
            let defaults = Dictionary(uniqueKeysWithValues: rule.options.map { ($0.name, $0.defaultValue) })
            let query = Linter.substitute(text, defaults)
            #expect(throws: Never.self, "\(rule.code)") { _ = try Query(query) }
            try expectSameReading(query, on: tree, "\(rule.code)")
            combined += query + "\n"
        }
        try expectSameReading(combined, on: tree, "the combined query")
    }

    private func expectSameReading(_ text: String, on tree: Tree, _ comment: Comment) throws {
        let checked = try Query(text), unchecked = try Query(text, checkedByTreeSitter: false)
        #expect(unchecked.captureNames == checked.captureNames, comment)
        #expect(unchecked.patternCount == checked.patternCount, comment)
        #expect((0..<checked.patternCount).map(unchecked.startByte(ofPattern:))
                == (0..<checked.patternCount).map(checked.startByte(ofPattern:)), comment)
        #expect(unchecked.matches(in: tree.root).map(QueryPatternsTests.seen)
                == checked.matches(in: tree.root).map(QueryPatternsTests.seen), comment)
    }
}
