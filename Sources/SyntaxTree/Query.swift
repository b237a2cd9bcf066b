import CTreeSitter
import Foundation

/// Why a query could not be compiled. Positions are 1-based within the query's text.
public struct QueryError: Error, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case syntax, nodeType = "node type", field, capture, structure, language, predicate
    }
    public var kind: Kind
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "query error at \(line):\(column): \(message)" }
}

/// One node captured by a query, with the name it was captured under (without the `@`).
public struct QueryCapture {
    public let name: String
    public let index: Int
    public let node: Node
}

/// One match of one pattern, after its predicates held.
public struct QueryMatch {
    public let patternIndex: Int
    public let captures: [QueryCapture]

    /// The nodes captured under `name`, in order.
    public func nodes(_ name: String) -> [Node] {
        captures.filter { $0.name == name }.map(\.node)
    }
    /// The first node captured under `name`.
    public func node(_ name: String) -> Node? {
        captures.first { $0.name == name }?.node
    }
}

/// A compiled tree-sitter query (S-expression patterns with captures), with the text
/// predicates that the C library leaves to its host evaluated here:
/// `#eq?`, `#not-eq?`, `#match?`, `#not-match?`, `#any-of?`, `#not-any-of?`, and the
/// `#any-eq?`, `#any-not-eq?`, `#any-match?`, `#any-not-match?` forms for quantified captures
/// (the plain forms must hold for every node of a quantified capture, the `any-` forms for one).
/// `#set! key "value"` attaches properties to a pattern. Any other predicate is an error.
///
/// A compiled query is immutable and can be shared between threads.
public final class Query: @unchecked Sendable {  // (`compiled` is behind `lock`)
    /// The capture names, by capture index.
    public let captureNames: [String]
    /// How many patterns the query has.
    public let patternCount: Int
    /// Where each pattern starts in the query's text (a byte offset).
    private let starts: [Int]
    private let predicates: [[Predicate]]
    private let properties: [[String: String]]
    /// The patterns read again for matching in Swift over a whole tree, when the query uses
    /// only what `QueryPatterns` reads.
    let patterns: QueryPatterns?
    private let source: String
    private let lock = NSLock()
    private var compiled: OpaquePointer?

    /// Compiles `source`: tree-sitter checks it (node kinds, fields, captures, and whether each
    /// pattern can match at all in the grammar) and compiles it.
    ///
    /// - Parameter checkedByTreeSitter: when false, and Fluke reads the whole query itself
    ///   (`QueryPatterns`: everything Fluke's rules use), tree-sitter does not compile it until
    ///   a match needs its query cursor (below the root of a tree, or in a byte range): that
    ///   compiling costs about as much as linting a hundred candidates. Unknown node kinds,
    ///   fields and captures are still errors (tree-sitter then compiles it to say what), but
    ///   a pattern that cannot match in the grammar is not found out: for queries checked
    ///   otherwise (Fluke's own rules, by its tests).
    public init(_ source: String, checkedByTreeSitter: Bool = true) throws(QueryError) {
        self.source = source
        let text = SourceText(source)
        let read = QueryPatterns.read(source)
        if !checkedByTreeSitter, let read {
            captureNames = read.captureNames
            patternCount = read.starts.count
            starts = read.starts
            (predicates, properties) = try Query.predicates(read.predicates, names: read.captureNames,
                                                             starts: read.starts, text: text)
            patterns = read.patterns
            return
        }
        let made = try Query.compile(source)
        compiled = made
        var names: [String] = []
        for i in 0..<ts_query_capture_count(made) {
            var length: UInt32 = 0
            let p = ts_query_capture_name_for_id(made, i, &length)!
            names.append(Query.string(p, length))
        }
        captureNames = names
        patternCount = Int(ts_query_pattern_count(made))
        starts = (0..<patternCount).map { Int(ts_query_start_byte_for_pattern(made, UInt32($0))) }
        do {
            let groups = (0..<patternCount).map { Query.predicateGroups(made, pattern: UInt32($0)) }
            (predicates, properties) = try Query.predicates(groups, names: names, starts: starts, text: text)
        } catch {
            ts_query_delete(made)
            throw error
        }
        let count = patternCount
        patterns = read.flatMap { $0.captureNames == names && $0.starts.count == count ? $0.patterns : nil }
    }

    /// Each pattern's predicates and properties, from its predicate groups (errors at the
    /// pattern's start).
    private static func predicates(_ groups: [[(name: String, arguments: [Argument])]], names: [String],
                                   starts: [Int], text: SourceText) throws(QueryError)
        -> ([[Predicate]], [[String: String]]) {
        var all: [[Predicate]] = [], properties: [[String: String]] = []
        for (pattern, g) in groups.enumerated() {
            let (p, props) = try predicates(g, names: names, at: text.position(at: starts[pattern]))
            all.append(p)
            properties.append(props)
        }
        return (all, properties)
    }

