import Foundation
import Rules
import SyntaxTree

/// Checkers for rules that were tree-sitter queries and say exactly what those queries said
/// (the same findings on the same nodes). They are Swift because tree-sitter compiles a query
/// afresh on every run, and these patterns (nested parents such as `module`, alternations of
/// literals) were the costliest part of compiling the combined query.
let patternCheckers: [any Checker.Type] = [
    ModuleStatementChecker.self, MainGuardChecker.self, ElseAfterReturnChecker.self,
    ComparisonSingletonChecker.self, IsLiteralChecker.self, NamePatternChecker.self,
]

/// The nodes these checkers look at, found once per candidate (in the shared index).
final class PatternNodes {
    var comparisons: [Int] = []
    var elses: [Int] = []
    /// The names that functions, assignments, `for` targets and parameters bind (see
    /// `NamePatternChecker`).
    var boundNames: [Int] = []

    init(_ x: SyntaxIndex) {
        let symbols = x.symbol
        let identifier = Symbols.identifier
        func identifiers(in target: Int?, lists: SymbolSet) {
            guard let target else { return }
            if symbols[target] == identifier { boundNames.append(target); return }
            guard lists.contains(symbols[target]) else { return }
            for c in x.namedChildren(target) where symbols[c] == identifier { boundNames.append(c) }
        }
        boundNames.reserveCapacity(x.bindings.count)
        comparisons = x.comparisons
        elses = x.elseClauses
        let def = Symbols.functionDefinition, assignment = Symbols.assignment, forS = Symbols.forStatement
        let parameters = Self.parameters
        for n in x.bindings {
            let s = symbols[n]
            if s == def {
                identifiers(in: x.name(n), lists: Self.noLists)
            } else if s == assignment {
                identifiers(in: x.firstNamedChild(n), lists: Self.assignmentLists)
            } else if s == forS {
                identifiers(in: x.firstNamedChild(n), lists: Self.forLists)
            } else if s == parameters {
                for p in x.namedChildren(n) {
                    if symbols[p] == identifier { boundNames.append(p) }
                    else if symbols[p] == Symbols.defaultParameter || symbols[p] == Symbols.typedDefaultParameter {
                        identifiers(in: x.firstNamedChild(p), lists: Self.noLists)
                    } else if symbols[p] == Symbols.typedParameter {
                        identifiers(in: x.firstNamedChild(p), lists: Self.noLists)
                    }
                }
            }
        }
    }

    static let parameters = Symbols.named("parameters")
    static let noLists = SymbolSet(named: [])
    static let assignmentLists = SymbolSet(named: ["pattern_list", "tuple_pattern", "list_pattern"])
    static let forLists = SymbolSet(named: ["pattern_list", "tuple_pattern"])
}

/// Statements at module level, or directly in the body of a module-level `for` loop:
/// `assert` (`what: assert`) or a `print(…)` call statement (`what: print`; the call is
/// reported).
struct ModuleStatementChecker: Checker {
    static let name = "module-statement"
    static let parameters = ["what": "`assert` or `print`"]
    static let assertStatement = Symbols.named("assert_statement")

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard x.sym(0) == Symbols.module else { return }
        let top = x.namedChildren(0)
        for rule in rules {
            let print = rule.string("what") == "print"
            func visit(_ statement: Int) {
                if print {
                    guard x.sym(statement) == Symbols.expressionStatement else { return }
                    for c in x.namedChildren(statement) where x.sym(c) == Symbols.call {
                        if let f = x.firstNamedChild(c), x.sym(f) == Symbols.identifier, x.textIs(f, "print") {
                            report(rule.finding(x, c))
                        }
                    }
                } else if x.sym(statement) == Self.assertStatement {
                    report(rule.finding(x, statement))
                }
            }
            for s in top {
                visit(s)
                if x.sym(s) == Symbols.forStatement, let body = x.block(s) {
                    for t in x.namedChildren(body) { visit(t) }
                }
            }
        }
    }
}

/// `if __name__ == "__main__":` at module level: a comparison (any operator) with the
/// identifier `__name__` and the string `"__main__"` or `'__main__'`, in either order.
struct MainGuardChecker: Checker {
    static let name = "main-guard"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard x.sym(0) == Symbols.module else { return }
        for s in x.namedChildren(0) where x.sym(s) == Symbols.ifStatement {
            guard let c = x.firstNamedChild(s), x.sym(c) == Symbols.comparisonOperator else { continue }
            var name = false, main = false
            for o in x.namedChildren(c) {
                if x.sym(o) == Symbols.identifier, x.textIs(o, "__name__") { name = true }
                if x.sym(o) == Symbols.string, x.end(o) - x.start(o) == 10, Self.isMain(x.text(o)) { main = true }
            }
            if name && main { for rule in rules { report(rule.finding(x, s)) } }
        }
    }

    /// `^['"]__main__['"]$`
    static func isMain(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 10 && (b[0] == 0x22 || b[0] == 0x27) && (b[9] == 0x22 || b[9] == 0x27)
            && b[1..<9].elementsEqual("__main__".utf8)
    }
}

