import Foundation
import Rules
import SyntaxTree

/// Checkers that measure: function length, comment density, complexity, counts, nesting.
let metricCheckers: [any Checker.Type] = [
    FunctionLengthChecker.self, CommentDensityChecker.self, McCabeChecker.self,
    FunctionCountsChecker.self, NestingDepthChecker.self,
]

enum CheckerSymbols {
    static let functionDefinition = Symbols.named("function_definition")
    static let classDefinition = Symbols.named("class_definition")
    static let lambda = Symbols.named("lambda")
    static let yieldNamed = Symbols.named("yield")
    static let yieldKeyword = Symbols.anonymous("yield")
    static let parameters = Symbols.named("parameters")
    static let ifClause = Symbols.named("if_clause")
    static let caseClauseBody = Symbols.block
}

/// Functions longer than `max` lines, from the `def` line to the last line of the body (the
/// paper's convention: functions of at most 30 lines).
struct FunctionLengthChecker: Checker {
    static let name = "function-length"
    static let parameters = ["max": "most lines a function may span"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let fns = x.functions
        guard !fns.isEmpty else { return }
        let source = x.source
        let decorated = Symbols.decoratedDefinition
        // Per function: its first line (the decorators' when it has some) and where it ends.
        var spans: [(start: Int, end: SourcePosition)] = []
        spans.reserveCapacity(fns.count)
        for fn in fns {
            var first = x.start(fn)
            if let p = x.parentOf(fn), x.sym(p) == decorated { first = x.start(p) }
            let startLine = source.line(at: first)
            var end = x.endPosition(fn)
            if end.column == 1 && end.line > startLine { end.line -= 1 }
            spans.append((startLine, end))
        }
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            for (k, fn) in fns.enumerated() {
                let (startLine, end) = spans[k]
                let length = end.line - startLine + 1
                guard length > max, let name = x.name(fn) else { continue }
                var f = rule.finding(x, name, ["name": x.text(name), "length": String(length), "max": String(max)])
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
        let x = context.index
        let source = x.source
        let first = context.firstModelLine
        // Which lines hold a comment (from the first model line on), and how many do.
        var isCommentLine = [Bool](repeating: false, count: source.lineStarts.count + 2)
        var commentLineCount = 0
        for i in x.comments {
            let line = source.line(at: x.start(i))
            if line >= first && !isCommentLine[line] { isCommentLine[line] = true; commentLineCount += 1 }
        }
        var codeLines = 0
        let lines = context.byteLines
        for (i, range) in lines.ranges.enumerated() where i + 1 >= first {
            var j = range.lowerBound
            while j < range.upperBound && (lines.bytes[j] == 0x20 || lines.bytes[j] == 0x09) { j += 1 }
            if j == range.upperBound { continue }
            if lines.bytes[j] == 0x23 && isCommentLine[i + 1] { continue }
            codeLines += 1
        }
        guard codeLines > 0 else { return }
        let density = Double(commentLineCount) / Double(codeLines)
        for rule in rules {
            guard let least = rule.double("min"), density < least else { continue }
            let line = Swift.min(context.firstModelLine, lines.ranges.count)
            let p = SourcePosition(line: line, column: 1, offset: lines.ranges[line - 1].lowerBound)
            report(rule.finding(p, p, [("density", String(format2(density))), ("min", String(least)),
                                       ("comments", String(commentLineCount)), ("code", String(codeLines))]))
        }
    }
}

func format2(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    return String(r)
}

/// The parts of a compound statement or clause, found in one pass over its children: its
/// block (`body` or `consequence`), `elif`s, first `else`, `except` handlers, first `finally`.
struct StatementParts {
    var block: Int? = nil
    var elseClause: Int? = nil
    var finallyClause: Int? = nil
    var elifs: [Int] = []
    var handlers: [Int] = []
}

/// Python-AST views of indexed statements, for the metric checkers.
struct StatementReader {
    let x: SyntaxIndex
    let symbols: NodeList.SymbolsColumn
    let next: NodeList.SubtreeEndsColumn
    let block = Symbols.block, elif = Symbols.elifClause, elseS = Symbols.elseClause
    let except = Symbols.exceptClause, exceptGroup = Symbols.exceptGroupClause
    let finally = Symbols.finallyClause, caseClause = Symbols.caseClause
    let ifS = Symbols.ifStatement, forS = Symbols.forStatement, whileS = Symbols.whileStatement
    let withS = Symbols.withStatement, matchS = Symbols.matchStatement, tryS = Symbols.tryStatement
    let defS = Symbols.functionDefinition, classS = Symbols.classDefinition
    let returnS = Symbols.returnStatement, raiseS = Symbols.raiseStatement

