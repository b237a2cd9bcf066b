import Foundation
import Rules
import SyntaxTree

/// Checkers that measure: function length, comment density, complexity, counts, nesting.
let metricCheckers: [any Checker.Type] = [
    FunctionLengthChecker.self, CommentDensityChecker.self, McCabeChecker.self,
    FunctionCountsChecker.self, NestingDepthChecker.self,
]

/// Every function and class definition (nested ones included), found in one walk.
final class DefinitionsBox {
    var functions: [Node] = []
    var classes: [Node] = []
    init(_ tree: Tree) {
        tree.forEachNode { node in
            if node.symbol == CheckerSymbols.functionDefinition {
                functions.append(node)
            } else if node.symbol == CheckerSymbols.classDefinition {
                classes.append(node)
            }
            return true
        }
    }
}

extension CheckContext {
    /// Every `def` of the candidate, in order, found once (with the classes, in one walk) for all
    /// the checkers that need them.
    var functions: [Node] { shared(DefinitionsBox.self) { DefinitionsBox(tree) }.functions }
    /// Every `class` of the candidate, in order.
    var classes: [Node] { shared(DefinitionsBox.self) { DefinitionsBox(tree) }.classes }
}

enum CheckerSymbols {
    static let functionDefinition = Symbols.named("function_definition")
    static let classDefinition = Symbols.named("class_definition")
    static let lambda = Symbols.named("lambda")
}

/// Functions longer than `max` lines, from the `def` line to the last line of the body (the
/// paper's convention: functions of at most 30 lines).
struct FunctionLengthChecker: Checker {
    static let name = "function-length"
    static let parameters = ["max": "most lines a function may span"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let fns = context.functions
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            for fn in fns {
                let start = fn.parent?.symbol == Symbols.decoratedDefinition ? fn.parent!.start : fn.start
                var end = fn.end
                if end.column == 1 && end.line > start.line { end.line -= 1 }
                let length = end.line - start.line + 1
                guard length > max, let name = fn.child(byField: "name") else { continue }
                var f = rule.finding(name, ["name": name.text, "length": String(length), "max": String(max)])
                f.bodyEnd = Location(end)
                report(f)
            }
        }
    }
}

/// Too few comments: comment lines / code lines below `min` (the paper's convention, 0.75,
/// after RACE's metric). A comment line holds a `#` comment (alone or after code); a code line
/// is a non-blank line that is not only a comment. Only the lines the model wrote count (all of
/// them when the prompt is unknown or counted); reported once, at the first of them.
struct CommentDensityChecker: Checker {
    static let name = "comment-density"
    static let parameters = ["min": "least comment lines per code line"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        var commentLines = Set<Int>()
        context.tree.forEachNode { node in
            if node.symbol == Symbols.comment { commentLines.insert(node.start.line) }
            return true
        }
        commentLines = commentLines.filter { $0 >= context.firstModelLine }
        var codeLines = 0
        let lines = context.byteLines
        for (i, range) in lines.ranges.enumerated() where i + 1 >= context.firstModelLine {
            var j = range.lowerBound
            while j < range.upperBound && (lines.bytes[j] == 0x20 || lines.bytes[j] == 0x09) { j += 1 }
            if j == range.upperBound { continue }
            if lines.bytes[j] == 0x23 && commentLines.contains(i + 1) { continue }
            codeLines += 1
        }
        guard codeLines > 0 else { return }
        let density = Double(commentLines.count) / Double(codeLines)
        for rule in rules {
            guard let least = rule.double("min"), density < least else { continue }
            let line = Swift.min(context.firstModelLine, lines.ranges.count)
            let p = SourcePosition(line: line, column: 1, offset: lines.ranges[line - 1].lowerBound)
            report(rule.finding(p, p, ["density": String(format2(density)), "min": String(least),
                                       "comments": String(commentLines.count), "code": String(codeLines)]))
        }
    }
}

func format2(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    return String(r)
}

/// The statements of a block (its named children, comments left out), or of a clause's block.
func statements(of block: Node?) -> [Node] {
    guard let block else { return [] }
    return block.namedChildren.filter { $0.symbol != Symbols.comment }
}

/// A statement's parts as Python's AST has them, for the metric checkers.
enum PyStatement {
    /// The definition under a `decorated_definition`, else the node.
    static func unwrap(_ node: Node) -> Node {
        node.symbol == Symbols.decoratedDefinition ? (node.child(byField: "definition") ?? node) : node
    }

