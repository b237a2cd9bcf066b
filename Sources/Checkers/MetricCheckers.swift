import Rules
import SyntaxTree

/// Checkers that measure: function length, comment density, complexity, counts, nesting.
let metricCheckers: [any Checker.Type] = [
    FunctionLengthChecker.self, CommentDensityChecker.self, McCabeChecker.self,
    FunctionCountsChecker.self, NestingDepthChecker.self,
]

/// Every function definition (nested ones included), with its name node.
func functions(in tree: Tree) -> [Node] {
    var out: [Node] = []
    tree.forEachNode { node in
        if node.symbol == CheckerSymbols.functionDefinition { out.append(node) }
        return true
    }
    return out
}

enum CheckerSymbols {
    static let functionDefinition = Symbols.named("function_definition")
    static let classDefinition = Symbols.named("class_definition")
    static let lambda = Symbols.named("lambda")
    static let comment = Symbols.named("comment")
}

/// Functions longer than `max` lines, from the `def` line to the last line of the body (the
/// paper's convention: functions of at most 30 lines).
struct FunctionLengthChecker: Checker {
    static let name = "function-length"
    static let parameters = ["max": "most lines a function may span"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let fns = functions(in: context.tree)
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            for fn in fns {
                let start = fn.parent?.kind == "decorated_definition" ? fn.parent!.start : fn.start
                var end = fn.end
                if end.column == 1 && end.line > start.line { end.line -= 1 }
                let length = end.line - start.line + 1
                guard length > max, let name = fn.child(byField: "name") else { continue }
                report(rule.finding(name, ["name": name.text, "length": String(length), "max": String(max)]))
            }
        }
    }
}

/// Too few comments: comment lines / code lines below `min` (the paper's convention, 0.75,
/// after RACE's metric). A comment line holds a `#` comment (alone or after code); a code line
/// is a non-blank line that is not only a comment. Reported once, at the first line.
struct CommentDensityChecker: Checker {
    static let name = "comment-density"
    static let parameters = ["min": "least comment lines per code line"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        var commentLines = Set<Int>()
        context.tree.forEachNode { node in
            if node.symbol == CheckerSymbols.comment { commentLines.insert(node.start.line) }
            return true
        }
        var codeLines = 0
        for (i, line) in context.physicalLines.enumerated() {
            let t = line.drop { $0 == " " || $0 == "\t" }
            if t.isEmpty { continue }
            if t.hasPrefix("#") && commentLines.contains(i + 1) { continue }
            codeLines += 1
        }
        guard codeLines > 0 else { return }
        let density = Double(commentLines.count) / Double(codeLines)
        for rule in rules {
            guard let min = rule.double("min"), density < min else { continue }
            let p = SourcePosition(line: 1, column: 1, offset: 0)
            report(rule.finding(p, p, ["density": String(format2(density)), "min": String(min),
                                       "comments": String(commentLines.count), "code": String(codeLines)]))
        }
    }
}

func format2(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    return String(r)
}

/// C901: McCabe complexity above `max`, as the mccabe plugin and Ruff count it: 1, plus one
/// for each `if`/`elif`, loop, `except` handler, `case`, boolean-operator chain link is not
/// counted; comprehensions' `for` and `if` are not counted; nested functions count in their
/// own right and into their parent.
struct McCabeChecker: Checker {
    static let name = "mccabe"
    static let parameters = ["max": "most complexity allowed"]

    static let decisions: Set<String> = [
        "if_statement", "elif_clause", "for_statement", "while_statement", "except_clause",
        "except_group_clause", "case_clause", "conditional_expression",
    ]