    /// tree-sitter's compiled query, or the error it found.
    private static func compile(_ source: String) throws(QueryError) -> OpaquePointer {
        var errorOffset: UInt32 = 0
        var errorType = TSQueryErrorNone
        let bytes = Array(source.utf8)
        let made: OpaquePointer? = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                    ts_query_new(PythonParser.language, $0, UInt32(buf.count), &errorOffset, &errorType)
                }
            } ?? nil
        }
        guard let made else {
            let text = SourceText(bytes: bytes)
            let p = text.position(at: Int(errorOffset))
            let kind: QueryError.Kind
            switch errorType {
            case TSQueryErrorNodeType: kind = .nodeType
            case TSQueryErrorField: kind = .field
            case TSQueryErrorCapture: kind = .capture
            case TSQueryErrorStructure: kind = .structure
            case TSQueryErrorLanguage: kind = .language
            default: kind = .syntax
            }
            let rest = String(text.text(in: Int(errorOffset)..<bytes.count).prefix(30))
            let message = bytes.isEmpty ? "empty query" : "invalid \(kind.rawValue) at \(Tree.quoted(rest, limit: 30))"
            throw QueryError(kind: kind, message: message, line: p.line, column: p.column)
        }
        return made
    }

    /// tree-sitter's compiled query, compiled the first time it is needed if it was not.
    var raw: OpaquePointer {
        lock.lock()
        defer { lock.unlock() }
        if let compiled { return compiled }
        do {
            let made = try Query.compile(source)
            compiled = made
            return made
        } catch {
            // Only a query that Fluke read but did not have checked can get here.
            preconditionFailure("a query read unchecked does not compile in tree-sitter: \(error)")
        }
    }

    deinit { if let compiled { ts_query_delete(compiled) } }

    /// Properties that `#set! key "value"` attached to a pattern.
    public func properties(ofPattern index: Int) -> [String: String] { properties[index] }

    /// The byte offset in the query's text where pattern `index` starts.
    public func startByte(ofPattern index: Int) -> Int { starts[index] }

    /// The 1-based line in the query's text where pattern `index` starts.
    public func line(ofPattern index: Int, in source: String) -> Int {
        SourceText(source).line(at: starts[index])
    }

    /// The matches of every pattern below `node` (optionally only those touching `byteRange`),
    /// in document order, with predicates applied.
    public func matches(in node: Node, byteRange: Range<Int>? = nil) -> [QueryMatch] {
        var out: [QueryMatch] = []
        forEachMatch(in: node, byteRange: byteRange) { out.append($0) }
        return out
    }

    /// Calls `body` on each match below `node`, streaming. Over a whole tree, matches come node
    /// by node in document order, then by pattern (tree-sitter's own order, which is followed
    /// otherwise, is the order in which they end).
    public func forEachMatch(in node: Node, byteRange: Range<Int>? = nil,
                             _ body: (QueryMatch) throws -> Void) rethrows {
        if let patterns, byteRange == nil, node.isRoot {
            let list = node.tree.nodes
            let source = node.tree.source
            for (pattern, found) in patterns.matches(in: list) {
                // Predicates first, on the captured text (most matches fail them), then the
                // captures as nodes.
                let texts = ListCaptures(found: found, list: list, source: source)
                guard predicates[pattern].allSatisfy({ $0.holds(texts) }) else { continue }
                let captures = found.map { QueryCapture(name: captureNames[$0.capture], index: $0.capture, node: list.node($0.node)) }
                try body(QueryMatch(patternIndex: pattern, captures: captures))
            }
            return
        }
        try forEachTreeSitterMatch(in: node, byteRange: byteRange, body)
    }

    /// `forEachMatch` by tree-sitter's query cursor.
    func forEachTreeSitterMatch(in node: Node, byteRange: Range<Int>? = nil,
                                _ body: (QueryMatch) throws -> Void) rethrows {
        let cursor = ts_query_cursor_new()!
        defer { ts_query_cursor_delete(cursor) }
        if let r = byteRange {
            ts_query_cursor_set_byte_range(cursor, UInt32(r.lowerBound), UInt32(r.upperBound))
        }
        ts_query_cursor_exec(cursor, raw, node.raw)
        var match = TSQueryMatch()
        while ts_query_cursor_next_match(cursor, &match) {
            var captures: [QueryCapture] = []
            captures.reserveCapacity(Int(match.capture_count))
            if let list = match.captures {
                for i in 0..<Int(match.capture_count) {
                    let c = list[i]
                    captures.append(QueryCapture(name: captureNames[Int(c.index)], index: Int(c.index),
                                                 node: Node(tree: node.tree, raw: c.node)))
                }
            }
            let pattern = Int(match.pattern_index)
            if predicates[pattern].allSatisfy({ $0.holds(captures) }) {
                try body(QueryMatch(patternIndex: pattern, captures: captures))
            }
        }
    }

    /// Every capture below `node`, flattened, in document order.
    public func captures(in node: Node, byteRange: Range<Int>? = nil) -> [QueryCapture] {
        matches(in: node, byteRange: byteRange).flatMap(\.captures)
            .sorted { ($0.node.byteRange.lowerBound, $0.index) < ($1.node.byteRange.lowerBound, $1.index) }
    }

    // MARK: predicates

    typealias Argument = QueryPatterns.PredicateArgument

    /// The captures of a match as predicates read them: each one's capture index and text.
    fileprivate protocol CapturedTexts {
        var count: Int { get }
        func index(_ k: Int) -> Int
        func text(_ k: Int) -> String
    }
    private struct NodeCaptures: CapturedTexts {
        let captures: [QueryCapture]
        var count: Int { captures.count }
        func index(_ k: Int) -> Int { captures[k].index }
        func text(_ k: Int) -> String { captures[k].node.text }
    }
    /// Captures as node indices in a tree's node list (no `Node` made to test them).
    private struct ListCaptures: CapturedTexts {
        let found: [(capture: Int, node: Int)]
        let list: NodeList
        let source: SourceText
        var count: Int { found.count }
        func index(_ k: Int) -> Int { found[k].capture }
        func text(_ k: Int) -> String {
            let n = found[k].node
            return source.text(in: list.startByte(n)..<list.endByte(n))
        }
    }

    private struct Predicate {
        enum Test {
            case equal(Argument)
            case match(Matcher)
            case anyOf(Set<String>)
        }
        var capture: Int
        var test: Test
        var negated: Bool
        var any: Bool

        func holds(_ captures: [QueryCapture]) -> Bool { holds(NodeCaptures(captures: captures)) }

        /// Whether the predicate holds for `captures`: the plain forms for every node of the
        /// capture, the `any-` forms for one (and any form when the capture has no node).
        func holds<C: CapturedTexts>(_ captures: C) -> Bool {
            var tested = false
            for k in 0..<captures.count where captures.index(k) == capture {
                tested = true
                let text = captures.text(k)
                let result: Bool
                switch test {
                case .equal(.string(let s)): result = text == s
                case .equal(.capture(let other)):
                    result = (0..<captures.count).allSatisfy { captures.index($0) != other || captures.text($0) == text }
                case .match(let matcher): result = matcher.matches(text)
                case .anyOf(let set): result = set.contains(text)
                }
                if any && result != negated { return true }
                if !any && result == negated { return false }
            }
            return !tested || !any
        }
    }

    /// A `#match?` regular expression. One that is only a list of words, `^(word|word|…)$` (as
    /// rules write a list option such as `{builtins}`), is tested on a text made of word
    /// characters by looking the text up in a set; any other text goes to the regular expression.
    ///
    /// Answers for short texts (names, mostly) are remembered for the whole run: the same names
    /// come back in candidate after candidate, and a look-up costs far less than a match.
    struct Matcher {
        let regex: NSRegularExpression
        let words: Set<String>?
        private let memo = Memo()

        init(_ regex: NSRegularExpression) {
            self.regex = regex
            words = Matcher.wordAlternatives(regex.pattern)
        }

        func matches(_ text: String) -> Bool {
            if let words, Matcher.isWord(text) { return words.contains(text) }
            guard text.utf8.count <= Memo.longestText else { return test(text) }
            if let known = memo.answer(text) { return known }
            let result = test(text)
            memo.remember(text, result)
            return result
        }

        private func test(_ text: String) -> Bool {
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }

        /// Texts and whether they matched, shared by the threads that lint; bounded.
        final class Memo: @unchecked Sendable {
            static let longestText = 32
            static let mostTexts = 1 << 14
            private let lock = NSLock()
            private var answers: [String: Bool] = [:]

            func answer(_ text: String) -> Bool? {
                lock.lock()
                defer { lock.unlock() }
                return answers[text]
            }

            func remember(_ text: String, _ result: Bool) {
                lock.lock()
                defer { lock.unlock() }
                if answers.count < Self.mostTexts { answers[text] = result }
            }
        }

        /// ASCII letters, digits and `_`: the only characters in such a pattern's words.
        static func isWord(_ text: some StringProtocol) -> Bool {
            !text.isEmpty && text.utf8.allSatisfy { b in
                b == 0x5F || (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
            }
        }

        /// The words of `^(w1|w2|…)$` or `^(?:w1|w2|…)$`, else nil.
        static func wordAlternatives(_ pattern: String) -> Set<String>? {
            var body = Substring(pattern)
            guard body.hasPrefix("^"), body.hasSuffix("$") else { return nil }
            body = body.dropFirst().dropLast()
            if body.hasPrefix("(?:") { body = body.dropFirst(3) } else if body.hasPrefix("(") { body = body.dropFirst() } else { return nil }
            guard body.hasSuffix(")") else { return nil }
            body = body.dropLast()
            let words = body.split(separator: "|", omittingEmptySubsequences: false)
            guard words.allSatisfy(isWord) else { return nil }
            return Set(words.map(String.init))
        }
    }

    private static func string(_ p: UnsafePointer<CChar>, _ length: UInt32) -> String {
        p.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
        }
    }

    /// The predicates of a pattern of a compiled query, each as its name and arguments.
    private static func predicateGroups(_ query: OpaquePointer, pattern: UInt32)
        -> [(name: String, arguments: [Argument])] {
        var count: UInt32 = 0
        let steps = ts_query_predicates_for_pattern(query, pattern, &count)
        var groups: [(name: String, arguments: [Argument])] = []
        var group: [Argument] = []
        for i in 0..<Int(count) {
            let step = steps![i]
            if step.type == TSQueryPredicateStepTypeDone {
                // (A predicate that does not start with its name gets an empty one: an error.)
                if case .string(let name)? = group.first { groups.append((name, Array(group.dropFirst()))) }
                else { groups.append(("", group)) }
                group = []
                continue
            }
            if step.type == TSQueryPredicateStepTypeCapture {
                group.append(.capture(Int(step.value_id)))
            } else {
                var length: UInt32 = 0
                group.append(.string(string(ts_query_string_value_for_id(query, step.value_id, &length), length)))
            }
        }
        return groups
    }

    /// Predicates and properties from a pattern's predicate groups; errors at `start`.
    private static func predicates(_ groups: [(name: String, arguments: [Argument])], names: [String],
                                   at start: SourcePosition) throws(QueryError)
        -> ([Predicate], [String: String]) {
        func fail(_ message: String) -> QueryError {
            QueryError(kind: .predicate, message: message, line: start.line, column: start.column)
        }
        var predicates: [Predicate] = []
        var properties: [String: String] = [:]
        for (groupName, args) in groups {
            var name = groupName
            guard !name.isEmpty else { throw fail("a predicate must start with its name") }
            if name == "set!" {
                guard args.count == 2, case .string(let k) = args[0], case .string(let v) = args[1] else {
                    throw fail("#set! takes a key and a value")
                }
                properties[k] = v
                continue
            }
            let original = name
            guard name.hasSuffix("?") else { throw fail("unknown directive #\(original)") }
            name.removeLast()
            var any = false, negated = false
            if name.hasPrefix("any-") && name != "any-of" { any = true; name.removeFirst(4) }
            if name.hasPrefix("not-") { negated = true; name.removeFirst(4) }
            guard let first = args.first, case .capture(let capture) = first else {
                throw fail("#\(name)? needs a capture as its first argument")
            }
            let rest = Array(args.dropFirst())
            switch name {
            case "eq":
                guard rest.count == 1 else { throw fail("#eq? takes a capture and one value") }
                predicates.append(Predicate(capture: capture, test: .equal(rest[0]), negated: negated, any: any))
            case "match":
                guard rest.count == 1, case .string(let pattern) = rest[0] else {
                    throw fail("#match? takes a capture and a regular expression string")
                }
                let regex: NSRegularExpression
                do { regex = try NSRegularExpression(pattern: pattern) } catch {
                    throw fail("invalid regular expression \(Tree.quoted(pattern, limit: 40))")
                }
                predicates.append(Predicate(capture: capture, test: .match(Matcher(regex)), negated: negated, any: any))
            case "any-of":
                var set = Set<String>()
                for a in rest {
                    guard case .string(let s) = a else { throw fail("#any-of? takes strings after the capture") }
                    set.insert(s)
                }
                predicates.append(Predicate(capture: capture, test: .anyOf(set), negated: negated, any: false))
            default:
                throw fail("unknown predicate #\(original) (Fluke knows #eq?, #match?, #any-of?, "
                    + "their not- and any- forms, and #set!)")
            }
        }
        return (predicates, properties)
    }
}
