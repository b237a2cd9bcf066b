import CTreeSitter
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed Python source: the tree-sitter tree and the text it was parsed from.
///
/// Nodes keep their tree alive; the tree is freed when the last of them goes. Not thread-safe:
/// use a tree on one thread at a time.
public final class Tree {
    let raw: OpaquePointer
    /// The text the tree was parsed from.
    public let source: SourceText

    init(raw: OpaquePointer, source: SourceText) {
        self.raw = raw
        self.source = source
    }

    deinit { ts_tree_delete(raw) }

    /// The `module` node at the top of the tree.
    public var root: Node { Node(tree: self, raw: ts_tree_root_node(raw)) }

    /// A cursor at the root, for walking the tree without building child arrays.
    public func walk() -> TreeCursor { TreeCursor(node: root) }

    /// Calls `body` on every node in document order (pre-order), iteratively, so a deep tree
    /// cannot overflow the stack. Return `false` from `body` to skip a node's children.
    ///
    /// The first call lists the nodes once (with where each one's subtree ends); later calls,
    /// which every checker makes, run over that list instead of walking the tree again.
    public func forEachNode(_ body: (Node) throws -> Bool) rethrows {
        let flat = flattened
        let count = flat.entries.count
        var i = 0
        while i < count {
            i = try body(listed(i, flat)) ? i + 1 : Int(flat.entries[i].subtreeEnd)
        }
    }

    /// How many nodes of the tree have a symbol in `symbols` (without making a `Node` each).
    public func count(of symbols: SymbolSet) -> Int {
        var n = 0
        for entry in flattened.entries where symbols.contains(entry.symbol) { n += 1 }
        return n
    }

    /// Calls `body` on `node` and its descendants in pre-order, over the listed nodes.
    func forEachNode(under node: Node, _ body: (Node) throws -> Bool) rethrows -> Bool {
        let flat = flattened
        guard let first = index(of: node, in: flat) else { return false }
        let end = Int(flat.entries[first].subtreeEnd)
        var i = first
        while i < end {
            i = try body(listed(i, flat)) ? i + 1 : Int(flat.entries[i].subtreeEnd)
        }
        return true
    }

    /// Every node of the tree in pre-order, with what it takes to walk them without asking
    /// tree-sitter (whose `ts_node_parent` searches down from the root, whose child access
    /// needs a cursor, and whose field lookup compares the field's name with every field's).
    /// Made once per tree, by the first walk that needs it.
    public var nodes: NodeList { flattened }

    /// Node `i` of the list (made here rather than by the list, which holds its tree unowned).
    @inline(__always) private func listed(_ i: Int, _ flat: NodeList) -> Node {
        Node(tree: self, raw: flat.entries[i].raw, symbol: flat.entries[i].symbol, index: i)
    }

    private var flatCache: NodeList? = nil

    /// The tree's nodes listed once (by the first walk that needs them).
    private var flattened: NodeList {
        if let f = flatCache { return f }
        // A first guess at the node count (about one per 4 bytes of code, fewer in long
        // strings and comments); the list grows past it if needed.
        var entries: [NodeList.Entry] = []
        entries.reserveCapacity(source.bytes.count / 4 + 16)
        var open: [Int32] = []  // indices of the nodes whose subtree is being listed
        open.reserveCapacity(64)
        var cursor = ts_tree_cursor_new(ts_tree_root_node(raw))
        defer { ts_tree_cursor_delete(&cursor) }
        outer: while true {
            let node = ts_tree_cursor_current_node(&cursor)
            let index = Int32(entries.count)
            entries.append(NodeList.Entry(
                raw: node, start: Int32(truncatingIfNeeded: ts_node_start_byte(node)),
                end: Int32(truncatingIfNeeded: ts_node_end_byte(node)), parent: open.last ?? -1, subtreeEnd: 0,
                symbol: ts_node_symbol(node), field: ts_tree_cursor_current_field_id(&cursor),
                named: ts_node_is_named(node)))
            open.append(index)
            if ts_tree_cursor_goto_first_child(&cursor) { continue }
            while true {
                // The current node's subtree is done.
                entries[Int(open.removeLast())].subtreeEnd = Int32(entries.count)
                if ts_tree_cursor_goto_next_sibling(&cursor) { continue outer }
                guard ts_tree_cursor_goto_parent(&cursor) else { break outer }
            }
        }
        while let i = open.popLast() { entries[Int(i)].subtreeEnd = Int32(entries.count) }
        let flat = NodeList(tree: self, entries: entries)
        flatCache = flat
        return flat
    }

