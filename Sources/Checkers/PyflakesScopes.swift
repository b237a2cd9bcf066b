import Foundation
import SyntaxTree

/// A name binding, as pyflakes models them.
final class PyBinding {
    enum Kind: Equatable {
        case importation(String)       // `import a as b`, `from m import a`: the qualified name
        case submoduleImportation(String)  // `import a.b` (binds `a`)
        case function, klass
        case assignment                // `x = …`, `x += …`, `x: T = …`, `with … as x`, literal unpacking
        case namedExpression           // `(x := …)`
        case annotation                // `x: T` without a value
        case plain                     // loop targets, unpacking of a non-literal, `with … as (a, b)`
        case argument
        case global                    // `global x` / `nonlocal x`
        case exceptHandler
    }
    let name: String
    let kind: Kind
    /// Where findings about it are reported (the name, or the alias of an import).
    let node: Node
    var used = false
    /// A loop variable (which shadowing an import is F402, not F811).
    var isLoopVariable = false

    init(_ name: String, _ kind: Kind, _ node: Node) {
        self.name = name
        self.kind = kind
        self.node = node
    }

    var isImport: Bool {
        switch kind {
        case .importation, .submoduleImportation: return true
        default: return false
        }
    }
    var isDefinition: Bool { isImport || kind == .function || kind == .klass }
    var fullName: String? {
        switch kind {
        case .importation(let n), .submoduleImportation(let n): return n
        default: return nil
        }
    }

    /// pyflakes' `redefines`: whether binding this value over `other` counts as a redefinition.
    func redefines(_ other: PyBinding) -> Bool {
        switch kind {
        case .importation:
            if case .submoduleImportation(let f) = other.kind { return f == fullName }
            return other.isDefinition
        case .submoduleImportation:
            if other.isImport { return other.fullName == fullName }
            return other.isDefinition
        case .function, .klass:
            return other.isDefinition || other.kind == .assignment || other.kind == .namedExpression
        default:
            return other.isDefinition
        }
    }
}

final class PyScope {
    enum Kind { case module, klass, function, generator }
    let kind: Kind
    var bindings: [String: PyBinding] = [:]
    /// Names declared `global` or `nonlocal` here.
    var globals: Set<String> = []
    var usesLocals = false
    var hasStarImport = false
    /// The enclosing scope (nil for the module).
    let parent: PyScope?
    init(_ kind: Kind, parent: PyScope?) { self.kind = kind; self.parent = parent }
}

/// What the scope analysis found, per pyflakes code.
struct PyflakesReport {
    struct Item {
        let code: String
        /// Where the finding lies in the candidate (a name in a string annotation lies inside
        /// the string, though it was parsed apart).
        let start: SourcePosition
        let end: SourcePosition
        let values: [String: String]
    }
    var items: [Item] = []
}

/// Where the text of a parsed string annotation lies in the candidate: positions in the parsed
/// text are moved to the string's content (or, for a string whose text is not its content,
/// such as one with escapes or an implicit concatenation, all to the string itself).
struct AnnotationPlacement {
    /// Where the content starts in the candidate.
    let base: SourcePosition
    /// When set, every position maps to this range.
    let whole: (start: SourcePosition, end: SourcePosition)?
    /// How many characters the parsed text has before the content (an added "(").
    static let lead = 1

    func place(_ p: SourcePosition) -> SourcePosition {
        if let whole { return p.offset <= Self.lead ? whole.start : whole.end }
        if p.line == 1 {
            return SourcePosition(line: base.line, column: base.column + p.column - 1 - Self.lead,
                                  offset: base.offset + p.offset - Self.lead)
        }
        return SourcePosition(line: base.line + p.line - 1, column: p.column, offset: base.offset + p.offset - Self.lead)
    }
}

