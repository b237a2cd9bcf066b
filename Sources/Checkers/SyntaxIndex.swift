import SyntaxTree

/// Every node of a candidate's tree in document order (pre-order) as plain numbers — symbol,
/// byte range, parent, where its subtree ends, whether it is named — read from the tree's own
/// node list (`tree.nodes`), with the nodes of the kinds the checkers look for listed once.
/// Shared by the metric, LLM-habit, docstring, line and pattern checkers, which then look at
/// nodes by index: no `Node` values (each holds its tree: retain, release), no child arrays,
/// no field look-ups by name, no line and column until there is a finding.
final class SyntaxIndex {
    let source: SourceText
    let list: NodeList
    var count: Int { list.count }
    var symbol: NodeList.SymbolsColumn { list.symbols }
    /// Byte range of each node.
    var lo: NodeList.StartBytesColumn { list.startBytes }
    var hi: NodeList.EndBytesColumn { list.endBytes }
    /// Each node's parent (-1 for the root).
    var parent: NodeList.ParentsColumn { list.parents }
    /// The index just past each node's subtree.
    var next: NodeList.SubtreeEndsColumn { list.subtreeEnds }
    var named: NodeList.NamedFlagsColumn { list.namedFlags }
    /// The `def`s and `class`es, as nodes (for `CheckContext.functions` and `classes`) and as
    /// indices, in order.
    private(set) var functionNodes: [Node] = []
    private(set) var classNodes: [Node] = []
    private(set) var functions: [Int] = []
    private(set) var classes: [Int] = []
    /// The `from … import …` statements, as nodes (few; the docstring checker asks them by field).
    private(set) var importFromNodes: [Node] = []

    /// The nodes of some kinds, in order (listed in one pass).
    private(set) var comments: [Int] = []
    private(set) var strings: [Int] = []
    private(set) var expressionStatements: [Int] = []
    private(set) var forStatements: [Int] = []
    private(set) var comparisons: [Int] = []
    private(set) var elseClauses: [Int] = []
    /// `return`, `raise`, `continue`, `break`.
    private(set) var jumps: [Int] = []
    /// `def`s and the statements that open a nesting level (see `NestingDepthChecker`).
    private(set) var nesting: [Int] = []
    /// `def`s, assignments, `for`s and parameter lists (see `PatternNodes`).
    private(set) var bindings: [Int] = []

    init(_ tree: Tree) {
        source = tree.source
        list = tree.nodes
        categorize()
    }

    /// Per symbol, the lists a node of it goes in (bits, in the order of `categorize`'s lists).
    private static let kinds: [UInt16] = {
        var table: [UInt16] = []
        func mark(_ names: [String], _ bit: UInt16) {
            for name in names {
                let s = Int(Symbols.named(name))
                guard s != 0 else { continue }
                if table.count <= s { table += [UInt16](repeating: 0, count: s + 1 - table.count) }
                table[s] |= bit
            }
        }
        mark(["comment"], 1)
        mark(["string"], 2)
        mark(["expression_statement"], 4)
        mark(["for_statement"], 8)
        mark(["comparison_operator"], 16)
        mark(["else_clause"], 32)
        mark(["return_statement", "raise_statement", "continue_statement", "break_statement"], 64)
        mark(["function_definition", "if_statement", "elif_clause", "for_statement", "while_statement",
              "try_statement", "with_statement"], 128)
        mark(["function_definition", "assignment", "for_statement", "parameters"], 256)
        return table
    }()

