import Rules
import SyntaxTree

/// Naming checks that need scopes or a function's kind (pep8-naming's N802, N804, N805, N806,
/// N807, N814, N815, N816, N817, N818). The simpler pep8-naming rules are queries.
let namingCheckers: [any Checker.Type] = [
    NamingFunctionChecker.self, NamingFirstArgumentChecker.self, NamingVariableChecker.self,
    NamingImportChecker.self, NamingExceptionChecker.self,
]

// MARK: - Shared analysis

/// What pep8-naming takes a `def` for: a plain function, or (when it sits in a class body,
/// directly or inside `if`/`for`/`while`/`with`/`try` blocks) a method of some kind.
enum NamingFunctionKind: String {
    case function, method, classmethod, staticmethod
}

/// Python's `str.lower() != str`: the name has a letter that lowercasing changes.
func hasUppercase(_ name: String) -> Bool { name.lowercased() != name }

/// Python's `str.isupper()` and `str.islower()`: at least one cased letter, all of one case.
func pyIsUpper(_ s: String) -> Bool { s.contains { $0.isUppercase } && !s.contains { $0.isLowercase } }
func pyIsLower(_ s: String) -> Bool { s.contains { $0.isLowercase } && !s.contains { $0.isUppercase } }

/// pep8-naming's mixedCase: has an uppercase letter, and starts (after underscores) lowercase.
func isMixedCase(_ name: String) -> Bool {
    guard hasUppercase(name), let first = name.drop(while: { $0 == "_" }).first else { return false }
    return first.isLowercase
}

/// The name a decorator goes by, as pep8-naming reads it: `@x`, `@a.x`, `@x(...)` are all `x`.
func decoratorName(_ node: Node) -> String? {
    switch node.kind {
    case "decorator": return node.namedChildren.first(where: { $0.kind != "comment" }).flatMap(decoratorName)
    case "identifier": return node.text
    case "attribute": return node.child(byField: "attribute")?.text
    case "call": return node.child(byField: "function").flatMap(decoratorName)
    default: return nil
    }
}

/// The decorators of a definition (empty when it has none).
func decorators(of definition: Node) -> [Node] {
    guard let parent = definition.parent, parent.kind == "decorated_definition" else { return [] }
    return parent.namedChildren.filter { $0.kind == "decorator" }
}

/// The statements of a block-like node, with a decorated definition replaced by its definition.
func statements(_ block: Node) -> [Node] {
    block.namedChildren.compactMap { node in
        if node.kind == "comment" { return nil }
        if node.kind == "decorated_definition" { return node.child(byField: "definition") }
        return node
    }
}

/// The kind of every `def` that pep8-naming takes for a method, by the byte where it starts.
/// Others are plain functions.
func namingFunctionKinds(_ tree: Tree, classmethodDecorators: [String],
                         staticmethodDecorators: [String]) -> [Int: NamingFunctionKind] {
    var byDecorator: [String: NamingFunctionKind] = [:]
    for d in classmethodDecorators { byDecorator[d] = .classmethod }
    for d in staticmethodDecorators { byDecorator[d] = .staticmethod }
    var kinds: [Int: NamingFunctionKind] = [:]
    tree.forEachNode { node in
        guard node.kind == "class_definition", let body = node.child(byField: "body") else { return true }
        // `m = staticmethod(m)` in the class body.
        var late: [String: NamingFunctionKind] = [:]
        for s in statements(body) where s.kind == "expression_statement" {
            guard let a = s.namedChildren.first, a.kind == "assignment",
                  let call = a.child(byField: "right"), call.kind == "call",
                  let f = call.child(byField: "function"), f.kind == "identifier",
                  let kind = byDecorator[f.text],
                  let args = call.child(byField: "arguments") else { continue }
            let positional = args.namedChildren.filter { $0.kind != "comment" && $0.kind != "keyword_argument" }
            if positional.count == 1, positional[0].kind == "identifier" { late[positional[0].text] = kind }
        }
        // A class deriving from `type` or `ABCMeta` is a metaclass: its methods take `cls`.
        var metaclass = false
        if let bases = node.child(byField: "superclasses") {
            for b in bases.namedChildren {
                let name = b.kind == "identifier" ? b.text
                    : b.kind == "attribute" ? (b.child(byField: "attribute")?.text ?? "") : ""
                if name == "type" || name == "ABCMeta" { metaclass = true }
            }
        }
        func tag(_ container: Node) {
            for s in statements(container) {
                switch s.kind {
                case "function_definition":
                    let name = s.child(byField: "name")?.text ?? ""
                    var kind: NamingFunctionKind = .method
                    if ["__new__", "__init_subclass__", "__class_getitem__"].contains(name) || metaclass {
                        kind = .classmethod
                    }
                    if let k = late[name] {
                        kind = k
                    } else {
                        for d in decorators(of: s) {
                            if let n = decoratorName(d), let k = byDecorator[n] { kind = k; break }
                        }
                    }
                    kinds[s.byteRange.lowerBound] = kind
                case "if_statement", "for_statement", "while_statement", "with_statement", "try_statement",
                     "elif_clause", "else_clause", "finally_clause":
                    for c in s.namedChildren where c.kind == "block" || c.kind == "elif_clause"
                        || c.kind == "else_clause" || c.kind == "finally_clause" {
                        tag(c)
                    }
                case "block":
                    tag(s)
                default:
                    break
                }
            }
        }
        tag(body)
        return true
    }
    return kinds
}