enum PySym {
    static let module = Symbols.named("module")
    static let identifier = Symbols.named("identifier")
    static let importStatement = Symbols.named("import_statement")
    static let importFrom = Symbols.named("import_from_statement")
    static let futureImport = Symbols.named("future_import_statement")
    static let dottedName = Symbols.named("dotted_name")
    static let aliasedImport = Symbols.named("aliased_import")
    static let relativeImport = Symbols.named("relative_import")
    static let importPrefix = Symbols.named("import_prefix")
    static let wildcardImport = Symbols.named("wildcard_import")
    static let functionDefinition = Symbols.named("function_definition")
    static let classDefinition = Symbols.named("class_definition")
    static let decoratedDefinition = Symbols.named("decorated_definition")
    static let decorator = Symbols.named("decorator")
    static let lambda = Symbols.named("lambda")
    static let listComprehension = Symbols.named("list_comprehension")
    static let setComprehension = Symbols.named("set_comprehension")
    static let dictionaryComprehension = Symbols.named("dictionary_comprehension")
    static let generatorExpression = Symbols.named("generator_expression")
    static let forInClause = Symbols.named("for_in_clause")
    static let ifClause = Symbols.named("if_clause")
    static let assignment = Symbols.named("assignment")
    static let augmentedAssignment = Symbols.named("augmented_assignment")
    static let namedExpression = Symbols.named("named_expression")
    static let forStatement = Symbols.named("for_statement")
    static let withItem = Symbols.named("with_item")
    static let asPattern = Symbols.named("as_pattern")
    static let asPatternTarget = Symbols.named("as_pattern_target")
    static let exceptClause = Symbols.named("except_clause")
    static let exceptGroupClause = Symbols.named("except_group_clause")
    static let globalStatement = Symbols.named("global_statement")
    static let nonlocalStatement = Symbols.named("nonlocal_statement")
    static let deleteStatement = Symbols.named("delete_statement")
    static let attribute = Symbols.named("attribute")
    static let subscriptNode = Symbols.named("subscript")
    static let keywordArgument = Symbols.named("keyword_argument")
    static let tuple = Symbols.named("tuple")
    static let list = Symbols.named("list")
    static let patternList = Symbols.named("pattern_list")
    static let tuplePattern = Symbols.named("tuple_pattern")
    static let listPattern = Symbols.named("list_pattern")
    static let expressionList = Symbols.named("expression_list")
    static let parenthesizedExpression = Symbols.named("parenthesized_expression")
    static let listSplatPattern = Symbols.named("list_splat_pattern")
    static let listSplat = Symbols.named("list_splat")
    static let dictionarySplatPattern = Symbols.named("dictionary_splat_pattern")
    static let typedParameter = Symbols.named("typed_parameter")
    static let defaultParameter = Symbols.named("default_parameter")
    static let typedDefaultParameter = Symbols.named("typed_default_parameter")
    static let ifStatement = Symbols.named("if_statement")
    static let whileStatement = Symbols.named("while_statement")
    static let conditionalExpression = Symbols.named("conditional_expression")
    static let tryStatement = Symbols.named("try_statement")
    static let elseClause = Symbols.named("else_clause")
    static let finallyClause = Symbols.named("finally_clause")
    static let block = Symbols.named("block")
    static let matchStatement = Symbols.named("match_statement")
    static let caseClause = Symbols.named("case_clause")
    static let casePattern = Symbols.named("case_pattern")
    static let keywordPattern = Symbols.named("keyword_pattern")
    static let splatPattern = Symbols.named("splat_pattern")
    static let classPattern = Symbols.named("class_pattern")
    static let string = Symbols.named("string")
    static let call = Symbols.named("call")
    static let typeAlias = Symbols.named("type_alias_statement")
    static let comment = Symbols.named("comment")
    static let type = Symbols.named("type")
    static let genericType = Symbols.named("generic_type")
    static let typeParameter = Symbols.named("type_parameter")
    static let concatenatedString = Symbols.named("concatenated_string")
    static let stringStart = Symbols.named("string_start")
    static let stringEnd = Symbols.named("string_end")
    static let stringContent = Symbols.named("string_content")
    static let escapeSequence = Symbols.named("escape_sequence")
    static let interpolation = Symbols.named("interpolation")
    static let expressionStatement = Symbols.named("expression_statement")
    static let argumentList = Symbols.named("argument_list")
}

/// Names Python 3.11 provides in every module without a binding.
let pythonBuiltins: Set<String> = [
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup",
    "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError",
    "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
    "DeprecationWarning", "EOFError", "Ellipsis", "EncodingWarning", "EnvironmentError", "Exception",
    "ExceptionGroup", "False", "FileExistsError", "FileNotFoundError", "FloatingPointError",
    "FutureWarning", "GeneratorExit", "IOError", "ImportError", "ImportWarning", "IndentationError",
    "IndexError", "InterruptedError", "IsADirectoryError", "KeyError", "KeyboardInterrupt",
    "LookupError", "MemoryError", "ModuleNotFoundError", "NameError", "None", "NotADirectoryError",
    "NotImplemented", "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning",
    "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError", "ResourceWarning",
    "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration", "SyntaxError",
    "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError", "True", "TypeError",
    "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError",
    "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError", "Warning",
    "ZeroDivisionError", "__build_class__", "__debug__", "__doc__", "__import__", "__loader__",
    "__name__", "__package__", "__spec__", "abs", "aiter", "all", "anext", "any", "ascii", "bin",
    "bool", "breakpoint", "bytearray", "bytes", "callable", "chr", "classmethod", "compile",
    "complex", "copyright", "credits", "delattr", "dict", "dir", "divmod", "enumerate", "eval",
    "exec", "exit", "filter", "float", "format", "frozenset", "getattr", "globals", "hasattr",
    "hash", "help", "hex", "id", "input", "int", "isinstance", "issubclass", "iter", "len",
    "license", "list", "locals", "map", "max", "memoryview", "min", "next", "object", "oct", "open",
    "ord", "pow", "print", "property", "quit", "range", "repr", "reversed", "round", "set",
    "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars",
    "zip",
    // Module attributes pyflakes and Ruff take as defined, and Windows' alias of OSError.
    "__file__", "__builtins__", "__annotations__", "WindowsError",
]

