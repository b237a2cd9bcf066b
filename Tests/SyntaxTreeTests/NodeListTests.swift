import Testing
@testable import SyntaxTree

/// The tree's node list gives, by index, what the `Node` API gives.
@Suite struct NodeListTests {
    let parser = try! PythonParser()

    @Test func theListAgreesWithTheNodeAPIOnEveryNode() throws {
        let tree = try parser.parse(FieldTests.source)
        let list = tree.nodes
        var walked: [Node] = []
        let cursor = tree.walk()
        outer: while true {
            walked.append(cursor.node)
            if cursor.gotoFirstChild() { continue }
            while !cursor.gotoNextSibling() {
                guard cursor.gotoParent() else { break outer }
            }
        }
        #expect(list.count == walked.count)
        for (i, node) in walked.enumerated() {
            #expect(list.node(i) == node)
            #expect(list.index(of: node) == i)
            #expect(list.symbol(i) == node.symbol)
            #expect(list.isNamed(i) == node.isNamed)
            #expect(list.startByte(i)..<list.endByte(i) == node.byteRange)
            #expect(list.fieldName(i) == node.fieldName)
            #expect(list.children(i).map(list.node) == node.children)
            #expect(list.children(i, namedOnly: true).map(list.node) == node.namedChildren)
            if !node.byteRange.isEmpty {
                #expect(list.parent(i).map(list.node) == node.parent)
            }
            if let field = list.fieldName(i), let p = list.parent(i) {
                #expect(list.isInField(i, field))
                #expect(list.child(p, field: field).map(list.node) == list.node(p).child(byField: field))
            }
            // The subtree is every node up to its end.
            var inside = 0
            node.forEachDescendant { _ in inside += 1; return true }
            #expect(list.subtreeEnd(i) - i == inside)
        }
        #expect(list.parent(0) == nil)
        let other = try parser.parse("x = 1\n")
        #expect(list.index(of: other.root) == nil)
    }
}
