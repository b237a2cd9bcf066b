import Foundation
import Rules
import SyntaxTree

/// Checkers for habits of model output (the `llm` rules, FLK…).
let llmCheckers: [any Checker.Type] = [
    ModuleLevelCallChecker.self, DebugPrintChecker.self, UnreachableCodeChecker.self,
    CommentedOutCodeChecker.self, UnusedLoopVariableChecker.self, RangeLenChecker.self,
    InconsistentReturnChecker.self,
]

enum LLM {
    /// Whether `node` is `if __name__ == "__main__":` (either order, either quotes).
    static func isMainGuard(_ node: Node) -> Bool {
        guard node.symbol == Symbols.ifStatement, let c = node.child(byField: "condition"),
              c.symbol == Symbols.comparisonOperator else { return false }
        let parts = c.namedChildren.map { $0.text.replacingOccurrences(of: "'", with: "\"") }
        return parts.count == 2 && Set(parts) == ["__name__", "\"__main__\""]
    }

    /// The nearest enclosing function definition.
    static func enclosingFunction(_ node: Node) -> Node? {
        var p = node.parent
        while let n = p {
            if n.symbol == Symbols.functionDefinition { return n }
            p = n.parent
        }
        return nil
    }

    /// Whether a subtree has an identifier with this text.
    static func uses(_ name: String, in node: Node?) -> Bool {
        guard let node else { return false }
        var found = false
        node.forEachDescendant { n in
            if found { return false }
            if n.symbol == Symbols.identifier, n.text == name { found = true }
            return true
        }
        return found
    }
}

/// Calls, in module-level code, of functions the module defines: driver code left behind.
/// Code under `if __name__ == "__main__":` is left to the main-guard rule.
struct ModuleLevelCallChecker: Checker {
    static let name = "module-level-call"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let top = context.tree.root.namedChildren
        var defined = Set<String>()
        for s in top {
            let d = PyStatement.unwrap(s)
            if d.symbol == Symbols.functionDefinition, let n = d.child(byField: "name") { defined.insert(n.text) }
        }
        guard !defined.isEmpty else { return }
        for s in top {
            let d = PyStatement.unwrap(s)
            if d.symbol == Symbols.functionDefinition || d.symbol == Symbols.classDefinition || LLM.isMainGuard(d) { continue }
            s.forEachDescendant { n in
                if n.symbol == Symbols.functionDefinition || n.symbol == Symbols.classDefinition || n.symbol == Symbols.lambda {
                    return false
                }
                if n.symbol == Symbols.call, let f = n.child(byField: "function"), f.symbol == Symbols.identifier,
                   defined.contains(f.text) {
                    for rule in rules { report(rule.finding(n, ["name": f.text])) }
                }
                return true
            }
        }
    }
}

/// `print(…)` statements inside functions, except in functions whose name says printing is
/// their job (`allowed-functions`, a regular expression).
struct DebugPrintChecker: Checker {
    static let name = "debug-print"
    static let parameters = ["allowed-functions": "regular expression for names of functions that may print"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        for rule in rules {
            let allowed = rule.regex("allowed-functions")
            context.tree.forEachNode { n in
                guard n.symbol == Symbols.expressionStatement, let call = n.namedChild(at: 0), call.symbol == Symbols.call,
                      let f = call.child(byField: "function"), f.symbol == Symbols.identifier, f.text == "print",
                      let fn = LLM.enclosingFunction(n) else { return true }
                let name = fn.child(byField: "name")?.text ?? ""
                if let allowed, allowed.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil {
                    return true
                }
                report(rule.finding(call, ["name": name]))
                return true
            }
        }
    }
}

/// The first statement after `return`, `raise`, `continue` or `break` in the same block.
struct UnreachableCodeChecker: Checker {
    static let name = "unreachable-code"
    static let parameters: [String: String] = [:]
    static let jumps = SymbolSet(named: ["return_statement", "raise_statement", "continue_statement", "break_statement"])

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        context.tree.forEachNode { n in
            guard n.symbol == Symbols.block || n.symbol == Symbols.module else { return true }
            let stmts = statements(of: n)
            if let i = stmts.firstIndex(where: { Self.jumps.contains($0.symbol) }), i + 1 < stmts.count {
                let jump = stmts[i].kind.replacingOccurrences(of: "_statement", with: "")
                for rule in rules { report(rule.finding(stmts[i + 1], ["after": jump])) }
            }
            return true
        }
    }
}