/// pyflakes' scope analysis over one module: bindings and uses per scope (module, class,
/// function, lambda, comprehension), function bodies deferred until the module is done, as
/// pyflakes (and Ruff) do, so that functions see every module-level name.
final class PyflakesAnalysis {
    private(set) var report = PyflakesReport()
    private var stack: [PyScope] = []
    private var allScopes: [PyScope] = []
    private var deferred: [() -> Void] = []
    private var undefined: [(name: String, start: SourcePosition, end: SourcePosition)] = []
    private var globalNames: Set<String> = []
    private var exportNames: Set<String> = []
    private var depth = 0
    /// Visiting an annotation: strings in it are type expressions (forward references), parsed
    /// and checked as code, as pyflakes and Ruff do.
    private var inAnnotation = false
    /// Set while visiting the parsed text of a string annotation: where its positions lie.
    private var placement: AnnotationPlacement? = nil
    /// `from __future__ import annotations`: annotations are not evaluated, so they are checked
    /// at the end, like function bodies.
    private var futureAnnotations = false
    /// Inside the body of a `try` that catches `NameError` (by that name): an undefined name
    /// there is expected, and not reported (as Ruff and pyflakes).
    private var nameErrorHandled = 0
    /// Parses string annotations (made on the first one).
    private var annotationParser: PythonParser? = nil
    /// Set when the tree is nested too deeply to analyse safely (findings are then dropped).
    private(set) var gaveUp = false
    static let maxDepth = 200

    init(tree: Tree) {
        // As Ruff: a file its parser refuses is not analysed; one it reads is, even when CPython
        // would refuse it for a reason found after parsing (a misplaced `from __future__` import).
        if tree.root.hasError
            || tree.hasSyntaxErrors && tree.syntaxErrors.contains(where: { $0.kind != .misplacedFutureImport }) {
            return
        }
        let module = PyScope(.module, parent: nil)
        push(module)
        visitChildren(tree.root)
        while !deferred.isEmpty {
            let batch = deferred
            deferred = []
            for f in batch { f() }
        }
        if gaveUp { report.items = []; return }
        finish(module)
    }

    private var scope: PyScope { stack[stack.count - 1] }

    private func push(_ s: PyScope) {
        stack.append(s)
        allScopes.append(s)
    }

    private func add(_ code: String, _ node: Node, _ values: [String: String]) {
        report.items.append(.init(code: code, start: node.start, end: node.end, values: values))
    }

    /// Where `node` lies in the candidate.
    private func place(_ node: Node) -> (start: SourcePosition, end: SourcePosition) {
        guard let placement else { return (node.start, node.end) }
        return (placement.place(node.start), placement.place(node.end))
    }

    // MARK: Bindings

    private func addBinding(_ value: PyBinding, loop: Bool = false) {
        var target = scope
        if value.kind == .namedExpression {
            if let s = stack.last(where: { $0.kind != .generator }) { target = s }
        }
        var existingScope: PyScope? = nil
        for s in stack.reversed() where s.bindings[value.name] != nil {
            existingScope = s
            break
        }
        if let es = existingScope, let existing = es.bindings[value.name], existing.kind != .global,
           !differentForks(value.node, existing.node) {
            if loop && existing.isImport {
                // F402 (import shadowed by a loop variable), not F811.
            } else if es === scope, !existing.used, value.redefines(existing),
                      value.name != "_" || existing.isImport, !isOverload(existing) {
                add("F811", value.node, ["name": value.name, "line": String(existing.node.start.line)])
            }
        }
        if let current = target.bindings[value.name] {
            value.used = current.used
        }
        if target.bindings[value.name] == nil || value.kind != .annotation {
            target.bindings[value.name] = value
        }
    }

    private func isOverload(_ b: PyBinding) -> Bool {
        guard b.kind == .function, let def = b.node.parent, let deco = def.parent,
              deco.symbol == PySym.decoratedDefinition else { return false }
        for d in deco.namedChildren where d.symbol == PySym.decorator {
            let t = d.text.dropFirst().trimmingCharacters(in: .whitespaces)
            if t == "overload" || t.hasSuffix(".overload") { return true }
        }
        return false
    }

    /// pyflakes' `differentForks`: the two nodes lie in different branches of an `if`, a `try`
    /// or a `match`.
    private func differentForks(_ a: Node, _ b: Node) -> Bool {
        var chainA: [Node] = []
        var n: Node? = a
        while let x = n { chainA.append(x); n = x.parent }
        var index: [Node: Int] = [:]
        for (i, x) in chainA.enumerated() { index[x] = i }
        var prevB: Node? = nil
        var m: Node? = b
        while let x = m {
            if let i = index[x] {
                guard i > 0, let childB = prevB else { return false }
                let childA = chainA[i - 1]
                if childA == childB { return false }
                if x.symbol == PySym.ifStatement {
                    let fa = childA.fieldName, fb = childB.fieldName
                    return fa != "condition" && fb != "condition"
                }
                if x.symbol == PySym.tryStatement {
                    let bodyish = { (c: Node) in c.symbol == PySym.block || c.symbol == PySym.elseClause }
                    return !(bodyish(childA) && bodyish(childB))
                }
                if x.symbol == PySym.block, x.parent?.symbol == PySym.matchStatement {
                    return childA.symbol == PySym.caseClause && childB.symbol == PySym.caseClause
                }
                return false
            }
            prevB = x
            m = x.parent
        }
        return false
    }