    /// The block of a clause (`else`, `elif`, `except`, `finally`, `case`).
    static func clauseBlock(_ clause: Node) -> Node? {
        clause.child(byField: "body") ?? clause.child(byField: "consequence")
            ?? clause.namedChildren.last { $0.symbol == Symbols.block }
    }

    /// The `else` clause of a `for`, `while` or `try`, or of an `if` (nil for none).
    static func elseClause(_ node: Node) -> Node? {
        node.namedChildren.first { $0.symbol == Symbols.elseClause }
    }

    static func elifs(_ node: Node) -> [Node] { node.namedChildren.filter { $0.symbol == Symbols.elifClause } }

    static func handlers(_ node: Node) -> [Node] {
        node.namedChildren.filter { $0.symbol == Symbols.exceptClause || $0.symbol == Symbols.exceptGroupClause }
    }

    static func finallyClause(_ node: Node) -> Node? { node.namedChildren.first { $0.symbol == Symbols.finallyClause } }

    static func cases(_ match: Node) -> [Node] {
        (match.child(byField: "body")?.namedChildren ?? match.namedChildren).filter { $0.symbol == Symbols.caseClause }
    }

    /// Whether a `case` always matches: no guard, and a wildcard or capture pattern (or an `as`
    /// or `|` pattern around one), as Ruff's `is_irrefutable`.
    static func isIrrefutable(_ clause: Node) -> Bool {
        if clause.child(byField: "guard") != nil { return false }
        let patterns = clause.namedChildren.filter { $0.symbol == Symbols.casePattern }
        guard patterns.count == 1 else { return false }
        return irrefutablePattern(patterns[0])
    }

    static func irrefutablePattern(_ p: Node) -> Bool {
        let kids = p.namedChildren.filter { $0.symbol != Symbols.comment }
        if p.symbol == Symbols.casePattern {
            if kids.isEmpty { return p.text == "_" }
            guard kids.count == 1 else { return false }
            return irrefutablePattern(kids[0])
        }
        switch p.symbol {
        case Symbols.dottedName: return kids.count == 1
        case Symbols.identifier: return true
        case Symbols.asPattern: return kids.first.map(irrefutablePattern) ?? false
        case Symbols.unionPattern:
            return p.text.split(separator: "|").contains { $0.trimmingCharacters(in: .whitespaces) == "_" }
                || kids.contains(where: irrefutablePattern)
        default: return false
        }
    }
}

/// C901: McCabe complexity above `max`, counted as the mccabe plugin and Ruff count it, over
/// statements: 1 for the function; +1 per `if`, `elif`, `for`, `while`, `except` handler, `case`
/// (less one when the last case is irrefutable), `try … else`, and nested `def` (whose body counts
/// into its parent as well as on its own); class bodies count into the enclosing function.
/// `else` of loops, `with`, boolean operators, conditional expressions, comprehensions and lambdas
/// add nothing.
struct McCabeChecker: Checker {
    static let name = "mccabe"
    static let parameters = ["max": "most complexity allowed"]

    static func complexity(_ stmts: [Node]) -> Int {
        var c = 0
        for raw in stmts {
            let s = PyStatement.unwrap(raw)
            switch s.symbol {
            case Symbols.ifStatement:
                c += 1 + complexity(statements(of: s.child(byField: "consequence")))
                for e in PyStatement.elifs(s) { c += 1 + complexity(statements(of: PyStatement.clauseBlock(e))) }
                if let e = PyStatement.elseClause(s) { c += complexity(statements(of: PyStatement.clauseBlock(e))) }
            case Symbols.forStatement, Symbols.whileStatement:
                c += 1 + complexity(statements(of: s.child(byField: "body")))
                if let e = PyStatement.elseClause(s) { c += complexity(statements(of: PyStatement.clauseBlock(e))) }
            case Symbols.withStatement:
                c += complexity(statements(of: s.child(byField: "body")))
            case Symbols.matchStatement:
                let cases = PyStatement.cases(s)
                for k in cases { c += 1 + complexity(statements(of: PyStatement.clauseBlock(k))) }
                if let last = cases.last, PyStatement.isIrrefutable(last) { c -= 1 }
            case Symbols.tryStatement:
                c += complexity(statements(of: s.child(byField: "body")))
                if let e = PyStatement.elseClause(s) { c += 1 + complexity(statements(of: PyStatement.clauseBlock(e))) }
                if let f = PyStatement.finallyClause(s) { c += complexity(statements(of: PyStatement.clauseBlock(f))) }
                for h in PyStatement.handlers(s) { c += 1 + complexity(statements(of: PyStatement.clauseBlock(h))) }
            case Symbols.functionDefinition:
                c += 1 + complexity(statements(of: s.child(byField: "body")))
            case Symbols.classDefinition:
                c += complexity(statements(of: s.child(byField: "body")))
            default:
                break
            }
        }
        return c
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let fns = context.functions
        let scores = fns.map { 1 + Self.complexity(statements(of: $0.child(byField: "body"))) }
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            for (fn, c) in zip(fns, scores) where c > max {
                guard let name = fn.child(byField: "name") else { continue }
                var f = rule.finding(name, ["name": name.text, "complexity": String(c), "max": String(max)])
                f.bodyEnd = Location(fn.end)
                report(f)
            }
        }
    }
}