    func complexity(_ fn: Node) -> Int {
        var n = 1
        guard let body = fn.child(byField: "body") else { return n }
        body.forEachDescendant { node in
            if Self.decisions.contains(node.kind) { n += 1 }
            if node.kind == "for_statement" || node.kind == "while_statement",
               node.child(byField: "alternative") != nil { n += 1 }
            if node.kind == "try_statement", node.children.contains(where: { $0.kind == "else_clause" }) { n += 1 }
            return node.kind != "lambda" && node.kind != "class_definition"
        }
        return n
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let fns = functions(in: context.tree)
        let scores = fns.map { complexity($0) }
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            for (fn, c) in zip(fns, scores) where c > max {
                guard let name = fn.child(byField: "name") else { continue }
                report(rule.finding(name, ["name": name.text, "complexity": String(c), "max": String(max)]))
            }
        }
    }
}

/// Pylint's per-function counts (Ruff's PLR0911, PLR0912, PLR0913, PLR0915): `count` is
/// `returns`, `branches`, `arguments` or `statements`, reported above `max`.
struct FunctionCountsChecker: Checker {
    static let name = "function-counts"
    static let parameters = ["count": "returns, branches, arguments or statements", "max": "most allowed"]

    static func count(_ what: String, in fn: Node) -> Int {
        switch what {
        case "arguments":
            guard let params = fn.child(byField: "parameters") else { return 0 }
            return params.namedChildren.filter {
                !["list_splat_pattern", "dictionary_splat_pattern", "keyword_separator",
                  "positional_separator", "comment"].contains($0.kind)
            }.count
        case "returns":
            var n = 0
            walkOwnBody(fn) { if $0.kind == "return_statement" { n += 1 } }
            return n
        case "branches":
            var n = 0
            walkOwnBody(fn) { node in
                switch node.kind {
                case "if_statement", "elif_clause", "for_statement", "while_statement", "case_clause",
                     "except_clause", "except_group_clause":
                    n += 1
                case "else_clause":
                    n += 1
                case "try_statement":
                    if node.children.contains(where: { $0.kind == "finally_clause" }) { n += 1 }
                default: break
                }
            }
            return n
        case "statements":
            var n = 0
            walkOwnBody(fn) { node in
                if node.kind.hasSuffix("_statement") || node.kind == "function_definition"
                    || node.kind == "class_definition" { n += 1 }
            }
            return n
        default:
            return 0
        }
    }

    /// Visits the nodes of a function's body, not entering nested functions or classes.
    static func walkOwnBody(_ fn: Node, _ visit: (Node) -> Void) {
        guard let body = fn.child(byField: "body") else { return }
        body.forEachDescendant { node in
            visit(node)
            return node.kind != "function_definition" && node.kind != "class_definition" && node.kind != "lambda"
        }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let fns = functions(in: context.tree)
        for rule in rules {
            guard let max = rule.int("max"), let what = rule.string("count") else { continue }
            for fn in fns {
                let c = Self.count(what, in: fn)
                guard c > max, let name = fn.child(byField: "name") else { continue }
                report(rule.finding(name, ["name": name.text, "count": String(c), "max": String(max)]))
            }
        }
    }
}

/// Blocks nested deeper than `max` inside a function (Pylint's R1702 counts the same way).
struct NestingDepthChecker: Checker {
    static let name = "nesting-depth"
    static let parameters = ["max": "deepest nesting allowed"]

    static let nesting: Set<String> = [
        "if_statement", "for_statement", "while_statement", "try_statement", "with_statement", "match_statement",
    ]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            for fn in functions(in: context.tree) {
                guard let body = fn.child(byField: "body") else { continue }
                // Depth of each nesting statement: count nesting ancestors up to the function.
                var reported = false
                body.forEachDescendant { node in
                    if reported { return false }
                    if node.kind == "function_definition" || node.kind == "class_definition" { return false }
                    guard Self.nesting.contains(node.kind) else { return true }
                    var depth = 0
                    var p: Node? = node
                    while let n = p, n != fn {
                        if Self.nesting.contains(n.kind) { depth += 1 }
                        p = n.parent
                    }
                    if depth > max {
                        reported = true
                        report(rule.finding(node.start, node.start, ["depth": String(depth), "max": String(max),
                                                                   "name": fn.child(byField: "name")?.text ?? ""]))
                        return false
                    }
                    return true
                }
            }
        }
    }
}