    init(_ x: SyntaxIndex) {
        self.x = x
        symbols = x.symbol
        next = x.next
    }

    func parts(_ i: Int) -> StatementParts {
        var p = StatementParts()
        var j = i + 1
        let e = Int(next[i])
        while j < e {
            let k = symbols[j]
            if k == block { if p.block == nil { p.block = j } }
            else if k == elif { p.elifs.append(j) }
            else if k == elseS { if p.elseClause == nil { p.elseClause = j } }
            else if k == except || k == exceptGroup { p.handlers.append(j) }
            else if k == finally { if p.finallyClause == nil { p.finallyClause = j } }
            j = Int(next[j])
        }
        return p
    }

    /// The statements of a clause's block.
    func clauseStatements(_ clause: Int?) -> [Int] {
        guard let clause else { return [] }
        return x.statements(x.block(clause))
    }

    /// The `case` clauses of a `match` (in its block).
    func cases(_ match: Int) -> [Int] {
        let holder = x.block(match) ?? match
        var out: [Int] = []
        var j = holder + 1
        let e = Int(next[holder])
        while j < e {
            if symbols[j] == caseClause { out.append(j) }
            j = Int(next[j])
        }
        return out
    }

    /// Whether a `case` always matches: no guard, and a wildcard or capture pattern (or an `as`
    /// or `|` pattern around one), as Ruff's `is_irrefutable`.
    func isIrrefutable(_ clause: Int) -> Bool {
        if x.firstChild(clause, CheckerSymbols.ifClause) != nil { return false }
        var patterns: [Int] = []
        for c in x.namedChildren(clause) where symbols[c] == Symbols.casePattern { patterns.append(c) }
        guard patterns.count == 1 else { return false }
        return irrefutablePattern(patterns[0])
    }

    func irrefutablePattern(_ p: Int) -> Bool {
        let kids = x.statements(p)  // the named children, comments left out
        if symbols[p] == Symbols.casePattern {
            if kids.isEmpty { return x.textIs(p, "_") }
            guard kids.count == 1 else { return false }
            return irrefutablePattern(kids[0])
        }
        switch symbols[p] {
        case Symbols.dottedName: return kids.count == 1
        case Symbols.identifier: return true
        case Symbols.asPattern: return kids.first.map(irrefutablePattern) ?? false
        case Symbols.unionPattern:
            return x.text(p).split(separator: "|").contains { $0.trimmingCharacters(in: .whitespaces) == "_" }
                || kids.contains(where: irrefutablePattern)
        default: return false
        }
    }

