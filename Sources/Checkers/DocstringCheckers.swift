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

    static func isDocstring(_ statement: Node?) -> Bool {
        guard let s = statement, s.symbol == Symbols.expressionStatement else { return false }
        let parts = s.namedChildren.filter { $0.symbol != Symbols.comment }
        guard parts.count == 1 else { return false }
        var e = parts[0]
        while e.symbol == Symbols.parenthesizedExpression, let inner = e.namedChildren.first(where: { $0.symbol != Symbols.comment }) {
            e = inner
        }
        func plain(_ string: Node) -> Bool {
            guard string.symbol == Symbols.string else { return false }
            let start = string.namedChildren.first { $0.symbol == Symbols.stringStart }?.text ?? string.text
            let prefix = start.prefix { $0 != "\"" && $0 != "'" }.lowercased()
            return !prefix.contains("f") && !prefix.contains("b") && !prefix.contains("t")
        }
        if e.symbol == Symbols.concatenatedString { return e.namedChildren.allSatisfy { $0.symbol == Symbols.comment || plain($0) } }
        return plain(e)
    }

    static func firstStatement(_ block: Node?) -> Node? {
        block?.namedChildren.first { $0.symbol != Symbols.comment }
    }

    /// The names in a module-level `__all__ = [...]` (or tuple), or nil when there is none.
    static func dunderAll(_ root: Node) -> Set<String>? {
        var names: Set<String>?
        for s in root.namedChildren where s.symbol == Symbols.expressionStatement {
            guard let a = s.namedChildren.first, a.symbol == Symbols.assignment || a.symbol == Symbols.augmentedAssignment,
                  a.child(byField: "left")?.text == "__all__", let v = a.child(byField: "right"),
                  v.symbol == Symbols.list || v.symbol == Symbols.tuple else { continue }
            var set = a.symbol == Symbols.assignment ? Set<String>() : (names ?? [])
            for e in v.namedChildren where e.symbol == Symbols.string {
                set.insert(e.namedChildren.filter { $0.symbol == Symbols.stringContent }.map(\.text).joined())
            }
            names = set
        }
        return names
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let root = context.tree.root
        let all = Self.dunderAll(root)
        // `@overload` is typing's only when it was imported from there (Ruff resolves the name).
        var overloadImported = false
        context.tree.forEachNode { node in
            if node.symbol == Symbols.importFrom,
               let module = node.child(byField: "module_name")?.text, module == "typing" || module == "typing_extensions",
               node.children(byField: "name").contains(where: { $0.text == "overload" }) {
                overloadImported = true
            }
            return !overloadImported
        }
        func isPublic(_ name: String) -> Bool { !name.hasPrefix("_") && (all?.contains(name) ?? true) }
        for rule in rules {
            switch rule.string("kind") ?? "" {
            case "module":
                if !Self.isDocstring(Self.firstStatement(root)) {
                    let p = SourcePosition(line: 1, column: 1, offset: 0)
                    report(rule.finding(p, p))
                }
            case let kind where kind == "class" || kind == "function":
                let wanted = kind == "class" ? Symbols.classDefinition : Symbols.functionDefinition
                context.tree.forEachNode { node in
                    if node.symbol == Symbols.functionDefinition || node.symbol == Symbols.classDefinition || node.symbol == Symbols.lambda {
                        if node.symbol == wanted, let name = node.child(byField: "name"), isPublic(name.text),
                           !Self.isDocstring(Self.firstStatement(node.child(byField: "body"))),
                           !(kind == "function" && decorators(of: node).contains { d in
                               let t = d.namedChildren.first?.text ?? ""
                               return (t == "overload" && overloadImported) || t == "typing.overload"
                           }) {
                            report(rule.finding(name, ["name": name.text]))
                        }
                        return false  // what is inside is not in the module's scope
                    }
                    return true
                }
            default: break
            }
        }
    }
}
