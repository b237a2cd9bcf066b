import SyntaxTree
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields of the grammar that the pyflakes analysis reads.
enum SyntaxField: Int, CaseIterable {
    case name, alias, body, left, right, type, value, object, attribute, parameters, returnType, superclasses
    case moduleName, subscripted, condition, function, arguments, definition, consequence, alternative

    /// The field's name in the grammar.
    var grammarName: String {
        switch self {
        case .returnType: return "return_type"
        case .moduleName: return "module_name"
        case .subscripted: return "subscript"
        default: return String(describing: self)
        }
    }

    /// The grammar's id of each field, by case (looked up once: by name a look-up hashes it).
    static let ids: [UInt16] = allCases.map { NodeList.fieldID($0.grammarName) ?? 0 }
}

/// A tree as the pyflakes analysis reads it: nodes are indices in the tree's node list
/// (`tree.nodes`), so walking makes no `Node` values (each holds its tree: a retain and a
/// release) and no child arrays. Holds the tree (the node list does not keep it alive): the
/// candidate's, or that of a string annotation.
final class PyTree {
    let tree: Tree
    let nodes: NodeList
    let source: SourceText
    /// The root (`module`).
    let root = 0

    init(_ tree: Tree) {
        self.tree = tree
        nodes = tree.nodes
        source = tree.source
    }

    // MARK: One node

    @inline(__always) func symbol(_ i: Int) -> UInt16 { nodes.symbol(i) }
    /// The node as the tree gives it.
    func node(_ i: Int) -> Node { nodes.node(i) }
    /// The parent, nil for the root.
    @inline(__always) func parent(_ i: Int) -> Int? { nodes.parent(i) }
    /// Whether node `a` lies in the subtree of `x` (itself included).
    @inline(__always) func holds(_ x: Int, _ a: Int) -> Bool { x <= a && a < nodes.subtreeEnd(x) }
    func byteRange(_ i: Int) -> Range<Int> { nodes.startByte(i)..<nodes.endByte(i) }
    /// The node's text.
    func text(_ i: Int) -> String { source.text(in: byteRange(i)) }
    /// Whether the node's text is `s` (compared as bytes, without making a string).
    func textIs(_ i: Int, _ s: StaticString) -> Bool {
        let lo = nodes.startByte(i), hi = nodes.endByte(i)
        guard hi <= source.bytes.count, hi - lo == s.utf8CodeUnitCount else { return false }
        return s.withUTF8Buffer { want in source.bytes[lo..<hi].elementsEqual(want) }
    }
    func start(_ i: Int) -> SourcePosition { source.position(at: nodes.startByte(i)) }
    func end(_ i: Int) -> SourcePosition { source.position(at: nodes.endByte(i)) }

    // MARK: Children

    /// The children of a node (only the named ones, or all), in order.
    struct Children: Sequence, IteratorProtocol {
        let nodes: NodeList
        var position: Int
        let end: Int
        let namedOnly: Bool

        mutating func next() -> Int? {
            while position < end {
                let k = position
                position = nodes.subtreeEnd(k)
                if !namedOnly || nodes.isNamed(k) { return k }
            }
            return nil
        }
    }

    func namedChildren(_ i: Int) -> Children {
        Children(nodes: nodes, position: i + 1, end: nodes.subtreeEnd(i), namedOnly: true)
    }
    func children(_ i: Int) -> Children {
        Children(nodes: nodes, position: i + 1, end: nodes.subtreeEnd(i), namedOnly: false)
    }
    /// The named children as an array (for the few places that index them).
    func namedChildList(_ i: Int) -> [Int] { Array(namedChildren(i)) }

    func firstNamedChild(_ i: Int) -> Int? {
        var c = namedChildren(i)
        return c.next()
    }
    func lastNamedChild(_ i: Int) -> Int? {
        var last: Int? = nil
        for c in namedChildren(i) { last = c }
        return last
    }
    func namedChildCount(_ i: Int) -> Int {
        var n = 0
        for _ in namedChildren(i) { n += 1 }
        return n
    }
    // MARK: Fields of the common node kinds (by field id)

    /// An `attribute`'s `object`.
    func attributeObject(_ i: Int) -> Int? { child(i, .object) }

    /// A `keyword_argument`'s `value`.
    func keywordValue(_ i: Int) -> Int? { child(i, .value) }

    /// The `left`, `type` and `right` of an `assignment`.
    func assignmentParts(_ i: Int) -> (left: Int?, type: Int?, right: Int?) {
        (child(i, .left), child(i, .type), child(i, .right))
    }

    /// The `left` and `right` of an `augmented_assignment`.
    func augmentedAssignmentParts(_ i: Int) -> (left: Int?, right: Int?) { (child(i, .left), child(i, .right)) }

    /// The `name` and `value` of a `named_expression` (`name := value`).
    func namedExpressionParts(_ i: Int) -> (name: Int?, value: Int?) { (child(i, .name), child(i, .value)) }

    /// The `name`, `parameters`, `return_type` and `body` of a `function_definition`.
    func functionParts(_ i: Int) -> (name: Int?, parameters: Int?, returnType: Int?, body: Int?) {
        (child(i, .name), child(i, .parameters), child(i, .returnType), child(i, .body))
    }

    /// A `typed_parameter`'s or `typed_default_parameter`'s `type`.
    func typeChild(_ i: Int) -> Int? { child(i, .type) }

    /// The `name`, `type` and `value` of a `default_parameter` or `typed_default_parameter`.
    func defaultParameterParts(_ i: Int) -> (name: Int?, type: Int?, value: Int?) {
        (child(i, .name), child(i, .type), child(i, .value))
    }

