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
        guard let s = statement, s.kind == "expression_statement" else { return false }
        let parts = s.namedChildren.filter { $0.kind != "comment" }
        guard parts.count == 1 else { return false }
        var e = parts[0]
        while e.kind == "parenthesized_expression", let inner = e.namedChildren.first(where: { $0.kind != "comment" }) {
            e = inner
        }
        func plain(_ string: Node) -> Bool {
            guard string.kind == "string" else { return false }
            let start = string.namedChildren.first { $0.kind == "string_start" }?.text ?? string.text
            let prefix = start.prefix { $0 != "\"" && $0 != "'" }.lowercased()
            return !prefix.contains("f") && !prefix.contains("b") && !prefix.contains("t")
        }
        if e.kind == "concatenated_string" { return e.namedChildren.allSatisfy { $0.kind == "comment" || plain($0) } }
        return plain(e)
    }

    static func firstStatement(_ block: Node?) -> Node? {
        block?.namedChildren.first { $0.kind != "comment" }
    }

    /// The names in a module-level `__all__ = [...]` (or tuple), or nil when there is none.
    static func dunderAll(_ root: Node) -> Set<String>? {
        var names: Set<String>?
        for s in root.namedChildren where s.kind == "expression_statement" {
            guard let a = s.namedChildren.first, a.kind == "assignment" || a.kind == "augmented_assignment",
                  a.child(byField: "left")?.text == "__all__", let v = a.child(byField: "right"),
                  v.kind == "list" || v.kind == "tuple" else { continue }
            var set = a.kind == "assignment" ? Set<String>() : (names ?? [])
            for e in v.namedChildren where e.kind == "string" {
                set.insert(e.namedChildren.filter { $0.kind == "string_content" }.map(\.text).joined())
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
            if node.kind == "import_from_statement",
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
                let wanted = kind == "class" ? "class_definition" : "function_definition"
                context.tree.forEachNode { node in
                    if node.kind == "function_definition" || node.kind == "class_definition" || node.kind == "lambda" {
                        if node.kind == wanted, let name = node.child(byField: "name"), isPublic(name.text),
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