/// An `else` right after a branch whose block ends with `return`: the `if` branch, or the
/// last `elif` when there are some. (The query this replaced tried only the first `elif`, so
/// it missed an `else` after the last of several.) Comments after the `return` do not count.
struct ElseAfterReturnChecker: Checker {
    static let name = "else-after-return"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let nodes = context.patternNodes
        for e in nodes.elses {
            guard let p = x.parentOf(e), x.sym(p) == Symbols.ifStatement, let before = x.previousNamedSibling(e) else { continue }
            let block: Int?
            if x.sym(before) == Symbols.block {
                block = x.block(p).flatMap { $0 == before ? before : nil }
            } else if x.sym(before) == Symbols.elifClause {
                block = x.block(before)
            } else {
                block = nil
            }
            guard let block, x.sym(block) == Symbols.block,
                  let last = x.statements(block).last,
                  x.sym(last) == Symbols.returnStatement else { continue }
            for rule in rules { report(rule.finding(x, e)) }
        }
    }
}

/// `==` or `!=` with a singleton right before or after it (no other named node between):
/// `None` (`singleton: none`) or `True`/`False` (`singleton: bool`). The operator is
/// reported; `{singleton}` is the singleton's text (the one before, when both are).
struct ComparisonSingletonChecker: Checker {
    static let name = "comparison-singleton"
    static let parameters = ["singleton": "`none` or `bool`"]
    static let none = Symbols.named("none")
    static let bools = SymbolSet(named: ["true", "false"])
    static let equal = Symbols.anonymous("==")
    static let notEqual = Symbols.anonymous("!=")

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let nodes = context.patternNodes
        guard !nodes.comparisons.isEmpty else { return }
        let symbols = x.symbol, named = x.named
        let equal = Self.equal, notEqual = Self.notEqual, none = Self.none, bools = Self.bools
        // The `==` and `!=` operators, with the named nodes right before and after each.
        var operators: [(op: Int, before: Int?, after: Int?)] = []
        let next = x.next
        for c in nodes.comparisons {
            let e = Int(next[c])
            var lastNamed: Int? = nil
            var op = c + 1
            while op < e {
                if named[op] {
                    lastNamed = op
                } else if symbols[op] == equal || symbols[op] == notEqual {
                    var after = Int(next[op])
                    while after < e && !named[after] { after = Int(next[after]) }
                    operators.append((op, lastNamed, after < e ? after : nil))
                }
                op = Int(next[op])
            }
        }
        guard !operators.isEmpty else { return }
        for rule in rules {
            let wantsNone = rule.string("singleton") == "none"
            func isSingleton(_ n: Int?) -> Bool {
                guard let n else { return false }
                return wantsNone ? symbols[n] == none : bools.contains(symbols[n])
            }
            for (op, before, after) in operators {
                let singleton = isSingleton(before) ? before : isSingleton(after) ? after : nil
                guard let singleton else { continue }
                report(rule.finding(x, op, ["singleton": x.text(singleton)]))
            }
        }
    }
}

/// `is` or `is not` with a literal (a string that is not an f-string, a number, a list, dict,
/// set, comprehension, parenthesised number or string, or a tuple of constants) anywhere
/// among the comparison's operands. The comparison is reported; `{op}` is the operator.
struct IsLiteralChecker: Checker {
    static let name = "is-literal"
    static let parameters: [String: String] = [:]
    static let literals = SymbolSet(named: [
        "concatenated_string", "integer", "float", "list", "dictionary", "set",
        "list_comprehension", "dictionary_comprehension", "set_comprehension"])
    static let parenthesized = SymbolSet(named: ["integer", "float", "string", "concatenated_string"])
    static let fString = try! NSRegularExpression(pattern: "^[a-zA-Z]*[fF]")
    static let constantTuple = try! NSRegularExpression(
        pattern: "^[\\s(),]*(([0-9][0-9a-zA-Z_.]*|\"[^\"]*\"|'[^']*'|True|False|None)[\\s(),]*)*$")
    static let isOperator = Symbols.anonymous("is")
    static let isNotOperator = Symbols.anonymous("is not")

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// `fString` on a node's bytes: the letters it starts with include an `f` or `F`.
    static func startsFString(_ x: SyntaxIndex, _ n: Int) -> Bool {
        let bytes = x.source.bytes
        for i in x.start(n)..<x.end(n) {
            let b = bytes[i]
            if b == 0x66 || b == 0x46 { return true }
            guard (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) else { return false }
        }
        return false
    }