/// Pylint's per-function counts as Ruff computes them (PLR0911, PLR0912, PLR0913, PLR0915):
/// `count` is `returns`, `branches`, `arguments` or `statements`, reported above `max` at the
/// function's name.
struct FunctionCountsChecker: Checker {
    static let name = "function-counts"
    static let parameters = [
        "count": "returns, branches, arguments or statements", "max": "most allowed",
        "dummy-variable-rgx": "arguments: names that do not count",
    ]

    static func count(_ what: String, in fn: Node, dummy: NSRegularExpression? = nil) -> Int? {
        let body = statements(of: fn.child(byField: "body"))
        switch what {
        case "arguments": return arguments(fn, dummy: dummy)
        case "returns":
            var n = 0
            walkOwnBody(fn) { if $0.symbol == Symbols.returnStatement { n += 1 } }
            return n
        case "branches": return branches(body)
        case "statements": return statementCount(body)
        default: return 0
        }
    }

    /// Ruff's `num_branches`: `if` 1 (+1 per `elif` and `else`), `for`/`while` 1 (+1 for `else`),
    /// each `except` 1, `try`'s `else` and `finally` 1 each, each `case` 1; `with` bodies count;
    /// nested functions and classes do not.
    static func branches(_ stmts: [Node]) -> Int {
        var n = 0
        for raw in stmts {
            let s = PyStatement.unwrap(raw)
            switch s.symbol {
            case Symbols.ifStatement:
                n += 1 + branches(statements(of: s.child(byField: "consequence")))
                for e in PyStatement.elifs(s) { n += 1 + branches(statements(of: PyStatement.clauseBlock(e))) }
                if let e = PyStatement.elseClause(s) { n += 1 + branches(statements(of: PyStatement.clauseBlock(e))) }
            case Symbols.matchStatement:
                for k in PyStatement.cases(s) { n += 1 + branches(statements(of: PyStatement.clauseBlock(k))) }
            case Symbols.withStatement:
                n += branches(statements(of: s.child(byField: "body")))
            case Symbols.forStatement, Symbols.whileStatement:
                n += 1 + branches(statements(of: s.child(byField: "body")))
                if let e = PyStatement.elseClause(s) { n += 1 + branches(statements(of: PyStatement.clauseBlock(e))) }
            case Symbols.tryStatement:
                n += branches(statements(of: s.child(byField: "body")))
                if let e = PyStatement.elseClause(s) { n += 1 + branches(statements(of: PyStatement.clauseBlock(e))) }
                if let f = PyStatement.finallyClause(s) { n += 1 + branches(statements(of: PyStatement.clauseBlock(f))) }
                for h in PyStatement.handlers(s) { n += 1 + branches(statements(of: PyStatement.clauseBlock(h))) }
            default: break
            }
        }
        return n
    }