    /// McCabe complexity (`m`), Ruff's branches (`b`) and statements (`s`) of some statements,
    /// in one pass (see `McCabeChecker` and `FunctionCountsChecker` for what each counts).
    func metrics(_ stmts: [Int]) -> (m: Int, b: Int, s: Int) {
        var m = 0, b = 0, s = 0
        for raw in stmts {
            let st = x.unwrap(raw)
            let k = symbols[st]
            if k == ifS {
                let p = parts(st)
                let c = metrics(x.statements(p.block))
                m += 1 + c.m; b += 1 + c.b; s += 1 + c.s
                for e in p.elifs {
                    let c = metrics(clauseStatements(e))
                    m += 1 + c.m; b += 1 + c.b; s += 1 + c.s
                }
                if let e = p.elseClause {
                    let c = metrics(clauseStatements(e))
                    m += c.m; b += 1 + c.b; s += 1 + c.s
                }
            } else if k == forS || k == whileS {
                let p = parts(st)
                let c = metrics(x.statements(p.block))
                m += 1 + c.m; b += 1 + c.b; s += (k == whileS ? 1 : 0) + c.s
                if let e = p.elseClause {
                    let c = metrics(clauseStatements(e))
                    m += c.m; b += 1 + c.b; s += c.s
                }
            } else if k == withS {
                let c = metrics(x.statements(x.block(st)))
                m += c.m; b += c.b; s += 1 + c.s
            } else if k == matchS {
                let cases = cases(st)
                s += 1
                for clause in cases {
                    let c = metrics(clauseStatements(clause))
                    m += 1 + c.m; b += 1 + c.b; s += 1 + c.s
                }
                if let last = cases.last, isIrrefutable(last) { m -= 1 }
            } else if k == tryS {
                let p = parts(st)
                let c = metrics(x.statements(p.block))
                m += c.m; b += c.b; s += 1 + c.s
                if let e = p.elseClause {
                    let c = metrics(clauseStatements(e))
                    m += 1 + c.m; b += 1 + c.b; s += 1 + c.s
                }
                if let f = p.finallyClause {
                    let c = metrics(clauseStatements(f))
                    m += c.m; b += 1 + c.b; s += 2 + c.s
                }
                if p.handlers.count > 1 { s += 1 }
                for h in p.handlers {
                    let c = metrics(clauseStatements(h))
                    m += 1 + c.m; b += 1 + c.b; s += 1 + c.s
                }
            } else if k == defS {
                let c = metrics(x.statements(x.block(st)))
                m += 1 + c.m; s += 1 + c.s  // a nested function's branches are its own
            } else if k == classS {
                let c = metrics(x.statements(x.block(st)))
                m += c.m; s += 1  // a class body's statements are not the function's
            } else if k == returnS {
                // no statement
            } else {
                s += 1
            }
        }
        return (m, b, s)
    }
}

/// What the metric checkers and the inconsistent-return checker measure of each `def`
/// (parallel to `SyntaxIndex.functions`), worked out once per candidate.
final class FunctionFacts {
    struct Facts {
        var name: Int? = nil
        var body: Int? = nil
        /// McCabe complexity (1 for the function itself).
        var complexity = 1
        var branches = 0
        var statements = 0
        /// The `return`s of the function's own body (not of nested functions, classes, lambdas).
        var returns = 0
        var valueReturn = false
        var bareReturn = false
        /// Whether its own body has a `yield`.
        var generator = false
    }
    let all: [Facts]

    init(_ x: SyntaxIndex) {
        let reader = StatementReader(x)
        let symbols = x.symbol, next = x.next, named = x.named
        let def = Symbols.functionDefinition, cls = Symbols.classDefinition, lambda = CheckerSymbols.lambda
        let ret = Symbols.returnStatement, yieldNamed = CheckerSymbols.yieldNamed, yieldKeyword = CheckerSymbols.yieldKeyword
        var all: [Facts] = []
        all.reserveCapacity(x.functions.count)
        for fn in x.functions {
            var f = Facts()
            f.name = x.name(fn)
            f.body = x.block(fn)
            if let body = f.body {
                let c = reader.metrics(x.statements(body))
                f.complexity = 1 + c.m
                f.branches = c.b
                f.statements = c.s
                // The body's nodes, not entering nested functions, classes and lambdas.
                var j = body + 1
                let e = Int(next[body])
                while j < e {
                    let s = symbols[j]
                    if s == ret {
                        f.returns += 1
                        var valued = false
                        var k = j + 1
                        let ke = Int(next[j])
                        while k < ke { if named[k] { valued = true; break }; k = Int(next[k]) }
                        if valued { f.valueReturn = true } else { f.bareReturn = true }
                    } else if s == yieldNamed || s == yieldKeyword {
                        f.generator = true
                    }
                    j = s == def || s == cls || s == lambda ? Int(next[j]) : j + 1
                }
            }
            all.append(f)
        }
        self.all = all
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

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard !x.functions.isEmpty else { return }
        let facts = context.functionFacts.all
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            for (fn, f) in zip(x.functions, facts) where f.complexity > max {
                guard let name = f.name else { continue }
                var finding = rule.finding(x, name, ["name": x.text(name), "complexity": String(f.complexity), "max": String(max)])
                finding.bodyEnd = Location(x.endPosition(fn))
                report(finding)
            }
        }
    }
}