    /// The `left` and `right` of a `for_in_clause` (`right` may repeat).
    func forInParts(_ i: Int) -> (left: Int?, right: [Int]) { (child(i, .left), children(i, .right)) }

    /// The first child in field `field` (as `Node.child(byField:)`).
    @inline(__always) func child(_ i: Int, _ field: SyntaxField) -> Int? {
        nodes.child(i, fieldID: fieldIDs[field.rawValue])
    }
    /// Every child in field `field` (as `Node.children(byField:)`).
    func children(_ i: Int, _ field: SyntaxField) -> [Int] {
        let id = fieldIDs[field.rawValue]
        return children(i).filter { nodes.field($0) == id }
    }
    /// Whether the node is held in the field `field` of its parent.
    func isInField(_ i: Int, _ field: SyntaxField) -> Bool { nodes.field(i) == fieldIDs[field.rawValue] }
    private let fieldIDs = SyntaxField.ids
}

/// The names one analysis meets, numbered from 0 in the order met, so that scopes hold their
/// bindings in arrays indexed by number: a name read in the source is found by its bytes (a
/// short hash over them, no `String` made), and made a `String` only the first time.
///
/// Names are the same when their strings are equal (as `String` compares them, which takes
/// some non-ASCII spellings for others, such as the Kelvin sign for `K`): a non-ASCII spelling
/// not met before, or any spelling when a non-ASCII one was met, is compared with the names
/// met before it gets a new number (rare: names are ASCII).
struct PyNames {
    /// Each number's name.
    private(set) var names: [String] = []
    /// Whether each number's name is a builtin: 0 not known yet, 1 yes, 2 no.
    private var builtin: [UInt8] = []
    /// Whether a name met is not ASCII.
    private var nonASCII = false

    struct Spelling {
        var hash: UInt32
        var length: Int32
        /// Where its bytes start in `pool`.
        var start: Int32
        var id: Int32
    }
    /// Spellings met (as bytes): an open-addressing table of indices into `spellings`.
    private var table: [Int32] = []
    private var spellings: [Spelling] = []
    /// The bytes of every spelling, one after another.
    private var pool: [UInt8] = []

    init() {
        table = [Int32](repeating: -1, count: 32)
        spellings.reserveCapacity(16)
        names.reserveCapacity(16)
        builtin.reserveCapacity(16)
        pool.reserveCapacity(128)
    }

    var count: Int { names.count }

    /// Whether name number `id` is one of Python's builtins.
    mutating func isBuiltin(_ id: Int) -> Bool {
        if builtin[id] == 0 { builtin[id] = pythonBuiltins.contains(names[id]) ? 1 : 2 }
        return builtin[id] == 1
    }

    @inline(__always) private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// The number of the name spelled by `bytes[lo..<hi]`; `text` makes its string (the first
    /// time this spelling is met).
    mutating func id(_ bytes: [UInt8], _ lo: Int, _ hi: Int, text: () -> String) -> Int {
        let found: Int? = bytes.withUnsafeBufferPointer { all in
            let word = UnsafeBufferPointer(rebasing: all[lo..<hi])
            return find(word, Self.hash(word))
        }
        if let found { return found }
        return add(text())
    }

    /// The number of `name` (a new one if it was not met).
    mutating func id(_ name: String) -> Int {
        var name = name
        if let found = name.withUTF8({ find($0, Self.hash($0)) }) { return found }
        return add(name)
    }

    /// The number of `name` if it was met.
    func existingID(_ name: String) -> Int? {
        var name = name
        if let found = name.withUTF8({ find($0, Self.hash($0)) }) { return found }
        guard nonASCII else { return nil }
        return names.firstIndex(of: name)
    }

    private func find(_ word: UnsafeBufferPointer<UInt8>, _ h: UInt32) -> Int? {
        let mask = table.count - 1
        var slot = Int(h) & mask
        let length = Int32(word.count)
        return table.withUnsafeBufferPointer { table in
            spellings.withUnsafeBufferPointer { spellings in
                pool.withUnsafeBufferPointer { pool in
                    while true {
                        let e = Int(table[slot])
                        if e < 0 { return nil }
                        let s = spellings[e]
                        if s.hash == h && s.length == length
                            && (length == 0 || memcmp(pool.baseAddress! + Int(s.start), word.baseAddress!, word.count) == 0) {
                            return Int(s.id)
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// A spelling not met: its name's number (a name met under another spelling, or a new one).
    private mutating func add(_ name: String) -> Int {
        var name = name
        let ascii = name.withUTF8 { bytes in !bytes.contains { $0 >= 0x80 } }
        var id = -1
        if !ascii || nonASCII, let same = names.firstIndex(of: name) { id = same }
        if id < 0 {
            id = names.count
            names.append(name)
            builtin.append(0)
            if !ascii { nonASCII = true }
        }
        let h = name.withUTF8 { Self.hash($0) }
        let e = spellings.count
        spellings.append(Spelling(hash: h, length: Int32(name.utf8.count), start: Int32(pool.count), id: Int32(id)))
        pool.append(contentsOf: name.utf8)
        if (e + 1) * 2 > table.count {
            table = [Int32](repeating: -1, count: table.count * 2)
            for k in 0...e { insert(k) }
        } else {
            insert(e)
        }
        return id
    }

    private mutating func insert(_ e: Int) {
        let mask = table.count - 1
        var slot = Int(spellings[e].hash) & mask
        while table[slot] >= 0 { slot = (slot + 1) & mask }
        table[slot] = Int32(e)
    }
}