    static func isLiteral(_ x: SyntaxIndex, _ n: Int) -> Bool {
        let s = x.sym(n)
        if literals.contains(s) { return true }
        if s == Symbols.string {
            guard let start = x.firstChild(n, Symbols.stringStart) else { return false }
            return !startsFString(x, start)
        }
        if s == Symbols.parenthesizedExpression {
            return x.namedChildren(n).contains { parenthesized.contains(x.sym($0)) }
        }
        if s == Symbols.tuple { return matches(constantTuple, x.text(n)) }
        return false
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let nodes = context.patternNodes
        guard !nodes.comparisons.isEmpty else { return }
        let named = x.named, symbols = x.symbol
        let isOp = Self.isOperator, isNotOp = Self.isNotOperator
        for c in nodes.comparisons {
            let children = x.children(c)
            guard let op = children.first(where: { !named[$0] && (symbols[$0] == isOp || symbols[$0] == isNotOp) }),
                  children.contains(where: { named[$0] && Self.isLiteral(x, $0) }) else { continue }
            for rule in rules { report(rule.finding(x, c, ["op": x.text(op)])) }
        }
    }
}

/// Names bound by a function definition, an assignment (`x = …`, or a name directly in
/// `a, b = …`, `(a, b) = …`, `[a, b] = …`), a `for` target (`x`, `a, b`, `(a, b)`) or a
/// parameter (plain, with a default, typed) that do not match `pattern` (and are at least
/// `min-length` characters long). `{name}` is the name.
struct NamePatternChecker: Checker {
    static let name = "name-pattern"
    static let parameters = [
        "pattern": "regular expression the names must match",
        "min-length": "names shorter than this are not checked (default 1)",
    ]

    /// Answers per rule and name, for the whole run (names repeat across candidates).
    private let memo = SharedMemo<NameKey, Bool>(limit: 1 << 15)
    private struct NameKey: Hashable { var code: String, name: String }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let nodes = context.patternNodes
        guard !nodes.boundNames.isEmpty else { return }
        for rule in rules {
            guard let regex = rule.regex("pattern") else { continue }
            let minLength = rule.int("min-length") ?? 1
            let known = KnownNamePattern(rule.string("pattern"))
            let bytes = x.source.bytes
            for n in nodes.boundNames {
                if let known, let matches = known.matches(bytes[x.start(n)..<x.end(n)]) {
                    // ASCII: as many characters as bytes.
                    guard x.end(n) - x.start(n) >= minLength else { continue }
                    if !matches { report(rule.finding(x, n, ["name": x.text(n)])) }
                    continue
                }
                let text = x.text(n)
                guard text.unicodeScalars.count >= minLength else { continue }
                let matches = memo.value(NameKey(code: rule.code, name: text)) {
                    regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                }
                if !matches { report(rule.finding(x, n, ["name": text])) }
            }
        }
    }
}

/// The two patterns of Fluke's rules (FLP002's snake_case, FLP001's camelCase), answered
/// without the regular expression for names made only of ASCII letters, digits and `_` (the
/// expression's answer for them: no line terminator for `$` to stop before, and `[a-z]`,
/// `[A-Z]`, `[0-9]` are exactly the ASCII ranges).
enum KnownNamePattern {
    case snake  // ^[a-z]+(?:_[a-z]+)*$
    case camel  // ^[a-z]+(?:[A-Z][a-z0-9]*)*$

    init?(_ pattern: String?) {
        switch pattern {
        case "^[a-z]+(?:_[a-z]+)*$": self = .snake
        case "^[a-z]+(?:[A-Z][a-z0-9]*)*$": self = .camel
        default: return nil
        }
    }

    /// Whether `name` matches, or nil when it has a byte other than ASCII letters, digits and `_`.
    func matches(_ name: ArraySlice<UInt8>) -> Bool? {
        var result = !name.isEmpty
        var previous: UInt8 = 0x5F  // `_`: a name may not start like a word after `_`
        var sawUpper = false
        var first = true
        for b in name {
            let lower = b >= 0x61 && b <= 0x7A, upper = b >= 0x41 && b <= 0x5A
            let digit = b >= 0x30 && b <= 0x39, underscore = b == 0x5F
            guard lower || upper || digit || underscore else { return nil }
            switch self {
            case .snake:
                // Lowercase words joined by single `_`s.
                if !(lower || (underscore && previous != 0x5F && !first)) { result = false }
            case .camel:
                // Starts lowercase; then letters and digits, digits only after an uppercase one.
                if first && !lower { result = false }
                if underscore || (digit && !sawUpper) { result = false }
                if upper { sawUpper = true }
            }
            previous = b
            first = false
        }
        if self == .snake && previous == 0x5F { result = false }
        return result
    }
}