/// Own-line comments whose text parses as Python code: a statement other than a bare
/// expression (unless it is a call) or an annotation without a value.
struct CommentedOutCodeChecker: Checker {
    static let name = "commented-out-code"
    static let parameters: [String: String] = [:]
    static let pragmas = ["noqa", "type:", "pylint:", "fmt:", "ruff:", "isort:", "pragma", "-*-", "!", "mypy:", "pyright:"]

    static func isCode(_ text: String, parser: PythonParser) -> Bool {
        var t = text.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || pragmas.contains(where: { t.lowercased().hasPrefix($0) }) { return false }
        if t.hasSuffix(":") { t += " pass" }
        guard let tree = try? parser.parse(t), !tree.hasSyntaxErrors else { return false }
        let stmts = statements(of: tree.root)
        guard !stmts.isEmpty else { return false }
        for s in stmts {
            switch s.symbol {
            case Symbols.expressionStatement:
                guard let e = s.namedChild(at: 0) else { return false }
                if e.symbol == Symbols.assignment {
                    if e.child(byField: "right") == nil { return false }  // `Note: text` is an annotation
                } else if e.symbol != Symbols.call && e.symbol != Symbols.augmentedAssignment && e.kind != "await" {
                    return false
                }
            case Symbols.printStatement, Symbols.execStatement: return false  // `print foo` is prose more often than code
            default: break
            }
        }
        return true
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        guard let parser = try? PythonParser() else { return }
        let source = context.source
        context.tree.forEachNode { n in
            guard n.symbol == Symbols.comment else { return true }
            let line = source.text(ofLine: n.start.line)
            guard line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") else { return true }
            if Self.isCode(n.text, parser: parser) {
                for rule in rules { report(rule.finding(n)) }
            }
            return true
        }
    }
}

/// `for` targets never used in the loop's body (names starting with `_` excepted), as
/// flake8-bugbear's B007.
struct UnusedLoopVariableChecker: Checker {
    static let name = "unused-loop-variable"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        context.tree.forEachNode { n in
            guard n.symbol == Symbols.forStatement, let left = n.child(byField: "left"),
                  let body = n.child(byField: "body") else { return true }
            var names: [Node] = []
            if left.symbol == Symbols.identifier { names = [left] } else {
                left.forEachDescendant { d in
                    if d.symbol == Symbols.identifier, d.parent?.symbol != Symbols.attribute, d.parent?.symbol != Symbols.subscriptNode {
                        names.append(d)
                    }
                    return d.symbol != Symbols.attribute && d.symbol != Symbols.subscriptNode
                }
            }
            for id in names where !id.text.hasPrefix("_") && !LLM.uses(id.text, in: body) {
                for rule in rules { report(rule.finding(id, ["name": id.text])) }
            }
            return true
        }
    }
}

/// `for i in range(len(x)):` whose body indexes `x[i]`: `enumerate` fits (Pylint's C0200).
struct RangeLenChecker: Checker {
    static let name = "range-len"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        context.tree.forEachNode { n in
            guard n.symbol == Symbols.forStatement, let left = n.child(byField: "left"), left.symbol == Symbols.identifier,
                  let right = n.child(byField: "right"), right.symbol == Symbols.call,
                  right.child(byField: "function")?.text == "range",
                  let args = right.child(byField: "arguments")?.namedChildren, args.count == 1,
                  args[0].symbol == Symbols.call, args[0].child(byField: "function")?.text == "len",
                  let inner = args[0].child(byField: "arguments")?.namedChildren, inner.count == 1,
                  let body = n.child(byField: "body") else { return true }
            let seq = inner[0].text, index = left.text
            var indexed = false
            body.forEachDescendant { d in
                if indexed { return false }
                if d.symbol == Symbols.subscriptNode, d.child(byField: "value")?.text == seq,
                   d.children(byField: "subscript").count == 1, d.child(byField: "subscript")?.text == index {
                    indexed = true
                }
                return true
            }
            if indexed { for rule in rules { report(rule.finding(right, ["seq": seq, "index": index])) } }
            return true
        }
    }
}