    private func categorize() {
        let kinds = Self.kinds
        let symbol = self.symbol
        let def = Symbols.functionDefinition, cls = Symbols.classDefinition, imp = Symbols.importFrom
        var comments: [Int] = [], strings: [Int] = [], expressionStatements: [Int] = [], forStatements: [Int] = []
        var comparisons: [Int] = [], elseClauses: [Int] = [], jumps: [Int] = [], nesting: [Int] = [], bindings: [Int] = []
        // A list's first node reserves room for many (growing one node at a time from empty
        // cost more than listing them); lists of kinds a candidate lacks stay unallocated.
        let room = Swift.max(16, symbol.count >> 4)
        @inline(__always) func add(_ list: inout [Int], _ i: Int) {
            if list.capacity == 0 { list.reserveCapacity(room) }
            list.append(i)
        }
        for i in 0..<symbol.count {
            let s = symbol[i]
            if s == def { functionNodes.append(list.node(i)); functions.append(i) }
            else if s == cls { classNodes.append(list.node(i)); classes.append(i) }
            else if s == imp { importFromNodes.append(list.node(i)) }
            guard Int(s) < kinds.count else { continue }
            let m = kinds[Int(s)]
            if m == 0 { continue }
            if m & 1 != 0 { add(&comments, i) }
            if m & 2 != 0 { add(&strings, i) }
            if m & 4 != 0 { add(&expressionStatements, i) }
            if m & 8 != 0 { add(&forStatements, i) }
            if m & 16 != 0 { add(&comparisons, i) }
            if m & 32 != 0 { add(&elseClauses, i) }
            if m & 64 != 0 { add(&jumps, i) }
            if m & 128 != 0 { add(&nesting, i) }
            if m & 256 != 0 { add(&bindings, i) }
        }
        self.comments = comments; self.strings = strings; self.expressionStatements = expressionStatements
        self.forStatements = forStatements; self.comparisons = comparisons; self.elseClauses = elseClauses
        self.jumps = jumps; self.nesting = nesting; self.bindings = bindings
    }

    // MARK: Reading

    @inline(__always) func sym(_ i: Int) -> UInt16 { symbol[i] }
    @inline(__always) func start(_ i: Int) -> Int { Int(lo[i]) }
    @inline(__always) func end(_ i: Int) -> Int { Int(hi[i]) }
    @inline(__always) func parentOf(_ i: Int) -> Int? { let p = Int(parent[i]); return p < 0 ? nil : p }
    @inline(__always) func isNamed(_ i: Int) -> Bool { named[i] }

    /// The node's children (named and anonymous), in order.
    func children(_ i: Int) -> [Int] {
        var out: [Int] = []
        var j = i + 1
        let e = Int(next[i])
        while j < e { out.append(j); j = Int(next[j]) }
        return out
    }

    /// The named children (comments included), in order.
    func namedChildren(_ i: Int) -> [Int] {
        var out: [Int] = []
        var j = i + 1
        let e = Int(next[i])
        while j < e {
            if named[j] { out.append(j) }
            j = Int(next[j])
        }
        return out
    }

    /// The first named child (a comment included), if any.
    func firstNamedChild(_ i: Int) -> Int? {
        var j = i + 1
        let e = Int(next[i])
        while j < e {
            if named[j] { return j }
            j = Int(next[j])
        }
        return nil
    }

    /// The first child with symbol `s`.
    func firstChild(_ i: Int, _ s: UInt16) -> Int? {
        var j = i + 1
        let e = Int(next[i])
        while j < e {
            if symbol[j] == s { return j }
            j = Int(next[j])
        }
        return nil
    }

    /// The number of named children (comments included), as `Node.namedChildCount`.
    func namedChildCount(_ i: Int) -> Int {
        var n = 0
        var j = i + 1
        let e = Int(next[i])
        while j < e {
            if named[j] { n += 1 }
            j = Int(next[j])
        }
        return n
    }

    /// The previous named sibling (a comment included), as `Node.previousNamedSibling`.
    func previousNamedSibling(_ i: Int) -> Int? {
        guard let p = parentOf(i) else { return nil }
        var j = p + 1
        var last: Int? = nil
        while j < i {
            if named[j] { last = j }
            j = Int(next[j])
        }
        return last
    }

    /// The first of `statements(block)`, without making the list.
    func firstStatement(_ block: Int?) -> Int? {
        guard let block else { return nil }
        let comment = Symbols.comment
        var j = block + 1
        let e = Int(next[block])
        while j < e {
            if named[j] && symbol[j] != comment { return j }
            j = Int(next[j])
        }
        return nil
    }

