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

/// The nodes these checkers look at, found in one walk per candidate.
final class PatternNodes {
    var comparisons: [Node] = []
    var elses: [Node] = []
    /// The names that functions, assignments, `for` targets and parameters bind (see
    /// `NamePatternChecker`).
    var boundNames: [Node] = []

    init(_ tree: Tree) {
        func identifiers(in target: Node?, lists: SymbolSet) {
            guard let target else { return }
            if target.symbol == Symbols.identifier { boundNames.append(target); return }
            guard lists.contains(target.symbol) else { return }
            for c in target.namedChildren where c.symbol == Symbols.identifier { boundNames.append(c) }
        }
        tree.forEachNode { n in
            let s = n.symbol
            if s == Symbols.comparisonOperator { comparisons.append(n) }
            else if s == Symbols.elseClause { elses.append(n) }
            else if s == Symbols.functionDefinition {
                identifiers(in: n.child(byField: "name"), lists: Self.noLists)
            } else if s == Symbols.assignment {
                identifiers(in: n.child(byField: "left"), lists: Self.assignmentLists)
            } else if s == Symbols.forStatement {
                identifiers(in: n.child(byField: "left"), lists: Self.forLists)
            } else if s == Self.parameters {
                for p in n.namedChildren {
                    if p.symbol == Symbols.identifier { boundNames.append(p) }
                    else if p.symbol == Symbols.defaultParameter || p.symbol == Symbols.typedDefaultParameter {
                        identifiers(in: p.child(byField: "name"), lists: Self.noLists)
                    } else if p.symbol == Symbols.typedParameter {
                        identifiers(in: p.namedChild(at: 0), lists: Self.noLists)
                    }
                }
            }
            return true
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
        let root = context.tree.root
        guard root.symbol == Symbols.module else { return }
        for rule in rules {
            let print = rule.string("what") == "print"
            func visit(_ statement: Node) {
                if print {
                    guard statement.symbol == Symbols.expressionStatement else { return }
                    for c in statement.namedChildren where c.symbol == Symbols.call {
                        if let f = c.child(byField: "function"), f.symbol == Symbols.identifier, f.text == "print" {
                            report(rule.finding(c))
                        }
                    }
                } else if statement.symbol == Self.assertStatement {
                    report(rule.finding(statement))
                }
            }
            for s in root.namedChildren {
                visit(s)
                if s.symbol == Symbols.forStatement, let body = s.child(byField: "body"), body.symbol == Symbols.block {
                    for t in body.namedChildren { visit(t) }
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
        let root = context.tree.root
        guard root.symbol == Symbols.module else { return }
        for s in root.namedChildren where s.symbol == Symbols.ifStatement {
            guard let c = s.child(byField: "condition"), c.symbol == Symbols.comparisonOperator else { continue }
            var name = false, main = false
            for o in c.namedChildren {
                if o.symbol == Symbols.identifier, o.text == "__name__" { name = true }
                if o.symbol == Symbols.string, Self.isMain(o.text) { main = true }
            }
            if name && main { for rule in rules { report(rule.finding(s)) } }
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
        let nodes = context.shared(PatternNodes.self) { PatternNodes(context.tree) }
        for e in nodes.elses {
            guard let p = e.parent, p.symbol == Symbols.ifStatement, let before = e.previousNamedSibling else { continue }
            let block: Node?
            if before.symbol == Symbols.block {
                block = p.child(byField: "consequence").flatMap { $0 == before ? before : nil }
            } else if before.symbol == Symbols.elifClause {
                block = before.child(byField: "consequence")
            } else {
                block = nil
            }
            guard let block, block.symbol == Symbols.block,
                  let last = block.namedChildren.last(where: { $0.symbol != Symbols.comment }),
                  last.symbol == Symbols.returnStatement else { continue }
            for rule in rules { report(rule.finding(e)) }
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

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let nodes = context.shared(PatternNodes.self) { PatternNodes(context.tree) }
        for rule in rules {
            let wantsNone = rule.string("singleton") == "none"
            func isSingleton(_ n: Node?) -> Bool {
                guard let n else { return false }
                return wantsNone ? n.symbol == Self.none : Self.bools.contains(n.symbol)
            }
            for c in nodes.comparisons {
                let children = c.children
                for (i, op) in children.enumerated() where !op.isNamed {
                    let k = op.kind
                    guard k == "==" || k == "!=" else { continue }
                    let before = children[..<i].last(where: { $0.isNamed })
                    let after = children[(i + 1)...].first(where: { $0.isNamed })
                    let singleton = isSingleton(before) ? before : isSingleton(after) ? after : nil
                    guard let singleton else { continue }
                    report(rule.finding(op, ["singleton": singleton.text]))
                }
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

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func isLiteral(_ n: Node) -> Bool {
        if literals.contains(n.symbol) { return true }
        if n.symbol == Symbols.string {
            guard let start = n.namedChildren.first(where: { $0.symbol == Symbols.stringStart }) else { return false }
            return !matches(fString, start.text)
        }
        if n.symbol == Symbols.parenthesizedExpression {
            return n.namedChildren.contains { parenthesized.contains($0.symbol) }
        }
        if n.symbol == Symbols.tuple { return matches(constantTuple, n.text) }
        return false
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let nodes = context.shared(PatternNodes.self) { PatternNodes(context.tree) }
        for c in nodes.comparisons {
            let children = c.children
            guard let op = children.first(where: { !$0.isNamed && ($0.kind == "is" || $0.kind == "is not") }),
                  children.contains(where: { $0.isNamed && Self.isLiteral($0) }) else { continue }
            for rule in rules { report(rule.finding(c, ["op": op.text])) }
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
    private let memo = NameMemo()

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let nodes = context.shared(PatternNodes.self) { PatternNodes(context.tree) }
        guard !nodes.boundNames.isEmpty else { return }
        for rule in rules {
            guard let regex = rule.regex("pattern") else { continue }
            let minLength = rule.int("min-length") ?? 1
            for n in nodes.boundNames {
                let text = n.text
                guard text.unicodeScalars.count >= minLength else { continue }
                let matches = memo.answer(rule.code, text) {
                    regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                }
                if !matches { report(rule.finding(n, ["name": text])) }
            }
        }
    }
}

/// Whether a name matched a rule's pattern, remembered for the run; safe to share between
/// threads; bounded.
final class NameMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [String: [String: Bool]] = [:]
    private var count = 0

    func answer(_ code: String, _ text: String, _ compute: () -> Bool) -> Bool {
        lock.lock()
        if let known = answers[code]?[text] { lock.unlock(); return known }
        lock.unlock()
        let result = compute()
        lock.lock()
        if count < 1 << 15 { answers[code, default: [:]][text] = result; count += 1 }
        lock.unlock()
        return result
    }
}
