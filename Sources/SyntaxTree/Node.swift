import CTreeSitter
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A node of a syntax tree. A value: cheap to copy; it keeps its tree alive.
///
/// It carries its grammar symbol (asked for on every node by every walk) and, when it came
/// from the tree's list of nodes, its place in that list (so its parent and children are found
/// without searching the list).
public struct Node: CustomStringConvertible {
    public let tree: Tree
    let raw: TSNode
    /// The grammar's numeric id of `kind` (fast to compare).
    public let symbol: UInt16
    /// The node's index in the tree's list of nodes; -1 when not known.
    let index: Int32

    init(tree: Tree, raw: TSNode) {
        self.tree = tree
        self.raw = raw
        symbol = ts_node_symbol(raw)
        index = -1
    }

    /// A node of the tree's list: its symbol and index are known.
    init(tree: Tree, raw: TSNode, symbol: UInt16, index: Int) {
        self.tree = tree
        self.raw = raw
        self.symbol = symbol
        self.index = Int32(index)
    }

    /// Whether this is its tree's root.
    var isRoot: Bool { index == 0 || ts_node_eq(raw, ts_tree_root_node(tree.raw)) }

    /// The grammar's name for the node, such as `function_definition` or `identifier`; for
    /// anonymous nodes the token itself, such as `def` or `(`.
    public var kind: String { Symbols.name(ts_node_symbol(raw)) }
    /// Named nodes are the grammar's rules; anonymous ones are punctuation and keywords.
    public var isNamed: Bool { ts_node_is_named(raw) }
    /// An ERROR node: text the parser could not fit into the grammar.
    public var isError: Bool { ts_node_symbol(raw) == UInt16.max }
    /// A MISSING node: a token the parser assumed in order to recover (zero width).
    public var isMissing: Bool { ts_node_is_missing(raw) }
    /// Whether this node or one below it is an ERROR or MISSING node.
    public var hasError: Bool { ts_node_has_error(raw) }
    /// `kind`, with "MISSING" made readable for messages.
    var displayKind: String { isNamed ? kind : "\"\(kind)\"" }

    /// Byte range in the source as given (offsets count a byte-order mark, if any).
    public var byteRange: Range<Int> {
        Int(ts_node_start_byte(raw))..<Int(ts_node_end_byte(raw))
    }
    /// Where the node starts: 1-based line, 1-based column in characters.
    public var start: SourcePosition { tree.source.position(at: Int(ts_node_start_byte(raw))) }
    /// Where the node ends (exclusive): 1-based line, 1-based column in characters.
    public var end: SourcePosition { tree.source.position(at: Int(ts_node_end_byte(raw))) }
    /// The source text of the node.
    public var text: String { tree.source.text(in: byteRange) }

    /// The parent, from the tree's list of nodes. For a zero-width node (an empty block, a
    /// MISSING token), tree-sitter's own answer, which can be an earlier sibling that ends where
    /// the node is: what the checkers were written (and compared with the reference tools)
    /// against.
    public var parent: Node? {
        if ts_node_start_byte(raw) < ts_node_end_byte(raw), case .some(let p) = tree.parent(of: self) {
            return p
        }
        return wrap(ts_node_parent(raw))
    }
    public var childCount: Int { Int(ts_node_child_count(raw)) }
    public var namedChildCount: Int { Int(ts_node_named_child_count(raw)) }
    public func child(at index: Int) -> Node? {
        guard index >= 0, index < childCount else { return nil }
        return wrap(ts_node_child(raw, UInt32(index)))
    }
    public func namedChild(at index: Int) -> Node? {
        guard index >= 0, index < namedChildCount else { return nil }
        return wrap(ts_node_named_child(raw, UInt32(index)))
    }
    /// All children, named and anonymous, in order. (Walks with a cursor: indexing children one
    /// by one costs time proportional to the index in tree-sitter.)
    public var children: [Node] { collectChildren(namedOnly: false) }
    /// The named children, in order.
    public var namedChildren: [Node] { collectChildren(namedOnly: true) }