    /// The statements of a block (its named children, comments left out).
    func statements(_ block: Int?) -> [Int] {
        guard let block else { return [] }
        let comment = Symbols.comment
        var out: [Int] = []
        var j = block + 1
        let e = Int(next[block])
        while j < e {
            if named[j] && symbol[j] != comment { out.append(j) }
            j = Int(next[j])
        }
        return out
    }

    /// The block of a compound statement or clause: its `body` or `consequence` (the grammar
    /// gives each at most one block child).
    func block(_ i: Int) -> Int? { firstChild(i, Symbols.block) }

    /// The name of a `def` or `class` (its identifier child).
    func name(_ i: Int) -> Int? { firstChild(i, Symbols.identifier) }

    /// The definition under a `decorated_definition`, else the node.
    func unwrap(_ i: Int) -> Int {
        guard symbol[i] == Symbols.decoratedDefinition else { return i }
        var j = i + 1
        let e = Int(next[i])
        let def = Symbols.functionDefinition, cls = Symbols.classDefinition
        while j < e {
            if symbol[j] == def || symbol[j] == cls { return j }
            j = Int(next[j])
        }
        return i
    }

    func text(_ i: Int) -> String { source.text(in: Int(lo[i])..<Int(hi[i])) }

    /// Whether the node's text is exactly `bytes` (ASCII).
    func textIs(_ i: Int, _ bytes: StaticString) -> Bool {
        let a = Int(lo[i]), b = Int(hi[i])
        guard b - a == bytes.utf8CodeUnitCount else { return false }
        let p = bytes.utf8Start
        let src = source.bytes
        for k in 0..<(b - a) where src[a + k] != p[k] { return false }
        return true
    }

    /// Whether two nodes have the same text (as `String` compares: canonically equivalent).
    func sameText(_ i: Int, _ j: Int) -> Bool {
        let a = Int(lo[i]), b = Int(hi[i]), c = Int(lo[j]), d = Int(hi[j])
        let src = source.bytes
        var ascii = true
        if b - a == d - c {
            var equal = true
            for k in 0..<(b - a) {
                let x = src[a + k]
                if x != src[c + k] { equal = false; break }
            }
            if equal { return true }
        }
        for k in a..<b where src[k] >= 0x80 { ascii = false; break }
        if ascii { for k in c..<d where src[k] >= 0x80 { ascii = false; break } }
        return ascii ? false : text(i) == text(j)
    }

    func startPosition(_ i: Int) -> SourcePosition { source.position(at: Int(lo[i])) }
    func endPosition(_ i: Int) -> SourcePosition { source.position(at: Int(hi[i])) }
}

/// The analyses the checkers share, each made on first use.
final class CommonAnalyses {
    let tree: Tree
    init(_ tree: Tree) { self.tree = tree }
    lazy var index = SyntaxIndex(tree)
    lazy var byteLines = ByteLines(tree.source)
    lazy var multilineStrings = MultilineStrings(index)
    lazy var patternNodes = PatternNodes(index)
    lazy var functionFacts = FunctionFacts(index)
}

extension CheckContext {
    /// The candidate's nodes, listed once for the checkers that read them by index.
    var index: SyntaxIndex { common.index }
    /// The physical lines.
    var byteLines: ByteLines { common.byteLines }
    var multilineStrings: MultilineStrings { common.multilineStrings }
    var patternNodes: PatternNodes { common.patternNodes }
    var functionFacts: FunctionFacts { common.functionFacts }

    /// Every `def` of the candidate, in order (nested ones included).
    var functions: [Node] { index.functionNodes }
    /// Every `class` of the candidate, in order.
    var classes: [Node] { index.classNodes }
}

extension ActiveRule {
    /// A finding of this rule over an indexed node.
    func finding(_ index: SyntaxIndex, _ i: Int, _ values: [String: String] = [:]) -> Finding {
        finding(index.startPosition(i), index.endPosition(i), values)
    }
}
