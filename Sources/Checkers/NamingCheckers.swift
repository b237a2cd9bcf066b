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
    switch node.symbol {
    case Symbols.decorator: return node.namedChildren.first(where: { $0.symbol != Symbols.comment }).flatMap(decoratorName)
    case Symbols.identifier: return node.text
    case Symbols.attribute: return node.child(byField: "attribute")?.text
    case Symbols.call: return node.child(byField: "function").flatMap(decoratorName)
    default: return nil
    }
}

/// The decorators of a definition (empty when it has none).
func decorators(of definition: Node) -> [Node] {
    guard let parent = definition.parent, parent.symbol == Symbols.decoratedDefinition else { return [] }
    return parent.namedChildren.filter { $0.symbol == Symbols.decorator }
}

/// The statements of a block-like node, with a decorated definition replaced by its definition.
func statements(_ block: Node) -> [Node] {
    block.namedChildren.compactMap { node in
        if node.symbol == Symbols.comment { return nil }
        if node.symbol == Symbols.decoratedDefinition { return node.child(byField: "definition") }
        return node
    }
}

/// The kind of every `def` that pep8-naming takes for a method, by the byte where it starts.
/// Others are plain functions.
func namingFunctionKinds(_ classes: [Node], classmethodDecorators: [String],
                         staticmethodDecorators: [String]) -> [Int: NamingFunctionKind] {
    var byDecorator: [String: NamingFunctionKind] = [:]
    for d in classmethodDecorators { byDecorator[d] = .classmethod }
    for d in staticmethodDecorators { byDecorator[d] = .staticmethod }
    var kinds: [Int: NamingFunctionKind] = [:]
    for node in classes {
        guard let body = node.child(byField: "body") else { continue }
        // `m = staticmethod(m)` in the class body.
        var late: [String: NamingFunctionKind] = [:]
        for s in statements(body) where s.symbol == Symbols.expressionStatement {
            guard let a = s.namedChildren.first, a.symbol == Symbols.assignment,
                  let call = a.child(byField: "right"), call.symbol == Symbols.call,
                  let f = call.child(byField: "function"), f.symbol == Symbols.identifier,
                  let kind = byDecorator[f.text],
                  let args = call.child(byField: "arguments") else { continue }
            let positional = args.namedChildren.filter { $0.symbol != Symbols.comment && $0.symbol != Symbols.keywordArgument }
            if positional.count == 1, positional[0].symbol == Symbols.identifier { late[positional[0].text] = kind }
        }
        // A class deriving from `type` or `ABCMeta` is a metaclass: its methods take `cls`.
        var metaclass = false
        if let bases = node.child(byField: "superclasses") {
            for b in bases.namedChildren {
                let name = b.symbol == Symbols.identifier ? b.text
                    : b.symbol == Symbols.attribute ? (b.child(byField: "attribute")?.text ?? "") : ""
                if name == "type" || name == "ABCMeta" { metaclass = true }
            }
        }
        func tag(_ container: Node) {
            for s in statements(container) {
                switch s.symbol {
                case Symbols.functionDefinition:
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
                case Symbols.ifStatement, Symbols.forStatement, Symbols.whileStatement, Symbols.withStatement,
                     Symbols.tryStatement, Symbols.elifClause, Symbols.elseClause, Symbols.finallyClause:
                    for c in s.namedChildren where c.symbol == Symbols.block || c.symbol == Symbols.elifClause
                        || c.symbol == Symbols.elseClause || c.symbol == Symbols.finallyClause {
                        tag(c)
                    }
                case Symbols.block:
                    tag(s)
                default:
                    break
                }
            }
        }
        tag(body)
    }
    return kinds
}

