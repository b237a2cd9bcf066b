import CTreeSitter

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
    public func forEachNode(_ body: (Node) throws -> Bool) rethrows {
        try root.forEachDescendant(body)
    }

    /// Whether the source is valid Python as far as the parser can tell: no ERROR or MISSING
    /// node, no empty block, no NUL byte, valid UTF-8.
    public var hasSyntaxErrors: Bool {
        if ts_node_has_error(ts_tree_root_node(raw)) || source.firstNulOffset != nil
            || source.firstInvalidUTF8Offset != nil { return true }
        return firstEmptyBlock() != nil
    }

    /// A `block` with no statement in it (only comments, or nothing): tree-sitter accepts it,
    /// Python does not ("expected an indented block").
    private func firstEmptyBlock() -> Node? {
        var found: Node? = nil
        forEachNode { node in
            if found != nil { return false }
            if node.kind == "block" && node.namedChildren.allSatisfy({ $0.kind == "comment" }) {
                found = node
                return false
            }
            return true
        }
        return found
    }

    /// The syntax errors in the source, in document order: every outermost ERROR node
    /// (unexpected text), every MISSING node (a token the parser had to assume), every block
    /// with no statement, a NUL byte and the first byte that is not valid UTF-8 (Python refuses
    /// both).
    public var syntaxErrors: [SyntaxError] {
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
        forEachNode { node in
            if node.kind == "block" && node.namedChildren.allSatisfy({ $0.kind == "comment" }) {
                // Point at the line after the header, where Python expects the body.
                let at = node.parent.map { p in p.children.last { $0.kind == ":" }?.end ?? node.start } ?? node.start
                errors.append(SyntaxError(kind: .emptyBlock, message: "expected an indented block",
                                          start: at, end: node.end))
            }
            return true
        }
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
        return errors.sorted { $0.start.offset < $1.start.offset }
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
        case unexpected, missing, emptyBlock = "empty-block", nulByte = "nul-byte",
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