/// The parameter nodes of a definition that pep8-naming checks, as (name node, is `*`/`**`).
func namingParameters(_ fn: Node) -> [(name: Node, splat: Bool)] {
    guard let params = fn.child(byField: "parameters") else { return [] }
    var out: [(Node, Bool)] = []
    func add(_ p: Node) {
        switch p.kind {
        case "identifier": out.append((p, false))
        case "default_parameter", "typed_default_parameter":
            if let n = p.child(byField: "name") { out.append((n, false)) }
        case "typed_parameter":
            if let first = p.namedChildren.first { first.kind == "identifier" ? out.append((first, false)) : add(first) }
        case "list_splat_pattern", "dictionary_splat_pattern":
            if let n = p.namedChildren.first(where: { $0.kind == "identifier" }) { out.append((n, true)) }
        default: break
        }
    }
    for p in params.namedChildren { add(p) }
    return out
}

// MARK: - N802, N807

/// pep8-naming's checks of function names: `check: lowercase` (N802, names with capitals) or
/// `check: dunder` (N807, `__x__` names for functions that are not methods).
struct NamingFunctionChecker: Checker {
    static let name = "naming-function"
    static let parameters = [
        "check": "lowercase (N802) or dunder (N807)",
        "ignore-names": "names not checked",
    ]

    static func hasOverride(_ fn: Node) -> Bool {
        decorators(of: fn).contains { d in
            guard let e = d.namedChildren.first else { return false }
            if e.kind == "identifier" { return e.text == "override" }
            if e.kind == "attribute" {
                return e.child(byField: "object")?.text == "typing" && e.child(byField: "attribute")?.text == "override"
            }
            return false
        }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let kinds = namingFunctionKinds(context.tree, classmethodDecorators: [], staticmethodDecorators: [])
        let fns = functions(in: context.tree)
        for rule in rules {
            let ignored = Set(rule.strings("ignore-names"))
            let check = rule.string("check") ?? ""
            for fn in fns {
                guard let nameNode = fn.child(byField: "name") else { continue }
                let name = nameNode.text
                if ignored.contains(name) || name == "__dir__" || name == "__getattr__" { continue }
                let isFunction = kinds[fn.byteRange.lowerBound] == nil
                if !isFunction && Self.hasOverride(fn) { continue }
                switch check {
                case "lowercase" where hasUppercase(name):
                    report(rule.finding(nameNode, ["name": name]))
                case "dunder" where isFunction && name.hasPrefix("__") && name.hasSuffix("__"):
                    report(rule.finding(nameNode, ["name": name]))
                default: break
                }
            }
        }
    }
}

// MARK: - N804, N805

/// The first parameter of a method (`kind: method`, N805: `self`) or a class method
/// (`kind: classmethod`, N804: `cls`).
struct NamingFirstArgumentChecker: Checker {
    static let name = "naming-first-argument"
    static let parameters = [
        "kind": "method (N805) or classmethod (N804)",
        "expected": "the name the first parameter must have",
        "ignore-names": "names not checked",
        "classmethod-decorators": "decorators that make a class method",
        "staticmethod-decorators": "decorators that make a static method",
    ]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let fns = functions(in: context.tree)
        for rule in rules {
            let kinds = namingFunctionKinds(context.tree, classmethodDecorators: rule.strings("classmethod-decorators"),
                                            staticmethodDecorators: rule.strings("staticmethod-decorators"))
            let ignored = Set(rule.strings("ignore-names"))
            guard let wanted = rule.string("kind").flatMap(NamingFunctionKind.init(rawValue:)),
                  let expected = rule.string("expected") else { continue }
            for fn in fns where kinds[fn.byteRange.lowerBound] == wanted {
                guard let first = namingParameters(fn).first(where: { !$0.splat })?.name else { continue }
                let name = first.text
                if name != expected && !ignored.contains(name) {
                    report(rule.finding(first, ["name": name, "expected": expected]))
                }
            }
        }
    }
}