/// Pylint's per-function counts as Ruff computes them (PLR0911, PLR0912, PLR0913, PLR0915):
/// `count` is `returns`, `branches`, `arguments` or `statements`, reported above `max` at the
/// function's name.
///
/// Ruff's `num_branches`: `if` 1 (+1 per `elif` and `else`), `for`/`while` 1 (+1 for `else`),
/// each `except` 1, `try`'s `else` and `finally` 1 each, each `case` 1; `with` bodies count;
/// nested functions and classes do not.
///
/// Ruff's `num_statements` (after Pylint): every statement 1, `return` 0; `if` 1 (+1 per
/// `elif`/`else`); `for` 0 and `while` 1 (bodies and `else` bodies count); `with` 1; `match`
/// 1 (+1 per case); `try` 1, `else` +1, `finally` +2, +1 when there are several handlers,
/// +1 per handler; nested `def` 1 plus its body; nested `class` 1 (its body does not count).
struct FunctionCountsChecker: Checker {
    static let name = "function-counts"
    static let parameters = [
        "count": "returns, branches, arguments or statements", "max": "most allowed",
        "dummy-variable-rgx": "arguments: names that do not count",
    ]

    static let defaultDummy = try! NSRegularExpression(pattern: "^(?:_+|_+[a-zA-Z0-9_]*[a-zA-Z0-9]+?)$")

    /// `defaultDummy`'s answer, on the bytes: `_` then word characters (ASCII), all of them
    /// underscores or the last a letter or digit.
    static func isDefaultDummy(_ name: String) -> Bool {
        var first = true, allUnderscores = true
        var last: UInt8 = 0
        for c in name.utf8 {
            if first { guard c == 0x5F else { return false }; first = false }
            let alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            guard alnum || c == 0x5F else { return false }
            if c != 0x5F { allUnderscores = false }
            last = c
        }
        if first { return false }
        return allUnderscores || last != 0x5F
    }

    /// Ruff's PLR0913 count: positional-only, ordinary and keyword-only parameters (not `*args`,
    /// `**kwargs`), less those matching the dummy-variable pattern, less a method's first
    /// parameter (`self`, `cls`) unless it is a `@staticmethod`. `nil` for `@overload` and
    /// `@override` functions, which Ruff skips.
    static func arguments(_ x: SyntaxIndex, _ fn: Int, dummy: NSRegularExpression?) -> Int? {
        var last: [String] = []
        if let p = x.parentOf(fn), x.sym(p) == Symbols.decoratedDefinition {
            for d in x.namedChildren(p) where x.sym(d) == Symbols.decorator {
                let t = x.text(d).dropFirst().trimmingCharacters(in: .whitespaces)
                last.append(t.split(separator: ".").last.map(String.init) ?? t)
            }
        }
        if last.contains("overload") || last.contains("override") { return nil }
        guard let params = x.firstChild(fn, CheckerSymbols.parameters) else { return 0 }
        func isDummy(_ name: String) -> Bool {
            if let dummy { return dummy.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil }
            return isDefaultDummy(name)
        }
        var names: [String] = []
        var positional = 0
        var seenStar = false
        for p in x.namedChildren(params) {
            let name: String
            switch x.sym(p) {
            case Symbols.identifier: name = x.text(p)
            case Symbols.typedParameter:
                guard let id = x.firstChild(p, Symbols.identifier) else { continue }
                name = x.text(id)
            case Symbols.defaultParameter, Symbols.typedDefaultParameter:
                guard let id = x.firstNamedChild(p) else { continue }
                name = x.text(id)
            case Symbols.listSplatPattern, Symbols.keywordSeparator: seenStar = true; continue
            default: continue
            }
            if !seenStar { positional += 1 }
            names.append(name)
        }
        var count = names.filter { !isDummy($0) }.count
        if isMethod(x, fn), !last.contains("staticmethod"), positional > 0, let first = names.first, !isDummy(first) {
            count -= 1
        }
        return count
    }

