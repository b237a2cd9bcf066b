import Rules
import SyntaxTree

/// Docstring checks (pydocstyle's and Ruff's D100, D101, D103).
let docstringCheckers: [any Checker.Type] = [MissingDocstringChecker.self]

/// A public module, class or function without a docstring, as Ruff decides: `kind: module`
/// (D100, reported at 1:1), `class` (D101, classes in the module's scope) or `function` (D103,
/// functions in the module's scope, not methods nor nested functions). Public means the name
/// does not start with `_` and, when the module assigns `__all__` a list of strings, is in it.
/// A docstring is a first statement that is a plain string literal (comments may come before
/// it; an f-string or bytes literal is not one). Functions marked `@overload` (typing's) are skipped.
struct MissingDocstringChecker: Checker {
    static let name = "missing-docstring"
    static let parameters = ["kind": "module (D100), class (D101) or function (D103)"]

    static func isDocstring(_ x: SyntaxIndex, _ statement: Int?) -> Bool {
        guard let s = statement, x.sym(s) == Symbols.expressionStatement else { return false }
        let parts = x.statements(s)  // named children, comments left out
        guard parts.count == 1 else { return false }
        var e = parts[0]
        while x.sym(e) == Symbols.parenthesizedExpression, let inner = x.firstStatement(e) {
            e = inner
        }
        func plain(_ string: Int) -> Bool {
            guard x.sym(string) == Symbols.string else { return false }
            let start = x.firstChild(string, Symbols.stringStart) ?? string
            // The prefix: the letters before the quote (ASCII; else as the string says).
            let bytes = x.source.bytes
            var i = x.start(start)
            let end = x.end(start)
            while i < end {
                if bytes[i] == 0x22 || bytes[i] == 0x27 {
                    // (A combining mark after the quote would make it another character.)
                    if i + 1 < end && bytes[i + 1] >= 0x80 { return slowPlain(x.text(start)) }
                    break
                }
                switch bytes[i] {
                case 0x66, 0x46, 0x62, 0x42, 0x74, 0x54: return false  // f, b, t
                case 0x80...: return slowPlain(x.text(start))
                default: i += 1
                }
            }
            return true
        }
        if x.sym(e) == Symbols.concatenatedString {
            return x.namedChildren(e).allSatisfy { x.sym($0) == Symbols.comment || plain($0) }
        }
        return plain(e)
    }

    static func slowPlain(_ start: String) -> Bool {
        let prefix = start.prefix { $0 != "\"" && $0 != "'" }.lowercased()
        return !prefix.contains("f") && !prefix.contains("b") && !prefix.contains("t")
    }

    /// The names in a module-level `__all__ = [...]` (or tuple), or nil when there is none.
    static func dunderAll(_ x: SyntaxIndex, _ top: [Int]) -> Set<String>? {
        var names: Set<String>?
        for s in top where x.sym(s) == Symbols.expressionStatement {
            guard let a = x.firstNamedChild(s), x.sym(a) == Symbols.assignment || x.sym(a) == Symbols.augmentedAssignment,
                  let left = x.firstNamedChild(a), x.textIs(left, "__all__") else { continue }
            // The value: the last part (the left side or a type annotation when there is none,
            // neither of which is a list or tuple).
            guard let v = x.statements(a).last, v != left,
                  x.sym(v) == Symbols.list || x.sym(v) == Symbols.tuple else { continue }
            var set = x.sym(a) == Symbols.assignment ? Set<String>() : (names ?? [])
            for e in x.namedChildren(v) where x.sym(e) == Symbols.string {
                set.insert(x.namedChildren(e).filter { x.sym($0) == Symbols.stringContent }.map { x.text($0) }.joined())
            }
            names = set
        }
        return names
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let top = x.namedChildren(0)
        let all = Self.dunderAll(x, top)
        // `@overload` is typing's only when it was imported from there (Ruff resolves the name).
        var overloadImported = false
        for node in x.importFromNodes {
            if let module = node.child(byField: "module_name")?.text, module == "typing" || module == "typing_extensions",
               node.children(byField: "name").contains(where: { $0.text == "overload" }) {
                overloadImported = true
                break
            }
        }
        func isPublic(_ name: String) -> Bool { !name.hasPrefix("_") && (all?.contains(name) ?? true) }
        let symbols = x.symbol
        let def = Symbols.functionDefinition, cls = Symbols.classDefinition, lambda = CheckerSymbols.lambda
        for rule in rules {
            switch rule.string("kind") ?? "" {
            case "module":
                if !Self.isDocstring(x, top.first { x.sym($0) != Symbols.comment }) {
                    let p = SourcePosition(line: 1, column: 1, offset: 0)
                    report(rule.finding(p, p))
                }
            case let kind where kind == "class" || kind == "function":
                // The definitions in the module's scope (what is inside a function, class or
                // lambda is not).
                for j in kind == "class" ? x.classes : x.functions {
                    var p = x.parentOf(j)
                    var inScope = false
                    while let q = p {
                        let s = symbols[q]
                        if s == def || s == cls || s == lambda { inScope = true; break }
                        p = x.parentOf(q)
                    }
                    if inScope { continue }
                    if let name = x.name(j), isPublic(x.text(name)),
                       !Self.isDocstring(x, x.firstStatement(x.block(j))),
                       !(kind == "function" && Self.decoratorNames(x, j).contains { t in
                           (t == "overload" && overloadImported) || t == "typing.overload"
                       }) {
                        report(rule.finding(x, name, ["name": x.text(name)]))
                    }
                }
            default: break
            }
        }
    }

    /// The text of each decorator's expression of a definition.
    static func decoratorNames(_ x: SyntaxIndex, _ definition: Int) -> [String] {
        guard let p = x.parentOf(definition), x.sym(p) == Symbols.decoratedDefinition else { return [] }
        return x.namedChildren(p).filter { x.sym($0) == Symbols.decorator }.map { d in
            x.firstNamedChild(d).map { x.text($0) } ?? ""
        }
    }
}