    // MARK: Uses

    private func handleLoad(_ node: Node) {
        let name = node.text
        let current = scope
        // A postponed annotation (a string, or under `from __future__ import annotations`)
        // sees annotations without a value (`x: int`); other loads do not, as in pyflakes.
        let postponed = placement != nil || (futureAnnotations && inAnnotation)
        for (i, s) in stack.reversed().enumerated() {
            if s.kind == .klass && i > 0 { continue }
            if let b = s.bindings[name] {
                b.used = true
                if b.kind == .annotation && !postponed { continue }
                return
            }
        }
        if name == "locals", current.kind == .function, node.parent?.symbol == PySym.call {
            current.usesLocals = true
        }
        if pythonBuiltins.contains(name) { return }
        if (name == "__module__" || name == "__qualname__") && current.kind == .klass { return }
        if name == "__class__" && stack.contains(where: { $0.kind == .function }) { return }
        if stack.contains(where: { $0.hasStarImport }) { return }
        if nameErrorHandled > 0 { return }
        let (start, end) = place(node)
        undefined.append((name, start, end))
    }

    // MARK: Visiting

    private func visitChildren(_ node: Node) {
        for c in node.namedChildren { visit(c) }
    }

    private func visit(_ node: Node) {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { gaveUp = true; return }
        let s = node.symbol
        switch s {
        case PySym.identifier:
            handleLoad(node)
        case PySym.comment:
            return
        case PySym.attribute:
            if let o = node.child(byField: "object") { visit(o) }
        case PySym.keywordArgument:
            if let v = node.child(byField: "value") { visit(v) }
        case PySym.importStatement:
            visitImport(node)
        case PySym.importFrom:
            visitImportFrom(node)
        case PySym.futureImport:
            if node.children(byField: "name").contains(where: { $0.text == "annotations" }) { futureAnnotations = true }
            return
        case PySym.string, PySym.concatenatedString:
            if inAnnotation { stringAnnotation(node) } else { visitChildren(node) }
        case PySym.subscriptNode, PySym.genericType:
            if inAnnotation { visitTypeSubscript(node) } else { visitChildren(node) }
        case PySym.call:
            visitCall(node)
        case PySym.tryStatement:
            visitTry(node)
        case PySym.functionDefinition:
            visitFunction(node)
        case PySym.classDefinition:
            visitClass(node)
        case PySym.lambda:
            visitLambda(node)
        case PySym.listComprehension, PySym.setComprehension, PySym.dictionaryComprehension,
             PySym.generatorExpression:
            visitComprehension(node)
        case PySym.assignment:
            visitAssignment(node)
        case PySym.augmentedAssignment:
            if let r = node.child(byField: "right") { visit(r) }
            if let l = node.child(byField: "left") {
                if l.symbol == PySym.identifier {
                    handleLoad(l)
                    bind(l, .assignment)
                } else {
                    visit(l)
                }
            }
            if scope.kind == .module, let l = node.child(byField: "left"), l.text == "__all__",
               let r = node.child(byField: "right") { collectExports(r) }
        case PySym.namedExpression:
            if let v = node.child(byField: "value") { visit(v) }
            if let n = node.child(byField: "name") { bind(n, .namedExpression) }
        case PySym.forStatement:
            if let r = node.child(byField: "right") { visit(r) }
            if let l = node.child(byField: "left") { bindTargets(l, .plain, loop: true) }
            if let b = node.child(byField: "body") { visit(b) }
            if let a = node.child(byField: "alternative") { visit(a) }
        case PySym.withItem:
            visitWithItem(node)
        case PySym.exceptClause, PySym.exceptGroupClause:
            visitExcept(node)
        case PySym.globalStatement, PySym.nonlocalStatement:
            visitGlobal(node)
        case PySym.deleteStatement:
            visitDelete(node)
        case PySym.caseClause:
            visitCase(node)
        case PySym.typeAlias:
            if let r = node.child(byField: "right") { visit(r) }
            if let l = node.child(byField: "left") {
                if let id = l.namedChildren.first, id.symbol == PySym.identifier { bind(id, .assignment) }
            }
        default:
            visitChildren(node)
        }
    }

    private func bind(_ node: Node, _ kind: PyBinding.Kind, loop: Bool = false) {
        let b = PyBinding(node.text, kind, node)
        b.isLoopVariable = loop
        addBinding(b, loop: loop)
    }