    /// Whether a function is defined in a class's body (directly, or under `if`/`try`/… there).
    static func isMethod(_ x: SyntaxIndex, _ fn: Int) -> Bool {
        var p = x.parentOf(fn)
        while let n = p {
            switch x.sym(n) {
            case Symbols.classDefinition: return true
            case Symbols.functionDefinition, CheckerSymbols.lambda, Symbols.module: return false
            default: p = x.parentOf(n)
            }
        }
        return false
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard !x.functions.isEmpty else { return }
        let facts = context.functionFacts.all
        for rule in rules {
            guard let max = rule.int("max"), let what = rule.string("count") else { continue }
            let dummy = what == "arguments" ? rule.regex("dummy-variable-rgx") : nil
            for (fn, f) in zip(x.functions, facts) {
                let c: Int?
                switch what {
                case "arguments":
                    // At most one name per named child of the parameters: none to report when
                    // there are no more of those than `max`.
                    if let params = x.firstChild(fn, CheckerSymbols.parameters), x.namedChildCount(params) <= max {
                        c = nil
                    } else {
                        c = Self.arguments(x, fn, dummy: dummy)
                    }
                case "returns": c = f.returns
                case "branches": c = f.branches
                case "statements": c = f.statements
                default: c = 0
                }
                guard let c, c > max, let name = f.name else { continue }
                var finding = rule.finding(x, name, ["name": x.text(name), "count": String(c), "max": String(max)])
                // The arguments are the signature's (often the prompt's); the rest is the body's.
                if what != "arguments" { finding.bodyEnd = Location(x.endPosition(fn)) }
                report(finding)
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
    static func astParent(_ x: SyntaxIndex, _ node: Int) -> Int? {
        if x.sym(node) == Symbols.elifClause {
            if let previous = x.previousNamedSibling(node), x.sym(previous) == Symbols.elifClause { return previous }
            return x.parentOf(node)
        }
        guard var p = x.parentOf(node) else { return nil }
        if x.sym(p) == Symbols.block, let q = x.parentOf(p) { p = q }
        if x.sym(p) == Symbols.decoratedDefinition, let q = x.parentOf(p) { p = q }
        switch x.sym(p) {
        case Symbols.elseClause:
            guard let owner = x.parentOf(p) else { return p }
            if x.sym(owner) == Symbols.ifStatement, let e = StatementReader(x).parts(owner).elifs.last { return e }
            return owner
        case Symbols.elifClause: return p
        case Symbols.finallyClause: return x.parentOf(p)
        default: return p
        }
    }

    static let scopes = SymbolSet(named: ["function_definition", "class_definition", "lambda", "module"])

    /// Pylint's `scope()`: the nearest function, class, lambda or module.
    static func scope(_ x: SyntaxIndex, _ node: Int) -> Int? {
        var p = x.parentOf(node)
        while let n = p {
            if Self.scopes.contains(x.sym(n)) { return n }
            p = x.parentOf(n)
        }
        return nil
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard !x.functions.isEmpty else { return }  // blocks count only inside functions
        // Groups found: (outermost node, depth), in the order Pylint emits them.
        var groups: [(Int, Int)] = []
        var stack: [Int] = []
        var leaving: [Int] = []  // functions whose end we watch for
        func emit(_ s: [Int]) { if let f = s.first { groups.append((f, s.count)) } }
        let symbols = x.symbol, lo = x.lo, hi = x.hi
        let def = Symbols.functionDefinition
        // Only functions and block statements matter; a function's end is noticed at the next
        // of them (or at the end), as it would be at any node in between.
        for i in x.nesting {
            let s = symbols[i]
            while let f = leaving.last, lo[i] >= hi[f] {
                leaving.removeLast(); emit(stack); stack = []
            }
            if s == def { leaving.append(i); continue }
            guard let scope = Self.scope(x, i), symbols[scope] == def else { continue }
            let previous = stack
            let parent = Self.astParent(x, i)
            if parent == scope {
                stack = [i]
            } else {
                while let top = stack.last, top != parent { stack.removeLast() }
                if s == Symbols.elifClause, !stack.isEmpty { stack.removeLast() }
                stack.append(i)
            }
            if previous.count > stack.count { emit(previous) }
        }
        while !leaving.isEmpty { leaving.removeLast(); emit(stack); stack = [] }
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            var seen = Set<Int>()
            for (node, depth) in groups where depth > max && seen.insert(x.start(node)).inserted {
                let fn = Self.scope(x, node).flatMap { x.name($0) }.map { x.text($0) } ?? ""
                let p = x.startPosition(node)
                report(rule.finding(p, p, ["depth": String(depth), "max": String(max), "name": fn]))
            }
        }
    }
}