    /// Where `node` is in the list: a binary search for the first node starting where it
    /// starts, then a step over the ancestors that start there too.
    func index(of listed: Node, in flat: NodeList) -> Int? {
        if listed.index >= 0 { return Int(listed.index) }
        let node = listed.raw
        let entries = flat.entries
        let start = Int32(truncatingIfNeeded: ts_node_start_byte(node))
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].start < start { lo = mid + 1 } else { hi = mid }
        }
        var i = lo
        while i < entries.count, entries[i].start == start {
            if ts_node_eq(entries[i].raw, node) { return i }
            i += 1
        }
        return nil
    }

    /// The parent of `node`, from the list; `.none` when the node is not in it (a tree edited
    /// since), `.some(nil)` for the root.
    func parent(of node: Node) -> Node?? {
        let flat = flattened
        guard let i = index(of: node, in: flat) else { return .none }
        let p = Int(flat.entries[i].parent)
        return .some(p < 0 ? nil : listed(p, flat))
    }

    /// The children of `node` (only the named ones if `namedOnly`), from the list; nil when
    /// the node is not in it.
    func children(of node: Node, namedOnly: Bool) -> [Node]? {
        let flat = flattened
        guard let i = index(of: node, in: flat) else { return nil }
        return flat.children(i, namedOnly: namedOnly).map { listed($0, flat) }
    }

    /// The first child of `node` in field `field` (none: empty), or every such child
    /// when `all` is set, from the list; `.none` when the node is not in it.
    func children(of node: Node, field: UInt16, all: Bool) -> [Node]? {
        let flat = flattened
        guard let i = index(of: node, in: flat) else { return nil }
        if !all { return flat.child(i, fieldID: field).map { [listed($0, flat)] } ?? [] }
        return flat.children(i).filter { flat.field($0) == field }.map { listed($0, flat) }
    }

    /// The field id that holds `node` in its parent (0: none); nil when the node is not in the
    /// list.
    func field(of node: Node) -> UInt16? {
        let flat = flattened
        guard let i = index(of: node, in: flat) else { return nil }
        return flat.entries[i].field
    }

    /// Whether the source is valid Python as far as the parser can tell: no ERROR or MISSING
    /// node, none of the constructs tree-sitter accepts and Python refuses, no NUL byte, valid
    /// UTF-8.
    public var hasSyntaxErrors: Bool {
        if let e = errorsCache { return !e.isEmpty }
        if ts_node_has_error(ts_tree_root_node(raw)) || source.firstNulOffset != nil
            || source.firstInvalidUTF8Offset != nil { return true }
        return !leniency.isEmpty
    }

    /// Computed once per tree: several checkers and the linter ask.
    private var errorsCache: [SyntaxError]? = nil
    private var leniencyCache: [SyntaxError]? = nil
    private var leniency: [SyntaxError] {
        if let l = leniencyCache { return l }
        let l = leniencyErrors()
        leniencyCache = l
        return l
    }

    /// What tree-sitter's Python grammar accepts and Python does not: a block with no statement
    /// (only comments), two statements on one line with no `;` between them, an indented
    /// statement at module level, a keyword taken for a name, a trailing comma in an
    /// unparenthesized `from … import`, and `from __future__` imports after other code.
    private func leniencyErrors() -> [SyntaxError] {
        var errors: [SyntaxError] = []
        func add(_ kind: SyntaxError.Kind, _ message: String, _ start: SourcePosition, _ end: SourcePosition) {
            errors.append(SyntaxError(kind: kind, message: message, start: start, end: end))
        }
        // Future imports may follow only the module docstring and other future imports.
        var seenCode = false
        for (i, child) in root.namedChildren.enumerated() where child.symbol != Symbols.comment {
            if child.symbol == Symbols.futureImport {
                if seenCode {
                    add(.misplacedFutureImport, "from __future__ imports must occur at the beginning of the file",
                        child.start, child.end)
                }
            } else if !(i == 0 && child.symbol == Symbols.expressionStatement
                        && child.namedChild(at: 0)?.symbol == Symbols.string) {
                seenCode = true
            }
        }
        let bytes = source.bytes
        // Every node, in document order, but what lies inside ERROR nodes; over the node list
        // (this runs on every candidate, and most nodes need only their symbol looked at).
        let flat = flattened
        let colon = Symbols.colon, comma = Symbols.comma, openParen = Symbols.openParenthesis
        let module = Symbols.module, block = Symbols.block, comment = Symbols.comment
        let identifier = Symbols.identifier, importFrom = Symbols.importFrom
        let count = flat.entries.count
        var i = 0
        while i < count {
            let symbol = flat.entries[i].symbol
            let end = Int(flat.entries[i].subtreeEnd)
            if symbol == block || symbol == module {
                // Statements in a block or the module: none (a block needs one), and each on a
                // line of its own or after a ";"; at module level, each at column 1.
                var previousEnd: Int? = nil
                var statements = 0
                var j = i + 1
                while j < end {
                    defer { j = Int(flat.entries[j].subtreeEnd) }
                    guard flat.entries[j].named, flat.entries[j].symbol != comment else { continue }
                    statements += 1
                    let lower = Int(flat.entries[j].start), upper = Int(flat.entries[j].end)
                    if let previous = previousEnd, previous <= lower,
                       !bytes[previous..<lower].contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x3B }) {
                        let child = listed(j, flat)
                        add(.unseparatedStatements, "statements must be separated by a line break or `;`",
                            child.start, child.end)
                    }
                    previousEnd = upper
                    if symbol == module {
                        var k = lower
                        while k > 0 && (bytes[k - 1] == 0x20 || bytes[k - 1] == 0x09 || bytes[k - 1] == 0x0C) { k -= 1 }
                        let lineStart = k == source.byteOrderMarkLength || (k > 0 && (bytes[k - 1] == 0x0A || bytes[k - 1] == 0x0D))
                        if k < lower && lineStart {
                            let child = listed(j, flat)
                            add(.unexpectedIndent, "unexpected indent", child.start, child.end)
                        }
                    }
                }
                if symbol == block && statements == 0 {
                    // Point after the header's colon, where Python expects the body.
                    let node = listed(i, flat)
                    let at = node.parent.flatMap { p in p.children.last { $0.symbol == colon }?.end } ?? node.start
                    add(.emptyBlock, "expected an indented block", at, node.end)
                }
            } else if symbol == identifier {
                let range = Int(flat.entries[i].start)..<Int(flat.entries[i].end)
                if isHardKeyword(range) {
                    let node = listed(i, flat)
                    add(.keywordAsName, "`\(node.text)` is a keyword, not a name", node.start, node.end)
                }
            } else if symbol == importFrom {
                // The last child, and whether any child is "(".
                var last = -1, parenthesized = false
                var j = i + 1
                while j < end {
                    if flat.entries[j].symbol == openParen && !flat.entries[j].named { parenthesized = true }
                    last = j
                    j = Int(flat.entries[j].subtreeEnd)
                }
                if last >= 0, flat.entries[last].symbol == comma, !flat.entries[last].named, !parenthesized {
                    add(.trailingComma, "trailing comma not allowed without surrounding parentheses",
                        listed(last, flat).start, listed(i, flat).end)
                }
            }
            i = symbol == UInt16.max ? end : i + 1
        }
        return errors
    }

    /// Python's keywords, which tree-sitter's error recovery sometimes takes for names.
    static let hardKeywords: [[UInt8]] = [
        "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ].map { Array($0.utf8) }

    /// The keywords' bytes packed into integers (none is longer than 8 bytes).
    static let hardKeywordCodes = Set(hardKeywords.map { packed($0[...]) })

    /// Up to 8 bytes as one integer (different texts of one length give different integers).
    static func packed(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Whether the bytes in `range` spell a keyword (without making a string: this runs on
    /// every identifier).
    private func isHardKeyword(_ range: Range<Int>) -> Bool {
        let n = range.count
        guard n >= 2 && n <= 8 else { return false }
        return Tree.hardKeywordCodes.contains(Tree.packed(source.bytes[range]))
    }

    /// The syntax errors in the source, in document order: every outermost ERROR node
    /// (unexpected text), every MISSING node (a token the parser had to assume), what the
    /// grammar accepts and Python refuses (see `leniencyErrors`), a NUL byte and the first byte
    /// that is not valid UTF-8 (Python refuses both).
    public var syntaxErrors: [SyntaxError] {
        if let e = errorsCache { return e }
        let e = computeSyntaxErrors()
        errorsCache = e
        return e
    }

    private func computeSyntaxErrors() -> [SyntaxError] {
        var errors: [SyntaxError] = []
        if let offset = source.firstInvalidUTF8Offset {
            let p = source.position(at: offset)
            errors.append(SyntaxError(kind: .invalidUTF8, message: "invalid UTF-8 byte 0x"
                + String(source.bytes[offset], radix: 16, uppercase: true), start: p, end: p))
        }
        if let offset = source.firstNulOffset {
            let p = source.position(at: offset)
            errors.append(SyntaxError(kind: .nulByte, message: "source contains a NUL byte",
                                      start: p, end: source.position(at: offset + 1)))
        }
        errors += leniency
        if ts_node_has_error(ts_tree_root_node(raw)) {
            forEachNode { node in
                if node.isMissing {
                    errors.append(SyntaxError(
                        kind: .missing, message: "missing \(node.displayKind)",
                        start: node.start, end: node.end))
                    return false
                }
                if node.isError {
                    errors.append(SyntaxError(
                        kind: .unexpected, message: SyntaxError.unexpectedMessage(node),
                        start: node.start, end: node.end))
                    return false
                }
                return node.hasError
            }
        }
        // One error per place: a NUL byte or a bad UTF-8 byte also makes an ERROR node there.
        var seen = Set<Int>()
        return errors.filter { seen.insert($0.start.offset).inserted }
            .sorted { $0.start.offset < $1.start.offset }
    }

    /// The tree as an indented outline, one named node a line with its field name, kind and
    /// range, and the text of leaves (what `fluke parse` prints).
    public func outline(includeAnonymous: Bool = false) -> String {
        var out = ""
        let cursor = walk()
        var depth = 0
        while true {
            let node = cursor.node
            if node.isNamed || includeAnonymous || node.isMissing {
                out += String(repeating: "  ", count: depth)
                if let field = cursor.fieldName { out += field + ": " }
                if node.isMissing { out += "MISSING " }
                out += node.isNamed ? node.kind : "\"\(node.kind)\""
                out += " [\(node.start)-\(node.end)]"
                if node.childCount == 0 && node.isNamed && !node.isMissing {
                    out += " " + Tree.quoted(node.text, limit: 60)
                }
                out += "\n"
            }
            if cursor.gotoFirstChild() { depth += 1; continue }
            while !cursor.gotoNextSibling() {
                guard cursor.gotoParent() else { return out }
                depth -= 1
            }
        }
    }

    static func quoted(_ text: String, limit: Int) -> String {
        var s = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            default:
                if ch.value < 0x20 || ch.value == 0x7F {
                    s += "\\u{\(String(ch.value, radix: 16))}"
                } else {
                    s.unicodeScalars.append(ch)
                }
            }
            if s.count > limit { return "\"" + s.prefix(limit) + "…\"" }
        }
        return "\"" + s + "\""
    }
}

/// A place where the source is not valid Python.
public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case unexpected, missing, emptyBlock = "empty-block",
             unseparatedStatements = "unseparated-statements", trailingComma = "trailing-comma",
             misplacedFutureImport = "misplaced-future-import", unexpectedIndent = "unexpected-indent",
             keywordAsName = "keyword-as-name", nulByte = "nul-byte",
             invalidUTF8 = "invalid-utf8"
    }
    public var kind: Kind
    public var message: String
    public var start: SourcePosition
    public var end: SourcePosition

    public var description: String { "\(start): \(message)" }

    static func unexpectedMessage(_ node: Node) -> String {
        // Name the first token that could not be parsed.
        var first = node
        while first.childCount > 0, let child = first.child(at: 0) { first = child }
        let text = first.text
        if text.isEmpty || first.byteRange.isEmpty { return "unexpected input" }
        let shown = Tree.quoted(String(text.prefix(30)), limit: 30)
        return "unexpected \(shown)"
    }
}
