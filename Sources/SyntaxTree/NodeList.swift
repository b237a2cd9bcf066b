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
    let nodes: [TSNode]
    /// The index just past each node's subtree.
    let ends: [Int32]
    /// -1 for the root.
    let parents: [Int32]
    let named: [Bool]
    let symbols: [UInt16]
    /// The field id of each node in its parent (0: none).
    let fields: [UInt16]
    let startBytes: [Int32]
    let endBytes: [Int32]

    init(tree: Tree, nodes: [TSNode], ends: [Int32], parents: [Int32], named: [Bool], symbols: [UInt16],
         fields: [UInt16], startBytes: [Int32], endBytes: [Int32]) {
        self.tree = tree
        self.nodes = nodes
        self.ends = ends
        self.parents = parents
        self.named = named
        self.symbols = symbols
        self.fields = fields
        self.startBytes = startBytes
        self.endBytes = endBytes
    }

    /// How many nodes the tree has; the root is node 0.
    public var count: Int { nodes.count }

    /// The grammar's id of node `i`'s kind (compare with `Symbols`).
    @inline(__always) public func symbol(_ i: Int) -> UInt16 { symbols[i] }
    /// Whether node `i` is named (a grammar rule) rather than punctuation or a keyword.
    @inline(__always) public func isNamed(_ i: Int) -> Bool { named[i] }
    /// Byte offsets of node `i` in the source.
    @inline(__always) public func startByte(_ i: Int) -> Int { Int(startBytes[i]) }
    @inline(__always) public func endByte(_ i: Int) -> Int { Int(endBytes[i]) }
    /// The index just past node `i`'s subtree: its next sibling, if it has one.
    @inline(__always) public func subtreeEnd(_ i: Int) -> Int { Int(ends[i]) }
    /// The index of node `i`'s parent (nil for the root).
    @inline(__always) public func parent(_ i: Int) -> Int? {
        let p = parents[i]
        return p < 0 ? nil : Int(p)
    }
    /// The name of the field that holds node `i` in its parent, if any.
    public func fieldName(_ i: Int) -> String? { fields[i] == 0 ? nil : Fields.name(fields[i]) }
    /// Whether node `i` is held in the field `name` of its parent.
    public func isInField(_ i: Int, _ name: String) -> Bool {
        guard let id = Fields.ids[name] else { return false }
        return fields[i] == id
    }

    /// Node `i` as a `Node`.
    @inline(__always) public func node(_ i: Int) -> Node {
        Node(tree: tree, raw: nodes[i], symbol: symbols[i], index: i)
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
        let end = Int(ends[i])
        while j < end {
            if !namedOnly || named[j] { out.append(j) }
            j = Int(ends[j])
        }
        return out
    }

    /// The first child of node `i` in the field `name`, if any.
    public func child(_ i: Int, field name: String) -> Int? {
        guard let id = Fields.ids[name] else { return nil }
        var j = i + 1
        let end = Int(ends[i])
        while j < end {
            if fields[j] == id { return j }
            j = Int(ends[j])
        }
        return nil
    }
}
