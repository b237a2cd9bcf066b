import CTreeSitter

/// The nodes of a tree in document order (pre-order), as plain numbers: for node `i`, its
/// symbol, byte range, parent, where its subtree ends, whether it is named and the field that
/// holds it in its parent. `tree.nodes` makes it once per tree.
///
/// For checkers that look at many nodes: an index costs nothing to copy, where a `Node` holds
/// its tree (a retain and a release each); the children of `i` are `i + 1`, then each child's
/// `subtreeEnd`, up to `subtreeEnd(i)`. `node(i)` gives the `Node` when one is needed (to
/// report it, or to ask tree-sitter).
///
/// A class: handed around for every walk, a reference is one retain where a struct of arrays
/// would retain each array. It does not keep its tree alive (the tree holds it); use it while
/// the tree lives.
public final class NodeList {
    unowned let tree: Tree
    /// One entry a node, in pre-order.
    @usableFromInline let entries: [Entry]

    @usableFromInline struct Entry {
        @usableFromInline var raw: TSNode
        /// Byte range.
        @usableFromInline var start: Int32
        @usableFromInline var end: Int32
        /// -1 for the root.
        @usableFromInline var parent: Int32
        /// The index just past the node's subtree.
        @usableFromInline var subtreeEnd: Int32
        @usableFromInline var symbol: UInt16
        /// The field id of the node in its parent (0: none).
        @usableFromInline var field: UInt16
        @usableFromInline var named: Bool

        init(raw: TSNode, start: Int32, end: Int32, parent: Int32, subtreeEnd: Int32, symbol: UInt16,
             field: UInt16, named: Bool) {
            self.raw = raw
            self.start = start
            self.end = end
            self.parent = parent
            self.subtreeEnd = subtreeEnd
            self.symbol = symbol
            self.field = field
            self.named = named
        }
    }

    init(tree: Tree, entries: [Entry]) {
        self.tree = tree
        self.entries = entries
    }

    /// How many nodes the tree has; the root is node 0.
    public var count: Int { entries.count }

    /// The grammar's id of node `i`'s kind (compare with `Symbols`).
    @inlinable public func symbol(_ i: Int) -> UInt16 { entries[i].symbol }
    /// Whether node `i` is named (a grammar rule) rather than punctuation or a keyword.
    @inlinable public func isNamed(_ i: Int) -> Bool { entries[i].named }
    /// Byte offsets of node `i` in the source.
    @inlinable public func startByte(_ i: Int) -> Int { Int(entries[i].start) }
    @inlinable public func endByte(_ i: Int) -> Int { Int(entries[i].end) }
    /// The index just past node `i`'s subtree: its next sibling, if it has one.
    @inlinable public func subtreeEnd(_ i: Int) -> Int { Int(entries[i].subtreeEnd) }
    /// The index of node `i`'s parent (nil for the root).
    @inlinable public func parent(_ i: Int) -> Int? {
        let p = entries[i].parent
        return p < 0 ? nil : Int(p)
    }
    // Each node's symbol, byte range, parent (-1 for the root), subtree end and namedness, read
    // by index like arrays (views: nothing is copied).
    public var symbols: SymbolsColumn { SymbolsColumn(list: self) }
    public struct SymbolsColumn {
        @usableFromInline let list: NodeList
        public var count: Int { list.entries.count }
        @inlinable public subscript(i: Int) -> UInt16 { list.entries[i].symbol }
    }
    public var startBytes: StartBytesColumn { StartBytesColumn(list: self) }
    public struct StartBytesColumn {
        @usableFromInline let list: NodeList
        public var count: Int { list.entries.count }
        @inlinable public subscript(i: Int) -> Int32 { list.entries[i].start }
    }
    public var endBytes: EndBytesColumn { EndBytesColumn(list: self) }
    public struct EndBytesColumn {
        @usableFromInline let list: NodeList
        public var count: Int { list.entries.count }
        @inlinable public subscript(i: Int) -> Int32 { list.entries[i].end }
    }
    public var parents: ParentsColumn { ParentsColumn(list: self) }
    public struct ParentsColumn {
        @usableFromInline let list: NodeList
        public var count: Int { list.entries.count }
        @inlinable public subscript(i: Int) -> Int32 { list.entries[i].parent }
    }
    public var subtreeEnds: SubtreeEndsColumn { SubtreeEndsColumn(list: self) }
    public struct SubtreeEndsColumn {
        @usableFromInline let list: NodeList
        public var count: Int { list.entries.count }
        @inlinable public subscript(i: Int) -> Int32 { list.entries[i].subtreeEnd }
    }
    public var namedFlags: NamedFlagsColumn { NamedFlagsColumn(list: self) }
    public struct NamedFlagsColumn {
        @usableFromInline let list: NodeList
        public var count: Int { list.entries.count }
        @inlinable public subscript(i: Int) -> Bool { list.entries[i].named }
    }

    /// The grammar's id of the field `name` (nil if there is none): for asking fields by id in
    /// hot loops (`field(_:)`, `child(_:fieldID:)`), where asking by name hashes the name.
    public static func fieldID(_ name: String) -> UInt16? { Fields.ids[name] }
    /// The id of the field that holds node `i` in its parent (0: none).
    @inlinable public func field(_ i: Int) -> UInt16 { entries[i].field }
    /// The first child of node `i` in the field with id `id`, if any.
    @inlinable public func child(_ i: Int, fieldID id: UInt16) -> Int? {
        entries.withUnsafeBufferPointer { NodeList.child(in: $0, i, fieldID: id) }
    }

    /// `child(_:fieldID:)` over the entries' storage (for walks that hold it, as the query
    /// matcher does).
    @inlinable static func child(in entries: UnsafeBufferPointer<Entry>, _ i: Int, fieldID id: UInt16) -> Int? {
        var j = i + 1
        let end = Int(entries[i].subtreeEnd)
        while j < end {
            if entries[j].field == id { return j }
            j = Int(entries[j].subtreeEnd)
        }
        return nil
    }

    /// The name of the field that holds node `i` in its parent, if any.
    public func fieldName(_ i: Int) -> String? { entries[i].field == 0 ? nil : Fields.name(entries[i].field) }
    /// Whether node `i` is held in the field `name` of its parent.
    public func isInField(_ i: Int, _ name: String) -> Bool {
        guard let id = Fields.ids[name] else { return false }
        return entries[i].field == id
    }

    /// Node `i` as a `Node`.
    @inline(__always) public func node(_ i: Int) -> Node {
        Node(tree: tree, raw: entries[i].raw, symbol: entries[i].symbol, index: i)
    }

    /// The index of `node` in the list (nil for a node of another tree, or of a tree edited
    /// since the list was made).
    public func index(of node: Node) -> Int? {
        guard node.tree === tree else { return nil }
        return tree.index(of: node, in: self)
    }

    /// The children of node `i`, in order (only the named ones if `namedOnly`).
    public func children(_ i: Int, namedOnly: Bool = false) -> [Int] {
        var out: [Int] = []
        var j = i + 1
        let end = Int(entries[i].subtreeEnd)
        while j < end {
            if !namedOnly || entries[j].named { out.append(j) }
            j = Int(entries[j].subtreeEnd)
        }
        return out
    }

    /// The first child of node `i` in the field `name`, if any.
    public func child(_ i: Int, field name: String) -> Int? {
        guard let id = Fields.ids[name] else { return nil }
        return child(i, fieldID: id)
    }
}