    /// Binds the names in an assignment target; loads what is read (`a.b`, `a[i]`).
    private func bindTargets(_ node: Node, _ kind: PyBinding.Kind, loop: Bool = false) {
        let s = node.symbol
        if s == PySym.identifier {
            bind(node, kind, loop: loop)
        } else if s == PySym.tuple || s == PySym.list || s == PySym.patternList || s == PySym.tuplePattern
                    || s == PySym.listPattern || s == PySym.expressionList || s == PySym.parenthesizedExpression
                    || s == PySym.listSplatPattern || s == PySym.listSplat || s == PySym.asPatternTarget {
            for c in node.namedChildren where c.symbol != PySym.comment { bindTargets(c, kind, loop: loop) }
        } else {
            visit(node)
        }
    }

    private func visitAssignment(_ node: Node) {
        // `a = b = v`: the innermost right side is the value; every left side is a target.
        var targets: [Node] = []
        var n = node
        var annotation: Node? = nil
        while true {
            if let l = n.child(byField: "left") { targets.append(l) }
            if let t = n.child(byField: "type") { annotation = t }
            guard let r = n.child(byField: "right") else { break }
            if r.symbol == PySym.assignment { n = r; continue }
            break
        }
        let value = n.child(byField: "right")
        if let annotation { visitAnnotation(annotation) }
        if let value { visit(value) }
        let literal = value.map { v in
            v.symbol == PySym.tuple || v.symbol == PySym.list || v.symbol == PySym.expressionList
        } ?? false
        for t in targets {
            if t.symbol == PySym.identifier {
                bind(t, value == nil && annotation != nil ? .annotation : .assignment)
                if scope.kind == .module, t.text == "__all__", let value { collectExports(value) }
            } else {
                bindTargets(t, literal ? .assignment : .plain)
            }
        }
    }

    private func collectExports(_ value: Node) {
        for c in value.namedChildren where c.symbol == PySym.string {
            let t = c.text
            if let q = t.first, q == "\"" || q == "'", t.count >= 2 {
                exportNames.insert(String(t.dropFirst().dropLast()))
            }
        }
    }

    private func visitWithItem(_ node: Node) {
        guard let v = node.child(byField: "value") else { visitChildren(node); return }
        if v.symbol == PySym.asPattern {
            let parts = v.namedChildren
            if let e = parts.first { visit(e) }
            if let alias = v.child(byField: "alias") {
                let inner = alias.namedChildren.first
                if let inner, inner.symbol == PySym.identifier {
                    bind(inner, .assignment)
                } else if let inner {
                    bindTargets(inner, .plain)
                }
            }
        } else {
            visit(v)
        }
    }

    private func visitExcept(_ node: Node) {
        var name: Node? = nil
        for c in node.namedChildren {
            if c.symbol == PySym.asPattern {
                if let e = c.namedChildren.first { visit(e) }
                if let alias = c.child(byField: "alias"), let id = alias.namedChildren.first,
                   id.symbol == PySym.identifier {
                    name = id
                }
            } else if c.symbol == PySym.block {
                if let name {
                    let key = name.text
                    let previous = scope.bindings.removeValue(forKey: key)
                    let b = PyBinding(key, .exceptHandler, name)
                    addBinding(b)
                    visit(c)
                    if !b.used && !isDummy(key) {
                        add("F841", name, ["name": key])
                    }
                    scope.bindings[key] = previous
                } else {
                    visit(c)
                }
            } else {
                visit(c)
            }
        }
    }

    private func visitGlobal(_ node: Node) {
        guard scope.kind != .module else { return }
        let module = stack[0]
        for id in node.namedChildren where id.symbol == PySym.identifier {
            let name = id.text
            scope.globals.insert(name)
            globalNames.insert(name)
            let b = PyBinding(name, .global, id)
            b.used = true
            if module.bindings[name] == nil { module.bindings[name] = b }
            for s in stack.dropFirst() { s.bindings[name] = b }
        }
    }

    private func visitDelete(_ node: Node) {
        var targets: [Node] = []
        for c in node.namedChildren {
            if c.symbol == PySym.expressionList { targets += c.namedChildren } else { targets.append(c) }
        }
        var conditional = false
        var p = node.parent
        while let x = p {
            if x.symbol == PySym.ifStatement || x.symbol == PySym.whileStatement
                || x.symbol == PySym.conditionalExpression { conditional = true; break }
            p = x.parent
        }
        for t in targets {
            guard t.symbol == PySym.identifier else { visit(t); continue }
            if conditional { continue }
            let name = t.text
            if scope.kind == .function && scope.globals.contains(name) {
                scope.globals.remove(name)
                continue
            }
            if scope.bindings.removeValue(forKey: name) == nil {
                let (start, end) = place(t)
                undefined.append((name, start, end))
            }
        }
    }

    private func visitCase(_ node: Node) {
        for c in node.namedChildren {
            if c.symbol == PySym.casePattern { visitPattern(c) } else { visit(c) }
        }
    }

