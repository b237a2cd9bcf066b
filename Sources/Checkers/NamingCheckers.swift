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
func hasUppercase(_ name: String) -> Bool {
    // ASCII (most names): lowercasing changes only A-Z.
    var ascii = true, upper = false
    for b in name.utf8 {
        if b >= 0x80 { ascii = false; break }
        if b >= 0x41 && b <= 0x5A { upper = true }
    }
    return ascii ? upper : name.lowercased() != name
}

/// Python's `str.isupper()` and `str.islower()`: at least one cased letter, all of one case.
func pyIsUpper(_ s: String) -> Bool {
    if let (upper, lower) = asciiCases(s) { return upper && !lower }
    return s.contains { $0.isUppercase } && !s.contains { $0.isLowercase }
}
func pyIsLower(_ s: String) -> Bool {
    if let (upper, lower) = asciiCases(s) { return lower && !upper }
    return s.contains { $0.isLowercase } && !s.contains { $0.isUppercase }
}

/// Whether an ASCII string has uppercase and lowercase letters (nil when it is not ASCII).
private func asciiCases(_ s: String) -> (upper: Bool, lower: Bool)? {
    var upper = false, lower = false
    for b in s.utf8 {
        if b >= 0x80 { return nil }
        if b >= 0x41 && b <= 0x5A { upper = true } else if b >= 0x61 && b <= 0x7A { lower = true }
    }
    return (upper, lower)
}

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
        let fns = context.functions
        guard !fns.isEmpty else { return }
        let classes = context.classes
        let kinds = classes.isEmpty ? [:]
            : namingFunctionKinds(classes, classmethodDecorators: [], staticmethodDecorators: [])
        // Each function's name, read once for every rule.
        let nodes = context.tree.nodes
        let named: [(fn: Node, nameNode: Node, name: String)] = fns.compactMap { fn in
            let found: (Node, String)
            if let i = nodes.index(of: fn) {
                guard let n = nodes.child(i, field: "name") else { return nil }
                found = (nodes.node(n), context.tree.source.text(in: nodes.startByte(n)..<nodes.endByte(n)))
            } else {
                guard let n = fn.child(byField: "name") else { return nil }
                found = (n, n.text)
            }
            // (Never checked.)
            if found.1 == "__dir__" || found.1 == "__getattr__" { return nil }
            return (fn, found.0, found.1)
        }
        guard !named.isEmpty else { return }
        for rule in rules {
            let ignored = rule.stringSet("ignore-names")
            let check = rule.string("check") ?? ""
            let lowercase = check == "lowercase"
            guard lowercase || check == "dunder" else { continue }
            for (fn, nameNode, name) in named {
                if !ignored.isEmpty && ignored.contains(name) { continue }
                let isFunction = kinds.isEmpty || kinds[fn.byteRange.lowerBound] == nil
                if !isFunction && Self.hasOverride(fn) { continue }
                if lowercase ? hasUppercase(name) : isFunction && name.hasPrefix("__") && name.hasSuffix("__") {
                    report(rule.finding(nameNode, ["name": name]))
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
        // Without a class, no `def` is a method.
        let classes = context.classes
        guard !classes.isEmpty else { return }
        let fns = context.functions
        for rule in rules {
            let kinds = namingFunctionKinds(classes, classmethodDecorators: rule.strings("classmethod-decorators"),
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
        /// Where the finding is reported (a node index).
        var at: Int
        var names: [String]
        /// The nearest function or class (a node index); -1 at module level.
        var scope: Int
        var scopeKind: ScopeKind
    }

    enum ScopeKind { case module, function, klass }

    /// Every binding in the tree (computed once per candidate).
    final class Bindings {
        var all: [Binding] = []
        /// Per function (by node index): names it declares `global`, for those that declare any.
        var globals: [Int: Set<String>] = [:]
        /// Whether some binding is in a scope of each kind.
        var inModule = false, inFunction = false, inClass = false
    }

    /// What `collect` does with a node, by its symbol.
    enum Action: UInt8 {
        case none, assignment, namedExpression, forLoop, withItem, exceptClause, globalStatement
    }

    static let actions: [Action] = {
        let pairs: [(UInt16, Action)] = [
            (Symbols.assignment, .assignment), (Symbols.namedExpression, .namedExpression),
            (Symbols.forStatement, .forLoop), (Symbols.forInClause, .forLoop), (Symbols.withItem, .withItem),
            (Symbols.exceptClause, .exceptClause), (Symbols.exceptGroupClause, .exceptClause),
            (Symbols.globalStatement, .globalStatement),
        ]
        var table = [Action](repeating: .none, count: Int(pairs.map(\.0).max() ?? 0) + 1)
        for (symbol, action) in pairs where symbol != 0 { table[Int(symbol)] = action }
        return table
    }()

    /// The names a target binds (node indices of `nodes`).
    static func names(_ target: Int, _ nodes: NodeList, _ source: SourceText) -> [String] {
        func text(_ i: Int) -> String { source.text(in: nodes.startByte(i)..<nodes.endByte(i)) }
        let identifier = Symbols.identifier, comment = Symbols.comment
        switch nodes.symbol(target) {
        case identifier: return [text(target)]
        case Symbols.parenthesizedExpression:
            let inner = nodes.children(target, namedOnly: true).filter { nodes.symbol($0) != comment }
            return inner.count == 1 && nodes.symbol(inner[0]) == identifier ? [text(inner[0])] : []
        case Symbols.patternList, Symbols.tuplePattern, Symbols.listPattern, Symbols.tuple, Symbols.list, Symbols.expressionList:
            var out: [String] = []
            for e in nodes.children(target, namedOnly: true) {
                switch nodes.symbol(e) {
                case identifier: out.append(text(e))
                case Symbols.listSplatPattern, Symbols.listSplat:
                    if let v = nodes.children(e, namedOnly: true).first { out += names(v, nodes, source) }
                case Symbols.parenthesizedExpression, Symbols.patternList, Symbols.tuplePattern, Symbols.listPattern, Symbols.tuple, Symbols.list:
                    out += names(e, nodes, source)
                default: break
                }
            }
            return out
        default: return []
        }
    }

    /// The node whose start pep8-naming reports: the target, without parentheses around a name.
    static func place(_ target: Int, _ nodes: NodeList) -> Int {
        let s = nodes.symbol(target)
        if s == Symbols.parenthesizedExpression || s == Symbols.tuplePattern,
           !nodes.children(target).contains(where: { nodes.symbol($0) == Symbols.comma }),
           let inner = nodes.children(target, namedOnly: true).first(where: { nodes.symbol($0) != Symbols.comment }),
           nodes.symbol(inner) == Symbols.identifier {
            return inner
        }
        return target
    }

    static func isNamedTuple(_ value: Int?, _ nodes: NodeList, _ source: SourceText) -> Bool {
        guard let value, nodes.symbol(value) == Symbols.call, let f = nodes.child(value, field: "function") else { return false }
        func isNamedtuple(_ i: Int) -> Bool {
            let lo = nodes.startByte(i), hi = nodes.endByte(i)
            return hi - lo == 10 && source.text(in: lo..<hi) == "namedtuple"
        }
        if nodes.symbol(f) == Symbols.identifier { return isNamedtuple(f) }
        if nodes.symbol(f) == Symbols.attribute {
            guard let a = nodes.child(f, field: "attribute") else { return false }
            return isNamedtuple(a)
        }
        return false
    }

    /// The nearest function or class that holds node `i` (-1: none).
    static func scope(of i: Int, _ nodes: NodeList) -> Int {
        if nodes.startByte(i) == nodes.endByte(i) {
            // A zero-width node: its parent as `Node.parent` gives it (tree-sitter's answer).
            var p = nodes.node(i).parent
            while let n = p {
                if n.symbol == Symbols.functionDefinition || n.symbol == Symbols.classDefinition {
                    return nodes.index(of: n) ?? -1
                }
                p = n.parent
            }
            return -1
        }
        let function = Symbols.functionDefinition, klass = Symbols.classDefinition
        var p = nodes.parent(i)
        while let n = p {
            let s = nodes.symbol(n)
            if s == function || s == klass { return n }
            p = nodes.parent(n)
        }
        return -1
    }

    static func collect(_ tree: Tree) -> Bindings {
        let b = Bindings()
        let nodes = tree.nodes
        let source = tree.source
        let actions = Self.actions
        let function = Symbols.functionDefinition
        func add(_ target: Int?, at: Int? = nil) {
            guard let target else { return }
            let names = names(target, nodes, source)
            guard !names.isEmpty else { return }
            let at = at ?? place(target, nodes)
            let scope = scope(of: at, nodes)
            let kind: ScopeKind = scope < 0 ? .module : nodes.symbol(scope) == function ? .function : .klass
            b.all.append(Binding(at: at, names: names, scope: scope, scopeKind: kind))
            switch kind {
            case .module: b.inModule = true
            case .function: b.inFunction = true
            case .klass: b.inClass = true
            }
        }
        for i in 0..<nodes.count {
            let symbol = Int(nodes.symbol(i))
            guard symbol < actions.count else { continue }
            switch actions[symbol] {
            case .none: break
            case .assignment:
                var value = nodes.child(i, field: "right")
                while let v = value, nodes.symbol(v) == Symbols.assignment { value = nodes.child(v, field: "right") }
                if !isNamedTuple(value, nodes, source) { add(nodes.child(i, field: "left")) }
            case .namedExpression:
                if !isNamedTuple(nodes.child(i, field: "value"), nodes, source) { add(nodes.child(i, field: "name")) }
            case .forLoop:
                add(nodes.child(i, field: "left"))
            case .withItem:
                if let v = nodes.child(i, field: "value"), nodes.symbol(v) == Symbols.asPattern,
                   let alias = nodes.child(v, field: "alias"), let t = nodes.children(alias, namedOnly: true).first {
                    add(t)
                }
            case .exceptClause:
                if let v = nodes.children(i, namedOnly: true).first(where: { nodes.symbol($0) == Symbols.asPattern }),
                   let alias = nodes.child(v, field: "alias"), let t = nodes.children(alias, namedOnly: true).first,
                   nodes.symbol(t) == Symbols.identifier {
                    add(t, at: i)
                }
            case .globalStatement:
                // The names a function declares `global` in its body (not in functions or classes
                // nested in it).
                let owner = scope(of: i, nodes)
                guard owner >= 0, nodes.symbol(owner) == function else { break }
                for n in nodes.children(i, namedOnly: true) where nodes.symbol(n) == Symbols.identifier {
                    b.globals[owner, default: []].insert(source.text(in: nodes.startByte(n)..<nodes.endByte(n)))
                }
            }
        }
        return b
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let bindings = context.shared(Bindings.self) { Self.collect(context.tree) }
        let nodes = context.tree.nodes
        for rule in rules {
            let scope = rule.string("scope") ?? ""
            let wanted: ScopeKind
            switch scope {
            case "function": wanted = .function; if !bindings.inFunction { continue }
            case "class": wanted = .klass; if !bindings.inClass { continue }
            case "global": wanted = .module; if !bindings.inModule { continue }
            default: continue
            }
            let ignored = rule.stringSet("ignore-names")
            for binding in bindings.all where binding.scopeKind == wanted {
                for name in binding.names where !ignored.contains(name) {
                    let bad: Bool
                    switch wanted {
                    case .function:
                        bad = hasUppercase(name) && !(bindings.globals[binding.scope]?.contains(name) ?? false)
                    case .klass, .module: bad = isMixedCase(name)
                    }
                    if bad { report(rule.finding(nodes.node(binding.at), ["name": name])) }
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
        let tree = context.tree
        let nodes = tree.nodes
        let importStatement = Symbols.importStatement, importFrom = Symbols.importFrom
        // The imports reached through modules, blocks, statements, clauses and definitions only
        // (as a walk that descends into those alone finds them).
        func reachable(_ i: Int) -> Bool {
            var p = nodes.parent(i)
            while let n = p {
                let s = nodes.symbol(n)
                if s != Symbols.module && s != Symbols.block {
                    let kind = nodes.node(n).kind
                    guard kind.hasSuffix("_statement") || kind.hasSuffix("_clause") || kind.hasSuffix("_definition") else {
                        return false
                    }
                }
                p = nodes.parent(n)
            }
            return true
        }
        var i = 0
        let count = nodes.count
        while i < count {
            let s = nodes.symbol(i)
            guard s == importStatement || s == importFrom else { i += 1; continue }
            if reachable(i) {
                let node = nodes.node(i)
                for a in node.children(byField: "name") where a.symbol == Symbols.aliasedImport {
                    guard let n = a.child(byField: "name"), let al = a.child(byField: "alias") else { continue }
                    aliases.append((node, n.text, al.text))
                }
            }
            i = nodes.subtreeEnd(i)
        }
        guard !aliases.isEmpty else { return }
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
        let classes = context.classes
        guard !classes.isEmpty else { return }
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
