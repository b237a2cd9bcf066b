import Foundation
import Rules
import SyntaxTree

/// A 1-based place in a candidate: line, and column in characters (as Ruff reports them).
public struct Location: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public init(_ p: SourcePosition) { line = p.line; column = p.column }
    public static func < (a: Location, b: Location) -> Bool { (a.line, a.column) < (b.line, b.column) }
    public var description: String { "\(line):\(column)" }
}

/// Where a candidate departs from a rule.
public struct Finding: Sendable, Hashable, Codable {
    public var code: String
    public var message: String
    public var severity: Severity
    public var start: Location
    public var end: Location
    /// Whether the finding lies in the benchmark's prompt (which the model did not write).
    public var inPrompt: Bool
    /// For a finding about a whole definition's body (its length, complexity, returns): where
    /// the definition ends. Such a finding sits on the name, which is often in the prompt,
    /// but it belongs to the model when the model wrote any of the body.
    public var bodyEnd: Location? = nil

    public init(code: String, message: String, severity: Severity, start: Location, end: Location,
                inPrompt: Bool = false) {
        self.code = code
        self.message = message
        self.severity = severity
        self.start = start
        self.end = end
        self.inPrompt = inPrompt
    }

    enum CodingKeys: String, CodingKey {
        case code, message, severity, start, end, inPrompt = "in_prompt"
    }
}

/// A selected rule as a checker sees it: its options (defaults, then configuration) and the
/// parameters its file passes (with `{option}` references resolved).
///
/// A class, not a struct: the linter hands its rules around for every candidate, and copying
/// a reference is one retain where a struct would retain every field.
public final class ActiveRule: Sendable {
    public let rule: Rule
    public let options: [String: OptionValue]
    public let parameters: [String: OptionValue]

    /// The message cut at its `{placeholders}`: the text between them, and their names with
    /// the option of that name, if any (a finding's value comes first).
    private let messageParts: [MessagePart]
    /// The message when it has no placeholder.
    private let constantMessage: String?
    private enum MessagePart: Sendable {
        case text([UInt8])
        case value(String, option: String?)
    }