    private func visitPattern(_ node: Node) {
        let s = node.symbol
        if s == PySym.dottedName {
            let ids = node.namedChildren
            if ids.count == 1, node.parent?.symbol == PySym.casePattern {
                if ids[0].text != "_" { bind(ids[0], .plain) }
            } else if let first = ids.first {
                handleLoad(first)
            }
        } else if s == PySym.splatPattern || s == PySym.identifier {
            if let id = s == PySym.identifier ? node : node.namedChildren.first, id.symbol == PySym.identifier,
               id.text != "_" {
                bind(id, .plain)
            }
        } else if s == PySym.keywordPattern {
            for c in node.namedChildren.dropFirst() { visitPattern(c) }
        } else if s == PySym.classPattern {
            for (i, c) in node.namedChildren.enumerated() {
                if i == 0, c.symbol == PySym.dottedName, let f = c.namedChildren.first { handleLoad(f) } else { visitPattern(c) }
            }
        } else if s == PySym.string || s == PySym.comment {
            return
        } else if node.namedChildCount == 0 {
            return
        } else {
            for c in node.namedChildren { visitPattern(c) }
        }
    }

    // MARK: Imports

    private func visitImport(_ node: Node) {
        for c in node.children(byField: "name") {
            if c.symbol == PySym.aliasedImport {
                guard let n = c.child(byField: "name"), let a = c.child(byField: "alias") else { continue }
                addBinding(PyBinding(a.text, .importation(n.text), a))
            } else {
                let full = c.text
                let first = c.namedChildren.first?.text ?? full
                if full.contains(".") {
                    addBinding(PyBinding(first, .submoduleImportation(full), c))
                } else {
                    addBinding(PyBinding(full, .importation(full), c))
                }
            }
        }
    }

    private func visitImportFrom(_ node: Node) {
        let module = node.child(byField: "module_name")?.text ?? ""
        if node.namedChildren.contains(where: { $0.symbol == PySym.wildcardImport }) {
            scope.hasStarImport = true
            return
        }
        let prefix = module.hasSuffix(".") ? module : module + "."
        for c in node.children(byField: "name") {
            if c.symbol == PySym.aliasedImport {
                guard let n = c.child(byField: "name"), let a = c.child(byField: "alias") else { continue }
                addBinding(PyBinding(a.text, .importation(prefix + n.text), a))
            } else {
                addBinding(PyBinding(c.text, .importation(prefix + c.text), c))
            }
        }
    }

    // MARK: Annotations

    /// An annotation (of a parameter, a return, a variable): visited now, or with
    /// `from __future__ import annotations` at the end, when every name is bound.
    private func visitAnnotation(_ node: Node) {
        if futureAnnotations && !inAnnotation {
            let saved = stack
            let savedPlacement = placement
            deferred.append { [self] in
                runAnnotation(saved: saved, placement: savedPlacement) { visit(node) }
            }
            return
        }
        let was = inAnnotation
        inAnnotation = true
        visit(node)
        inAnnotation = was
    }

    /// Runs `body` as a deferred visit of an annotation in the scopes `saved`.
    private func runAnnotation(saved: [PyScope], placement: AnnotationPlacement?, _ body: () -> Void) {
        let outer = stack
        stack = saved
        inAnnotation = true
        self.placement = placement
        body()
        inAnnotation = false
        self.placement = nil
        stack = outer
    }

    /// Whether `node` (a name or an attribute) names `member` of `typing` or
    /// `typing_extensions`, through the binding it has now (as Ruff resolves it).
    private func isTyping(_ node: Node, _ member: String) -> Bool {
        let full: String
        if node.symbol == PySym.identifier {
            full = lookup(node.text)?.fullName ?? ""
        } else if node.symbol == PySym.attribute, let o = node.child(byField: "object"), o.symbol == PySym.identifier,
                  let a = node.child(byField: "attribute") {
            guard let m = lookup(o.text)?.fullName else { return false }
            full = m + "." + a.text
        } else {
            return false
        }
        return full == "typing." + member || full == "typing_extensions." + member
    }

    /// The binding a load of `name` would find now.
    private func lookup(_ name: String) -> PyBinding? {
        for (i, s) in stack.reversed().enumerated() {
            if s.kind == .klass && i > 0 { continue }
            if let b = s.bindings[name] { return b }
        }
        return nil
    }

    /// A `try`: its body is visited knowing whether a handler catches `NameError`.
    private func visitTry(_ node: Node) {
        let children = node.namedChildren
        let catches = children.contains { c in
            guard c.symbol == PySym.exceptClause, var type = c.namedChildren.first else { return false }
            if type.symbol == PySym.asPattern, let t = type.namedChildren.first { type = t }
            if type.symbol == PySym.identifier { return type.text == "NameError" }
            if type.symbol == PySym.tuple || type.symbol == PySym.parenthesizedExpression {
                return type.namedChildren.contains { $0.symbol == PySym.identifier && $0.text == "NameError" }
            }
            return false
        }
        for c in children {
            if catches && c.fieldName == "body" {
                nameErrorHandled += 1
                visit(c)
                nameErrorHandled -= 1
            } else {
                visit(c)
            }
        }
    }