// MARK: - N806, N815, N816

/// Names bound by assignment, `for`, `with … as`, `except … as`, `:=` and comprehensions, by
/// the scope pep8-naming gives them: `scope: function` (N806, capitals in a function's
/// variables, except names declared `global`), `class` (N815, mixedCase class attributes) or
/// `global` (N816, mixedCase module variables). Findings are where the target starts.
struct NamingVariableChecker: Checker {
    static let name = "naming-variable"
    static let parameters = [
        "scope": "function (N806), class (N815) or global (N816)",
        "ignore-names": "names not checked",
    ]

    struct Binding {
        var at: Node
        var names: [String]
        var scope: Node?  // the nearest function or class; nil at module level
    }

    /// Every binding in the tree (computed once per candidate).
    final class Bindings {
        var all: [Binding] = []
        /// Per function (by start byte): names it declares `global`.
        var globals: [Int: Set<String>] = [:]
    }

    static func names(_ target: Node) -> [String] {
        switch target.kind {
        case "identifier": return [target.text]
        case "parenthesized_expression":
            let inner = target.namedChildren.filter { $0.kind != "comment" }
            return inner.count == 1 && inner[0].kind == "identifier" ? [inner[0].text] : []
        case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "expression_list":
            var out: [String] = []
            for e in target.namedChildren {
                switch e.kind {
                case "identifier": out.append(e.text)
                case "list_splat_pattern", "list_splat":
                    if let v = e.namedChildren.first { out += names(v) }
                case "parenthesized_expression", "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list":
                    out += names(e)
                default: break
                }
            }
            return out
        default: return []
        }
    }

    /// The node whose start pep8-naming reports: the target, without parentheses around a name.
    static func place(_ target: Node) -> Node {
        if target.kind == "parenthesized_expression" || target.kind == "tuple_pattern",
           !target.children.contains(where: { $0.kind == "," }),
           let inner = target.namedChildren.first(where: { $0.kind != "comment" }), inner.kind == "identifier" {
            return inner
        }
        return target
    }

    static func isNamedTuple(_ value: Node?) -> Bool {
        guard let value, value.kind == "call", let f = value.child(byField: "function") else { return false }
        if f.kind == "identifier" { return f.text == "namedtuple" }
        if f.kind == "attribute" { return f.child(byField: "attribute")?.text == "namedtuple" }
        return false
    }

    static func scope(of node: Node) -> Node? {
        var p = node.parent
        while let n = p {
            if n.kind == "function_definition" || n.kind == "class_definition" { return n }
            p = n.parent
        }
        return nil
    }

    static func collect(_ tree: Tree) -> Bindings {
        let b = Bindings()
        func add(_ target: Node?, at: Node? = nil) {
            guard let target else { return }
            let names = names(target)
            guard !names.isEmpty else { return }
            let at = at ?? place(target)
            b.all.append(Binding(at: at, names: names, scope: scope(of: at)))
        }
        tree.forEachNode { node in
            switch node.kind {
            case "assignment":
                var value = node.child(byField: "right")
                while let v = value, v.kind == "assignment" { value = v.child(byField: "right") }
                if !isNamedTuple(value) { add(node.child(byField: "left")) }
            case "named_expression":
                if !isNamedTuple(node.child(byField: "value")) { add(node.child(byField: "name")) }
            case "for_statement", "for_in_clause":
                add(node.child(byField: "left"))
            case "with_item":
                if let v = node.child(byField: "value"), v.kind == "as_pattern",
                   let alias = v.child(byField: "alias"), let t = alias.namedChildren.first {
                    add(t)
                }
            case "except_clause", "except_group_clause":
                if let v = node.namedChildren.first(where: { $0.kind == "as_pattern" }),
                   let alias = v.child(byField: "alias"), let t = alias.namedChildren.first, t.kind == "identifier" {
                    add(t, at: node)
                }
            case "function_definition":
                var globals = Set<String>()
                node.child(byField: "body")?.forEachDescendant { d in
                    if d.kind == "global_statement" {
                        for n in d.namedChildren where n.kind == "identifier" { globals.insert(n.text) }
                    }
                    return d.kind != "function_definition" && d.kind != "class_definition"
                }
                b.globals[node.byteRange.lowerBound] = globals
            default: break
            }
            return true
        }
        return b
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let bindings = context.shared(Bindings.self) { Self.collect(context.tree) }
        for rule in rules {
            let ignored = Set(rule.strings("ignore-names"))
            let scope = rule.string("scope") ?? ""
            for binding in bindings.all {
                let kind = binding.scope?.kind
                for name in binding.names where !ignored.contains(name) {
                    let bad: Bool
                    switch scope {
                    case "function":
                        guard kind == "function_definition", let fn = binding.scope else { bad = false; break }
                        bad = hasUppercase(name) && !(bindings.globals[fn.byteRange.lowerBound]?.contains(name) ?? false)
                    case "class": bad = kind == "class_definition" && isMixedCase(name)
                    case "global": bad = kind == nil && isMixedCase(name)
                    default: bad = false
                    }
                    if bad { report(rule.finding(binding.at, ["name": name])) }
                }
            }
        }
    }
}