    public init(rule: Rule, options: [String: OptionValue]) {
        self.rule = rule
        self.options = options
        messageParts = Self.parts(rule.message, options)
        if messageParts.count == 1, case .text(let t) = messageParts[0] {
            constantMessage = String(decoding: t, as: UTF8.self)
        } else {
            constantMessage = nil
        }
        if case .checker(_, let raw) = rule.check {
            var resolved: [String: OptionValue] = [:]
            for (k, v) in raw {
                if case .string(let s) = v, s.hasPrefix("{"), s.hasSuffix("}"),
                   let o = options[String(s.dropFirst().dropLast())] {
                    resolved[k] = o  // a parameter that is exactly one option keeps its type
                } else if case .string(let s) = v {
                    resolved[k] = .string(ActiveRule.substitute(s, options))
                } else {
                    resolved[k] = v
                }
            }
            parameters = resolved
        } else {
            parameters = [:]
        }
        named = parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value, $0.value.description) }
            + options.sorted { $0.key < $1.key }.map { ($0.key, $0.value, $0.value.description) }
    }

    /// The parameters, then the options, each with its value and its text (made once: checkers
    /// ask for every candidate). A rule has a few: a scan comparing names costs less than
    /// hashing the name for a dictionary.
    private let named: [(name: String, value: OptionValue, text: String)]

    public var code: String { rule.code }

    /// The first of the parameter and the option called `name` whose value `read` gives.
    @inline(__always) private func first<T>(_ name: String, _ read: (OptionValue) -> T?) -> T? {
        for entry in named where entry.name == name {
            if let v = read(entry.value) { return v }
        }
        return nil
    }

    public func int(_ name: String) -> Int? { first(name) { $0.intValue } }
    public func double(_ name: String) -> Double? { first(name) { $0.doubleValue } }
    /// The parameter called `name`, else the option.
    @inline(__always) private func entry(_ name: String) -> (name: String, value: OptionValue, text: String)? {
        for entry in named where entry.name == name { return entry }
        return nil
    }

    public func string(_ name: String) -> String? { entry(name)?.text }
    public func strings(_ name: String) -> [String] { entry(name)?.value.stringsValue ?? [] }
    public func bool(_ name: String) -> Bool? { first(name) { $0.boolValue } }

    /// `string(name)` compiled as a regular expression (nil when absent or invalid), compiled
    /// once for the whole run rather than once per candidate.
    public func regex(_ name: String) -> NSRegularExpression? {
        regexes.value(name) { string(name).flatMap { try? NSRegularExpression(pattern: $0) } }
    }
    private let regexes = SharedMemo<String, NSRegularExpression?>()

    /// `strings(name)` as a set, made once for the whole run rather than once per candidate.
    public func stringSet(_ name: String) -> Set<String> { sets.value(name) { Set(strings(name)) } }
    private let sets = SharedMemo<String, Set<String>>()

    /// The rule's message with `{placeholders}` filled from `values`, then from options.
    public func message(_ values: [String: String] = [:]) -> String {
        if let constantMessage { return constantMessage }
        return render { values[$0] }
    }

    /// The rule's message with `{placeholders}` filled from `values` (the first pair of a name
    /// counts), then from options: for checkers that give a few values, without a dictionary.
    public func message(_ values: [(String, String)]) -> String {
        if let constantMessage { return constantMessage }
        return render { name in
            for (k, v) in values where k == name { return v }
            return nil
        }
    }

    private func render(_ value: (String) -> String?) -> String {
        // Made as bytes: appending to a String costs several times more per part.
        var out: [UInt8] = []
        out.reserveCapacity(96)
        for part in messageParts {
            switch part {
            case .text(let t): out.append(contentsOf: t)
            case .value(let name, let option):
                if let v = value(name) ?? option { out.append(contentsOf: v.utf8) } else { out.append(contentsOf: "{\(name)}".utf8) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `message` cut at each `{name}` (found on the UTF-8 bytes): the text between, and the
    /// names. A `{` with no `}` after it is text.
    private static func parts(_ message: String, _ options: [String: OptionValue]) -> [MessagePart] {
        let bytes = Array(message.utf8)
        var parts: [MessagePart] = []
        var text: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x7B, let close = bytes[(i + 1)...].firstIndex(of: 0x7D) {
                let name = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                if !text.isEmpty { parts.append(.text(text)) }
                text = []
                parts.append(.value(name, option: options[name]?.description))
                i = close + 1
            } else {
                text.append(bytes[i])
                i += 1
            }
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        return parts
    }

    /// A finding of this rule over a range.
    public func finding(_ start: SourcePosition, _ end: SourcePosition, _ values: [String: String] = [:]) -> Finding {
        Finding(code: rule.code, message: message(values), severity: rule.severity,
                start: Location(start), end: Location(end))
    }

    /// A finding of this rule over a range, with values given as pairs (no dictionary made).
    public func finding(_ start: SourcePosition, _ end: SourcePosition, _ values: [(String, String)]) -> Finding {
        Finding(code: rule.code, message: message(values), severity: rule.severity,
                start: Location(start), end: Location(end))
    }

    /// A finding of this rule over a node.
    public func finding(_ node: Node, _ values: [String: String] = [:]) -> Finding {
        finding(node.start, node.end, values)
    }

    static func substitute(_ text: String, _ options: [String: OptionValue]) -> String {
        var out = text
        for (k, v) in options { out = out.replacingOccurrences(of: "{\(k)}", with: v.description) }
        return out
    }
}

/// What a checker is given for one candidate: the tree, its text, and a cache for analyses
/// that several checkers share (scopes, logical lines).
public final class CheckContext {
    public let tree: Tree
    public var source: SourceText { tree.source }
    private var cache: [ObjectIdentifier: Any] = [:]
    /// What most checkers share (the node index and what is made from it, the physical lines),
    /// kept apart from `cache`: asked for by every checker, it is worth more than a dictionary
    /// look-up and a dynamic cast each time (and, a constant, more than a lazy property).
    let common: CommonAnalyses

    /// The first line the model wrote (1 when the prompt is unknown or counted): checkers that
    /// measure the candidate as a whole (comment density) measure from there.
    public let firstModelLine: Int

    public init(tree: Tree, firstModelLine: Int = 1) {
        self.tree = tree
        self.firstModelLine = firstModelLine
        common = CommonAnalyses(tree)  // (cheap: what it holds is made when first asked for)
    }

    /// A shared analysis, computed once per candidate.
    public func shared<T>(_ type: T.Type, _ make: () -> T) -> T {
        let key = ObjectIdentifier(type)
        if let v = cache[key] as? T { return v }
        let v = make()
        cache[key] = v
        return v
    }
}

/// A named Swift check, for what a tree-sitter query cannot say. Rule files invoke it with
/// `check: {checker: NAME, with: {...}}`; it runs once per candidate for all of them.
public protocol Checker: Sendable {
    /// The name rule files use.
    static var name: String { get }
    /// The parameters it reads (name → what it means); rule files may pass no others.
    static var parameters: [String: String] { get }
    init()
    /// Reports findings for each of `rules` (all of which name this checker).
    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void)
}

/// Every checker Fluke has, by name.
public enum CheckerRegistry {
    public static let all: [any Checker.Type] = lineCheckers + metricCheckers + llmCheckers + namingCheckers
        + docstringCheckers + pycodestyleCheckers + pyflakesCheckers + patternCheckers

    public static func checker(named name: String) -> (any Checker.Type)? {
        all.first { $0.name == name }
    }
}