    /// A call; the first argument of `typing.cast` is a type expression.
    private func visitCall(_ node: Node) {
        let children = node.namedChildren
        guard children.count == 2, children[1].symbol == PySym.argumentList, mayBeCast(children[0]),
              isTyping(children[0], "cast") else {
            for c in children { visit(c) }
            return
        }
        visit(children[0])
        for (i, a) in children[1].namedChildren.enumerated() {
            if i == 0 && a.symbol != PySym.keywordArgument {
                let was = inAnnotation
                inAnnotation = true
                visit(a)
                inAnnotation = was
            } else {
                visit(a)
            }
        }
    }

    /// Whether `function` reads `cast` or `….cast` (compared without making strings first: most
    /// calls are not).
    private func mayBeCast(_ function: Node) -> Bool {
        var name = function
        if function.symbol == PySym.attribute {
            guard let a = function.namedChildren.last else { return false }
            name = a
        }
        return name.symbol == PySym.identifier && name.byteRange.count == 4 && name.text == "cast"
    }

    /// `X[...]` in an annotation: `Literal[...]` holds values, not types (its strings are not
    /// parsed); `Annotated[T, ...]` holds a type, then values.
    private func visitTypeSubscript(_ node: Node) {
        let value: Node?
        let arguments: [Node]
        if node.symbol == PySym.genericType {
            let children = node.namedChildren
            value = children.first
            arguments = children.first(where: { $0.symbol == PySym.typeParameter })?.namedChildren ?? []
        } else {
            value = node.child(byField: "value")
            arguments = node.children(byField: "subscript")
        }
        guard let value else { visitChildren(node); return }
        let literal = isTyping(value, "Literal")
        let annotated = !literal && isTyping(value, "Annotated")
        visit(value)
        for (i, a) in arguments.enumerated() {
            if literal || (annotated && i > 0) {
                inAnnotation = false
                visit(a)
                inAnnotation = true
            } else {
                visit(a)
            }
        }
    }

    /// A string in an annotation: its text is parsed as an expression and checked at the end,
    /// like a function body (so it may name what is defined later: `-> "Node"`).
    private func stringAnnotation(_ node: Node) {
        var parts: [Node] = []
        if node.symbol == PySym.concatenatedString {
            parts = node.namedChildren.filter { $0.symbol == PySym.string }
        } else {
            parts = [node]
        }
        var text = ""
        let simple = parts.count == 1
        var contentStart: SourcePosition? = nil
        for part in parts {
            let children = part.namedChildren
            guard let open = children.first, open.symbol == PySym.stringStart,
                  let close = children.last, close.symbol == PySym.stringEnd else { return }
            // Bytes and f-strings are not type expressions.
            if open.text.contains(where: { "bBfF".contains($0) }) { return }
            if children.contains(where: { $0.symbol == PySym.interpolation }) { return }
            if children.contains(where: { c in
                c.symbol == PySym.stringContent && c.namedChildren.contains { $0.symbol == PySym.escapeSequence }
            }) {
                return  // escapes: the text is not the value (Ruff parses the value; not done here)
            }
            let source = part.tree.source
            text += source.text(in: open.byteRange.upperBound..<close.byteRange.lowerBound)
            if contentStart == nil { contentStart = open.end }
        }
        guard let contentStart, !text.allSatisfy({ $0.isWhitespace }) else { return }
        let base = placement?.place(contentStart) ?? contentStart
        let whole = place(node)
        // In a string that could not be placed exactly, or in an implicit concatenation, every
        // name is reported at the string.
        let placed = AnnotationPlacement(base: base, whole: placement?.whole ?? (simple ? nil : whole))
        if annotationParser == nil { annotationParser = try? PythonParser() }
        guard let parser = annotationParser, let tree = try? parser.parse("(" + text + ")\n"),
              !tree.root.hasError,
              let statement = tree.root.namedChildren.first, statement.symbol == PySym.expressionStatement,
              tree.root.namedChildCount == 1, statement.namedChildCount == 1,
              let expression = statement.namedChildren.first else {
            return  // not an expression (Ruff: F722)
        }
        let saved = stack
        deferred.append { [self] in
            runAnnotation(saved: saved, placement: placed) { visit(expression) }
        }
    }

    // MARK: Definitions

    /// Visits default values and annotations of parameters now; returns the names to bind in
    /// the function's scope.
    private func visitParameters(_ params: Node?) -> [Node] {
        guard let params else { return [] }
        var names: [Node] = []
        for p in params.namedChildren {
            let s = p.symbol
            if s == PySym.identifier {
                names.append(p)
            } else if s == PySym.defaultParameter || s == PySym.typedDefaultParameter {
                if let t = p.child(byField: "type") { visitAnnotation(t) }
                if let v = p.child(byField: "value") { visit(v) }
                if let n = p.child(byField: "name") { names += parameterNames(n) }
            } else if s == PySym.typedParameter {
                if let t = p.child(byField: "type") { visitAnnotation(t) }
                for c in p.namedChildren where c.fieldName != "type" { names += parameterNames(c) }
            } else {
                names += parameterNames(p)
            }
        }
        return names
    }