    private func collectChildren(namedOnly: Bool) -> [Node] {
        if let listed = tree.children(of: self, namedOnly: namedOnly) { return listed }
        var out: [Node] = []
        out.reserveCapacity(namedOnly ? namedChildCount : childCount)
        var cursor = ts_tree_cursor_new(raw)
        defer { ts_tree_cursor_delete(&cursor) }
        guard ts_tree_cursor_goto_first_child(&cursor) else { return out }
        repeat {
            let n = ts_tree_cursor_current_node(&cursor)
            if !namedOnly || ts_node_is_named(n) { out.append(Node(tree: tree, raw: n)) }
        } while ts_tree_cursor_goto_next_sibling(&cursor)
        return out
    }
    /// The child in the grammar's field `name`, such as `name`, `body` or `parameters` (the
    /// first, if the field repeats). Only children: where tree-sitter's `ts_node_child_by_field_name`
    /// answers a `match` statement's `alternative` with a `case` of its body (a grandchild), this
    /// answers nil; the `case` is the `alternative` child of the body.
    public func child(byField name: String) -> Node? {
        // From the tree's list of nodes, which knows each node's field; tree-sitter's own
        // lookup compares `name` with every field name first.
        guard let id = Fields.ids[name] else { return nil }
        if let found = tree.children(of: self, field: id, all: false) { return found.first }
        return wrap(ts_node_child_by_field_id(raw, id))
    }
    /// All children in field `name` (some fields, such as `alias`, repeat).
    public func children(byField name: String) -> [Node] {
        guard let id = Fields.ids[name] else { return [] }
        if let found = tree.children(of: self, field: id, all: true) { return found }
        var out: [Node] = []
        let cursor = TreeCursor(node: self)
        guard cursor.gotoFirstChild() else { return out }
        repeat {
            if cursor.fieldName == name { out.append(cursor.node) }
        } while cursor.gotoNextSibling()
        return out
    }
    /// The name of the field that holds this node in its parent, if any.
    public var fieldName: String? {
        if let id = tree.field(of: self) { return id == 0 ? nil : Fields.name(id) }
        guard let parent else { return nil }
        let cursor = TreeCursor(node: parent)
        guard cursor.gotoFirstChild() else { return nil }
        repeat {
            if cursor.node == self { return cursor.fieldName }
        } while cursor.gotoNextSibling()
        return nil
    }
    public var nextSibling: Node? { wrap(ts_node_next_sibling(raw)) }
    public var previousSibling: Node? { wrap(ts_node_prev_sibling(raw)) }
    public var nextNamedSibling: Node? { wrap(ts_node_next_named_sibling(raw)) }
    public var previousNamedSibling: Node? { wrap(ts_node_prev_named_sibling(raw)) }

    /// The smallest named node that spans the byte range.
    public func namedDescendant(for range: Range<Int>) -> Node? {
        wrap(ts_node_named_descendant_for_byte_range(raw, UInt32(range.lowerBound),
                                                      UInt32(range.upperBound)))
    }

    /// Calls `body` on this node and every node below it in document order, iteratively (no
    /// recursion, so 1,000-deep nesting is fine). Return `false` to skip a node's children.
    public func forEachDescendant(_ body: (Node) throws -> Bool) rethrows {
        // Over the tree's list of nodes when this node is in it (it always is, but a node whose
        // tree was edited); else with a cursor.
        if try tree.forEachNode(under: self, body) { return }
        let cursor = TreeCursor(node: self)
        while true {
            if try body(cursor.node), cursor.gotoFirstChild() { continue }
            while !cursor.gotoNextSibling() {
                guard cursor.gotoParent() else { return }
            }
        }
    }

    /// The node as an S-expression, as tree-sitter prints it (named nodes only).
    public var sExpression: String {
        guard let p = ts_node_string(raw) else { return "" }
        defer { free(p) }
        return String(cString: p)
    }

    public var description: String { "\(kind) [\(start)-\(end)]" }

    private func wrap(_ n: TSNode) -> Node? {
        ts_node_is_null(n) ? nil : Node(tree: tree, raw: n)
    }
}

extension Node: Hashable {
    public static func == (a: Node, b: Node) -> Bool { a.tree === b.tree && ts_node_eq(a.raw, b.raw) }
    public func hash(into h: inout Hasher) {
        h.combine(ObjectIdentifier(tree))
        h.combine(ts_node_start_byte(raw))
        h.combine(ts_node_end_byte(raw))
        h.combine(symbol)
    }
}

/// The grammar's field names and ids, made once.
enum Fields {
    /// Field id by name (ids start at 1).
    static let ids: [String: UInt16] = {
        var out: [String: UInt16] = [:]
        let count = ts_language_field_count(PythonParser.language)
        for id in 1...UInt16(count) {
            if let p = ts_language_field_name_for_id(PythonParser.language, id) { out[String(cString: p)] = id }
        }
        return out
    }()
    static let names: [UInt16: String] = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })

    static func name(_ id: UInt16) -> String? { names[id] }
}

/// A cursor for walking a tree without building child arrays. It remembers field names, which
/// a bare node does not know.
public final class TreeCursor {
    private var cursor: TSTreeCursor
    private let tree: Tree
    /// How many levels below the starting node the cursor is.
    public private(set) var depth = 0

    public init(node: Node) {
        tree = node.tree
        cursor = ts_tree_cursor_new(node.raw)
    }

    deinit { ts_tree_cursor_delete(&cursor) }

    public var node: Node { Node(tree: tree, raw: ts_tree_cursor_current_node(&cursor)) }
    /// The field name of the current node in its parent, if any.
    public var fieldName: String? {
        guard let p = ts_tree_cursor_current_field_name(&cursor) else { return nil }
        return String(cString: p)
    }
    @discardableResult public func gotoFirstChild() -> Bool {
        guard ts_tree_cursor_goto_first_child(&cursor) else { return false }
        depth += 1
        return true
    }
    @discardableResult public func gotoNextSibling() -> Bool {
        ts_tree_cursor_goto_next_sibling(&cursor)
    }
    /// Moves to the parent; false at the node the cursor started from.
    @discardableResult public func gotoParent() -> Bool {
        guard depth > 0, ts_tree_cursor_goto_parent(&cursor) else { return false }
        depth -= 1
        return true
    }
}