/// Functions where some `return` gives a value and another path gives none: a bare `return`,
/// or the end of the body reached (Pylint's R1710). Generators are skipped.
struct InconsistentReturnChecker: Checker {
    static let name = "inconsistent-return"
    static let parameters: [String: String] = [:]

    /// Whether control never reaches the end of these statements.
    static func endsAbruptly(_ stmts: [Node]) -> Bool {
        guard let last = stmts.last.map(PyStatement.unwrap) else { return false }
        switch last.symbol {
        case Symbols.returnStatement, Symbols.raiseStatement: return true
        case Symbols.expressionStatement:
            guard let c = last.namedChild(at: 0), c.symbol == Symbols.call,
                  let f = c.child(byField: "function")?.text else { return false }
            return ["sys.exit", "exit", "quit", "os._exit", "os.abort"].contains(f)
        case Symbols.ifStatement:
            guard let e = PyStatement.elseClause(last) else { return false }
            return endsAbruptly(statements(of: last.child(byField: "consequence")))
                && PyStatement.elifs(last).allSatisfy { endsAbruptly(statements(of: PyStatement.clauseBlock($0))) }
                && endsAbruptly(statements(of: PyStatement.clauseBlock(e)))
        case Symbols.whileStatement:
            guard let c = last.child(byField: "condition")?.text, c == "True" || c == "1" else { return false }
            return !breaks(last.child(byField: "body"))
        case Symbols.withStatement:
            return endsAbruptly(statements(of: last.child(byField: "body")))
        case Symbols.tryStatement:
            if let f = PyStatement.finallyClause(last), endsAbruptly(statements(of: PyStatement.clauseBlock(f))) { return true }
            let main = PyStatement.elseClause(last).map { statements(of: PyStatement.clauseBlock($0)) }
                .flatMap { $0.isEmpty ? nil : $0 }
            let bodyEnds = endsAbruptly(statements(of: last.child(byField: "body"))) || (main.map(endsAbruptly) ?? false)
            return bodyEnds && PyStatement.handlers(last).allSatisfy { endsAbruptly(statements(of: PyStatement.clauseBlock($0))) }
        case Symbols.matchStatement:
            let cases = PyStatement.cases(last)
            guard let l = cases.last, PyStatement.isIrrefutable(l) else { return false }
            return cases.allSatisfy { endsAbruptly(statements(of: PyStatement.clauseBlock($0))) }
        default: return false
        }
    }

    /// Loops, functions and classes: a `break` inside belongs to them.
    static let ownScopes = SymbolSet(named: ["for_statement", "while_statement", "function_definition", "class_definition", "lambda"])

    /// Whether a loop body has a `break` of its own (not in a nested loop or function).
    static func breaks(_ body: Node?) -> Bool {
        var found = false
        body?.forEachDescendant { n in
            if found { return false }
            if n.symbol == Symbols.breakStatement { found = true }
            return !Self.ownScopes.contains(n.symbol)
        }
        return found
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        for fn in context.functions {
            var returns: [Node] = []
            var generator = false
            FunctionCountsChecker.walkOwnBody(fn) { n in
                if n.symbol == Symbols.returnStatement { returns.append(n) }
                if n.kind == "yield" { generator = true }
            }
            guard !generator, returns.contains(where: { $0.namedChildCount > 0 }) else { continue }
            let bare = returns.contains { $0.namedChildCount == 0 }
            guard bare || !Self.endsAbruptly(statements(of: fn.child(byField: "body"))) else { continue }
            let name = fn.child(byField: "name")?.text ?? ""
            for rule in rules { report(rule.finding(fn.start, fn.start, ["name": name])) }
        }
    }
}
