import Candidates
@_exported import Checkers
import Foundation
import Rules
import SyntaxTree

/// Runs a set of rules on syntax trees: every query rule in one pass over the tree (their
/// patterns are compiled into a single query), then each named checker once for all the rules
/// that use it; then `# noqa` comments.
///
/// A linter is immutable and can be shared between threads.
public final class Linter: @unchecked Sendable {
    /// The selected rules, with their options.
    public let rules: [ActiveRule]
    private let query: Query?
    /// For each pattern of `query`, the index in `rules` of the rule it belongs to.
    private let patternRule: [Int]
    /// Each checker, and (at the same index) its rules: apart, not copied out of a tuple for
    /// every checker of every candidate.
    private let checkers: [any Checker]
    private let checkerRules: [[ActiveRule]]
    /// The index of the `@report` capture in `query`, if any pattern has one.
    private let reportCapture: Int?
    /// Per rule: whether its message has `{placeholders}` (only then are capture texts needed).
    private let messageTakesValues: [Bool]
    /// Per rule: the index of the first rule with its code (findings are unique per code and place).
    private let codeIndex: [Int]
    /// `LintResult.adherence` and `.profiles` of a candidate with no finding: every code and
    /// every profile true.
    let adherenceWhenClean: [String: Bool]
    let profilesWhenClean: [String: Bool]
    /// The profiles each code belongs to.
    let profilesOfCode: [String: [String]]
    /// `adherence` and `profiles` already made, by the sorted codes that fail: candidates often
    /// fail the same few rules, and a dictionary handed out again is one retain.
    let verdicts = SharedMemo<[String], (adherence: [String: Bool], profiles: [String: Bool])>(limit: 4096)

    /// - Parameters:
    ///   - rules: the rules to run.
    ///   - options: per rule code, option values that replace the defaults (already validated).
    public init(rules: [Rule], options: [String: [String: OptionValue]] = [:]) throws(RuleError) {
        var active: [ActiveRule] = []
        for rule in rules {
            var values = Dictionary(uniqueKeysWithValues: rule.options.map { ($0.name, $0.defaultValue) })
            for (k, v) in options[rule.code] ?? [:] { values[k] = v }
            active.append(ActiveRule(rule: rule, options: values))
        }
        self.rules = active
        var text = ""
        var ruleStarts: [(offset: Int, rule: Int)] = []  // where each rule's patterns start in `text`
        var byChecker: [String: [ActiveRule]] = [:]
        var checkerOrder: [String] = []
        for (i, a) in active.enumerated() {
            switch a.rule.check {
            case .query(let q):
                ruleStarts.append((text.utf8.count, i))
                text += Linter.substitute(q, a.options) + "\n"
            case .checker(let name, let parameters):
                guard let type = CheckerRegistry.checker(named: name) else {
                    throw RuleError(file: a.rule.file, message: "unknown checker `\(name)` (known: "
                        + CheckerRegistry.all.map { $0.name }.sorted().joined(separator: ", ") + ")")
                }
                for p in parameters.keys.sorted() where type.parameters[p] == nil {
                    throw RuleError(file: a.rule.file, message: "checker `\(name)` has no parameter `\(p)` (it takes: "
                        + type.parameters.keys.sorted().joined(separator: ", ") + ")")
                }
                if byChecker[name] == nil { checkerOrder.append(name) }
                byChecker[name, default: []].append(a)
            }
        }
        // All query rules compile into one query (one pass over each tree); a pattern belongs to
        // the rule whose text it starts in. Only when that fails is each rule compiled alone, to
        // name the one at fault.
        var patternRule: [Int] = []
        if text.isEmpty {
            query = nil
        } else {
            // Fluke's own rules are checked by tree-sitter in its tests (`QueryPatternsTests`): their
            // query is compiled here without it, which costs about as much as linting a hundred
            // candidates. Rules from other folders are checked as they load.
            let builtin = RuleCatalog.builtinDirectory().map { URL(fileURLWithPath: $0).standardized.path + "/" }
            let checked = ruleStarts.contains { _, i in
                guard let builtin else { return true }
                return !URL(fileURLWithPath: active[i].rule.file).standardized.path.hasPrefix(builtin)
            }
            do {
                let q = try Query(text, checkedByTreeSitter: checked)
                var r = 0
                for p in 0..<q.patternCount {
                    let start = q.startByte(ofPattern: p)
                    while r + 1 < ruleStarts.count && ruleStarts[r + 1].offset <= start { r += 1 }
                    patternRule.append(ruleStarts[r].rule)
                }
                query = q
            } catch {
                for (_, i) in ruleStarts {
                    guard case .query(let q) = active[i].rule.check else { continue }
                    do { _ = try Query(Linter.substitute(q, active[i].options)) } catch {
                        let line = active[i].rule.checkLine.map { $0 + error.line }
                        throw RuleError(file: active[i].rule.file, line: line,
                                        message: "the query does not compile: \(error.message)")
                    }
                }
                throw RuleError(file: "rules", message: "the combined query does not compile: \(error)")
            }
        }
        self.patternRule = patternRule
        reportCapture = query?.captureNames.firstIndex(of: "report")
        messageTakesValues = active.map { $0.rule.message.contains("{") }
        var firstOfCode: [String: Int] = [:]
        codeIndex = active.enumerated().map { i, a in
            if let first = firstOfCode[a.code] { return first }
            firstOfCode[a.code] = i
            return i
        }
        var adherence: [String: Bool] = [:], profiles: [String: Bool] = [:], profilesOfCode: [String: [String]] = [:]
        for a in active {
            adherence[a.code] = true
            for p in a.rule.profiles {
                profiles[p] = true
                profilesOfCode[a.code, default: []].append(p)
            }
        }
        adherenceWhenClean = adherence
        profilesWhenClean = profiles
        self.profilesOfCode = profilesOfCode
        checkers = checkerOrder.map { name in CheckerRegistry.checker(named: name)!.init() }
        checkerRules = checkerOrder.map { name in byChecker[name]! }
    }

