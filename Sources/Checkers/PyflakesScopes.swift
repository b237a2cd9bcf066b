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
    /// The name's number (in the analysis' `PyNames`).
    let id: Int
    let kind: Kind
    /// Where findings about it are reported (the name, or the alias of an import): a node of
    /// `syntax` (the candidate's tree, or that of a string annotation).
    let node: Int
    let syntax: PyTree
    @exclusivity(unchecked) var used = false
    /// A loop variable (which shadowing an import is F402, not F811).
    var isLoopVariable = false

    init(_ name: String, _ id: Int, _ kind: Kind, _ syntax: PyTree, _ node: Int) {
        self.name = name
        self.id = id
        self.kind = kind
        self.syntax = syntax
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
    /// The bindings by the number of their name (nil: none).
    @exclusivity(unchecked) private(set) var slots: [PyBinding?] = []
    /// Names declared `global` or `nonlocal` here (by number).
    var globals: Set<Int> = []
    @exclusivity(unchecked) var usesLocals = false
    @exclusivity(unchecked) var hasStarImport = false
    /// The enclosing scope (nil for the module).
    let parent: PyScope?
    init(_ kind: Kind, parent: PyScope?) { self.kind = kind; self.parent = parent }

    /// The binding of name number `id` here.
    @inline(__always) func binding(_ id: Int) -> PyBinding? { id < slots.count ? slots[id] : nil }

    func set(_ id: Int, _ b: PyBinding?) {
        if id >= slots.count {
            guard b != nil else { return }
            let count = max(id + 1, slots.count * 2, 8)
            slots.append(contentsOf: repeatElement(nil, count: count - slots.count))
        }
        slots[id] = b
    }

    /// Removes the binding of name number `id`; returns it.
    func remove(_ id: Int) -> PyBinding? {
        guard let b = binding(id) else { return nil }
        slots[id] = nil
        return b
    }
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
    static let elifClause = Symbols.named("elif_clause")
    static let withStatement = Symbols.named("with_statement")
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

/// What `PyflakesAnalysis.visit` does with a node, by its kind: one table look-up per node
/// (a `switch` over the `PySym` ids would load each id, a lazy global, in turn).
enum VisitKind: UInt8 {
    case other
    case identifier
    case comment
    case attribute
    case keywordArgument
    case importStatement
    case importFrom
    case futureImport
    case string
    case subscripted
    case call
    case tryStatement
    case functionDefinition
    case classDefinition
    case lambda
    case comprehension
    case assignment
    case augmentedAssignment
    case namedExpression
    case forStatement
    case withItem
    case exceptClause
    case globalStatement
    case deleteStatement
    case caseClause
    case typeAlias

    private static let table: [VisitKind] = {
        let kinds: [(UInt16, VisitKind)] = [
            (PySym.identifier, .identifier),
            (PySym.comment, .comment),
            (PySym.attribute, .attribute),
            (PySym.keywordArgument, .keywordArgument),
            (PySym.importStatement, .importStatement),
            (PySym.importFrom, .importFrom),
            (PySym.futureImport, .futureImport),
            (PySym.string, .string),
            (PySym.concatenatedString, .string),
            (PySym.subscriptNode, .subscripted),
            (PySym.genericType, .subscripted),
            (PySym.call, .call),
            (PySym.tryStatement, .tryStatement),
            (PySym.functionDefinition, .functionDefinition),
            (PySym.classDefinition, .classDefinition),
            (PySym.lambda, .lambda),
            (PySym.listComprehension, .comprehension),
            (PySym.setComprehension, .comprehension),
            (PySym.dictionaryComprehension, .comprehension),
            (PySym.generatorExpression, .comprehension),
            (PySym.assignment, .assignment),
            (PySym.augmentedAssignment, .augmentedAssignment),
            (PySym.namedExpression, .namedExpression),
            (PySym.forStatement, .forStatement),
            (PySym.withItem, .withItem),
            (PySym.exceptClause, .exceptClause),
            (PySym.exceptGroupClause, .exceptClause),
            (PySym.globalStatement, .globalStatement),
            (PySym.nonlocalStatement, .globalStatement),
            (PySym.deleteStatement, .deleteStatement),
            (PySym.caseClause, .caseClause),
            (PySym.typeAlias, .typeAlias),
        ]
        var table = [VisitKind](repeating: .other, count: Int(kinds.map(\.0).max() ?? 0) + 1)
        for (symbol, kind) in kinds where symbol != 0 { table[Int(symbol)] = kind }
        return table
    }()

    /// The table (load it once: it is a lazy global).
    static var all: [VisitKind] { table }

    static func of(_ symbol: UInt16) -> VisitKind {
        let table = Self.table
        return Int(symbol) < table.count ? table[Int(symbol)] : .other
    }
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
///
/// It reads the tree as a `PyTree` (nodes are indices in it): `t` is the tree of the
/// nodes being visited, the candidate's, or a string annotation's while that is visited.
final class PyflakesAnalysis {
    @exclusivity(unchecked) private(set) var report = PyflakesReport()
    @exclusivity(unchecked) private var t: PyTree
    @exclusivity(unchecked) private var stack: [PyScope] = []
    @exclusivity(unchecked) private var allScopes: [PyScope] = []
    @exclusivity(unchecked) private var deferred: [() -> Void] = []
    @exclusivity(unchecked) private var undefined: [(name: String, start: SourcePosition, end: SourcePosition)] = []
    private var globalNames: Set<String> = []
    private var exportNames: Set<String> = []
    /// The names met, numbered.
    @exclusivity(unchecked) private var names = PyNames()
    @exclusivity(unchecked) private var depth = 0
    /// What `visit` does, by symbol.
    private let visitKinds = VisitKind.all
    /// Visiting an annotation: strings in it are type expressions (forward references), parsed
    /// and checked as code, as pyflakes and Ruff do.
    @exclusivity(unchecked) private var inAnnotation = false
    /// Set while visiting the parsed text of a string annotation: where its positions lie.
    @exclusivity(unchecked) private var placement: AnnotationPlacement? = nil
    /// `from __future__ import annotations`: annotations are not evaluated, so they are checked
    /// at the end, like function bodies.
    @exclusivity(unchecked) private var futureAnnotations = false
    /// Inside the body of a `try` that catches `NameError` (by that name): an undefined name
    /// there is expected, and not reported (as Ruff and pyflakes).
    @exclusivity(unchecked) private var nameErrorHandled = 0
    /// Parses string annotations (made on the first one).
    private var annotationParser: PythonParser? = nil
    /// Set when the tree is nested too deeply to analyse safely (findings are then dropped).
    @exclusivity(unchecked) private(set) var gaveUp = false
    static let maxDepth = 200

    init(tree: Tree) {
        let syntax = PyTree(tree)
        t = syntax
        // As Ruff: a file its parser refuses is not analysed; one it reads is, even when CPython
        // would refuse it for a reason found after parsing (a misplaced `from __future__` import).
        if tree.root.hasError
            || tree.hasSyntaxErrors && tree.syntaxErrors.contains(where: { $0.kind != .misplacedFutureImport }) {
            return
        }
        let module = PyScope(.module, parent: nil)
        push(module)
        visitChildren(syntax.root)
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

    private func add(_ code: String, _ syntax: PyTree, _ node: Int, _ values: [String: String]) {
        report.items.append(.init(code: code, start: syntax.start(node), end: syntax.end(node), values: values))
    }

    /// Where `node` (of the tree being visited) lies in the candidate.
    private func place(_ node: Int) -> (start: SourcePosition, end: SourcePosition) {
        guard let placement else { return (t.start(node), t.end(node)) }
        return (placement.place(t.start(node)), placement.place(t.end(node)))
    }

    // MARK: Bindings

    private func addBinding(_ value: PyBinding, loop: Bool = false) {
        var target = scope
        if value.kind == .namedExpression {
            if let s = stack.last(where: { $0.kind != .generator }) { target = s }
        }
        var existing: (scope: PyScope, binding: PyBinding)? = nil
        for s in stack.reversed() {
            if let b = s.binding(value.id) { existing = (s, b); break }
        }
        if let (es, existing) = existing, existing.kind != .global, sameBranch(value, existing) {
            if loop && existing.isImport {
                // F402 (import shadowed by a loop variable), not F811.
            } else if es === scope, !existing.used, value.redefines(existing),
                      value.name != "_" || existing.isImport, !isOverload(existing) {
                add("F811", value.syntax, value.node,
                    ["name": value.name, "line": String(existing.syntax.start(existing.node).line)])
            }
        }
        if let current = target.binding(value.id) {
            value.used = current.used
            if value.kind != .annotation { target.set(value.id, value) }
        } else {
            target.set(value.id, value)
        }
    }

    private func isOverload(_ b: PyBinding) -> Bool {
        let s = b.syntax
        guard b.kind == .function, let def = s.parent(b.node), let deco = s.parent(def),
              s.symbol(deco) == PySym.decoratedDefinition else { return false }
        for d in s.namedChildren(deco) where s.symbol(d) == PySym.decorator {
            let t = s.text(d).dropFirst().trimmingCharacters(in: .whitespaces)
            if t == "overload" || t.hasSuffix(".overload") { return true }
        }
        return false
    }

    /// Whether the two bindings lie in the same branches, as Ruff decides for F811 (its
    /// `same_branch`): the same arm of every enclosing `if`/`elif`/`else`, `try` (body and
    /// `else` are one arm; each handler, and `finally`, another), `with` body and `match` case.
    /// One binding inside such an arm and the other outside it are apart: a `try` that imports
    /// a faster version of a function defined before it does not redefine it. (pyflakes' own
    /// `differentForks` tells only arms of one statement apart.) Nodes of different trees,
    /// such as a string annotation's, count as together.
    private func sameBranch(_ first: PyBinding, _ second: PyBinding) -> Bool {
        let s = first.syntax
        guard s === second.syntax else { return true }
        return branches(s, first.node) == branches(s, second.node)
    }

    /// The arms that hold `node`, innermost first: each as the index of the node that stands
    /// for it (a `try`'s body and `else` by the `try`, negated).
    private func branches(_ s: PyTree, _ node: Int) -> [Int] {
        var out: [Int] = []
        var child = node
        while let x = s.parent(child) {
            let sym = s.symbol(x)
            if sym == PySym.ifStatement {
                if s.isInField(child, .consequence) { out.append(x) }
            } else if sym == PySym.elifClause {
                out.append(x)
            } else if sym == PySym.elseClause {
                if let p = s.parent(x), s.symbol(p) == PySym.ifStatement { out.append(x) }
            } else if sym == PySym.tryStatement {
                let c = s.symbol(child)
                if c == PySym.block || c == PySym.elseClause { out.append(-x - 1) }
                else if c == PySym.exceptClause || c == PySym.exceptGroupClause || c == PySym.finallyClause {
                    out.append(child)
                }
            } else if sym == PySym.withStatement || sym == PySym.caseClause {
                if s.symbol(child) == PySym.block { out.append(x) }
            }
            child = x
        }
        return out
    }

    // MARK: Uses

    private func handleLoad(_ node: Int) {
        let t = self.t
        let id = nameID(node)
        let stack = self.stack
        let current = stack[stack.count - 1]
        // A postponed annotation (a string, or under `from __future__ import annotations`)
        // sees annotations without a value (`x: int`); other loads do not, as in pyflakes.
        let postponed = placement != nil || (futureAnnotations && inAnnotation)
        var i = stack.count - 1
        while i >= 0 {
            let s = stack[i]
            // Class scopes are seen only from their own body.
            if s.kind != .klass || i == stack.count - 1, let b = s.binding(id) {
                b.used = true
                if b.kind != .annotation || postponed { return }
            }
            i -= 1
        }
        let name = names.names[id]
        if name == "locals", current.kind == .function, let p = t.parent(node), t.symbol(p) == PySym.call {
            current.usesLocals = true
        }
        if names.isBuiltin(id) { return }
        if (name == "__module__" || name == "__qualname__") && current.kind == .klass { return }
        if name == "__class__" && stack.contains(where: { $0.kind == .function }) { return }
        if stack.contains(where: { $0.hasStarImport }) { return }
        if nameErrorHandled > 0 { return }
        let (start, end) = place(node)
        undefined.append((name, start, end))
    }

    // MARK: Visiting

    private func visitChildren(_ node: Int) {
        for c in t.namedChildren(node) { visit(c) }
    }

    private func visit(_ node: Int) {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { gaveUp = true; return }
        let t = self.t
        let symbol = Int(t.symbol(node))
        switch symbol < visitKinds.count ? visitKinds[symbol] : .other {
        case .identifier:
            handleLoad(node)
        case .comment:
            return
        case .attribute:
            if let o = t.attributeObject(node) { visit(o) }
        case .keywordArgument:
            if let v = t.keywordValue(node) { visit(v) }
        case .importStatement:
            visitImport(node)
        case .importFrom:
            visitImportFrom(node)
        case .futureImport:
            if t.children(node, .name).contains(where: { t.textIs($0, "annotations") }) { futureAnnotations = true }
            return
        case .string:
            if inAnnotation { stringAnnotation(node) } else { visitChildren(node) }
        case .subscripted:
            if inAnnotation { visitTypeSubscript(node) } else { visitChildren(node) }
        case .call:
            visitCall(node)
        case .tryStatement:
            visitTry(node)
        case .functionDefinition:
            visitFunction(node)
        case .classDefinition:
            visitClass(node)
        case .lambda:
            visitLambda(node)
        case .comprehension:
            visitComprehension(node)
        case .assignment:
            visitAssignment(node)
        case .augmentedAssignment:
            let (left, right) = t.augmentedAssignmentParts(node)
            if let right { visit(right) }
            if let left {
                if t.symbol(left) == PySym.identifier {
                    handleLoad(left)
                    bind(left, .assignment)
                } else {
                    visit(left)
                }
            }
            if scope.kind == .module, let left, t.textIs(left, "__all__"), let right { collectExports(right) }
        case .namedExpression:
            let (name, value) = t.namedExpressionParts(node)
            if let v = value { visit(v) }
            if let n = name { bind(n, .namedExpression) }
        case .forStatement:
            if let r = t.child(node, .right) { visit(r) }
            if let l = t.child(node, .left) { bindTargets(l, .plain, loop: true) }
            if let b = t.child(node, .body) { visit(b) }
            if let a = t.child(node, .alternative) { visit(a) }
        case .withItem:
            visitWithItem(node)
        case .exceptClause:
            visitExcept(node)
        case .globalStatement:
            visitGlobal(node)
        case .deleteStatement:
            visitDelete(node)
        case .caseClause:
            visitCase(node)
        case .typeAlias:
            if let r = t.child(node, .right) { visit(r) }
            if let l = t.child(node, .left) {
                if let id = t.firstNamedChild(l), t.symbol(id) == PySym.identifier { bind(id, .assignment) }
            }
        case .other:
            visitChildren(node)
        }
    }

    /// The number of the name `node` (an identifier of the tree being visited) spells.
    private func nameID(_ node: Int) -> Int {
        let t = self.t
        return names.id(t.source.bytes, t.nodes.startByte(node), t.nodes.endByte(node)) { t.text(node) }
    }

    /// A new binding of `name`.
    private func binding(_ name: String, _ kind: PyBinding.Kind, _ node: Int) -> PyBinding {
        PyBinding(name, names.id(name), kind, t, node)
    }

    private func bind(_ node: Int, _ kind: PyBinding.Kind, loop: Bool = false) {
        let id = nameID(node)
        let b = PyBinding(names.names[id], id, kind, t, node)
        b.isLoopVariable = loop
        addBinding(b, loop: loop)
    }

    /// Binds the names in an assignment target; loads what is read (`a.b`, `a[i]`).
    private func bindTargets(_ node: Int, _ kind: PyBinding.Kind, loop: Bool = false) {
        let s = t.symbol(node)
        if s == PySym.identifier {
            bind(node, kind, loop: loop)
        } else if s == PySym.tuple || s == PySym.list || s == PySym.patternList || s == PySym.tuplePattern
                    || s == PySym.listPattern || s == PySym.expressionList || s == PySym.parenthesizedExpression
                    || s == PySym.listSplatPattern || s == PySym.listSplat || s == PySym.asPatternTarget {
            for c in t.namedChildren(node) where t.symbol(c) != PySym.comment { bindTargets(c, kind, loop: loop) }
        } else {
            visit(node)
        }
    }

    private func visitAssignment(_ node: Int) {
        let t = self.t
        // `a = b = v`: the innermost right side is the value; every left side is a target.
        var targets: [Int] = []
        var n = node
        var annotation: Int? = nil
        var value: Int? = nil
        while true {
            let (left, type, right) = t.assignmentParts(n)
            if let left { targets.append(left) }
            if let type { annotation = type }
            value = right
            guard let r = right, t.symbol(r) == PySym.assignment else { break }
            n = r
        }
        if let annotation { visitAnnotation(annotation) }
        if let value { visit(value) }
        let literal = value.map { v in
            let s = t.symbol(v)
            return s == PySym.tuple || s == PySym.list || s == PySym.expressionList
        } ?? false
        for target in targets {
            if t.symbol(target) == PySym.identifier {
                bind(target, value == nil && annotation != nil ? .annotation : .assignment)
                if scope.kind == .module, t.textIs(target, "__all__"), let value { collectExports(value) }
            } else {
                bindTargets(target, literal ? .assignment : .plain)
            }
        }
    }

    private func collectExports(_ value: Int) {
        for c in t.namedChildren(value) where t.symbol(c) == PySym.string {
            let text = t.text(c)
            if let q = text.first, q == "\"" || q == "'", text.count >= 2 {
                exportNames.insert(String(text.dropFirst().dropLast()))
            }
        }
    }

    private func visitWithItem(_ node: Int) {
        guard let v = t.child(node, .value) else { visitChildren(node); return }
        if t.symbol(v) == PySym.asPattern {
            if let e = t.firstNamedChild(v) { visit(e) }
            if let alias = t.child(v, .alias), let inner = t.firstNamedChild(alias) {
                if t.symbol(inner) == PySym.identifier {
                    bind(inner, .assignment)
                } else {
                    bindTargets(inner, .plain)
                }
            }
        } else {
            visit(v)
        }
    }

    private func visitExcept(_ node: Int) {
        let t = self.t
        var name: Int? = nil
        for c in t.namedChildren(node) {
            if t.symbol(c) == PySym.asPattern {
                if let e = t.firstNamedChild(c) { visit(e) }
                if let alias = t.child(c, .alias), let id = t.firstNamedChild(alias),
                   t.symbol(id) == PySym.identifier {
                    name = id
                }
            } else if t.symbol(c) == PySym.block {
                if let name {
                    let key = t.text(name)
                    let b = binding(key, .exceptHandler, name)
                    let previous = scope.remove(b.id)
                    addBinding(b)
                    visit(c)
                    if !b.used && !isDummy(key) {
                        add("F841", t, name, ["name": key])
                    }
                    scope.set(b.id, previous)
                } else {
                    visit(c)
                }
            } else {
                visit(c)
            }
        }
    }

    private func visitGlobal(_ node: Int) {
        guard scope.kind != .module else { return }
        let module = stack[0]
        for id in t.namedChildren(node) where t.symbol(id) == PySym.identifier {
            let name = t.text(id)
            let b = binding(name, .global, id)
            scope.globals.insert(b.id)
            globalNames.insert(name)
            b.used = true
            if module.binding(b.id) == nil { module.set(b.id, b) }
            for s in stack.dropFirst() { s.set(b.id, b) }
        }
    }

    private func visitDelete(_ node: Int) {
        let t = self.t
        var targets: [Int] = []
        for c in t.namedChildren(node) {
            if t.symbol(c) == PySym.expressionList { targets += t.namedChildren(c) } else { targets.append(c) }
        }
        var conditional = false
        var p = t.parent(node)
        while let x = p {
            let s = t.symbol(x)
            if s == PySym.ifStatement || s == PySym.whileStatement || s == PySym.conditionalExpression {
                conditional = true
                break
            }
            p = t.parent(x)
        }
        for target in targets {
            guard t.symbol(target) == PySym.identifier else { visit(target); continue }
            if conditional { continue }
            let name = t.text(target)
            let id = names.id(name)
            if scope.kind == .function && scope.globals.contains(id) {
                scope.globals.remove(id)
                continue
            }
            if scope.remove(id) == nil {
                let (start, end) = place(target)
                undefined.append((name, start, end))
            }
        }
    }

    private func visitCase(_ node: Int) {
        for c in t.namedChildren(node) {
            if t.symbol(c) == PySym.casePattern { visitPattern(c) } else { visit(c) }
        }
    }

    private func visitPattern(_ node: Int) {
        let t = self.t
        let s = t.symbol(node)
        if s == PySym.dottedName {
            let ids = t.namedChildList(node)
            if ids.count == 1, let p = t.parent(node), t.symbol(p) == PySym.casePattern {
                if !t.textIs(ids[0], "_") { bind(ids[0], .plain) }
            } else if let first = ids.first {
                handleLoad(first)
            }
        } else if s == PySym.splatPattern || s == PySym.identifier {
            if let id = s == PySym.identifier ? node : t.firstNamedChild(node), t.symbol(id) == PySym.identifier,
               !t.textIs(id, "_") {
                bind(id, .plain)
            }
        } else if s == PySym.keywordPattern {
            for c in t.namedChildren(node).dropFirst() { visitPattern(c) }
        } else if s == PySym.classPattern {
            for (i, c) in t.namedChildren(node).enumerated() {
                if i == 0, t.symbol(c) == PySym.dottedName, let f = t.firstNamedChild(c) {
                    handleLoad(f)
                } else {
                    visitPattern(c)
                }
            }
        } else if s == PySym.string || s == PySym.comment {
            return
        } else {
            // (A node without named children has nothing to visit.)
            for c in t.namedChildren(node) { visitPattern(c) }
        }
    }

    // MARK: Imports

    private func visitImport(_ node: Int) {
        let t = self.t
        for c in t.children(node, .name) {
            if t.symbol(c) == PySym.aliasedImport {
                guard let n = t.child(c, .name), let a = t.child(c, .alias) else { continue }
                addBinding(binding(t.text(a), .importation(t.text(n)), a))
            } else {
                let full = t.text(c)
                let first = t.firstNamedChild(c).map(t.text) ?? full
                if full.contains(".") {
                    addBinding(binding(first, .submoduleImportation(full), c))
                } else {
                    addBinding(binding(full, .importation(full), c))
                }
            }
        }
    }

    private func visitImportFrom(_ node: Int) {
        let t = self.t
        let module = t.child(node, .moduleName).map(t.text) ?? ""
        if t.namedChildren(node).contains(where: { t.symbol($0) == PySym.wildcardImport }) {
            scope.hasStarImport = true
            return
        }
        let prefix = module.hasSuffix(".") ? module : module + "."
        for c in t.children(node, .name) {
            if t.symbol(c) == PySym.aliasedImport {
                guard let n = t.child(c, .name), let a = t.child(c, .alias) else { continue }
                addBinding(binding(t.text(a), .importation(prefix + t.text(n)), a))
            } else {
                let name = t.text(c)
                addBinding(binding(name, .importation(prefix + name), c))
            }
        }
    }

    // MARK: Annotations

    /// An annotation (of a parameter, a return, a variable): visited now, or with
    /// `from __future__ import annotations` at the end, when every name is bound.
    private func visitAnnotation(_ node: Int) {
        if futureAnnotations && !inAnnotation {
            let saved = stack
            let savedPlacement = placement
            let syntax = t
            deferred.append { [self] in
                runAnnotation(saved: saved, syntax: syntax, placement: savedPlacement) { visit(node) }
            }
            return
        }
        let was = inAnnotation
        inAnnotation = true
        visit(node)
        inAnnotation = was
    }

    /// Runs `body` as a deferred visit of an annotation (of `syntax`) in the scopes `saved`.
    private func runAnnotation(saved: [PyScope], syntax: PyTree, placement: AnnotationPlacement?,
                               _ body: () -> Void) {
        let outer = stack, outerSyntax = t
        stack = saved
        t = syntax
        inAnnotation = true
        self.placement = placement
        body()
        inAnnotation = false
        self.placement = nil
        stack = outer
        t = outerSyntax
    }

    /// Whether `node` (a name or an attribute) names `member` of `typing` or
    /// `typing_extensions`, through the binding it has now (as Ruff resolves it).
    private func isTyping(_ node: Int, _ member: String) -> Bool {
        let full: String
        if t.symbol(node) == PySym.identifier {
            full = lookup(nameID(node))?.fullName ?? ""
        } else if t.symbol(node) == PySym.attribute, let o = t.child(node, .object), t.symbol(o) == PySym.identifier,
                  let a = t.child(node, .attribute) {
            guard let m = lookup(nameID(o))?.fullName else { return false }
            full = m + "." + t.text(a)
        } else {
            return false
        }
        return full == "typing." + member || full == "typing_extensions." + member
    }

    /// The binding a load of name number `id` would find now.
    private func lookup(_ id: Int) -> PyBinding? {
        for (i, s) in stack.reversed().enumerated() {
            if s.kind == .klass && i > 0 { continue }
            if let b = s.binding(id) { return b }
        }
        return nil
    }

    /// A `try`: its body is visited knowing whether a handler catches `NameError`.
    private func visitTry(_ node: Int) {
        let t = self.t
        let catches = t.namedChildren(node).contains { c in
            guard t.symbol(c) == PySym.exceptClause, var type = t.firstNamedChild(c) else { return false }
            if t.symbol(type) == PySym.asPattern, let inner = t.firstNamedChild(type) { type = inner }
            if t.symbol(type) == PySym.identifier { return t.textIs(type, "NameError") }
            if t.symbol(type) == PySym.tuple || t.symbol(type) == PySym.parenthesizedExpression {
                return t.namedChildren(type).contains {
                    t.symbol($0) == PySym.identifier && t.textIs($0, "NameError")
                }
            }
            return false
        }
        for c in t.namedChildren(node) {
            if catches && t.isInField(c, .body) {
                nameErrorHandled += 1
                visit(c)
                nameErrorHandled -= 1
            } else {
                visit(c)
            }
        }
    }

    /// A call; the first argument of `typing.cast` is a type expression.
    private func visitCall(_ node: Int) {
        let t = self.t
        var children = t.namedChildren(node)
        guard let function = children.next(), let arguments = children.next(), children.next() == nil,
              t.symbol(arguments) == PySym.argumentList, mayBeCast(function), isTyping(function, "cast") else {
            visitChildren(node)
            return
        }
        visit(function)
        for (i, a) in t.namedChildren(arguments).enumerated() {
            if i == 0 && t.symbol(a) != PySym.keywordArgument {
                let was = inAnnotation
                inAnnotation = true
                visit(a)
                inAnnotation = was
            } else {
                visit(a)
            }
        }
    }

    /// Whether `function` reads `cast` or `….cast` (compared without making strings: most calls
    /// are not).
    private func mayBeCast(_ function: Int) -> Bool {
        var name = function
        if t.symbol(function) == PySym.attribute {
            guard let a = t.lastNamedChild(function) else { return false }
            name = a
        }
        return t.symbol(name) == PySym.identifier && t.textIs(name, "cast")
    }

    /// `X[...]` in an annotation: `Literal[...]` holds values, not types (its strings are not
    /// parsed); `Annotated[T, ...]` holds a type, then values.
    private func visitTypeSubscript(_ node: Int) {
        let t = self.t
        let value: Int?
        let arguments: [Int]
        if t.symbol(node) == PySym.genericType {
            value = t.firstNamedChild(node)
            arguments = t.namedChildren(node).first(where: { t.symbol($0) == PySym.typeParameter })
                .map { Array(t.namedChildren($0)) } ?? []
        } else {
            value = t.child(node, .value)
            arguments = t.children(node, .subscripted)
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
    private func stringAnnotation(_ node: Int) {
        let t = self.t
        let parts: [Int]
        if t.symbol(node) == PySym.concatenatedString {
            parts = t.namedChildren(node).filter { t.symbol($0) == PySym.string }
        } else {
            parts = [node]
        }
        var text = ""
        let simple = parts.count == 1
        var contentStart: SourcePosition? = nil
        for part in parts {
            let children = t.namedChildList(part)
            guard let open = children.first, t.symbol(open) == PySym.stringStart,
                  let close = children.last, t.symbol(close) == PySym.stringEnd else { return }
            // Bytes and f-strings are not type expressions.
            if t.text(open).contains(where: { "bBfF".contains($0) }) { return }
            if children.contains(where: { t.symbol($0) == PySym.interpolation }) { return }
            if children.contains(where: { c in
                t.symbol(c) == PySym.stringContent && t.namedChildren(c).contains { t.symbol($0) == PySym.escapeSequence }
            }) {
                return  // escapes: the text is not the value (Ruff parses the value; not done here)
            }
            text += t.source.text(in: t.byteRange(open).upperBound..<t.byteRange(close).lowerBound)
            if contentStart == nil { contentStart = t.end(open) }
        }
        guard let contentStart, !text.allSatisfy({ $0.isWhitespace }) else { return }
        let base = placement?.place(contentStart) ?? contentStart
        let whole = place(node)
        // In a string that could not be placed exactly, or in an implicit concatenation, every
        // name is reported at the string.
        let placed = AnnotationPlacement(base: base, whole: placement?.whole ?? (simple ? nil : whole))
        if annotationParser == nil { annotationParser = try? PythonParser() }
        guard let parser = annotationParser, let tree = try? parser.parse("(" + text + ")\n"),
              !tree.root.hasError else {
            return  // not an expression (Ruff: F722)
        }
        let syntax = PyTree(tree)
        guard let statement = syntax.firstNamedChild(syntax.root),
              syntax.symbol(statement) == PySym.expressionStatement,
              syntax.namedChildCount(syntax.root) == 1, syntax.namedChildCount(statement) == 1,
              let expression = syntax.firstNamedChild(statement) else {
            return  // not an expression (Ruff: F722)
        }
        let saved = stack
        deferred.append { [self] in
            runAnnotation(saved: saved, syntax: syntax, placement: placed) { visit(expression) }
        }
    }

    // MARK: Definitions

    /// Visits default values and annotations of parameters now; returns the names to bind in
    /// the function's scope.
    private func visitParameters(_ params: Int?) -> [Int] {
        guard let params else { return [] }
        let t = self.t
        var names: [Int] = []
        for p in t.namedChildren(params) {
            let s = t.symbol(p)
            if s == PySym.identifier {
                names.append(p)
            } else if s == PySym.defaultParameter || s == PySym.typedDefaultParameter {
                let (name, type, value) = t.defaultParameterParts(p)
                if let ty = type { visitAnnotation(ty) }
                if let v = value { visit(v) }
                if let n = name { parameterNames(n, into: &names) }
            } else if s == PySym.typedParameter {
                // (Its `type` is its child of kind `type`.)
                if let ty = t.typeChild(p) { visitAnnotation(ty) }
                for c in t.namedChildren(p) where t.symbol(c) != PySym.type { parameterNames(c, into: &names) }
            } else {
                parameterNames(p, into: &names)
            }
        }
        return names
    }

    private func parameterNames(_ n: Int, into names: inout [Int]) {
        let s = t.symbol(n)
        if s == PySym.identifier {
            names.append(n)
        } else if s == PySym.listSplatPattern || s == PySym.dictionarySplatPattern || s == PySym.tuplePattern {
            for c in t.namedChildren(n) { parameterNames(c, into: &names) }
        }
    }

    private func visitFunction(_ node: Int) {
        let t = self.t
        let (name, parameters, returnType, body) = t.functionParts(node)
        let names = visitParameters(parameters)
        if let r = returnType { visitAnnotation(r) }
        if let n = name { bind(n, .function) }
        let saved = stack
        deferred.append { [self] in
            runFunction(saved: saved, syntax: t, parameters: names, body: body)
        }
    }

    private func visitLambda(_ node: Int) {
        let t = self.t
        let names = visitParameters(t.child(node, .parameters))
        let saved = stack
        let body = t.child(node, .body)
        deferred.append { [self] in
            runFunction(saved: saved, syntax: t, parameters: names, body: body)
        }
    }

    private func runFunction(saved: [PyScope], syntax: PyTree, parameters: [Int], body: Int?) {
        let outer = stack, outerSyntax = t
        stack = saved
        t = syntax
        inAnnotation = false
        placement = nil
        let handled = nameErrorHandled
        nameErrorHandled = 0
        defer { nameErrorHandled = handled }
        let fs = PyScope(.function, parent: saved.last)
        push(fs)
        for p in parameters {
            let id = nameID(p)
            fs.set(id, PyBinding(names.names[id], id, .argument, syntax, p))
        }
        if let body { visit(body) }
        stack = outer
        t = outerSyntax
    }

    private func visitClass(_ node: Int) {
        let t = self.t
        if let sc = t.child(node, .superclasses) { visit(sc) }
        push(PyScope(.klass, parent: scope))
        if let b = t.child(node, .body) { visit(b) }
        stack.removeLast()
        if let n = t.child(node, .name) { bind(n, .klass) }
    }

    private func visitComprehension(_ node: Int) {
        let t = self.t
        let clauses = t.namedChildren(node).filter {
            t.symbol($0) == PySym.forInClause || t.symbol($0) == PySym.ifClause
        }
        // The first iterable is evaluated in the enclosing scope.
        if let c = clauses.first(where: { t.symbol($0) == PySym.forInClause }) {
            for r in t.forInParts(c).right { visit(r) }
        }
        push(PyScope(.generator, parent: scope))
        var first = true
        for c in clauses {
            if t.symbol(c) == PySym.forInClause {
                let (left, right) = t.forInParts(c)
                if !first { for r in right { visit(r) } }
                first = false
                if let l = left { bindTargets(l, .plain) }
            } else {
                visitChildren(c)
            }
        }
        if let b = t.child(node, .body) { visit(b) }
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
        for case let b? in s.slots {
            let name = b.name
            switch b.kind {
            case .global, .annotation, .exceptHandler: continue
            default: break
            }
            if b.isLoopVariable { continue }
            var outer = s.parent
            while let o = outer {
                if o.kind != .klass, let shadowed = o.binding(b.id) {
                    if shadowed.isImport, !shadowed.used, b.redefines(shadowed), sameBranch(b, shadowed) {
                        add("F811", b.syntax, b.node,
                            ["name": name, "line": String(shadowed.syntax.start(shadowed.node).line)])
                    }
                    break
                }
                outer = o.parent
            }
        }
    }

    private func finish(_ module: PyScope) {
        for name in exportNames {
            if let id = names.existingID(name) { module.binding(id)?.used = true }
        }
        for u in undefined where !globalNames.contains(u.name) {
            report.items.append(.init(code: "F821", start: u.start, end: u.end, values: ["name": u.name]))
        }
        for s in allScopes {
            if s.kind == .function { shadowedImports(s) }
            for case let b? in s.slots {
                let name = b.name
                // Ruff leaves imports in a class body alone (they are class attributes).
                if b.isImport && !b.used && s.kind != .klass {
                    add("F401", b.syntax, b.node, ["name": b.fullName ?? name])
                }
                if s.kind == .function, !s.usesLocals, !b.used,
                   b.kind == .assignment || b.kind == .namedExpression,
                   !s.globals.contains(b.id), !isDummy(name), !Self.ignoredLocals.contains(name) {
                    add("F841", b.syntax, b.node, ["name": name])
                }
            }
        }
    }
}