    private func parameterNames(_ n: Node) -> [Node] {
        if n.symbol == PySym.identifier { return [n] }
        if n.symbol == PySym.listSplatPattern || n.symbol == PySym.dictionarySplatPattern
            || n.symbol == PySym.tuplePattern {
            return n.namedChildren.flatMap { parameterNames($0) }
        }
        return []
    }

    private func visitFunction(_ node: Node) {
        let names = visitParameters(node.child(byField: "parameters"))
        if let r = node.child(byField: "return_type") { visitAnnotation(r) }
        if let n = node.child(byField: "name") { bind(n, .function) }
        let saved = stack
        let body = node.child(byField: "body")
        deferred.append { [self] in
            runFunction(saved: saved, parameters: names, body: body)
        }
    }

    private func visitLambda(_ node: Node) {
        let names = visitParameters(node.child(byField: "parameters"))
        let saved = stack
        let body = node.child(byField: "body")
        deferred.append { [self] in
            runFunction(saved: saved, parameters: names, body: body)
        }
    }

    private func runFunction(saved: [PyScope], parameters: [Node], body: Node?) {
        let outer = stack
        stack = saved
        inAnnotation = false
        placement = nil
        let handled = nameErrorHandled
        nameErrorHandled = 0
        defer { nameErrorHandled = handled }
        let fs = PyScope(.function, parent: saved.last)
        push(fs)
        for p in parameters {
            fs.bindings[p.text] = PyBinding(p.text, .argument, p)
        }
        if let body { visit(body) }
        stack = outer
    }

    private func visitClass(_ node: Node) {
        if let sc = node.child(byField: "superclasses") { visit(sc) }
        push(PyScope(.klass, parent: scope))
        if let b = node.child(byField: "body") { visit(b) }
        stack.removeLast()
        if let n = node.child(byField: "name") { bind(n, .klass) }
    }

    private func visitComprehension(_ node: Node) {
        let children = node.namedChildren
        let clauses = children.filter { $0.symbol == PySym.forInClause || $0.symbol == PySym.ifClause }
        var first = true
        for c in clauses where c.symbol == PySym.forInClause {
            for r in c.children(byField: "right") { visit(r) }
            first = false
            break
        }
        push(PyScope(.generator, parent: scope))
        first = true
        for c in clauses {
            if c.symbol == PySym.forInClause {
                if !first { for r in c.children(byField: "right") { visit(r) } }
                first = false
                if let l = c.child(byField: "left") { bindTargets(l, .plain) }
            } else {
                visitChildren(c)
            }
        }
        if let b = node.child(byField: "body") { visit(b) }
        stack.removeLast()
    }

    // MARK: End

    private func isDummy(_ name: String) -> Bool {
        guard name.hasPrefix("_") else { return false }
        if name.allSatisfy({ $0 == "_" }) { return true }
        guard let last = name.last else { return false }
        return last.isASCII && (last.isLetter || last.isNumber)
    }

    static let ignoredLocals: Set<String> = [
        "__tracebackhide__", "__traceback_info__", "__traceback_supplement__", "__debuggerskip__",
    ]

    /// As Ruff: a binding in a function that shadows an import of an enclosing scope which
    /// nothing used redefines it (F811), though they are in different scopes.
    private func shadowedImports(_ s: PyScope) {
        for (name, b) in s.bindings {
            switch b.kind {
            case .global, .annotation, .exceptHandler: continue
            default: break
            }
            if b.isLoopVariable { continue }
            var outer = s.parent
            while let o = outer {
                if o.kind != .klass, let shadowed = o.bindings[name] {
                    if shadowed.isImport, !shadowed.used, b.redefines(shadowed) {
                        add("F811", b.node, ["name": name, "line": String(shadowed.node.start.line)])
                    }
                    break
                }
                outer = o.parent
            }
        }
    }

    private func finish(_ module: PyScope) {
        for name in exportNames { module.bindings[name]?.used = true }
        for u in undefined where !globalNames.contains(u.name) {
            report.items.append(.init(code: "F821", start: u.start, end: u.end, values: ["name": u.name]))
        }
        for s in allScopes {
            if s.kind == .function { shadowedImports(s) }
            for (name, b) in s.bindings {
                // Ruff leaves imports in a class body alone (they are class attributes).
                if b.isImport && !b.used && s.kind != .klass {
                    add("F401", b.node, ["name": b.fullName ?? name])
                }
                if s.kind == .function, !s.usesLocals, !b.used,
                   b.kind == .assignment || b.kind == .namedExpression,
                   !s.globals.contains(name), !isDummy(name), !Self.ignoredLocals.contains(name) {
                    add("F841", b.node, ["name": name])
                }
            }
        }
    }
}