    static func substitute(_ query: String, _ options: [String: OptionValue]) -> String {
        guard query.contains("{") else { return query }
        var out = query
        for (name, value) in options {
            let rendered: String
            if case .strings(let list) = value {
                rendered = list.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")
            } else {
                rendered = value.description
            }
            out = out.replacingOccurrences(of: "{\(name)}", with: rendered)
        }
        return out
    }

    /// The findings for one tree, in order of place then code, with `# noqa` applied.
    /// `firstModelLine` marks findings before it as being in the prompt.
    public func findings(in tree: Tree, firstModelLine: Int = 1) -> [Finding] {
        var out: [Finding] = []
        /// A rule (by `codeIndex`) and where it found something.
        struct Place: Hashable { var rule: Int, line: Int, column: Int }
        var seen = Set<Place>()
        if let query {
            query.forEachMatch(in: tree.root) { match in
                let ruleIndex = patternRule[match.patternIndex]
                let active = rules[ruleIndex]
                guard let node = match.captures.first(where: { $0.index == reportCapture })?.node
                        ?? match.captures.first?.node else { return }
                var values: [String: String] = [:]
                if messageTakesValues[ruleIndex] {
                    for c in match.captures where values[c.name] == nil { values[c.name] = c.node.text }
                }
                let f = active.finding(node, values)
                // One finding per rule and place, however many patterns matched there.
                if seen.insert(Place(rule: codeIndex[ruleIndex], line: f.start.line, column: f.start.column)).inserted {
                    out.append(f)
                }
            }
        }
        let context = CheckContext(tree: tree, firstModelLine: firstModelLine)
        for i in checkers.indices {
            checkers[i].check(context, rules: checkerRules[i]) { out.append($0) }
        }
        let noqa = NoQA(tree: tree)
        if !noqa.isEmpty { out = out.filter { !noqa.suppresses($0) } }
        for i in out.indices { out[i].inPrompt = (out[i].bodyEnd ?? out[i].start).line < firstModelLine }
        // (start, code) order; codes are compared only at the same start. In place: a sorted
        // copy would copy (retain) every finding.
        out.sort { a, b in a.start != b.start ? a.start < b.start : a.code < b.code }
        return out
    }
}

/// `# noqa` comments, as Flake8 and Ruff read them: `# noqa` on a line suppresses every finding
/// that starts there; `# noqa: E501, W291` only those codes (or codes that start with them).
struct NoQA {
    /// Per line: nil for a bare `# noqa`, else the codes.
    private var lines: [Int: [String]?] = [:]

    /// Whether no comment suppresses anything.
    var isEmpty: Bool { lines.isEmpty }

    static let pattern = try! NSRegularExpression(
        pattern: #"#\s*noqa(?::[\s]?(?<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?"#, options: [.caseInsensitive])

    init(tree: Tree) {
        guard NoQA.mayContainNoQA(tree.source.bytes) else { return }
        tree.forEachNode { node in
            guard node.symbol == Symbols.comment else { return true }
            let text = node.text
            guard text.range(of: "noqa", options: .caseInsensitive) != nil,
                  let m = NoQA.pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
                return true
            }
            let line = node.start.line
            if let r = Range(m.range(withName: "codes"), in: text) {
                let codes = text[r].split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map { String($0).uppercased() }
                if case .some(.some(let existing)) = lines[line] { lines[line] = existing + codes }
                else if lines[line] == nil { lines[line] = .some(codes) }
            } else {
                lines[line] = .some(nil)
            }
            return true
        }
    }

    /// Whether "noqa" (in any case) occurs in `bytes`: when it does not, no comment can
    /// suppress anything and the tree need not be searched.
    static func mayContainNoQA(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            guard b.count >= 4, let base = b.baseAddress else { return false }
            // Each "q" or "Q" (rare in Python) found with memchr, then its neighbours tested.
            for q in [UInt8(0x71), 0x51] {
                var i = 2
                while i < b.count - 1,
                      let hit = memchr(base + i, Int32(q), b.count - 1 - i) {
                    let j = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if b[j - 2] | 0x20 == 0x6E && b[j - 1] | 0x20 == 0x6F && b[j + 1] | 0x20 == 0x61 {  // n o _ a
                        return true
                    }
                    i = j + 1
                }
            }
            return false
        }
    }

    func suppresses(_ f: Finding) -> Bool {
        guard let entry = lines[f.start.line] else { return false }
        guard let codes = entry else { return true }
        return codes.contains { f.code.hasPrefix($0) }
    }
}