    /// Ruff's `num_statements` (after Pylint): every statement 1, `return` 0; `if` 1 (+1 per
    /// `elif`/`else`); `for` 0 and `while` 1 (bodies and `else` bodies count); `with` 1; `match`
    /// 1 (+1 per case); `try` 1, `else` +1, `finally` +2, +1 when there are several handlers,
    /// +1 per handler; nested `def` 1 plus its body; nested `class` 1 (its body does not count).
    static func statementCount(_ stmts: [Node]) -> Int {
        var n = 0
        for raw in stmts {
            let s = PyStatement.unwrap(raw)
            switch s.symbol {
            case Symbols.ifStatement:
                n += 1 + statementCount(statements(of: s.child(byField: "consequence")))
                for e in PyStatement.elifs(s) { n += 1 + statementCount(statements(of: PyStatement.clauseBlock(e))) }
                if let e = PyStatement.elseClause(s) { n += 1 + statementCount(statements(of: PyStatement.clauseBlock(e))) }
            case Symbols.forStatement, Symbols.whileStatement:
                n += (s.symbol == Symbols.whileStatement ? 1 : 0) + statementCount(statements(of: s.child(byField: "body")))
                if let e = PyStatement.elseClause(s) { n += statementCount(statements(of: PyStatement.clauseBlock(e))) }
            case Symbols.withStatement:
                n += 1 + statementCount(statements(of: s.child(byField: "body")))
            case Symbols.matchStatement:
                n += 1
                for k in PyStatement.cases(s) { n += 1 + statementCount(statements(of: PyStatement.clauseBlock(k))) }
            case Symbols.tryStatement:
                n += 1 + statementCount(statements(of: s.child(byField: "body")))
                if let e = PyStatement.elseClause(s) { n += 1 + statementCount(statements(of: PyStatement.clauseBlock(e))) }
                if let f = PyStatement.finallyClause(s) { n += 2 + statementCount(statements(of: PyStatement.clauseBlock(f))) }
                let handlers = PyStatement.handlers(s)
                if handlers.count > 1 { n += 1 }
                for h in handlers { n += 1 + statementCount(statements(of: PyStatement.clauseBlock(h))) }
            case Symbols.functionDefinition:
                n += 1 + statementCount(statements(of: s.child(byField: "body")))
            case Symbols.returnStatement:
                break
            default:
                n += 1
            }
        }
        return n
    }

    static let defaultDummy = try! NSRegularExpression(pattern: "^(?:_+|_+[a-zA-Z0-9_]*[a-zA-Z0-9]+?)$")

    /// Ruff's PLR0913 count: positional-only, ordinary and keyword-only parameters (not `*args`,
    /// `**kwargs`), less those matching the dummy-variable pattern, less a method's first
    /// parameter (`self`, `cls`) unless it is a `@staticmethod`. `nil` for `@overload` and
    /// `@override` functions, which Ruff skips.
    static func arguments(_ fn: Node, dummy: NSRegularExpression?) -> Int? {
        let decorators = fn.parent?.symbol == Symbols.decoratedDefinition
            ? fn.parent!.namedChildren.filter { $0.symbol == Symbols.decorator }.map {
                $0.text.dropFirst().trimmingCharacters(in: .whitespaces)
            } : []
        let last = decorators.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
        if last.contains("overload") || last.contains("override") { return nil }
        guard let params = fn.child(byField: "parameters") else { return 0 }
        let rx = dummy ?? defaultDummy
        var names: [String] = []
        var positional = 0
        var seenStar = false
        for p in params.namedChildren {
            let name: String
            switch p.symbol {
            case Symbols.identifier: name = p.text
            case Symbols.typedParameter:
                guard let id = p.namedChildren.first(where: { $0.symbol == Symbols.identifier }) else { continue }
                name = id.text
            case Symbols.defaultParameter, Symbols.typedDefaultParameter:
                guard let id = p.child(byField: "name") else { continue }
                name = id.text
            case Symbols.listSplatPattern, Symbols.keywordSeparator: seenStar = true; continue
            default: continue
            }
            if !seenStar { positional += 1 }
            names.append(name)
        }
        var count = names.filter {
            rx.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) == nil
        }.count
        if isMethod(fn), !last.contains("staticmethod"), positional > 0,
           let first = names.first, rx.firstMatch(in: first, range: NSRange(first.startIndex..., in: first)) == nil {
            count -= 1
        }
        return count
    }

    /// Whether a function is defined in a class's body (directly, or under `if`/`try`/… there).
    static func isMethod(_ fn: Node) -> Bool {
        var p = fn.parent
        while let n = p {
            switch n.kind {
            case "class_definition": return true
            case "function_definition", "lambda", "module": return false
            default: p = n.parent
            }
        }
        return false
    }

    /// Visits the nodes of a function's body, not entering nested functions or classes.
    static func walkOwnBody(_ fn: Node, _ visit: (Node) -> Void) {
        guard let body = fn.child(byField: "body") else { return }
        body.forEachDescendant { node in
            visit(node)
            return node.symbol != Symbols.functionDefinition && node.symbol != Symbols.classDefinition && node.symbol != Symbols.lambda
        }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let fns = context.functions
        for rule in rules {
            guard let max = rule.int("max"), let what = rule.string("count") else { continue }
            let dummy = rule.regex("dummy-variable-rgx")
            for fn in fns {
                guard let c = Self.count(what, in: fn, dummy: dummy), c > max,
                      let name = fn.child(byField: "name") else { continue }
                var f = rule.finding(name, ["name": name.text, "count": String(c), "max": String(max)])
                // The arguments are the signature's (often the prompt's); the rest is the body's.
                if what != "arguments" { f.bodyEnd = Location(fn.end) }
                report(f)
            }
        }
    }
}

