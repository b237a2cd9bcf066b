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
}