/// The parameter nodes of a definition that pep8-naming checks, as (name node, is `*`/`**`).
func namingParameters(_ fn: Node) -> [(name: Node, splat: Bool)] {
    guard let params = fn.child(byField: "parameters") else { return [] }
    var out: [(Node, Bool)] = []
    func add(_ p: Node) {
        switch p.symbol {
        case Symbols.identifier: out.append((p, false))
        case Symbols.defaultParameter, Symbols.typedDefaultParameter:
            if let n = p.child(byField: "name") { out.append((n, false)) }
        case Symbols.typedParameter:
            if let first = p.namedChildren.first { first.symbol == Symbols.identifier ? out.append((first, false)) : add(first) }
        case Symbols.listSplatPattern, Symbols.dictionarySplatPattern:
            if let n = p.namedChildren.first(where: { $0.symbol == Symbols.identifier }) { out.append((n, true)) }
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
            if e.symbol == Symbols.identifier { return e.text == "override" }
            if e.symbol == Symbols.attribute {
                return e.child(byField: "object")?.text == "typing" && e.child(byField: "attribute")?.text == "override"
            }
            return false
        }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let kinds = namingFunctionKinds(context.classes, classmethodDecorators: [], staticmethodDecorators: [])
        let fns = context.functions
        for rule in rules {
            let ignored = rule.stringSet("ignore-names")
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
        let fns = context.functions
        for rule in rules {
            let kinds = namingFunctionKinds(context.classes, classmethodDecorators: rule.strings("classmethod-decorators"),
                                            staticmethodDecorators: rule.strings("staticmethod-decorators"))
            let ignored = rule.stringSet("ignore-names")
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
        switch target.symbol {
        case Symbols.identifier: return [target.text]
        case Symbols.parenthesizedExpression:
            let inner = target.namedChildren.filter { $0.symbol != Symbols.comment }
            return inner.count == 1 && inner[0].symbol == Symbols.identifier ? [inner[0].text] : []
        case Symbols.patternList, Symbols.tuplePattern, Symbols.listPattern, Symbols.tuple, Symbols.list, Symbols.expressionList:
            var out: [String] = []
            for e in target.namedChildren {
                switch e.symbol {
                case Symbols.identifier: out.append(e.text)
                case Symbols.listSplatPattern, Symbols.listSplat:
                    if let v = e.namedChildren.first { out += names(v) }
                case Symbols.parenthesizedExpression, Symbols.patternList, Symbols.tuplePattern, Symbols.listPattern, Symbols.tuple, Symbols.list:
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
        if target.symbol == Symbols.parenthesizedExpression || target.symbol == Symbols.tuplePattern,
           !target.children.contains(where: { $0.symbol == Symbols.comma }),
           let inner = target.namedChildren.first(where: { $0.symbol != Symbols.comment }), inner.symbol == Symbols.identifier {
            return inner
        }
        return target
    }

    static func isNamedTuple(_ value: Node?) -> Bool {
        guard let value, value.symbol == Symbols.call, let f = value.child(byField: "function") else { return false }
        if f.symbol == Symbols.identifier { return f.text == "namedtuple" }
        if f.symbol == Symbols.attribute { return f.child(byField: "attribute")?.text == "namedtuple" }
        return false
    }

    static func scope(of node: Node) -> Node? {
        var p = node.parent
        while let n = p {
            if n.symbol == Symbols.functionDefinition || n.symbol == Symbols.classDefinition { return n }
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
            switch node.symbol {
            case Symbols.assignment:
                var value = node.child(byField: "right")
                while let v = value, v.symbol == Symbols.assignment { value = v.child(byField: "right") }
                if !isNamedTuple(value) { add(node.child(byField: "left")) }
            case Symbols.namedExpression:
                if !isNamedTuple(node.child(byField: "value")) { add(node.child(byField: "name")) }
            case Symbols.forStatement, Symbols.forInClause:
                add(node.child(byField: "left"))
            case Symbols.withItem:
                if let v = node.child(byField: "value"), v.symbol == Symbols.asPattern,
                   let alias = v.child(byField: "alias"), let t = alias.namedChildren.first {
                    add(t)
                }
            case Symbols.exceptClause, Symbols.exceptGroupClause:
                if let v = node.namedChildren.first(where: { $0.symbol == Symbols.asPattern }),
                   let alias = v.child(byField: "alias"), let t = alias.namedChildren.first, t.symbol == Symbols.identifier {
                    add(t, at: node)
                }
            case Symbols.functionDefinition:
                var globals = Set<String>()
                node.child(byField: "body")?.forEachDescendant { d in
                    if d.symbol == Symbols.globalStatement {
                        for n in d.namedChildren where n.symbol == Symbols.identifier { globals.insert(n.text) }
                    }
                    return d.symbol != Symbols.functionDefinition && d.symbol != Symbols.classDefinition
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
            let ignored = rule.stringSet("ignore-names")
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
            guard node.symbol == Symbols.importStatement || node.symbol == Symbols.importFrom else {
                return node.symbol == Symbols.module || node.symbol == Symbols.block || node.kind.hasSuffix("_statement")
                    || node.kind.hasSuffix("_clause") || node.kind.hasSuffix("_definition")
            }
            for a in node.children(byField: "name") where a.symbol == Symbols.aliasedImport {
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
            switch n.symbol {
            case Symbols.module: out.append(n)
            case Symbols.functionDefinition, Symbols.classDefinition, Symbols.forStatement, Symbols.whileStatement,
                 Symbols.withStatement, Symbols.tryStatement:
                if let b = n.child(byField: "body") { out.append(b) }
            case Symbols.ifStatement, Symbols.elifClause, Symbols.caseClause:
                if let b = n.child(byField: "consequence") { out.append(b) }
            case Symbols.exceptClause, Symbols.exceptGroupClause:
                if let b = n.namedChildren.first(where: { $0.symbol == Symbols.block }) { out.append(b) }
            default: break
            }
            p = n.parent
        }
        return out.reversed()
    }

    static func superclassNames(_ name: String, bodies: [Node], into names: inout Set<String>) {
        var found: Node?
        outer: for body in bodies {
            for s in statements(body) where s.symbol == Symbols.classDefinition && s.child(byField: "name")?.text == name {
                found = s
                break outer
            }
        }
        guard let cls = found, let bases = cls.child(byField: "superclasses") else { return }
        for b in bases.namedChildren where b.symbol == Symbols.identifier && !names.contains(b.text) {
            names.insert(b.text)
            superclassNames(b.text, bodies: bodies, into: &names)
        }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        var classes: [Node] = []
        context.tree.forEachNode { node in
            if node.symbol == Symbols.classDefinition { classes.append(node) }
            return true
        }
        for rule in rules {
            let ignored = rule.stringSet("ignore-names")
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