/// Blocks nested deeper than `max` inside a function, counted as Pylint's R1702
/// (too-many-nested-blocks) counts them: `if`, `for`, `while`, `try` and `with` open a level
/// (`elif` does not), only inside functions; a group of nested blocks is reported once, at its
/// outermost statement, with the depth it reached. As Pylint, a block inside an `except`
/// handler starts a new group (its parent in the AST is the handler, not the `try`).
struct NestingDepthChecker: Checker {
    static let name = "nesting-depth"
    static let parameters = ["max": "deepest nesting allowed"]

    static let blocks = SymbolSet(named: ["if_statement", "elif_clause", "for_statement", "while_statement",
                                          "try_statement", "with_statement"])

    /// The node Pylint's AST would give as a block statement's parent: the function, the
    /// enclosing block statement (the last `elif` for an `if`'s `else`), or another node.
    static func astParent(_ node: Node) -> Node? {
        if node.symbol == Symbols.elifClause {
            return node.previousNamedSibling.flatMap { $0.symbol == Symbols.elifClause ? $0 : nil } ?? node.parent
        }
        guard var p = node.parent else { return nil }
        if p.symbol == Symbols.block, let q = p.parent { p = q }
        if p.symbol == Symbols.decoratedDefinition, let q = p.parent { p = q }
        switch p.symbol {
        case Symbols.elseClause:
            guard let owner = p.parent else { return p }
            if owner.symbol == Symbols.ifStatement, let e = PyStatement.elifs(owner).last { return e }
            return owner
        case Symbols.elifClause: return p
        case Symbols.finallyClause: return p.parent
        default: return p
        }
    }

    static let scopes = SymbolSet(named: ["function_definition", "class_definition", "lambda", "module"])

    /// Pylint's `scope()`: the nearest function, class, lambda or module.
    static func scope(_ node: Node) -> Node? {
        var p = node.parent
        while let n = p {
            if Self.scopes.contains(n.symbol) { return n }
            p = n.parent
        }
        return nil
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        // Groups found: (outermost node, depth), in the order Pylint emits them.
        var groups: [(Node, Int)] = []
        var stack: [Node] = []
        var leaving: [Node] = []  // functions whose end we watch for
        func emit(_ s: [Node]) { if let f = s.first { groups.append((f, s.count)) } }
        context.tree.root.forEachDescendant { node in
            // (Byte offsets: making a node's line and column for every node was the cost of this check.)
            while let f = leaving.last, node.byteRange.lowerBound >= f.byteRange.upperBound {
                leaving.removeLast(); emit(stack); stack = []
            }
            if node.symbol == Symbols.functionDefinition { leaving.append(node); return true }
            guard Self.blocks.contains(node.symbol), let scope = Self.scope(node),
                  scope.symbol == Symbols.functionDefinition else { return true }
            let previous = stack
            let parent = Self.astParent(node)
            if parent == scope {
                stack = [node]
            } else {
                while let top = stack.last, top != parent { stack.removeLast() }
                if node.symbol == Symbols.elifClause, !stack.isEmpty { stack.removeLast() }
                stack.append(node)
            }
            if previous.count > stack.count { emit(previous) }
            return true
        }
        while !leaving.isEmpty { leaving.removeLast(); emit(stack); stack = [] }
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            var seen = Set<Int>()
            for (node, depth) in groups where depth > max && seen.insert(node.start.offset).inserted {
                let fn = Self.scope(node)?.child(byField: "name")?.text ?? ""
                report(rule.finding(node.start, node.start, ["depth": String(depth), "max": String(max), "name": fn]))
            }
        }
    }
}