// MARK: - N814, N817

/// A CamelCase name imported under an all-capitals alias: `kind: acronym` (N817, the alias is
/// the name's capitals, `import ElementTree as ET`) or `kind: constant` (N814, any other).
/// Findings are at the import statement, as pep8-naming reports them.
struct NamingImportChecker: Checker {
    static let name = "naming-import"
    static let parameters = ["kind": "acronym (N817) or constant (N814)"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        var aliases: [(statement: Node, name: String, alias: String)] = []
        context.tree.forEachNode { node in
            guard node.kind == "import_statement" || node.kind == "import_from_statement" else {
                return node.kind == "module" || node.kind == "block" || node.kind.hasSuffix("_statement")
                    || node.kind.hasSuffix("_clause") || node.kind.hasSuffix("_definition")
            }
            for a in node.children(byField: "name") where a.kind == "aliased_import" {
                guard let n = a.child(byField: "name"), let al = a.child(byField: "alias") else { continue }
                aliases.append((node, n.text, al.text))
            }
            return false
        }
        for rule in rules {
            let kind = rule.string("kind") ?? ""
            for (statement, name, alias) in aliases {
                guard !pyIsUpper(name), !pyIsLower(name), !pyIsLower(alias), pyIsUpper(alias) else { continue }
                let acronym = String(name.filter { $0.isUppercase }) == alias
                if (kind == "acronym") == acronym {
                    report(rule.finding(statement.start, statement.end, ["name": name, "asname": alias]))
                }
            }
        }
    }
}

// MARK: - N818

/// N818: a class deriving from `Exception` (directly or through classes defined beside it or in
/// enclosing bodies) whose name does not end in `Error`.
struct NamingExceptionChecker: Checker {
    static let name = "naming-exception"
    static let parameters = ["suffix": "the ending an exception's name needs", "ignore-names": "names not checked"]

    /// The bodies pep8-naming searches for a base class: the `body` of every enclosing node.
    static func enclosingBodies(_ node: Node) -> [Node] {
        var out: [Node] = []
        var p = node.parent
        while let n = p {
            switch n.kind {
            case "module": out.append(n)
            case "function_definition", "class_definition", "for_statement", "while_statement",
                 "with_statement", "try_statement":
                if let b = n.child(byField: "body") { out.append(b) }
            case "if_statement", "elif_clause", "case_clause":
                if let b = n.child(byField: "consequence") { out.append(b) }
            case "except_clause", "except_group_clause":
                if let b = n.namedChildren.first(where: { $0.kind == "block" }) { out.append(b) }
            default: break
            }
            p = n.parent
        }
        return out.reversed()
    }

    static func superclassNames(_ name: String, bodies: [Node], into names: inout Set<String>) {
        var found: Node?
        outer: for body in bodies {
            for s in statements(body) where s.kind == "class_definition" && s.child(byField: "name")?.text == name {
                found = s
                break outer
            }
        }
        guard let cls = found, let bases = cls.child(byField: "superclasses") else { return }
        for b in bases.namedChildren where b.kind == "identifier" && !names.contains(b.text) {
            names.insert(b.text)
            superclassNames(b.text, bodies: bodies, into: &names)
        }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        var classes: [Node] = []
        context.tree.forEachNode { node in
            if node.kind == "class_definition" { classes.append(node) }
            return true
        }
        for rule in rules {
            let ignored = Set(rule.strings("ignore-names"))
            let suffix = rule.string("suffix") ?? "Error"
            for cls in classes {
                guard let nameNode = cls.child(byField: "name"), !ignored.contains(nameNode.text) else { continue }
                // As pep8-naming, the name is looked up without its leading and trailing underscores.
                let name = String(nameNode.text.drop(while: { $0 == "_" }).reversed().drop(while: { $0 == "_" }).reversed())
                var supers = Set<String>()
                Self.superclassNames(name, bodies: Self.enclosingBodies(cls), into: &supers)
                if supers.contains("Exception") && !name.hasSuffix(suffix) {
                    report(rule.finding(nameNode, ["name": name, "suffix": suffix]))
                }
            }
        }
    }
}
