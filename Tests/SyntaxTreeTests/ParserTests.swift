import Testing
@testable import SyntaxTree

@Suite struct ParserTests {
    let parser = try! PythonParser()

    @Test func parsesAFunctionWithFieldsAndPositions() throws {
        let tree = try parser.parse("def add(a, b):\n    return a + b\n")
        let root = tree.root
        #expect(root.kind == "module")
        #expect(!tree.hasSyntaxErrors)
        let fn = try #require(root.namedChild(at: 0))
        #expect(fn.kind == "function_definition")
        let name = try #require(fn.child(byField: "name"))
        #expect(name.text == "add")
        #expect(name.fieldName == "name")
        #expect(name.start == SourcePosition(line: 1, column: 5, offset: 4))
        #expect(name.end.column == 8)
        #expect(fn.child(byField: "body")?.start.line == 2)
        #expect(fn.children(byField: "parameters").count == 1)
        #expect(fn.byteRange == 0..<31)
        #expect(name.parent == fn)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        // "é" is 2 bytes, "𝔘" 4 bytes, "名" 3 bytes: columns must count each as one character.
        let tree = try parser.parse("é = 1; 𝔘 = 名 = 2\n")
        var starts: [String: SourcePosition] = [:]
        tree.forEachNode { n in
            if n.kind == "identifier" { starts[n.text] = n.start }
            return true
        }
        #expect(starts["é"]?.column == 1)
        #expect(starts["𝔘"]?.column == 8)
        #expect(starts["名"]?.column == 12)
        #expect(starts["名"]?.offset == 15)
        #expect(!tree.hasSyntaxErrors)
    }

    @Test func tabsCountAsOneCharacter() throws {
        let tree = try parser.parse("if x:\n\ty = 1\n")
        let y = try #require(tree.root.namedDescendant(for: 7..<8))
        #expect(y.text == "y")
        #expect(y.start.line == 2 && y.start.column == 2)
        #expect(!tree.hasSyntaxErrors)
    }

    @Test(arguments: ["\r\n", "\r", "\n"])
    func lineEndingsAllStartNewLines(_ eol: String) throws {
        let source = ["def f(x):", "    y = x", "    return y", ""].joined(separator: eol)
        let tree = try parser.parse(source)
        #expect(!tree.hasSyntaxErrors, "line ending \(eol.debugDescription)")
        var ret: Node? = nil
        tree.forEachNode { n in
            if n.kind == "return_statement" { ret = n }
            return true
        }
        #expect(ret?.start.line == 3)
        #expect(ret?.start.column == 5)
        #expect(tree.source.lineCount == 3)
        #expect(tree.source.text(ofLine: 2) == "    y = x")
    }

    @Test func byteOrderMarkIsSkippedButOffsetsStayAsGiven() throws {
        let tree = try parser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("x = 1\n".utf8))
        #expect(!tree.hasSyntaxErrors)
        let x = try #require(tree.root.namedDescendant(for: 3..<4))
        #expect(x.text == "x")
        #expect(x.start == SourcePosition(line: 1, column: 1, offset: 3))
        #expect(tree.source.string == "x = 1\n")
    }

    @Test func invalidUTF8IsASyntaxErrorWithItsPosition() throws {
        let tree = try parser.parse(bytes: Array("x = 1\ny = '".utf8) + [0xFF] + Array("'\n".utf8))
        #expect(tree.hasSyntaxErrors)
        let error = try #require(tree.syntaxErrors.first { $0.kind == .invalidUTF8 })
        #expect(error.start.line == 2 && error.start.column == 6)
        #expect(error.message.contains("0xFF"))
    }

    @Test func nulByteIsASyntaxError() throws {
        let tree = try parser.parse(bytes: Array("x = 1\n".utf8) + [0] + Array("\n".utf8))
        let error = try #require(tree.syntaxErrors.first { $0.kind == .nulByte })
        #expect(error.start.line == 2 && error.start.column == 1)
    }

    @Test func emptyFileIsAnEmptyModule() throws {
        let tree = try parser.parse("")
        #expect(tree.root.kind == "module")
        #expect(tree.root.childCount == 0)
        #expect(tree.syntaxErrors.isEmpty)
        #expect(tree.source.lineCount == 1)
    }

    @Test func errorAndMissingNodesBecomeSyntaxErrors() throws {
        let missing = try parser.parse("print((1, 2)\n")
        let m = try #require(missing.syntaxErrors.first)
        #expect(m.kind == .missing || m.kind == .unexpected)
        #expect(m.start.line == 1)

        let unexpected = try parser.parse("def f(x):\n    return x\nthis is not python at all ?\n")
        let u = try #require(unexpected.syntaxErrors.first)
        #expect(u.kind == .unexpected)
        #expect(u.start.line == 3)
        #expect(u.description.hasPrefix("3:"))
    }

    @Test func blockWithOnlyACommentIsASyntaxError() throws {
        let tree = try parser.parse("def f():\n    # nothing here\n")
        #expect(tree.hasSyntaxErrors)
        let e = try #require(tree.syntaxErrors.first)
        #expect(e.kind == .emptyBlock)
        #expect(e.message == "expected an indented block")
        #expect(e.start.line == 1)
        #expect(e.start.column == 9)  // after the colon
        #expect(try parser.parse("def f():\n    pass  # fine\n").hasSyntaxErrors == false)
    }

    @Test func whatTheGrammarAcceptsAndPythonRefusesIsASyntaxError() throws {
        let joined = try parser.parse("def f():\n    return 1import os\n")
        #expect(joined.syntaxErrors.map(\.kind) == [.unseparatedStatements])
        #expect(joined.syntaxErrors.first?.start == SourcePosition(line: 2, column: 13, offset: 21))
        #expect(try parser.parse("x = 1; y = 2\nif x: a = 1; b = 2\n").syntaxErrors.isEmpty)

        let comma = try parser.parse("from x import a, b,\n")
        #expect(comma.syntaxErrors.map(\.kind) == [.trailingComma])
        #expect(comma.syntaxErrors.first?.start == SourcePosition(line: 1, column: 19, offset: 18))
        #expect(try parser.parse("from x import (a, b,)\n").syntaxErrors.isEmpty)

        let future = try parser.parse("import os\nfrom __future__ import annotations\n")
        #expect(future.syntaxErrors.map(\.kind) == [.misplacedFutureImport])
        #expect(future.syntaxErrors.first?.start.line == 2)
        #expect(try parser.parse("\"\"\"Doc.\"\"\"\n# c\nfrom __future__ import annotations\nimport os\n").syntaxErrors.isEmpty)

        let indented = try parser.parse("x = 1\n    y = 2\n")
        #expect(indented.syntaxErrors.map(\.kind) == [.unexpectedIndent])
        #expect(indented.syntaxErrors.first?.start.line == 2)
        #expect(try parser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("x = 1\n  # comment\nif x:\n    y = 2\n".utf8)).syntaxErrors.isEmpty)

        let keyword = try parser.parse("assert is\n")
        #expect(keyword.syntaxErrors.map(\.message) == ["`is` is a keyword, not a name"])
        #expect(try parser.parse("match = 1\ntype = 2\nprint(match, type)\n").syntaxErrors.isEmpty)
    }

    @Test func thousandDeepNestingParsesAndWalksWithoutRecursion() throws {
        let depth = 1000
        let source = "x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "\n"
        let tree = try parser.parse(source)
        var maxDepth = 0
        let cursor = tree.walk()
        var count = 0
        while true {
            count += 1
            maxDepth = max(maxDepth, cursor.depth)
            if cursor.gotoFirstChild() { continue }
            var done = false
            while !cursor.gotoNextSibling() {
                if !cursor.gotoParent() { done = true; break }
            }
            if done { break }
        }
        #expect(maxDepth > depth)
        var visited = 0
        tree.forEachNode { _ in visited += 1; return true }
        #expect(visited == count)
        #expect(tree.outline().split(separator: "\n").count > depth)
        _ = tree.syntaxErrors
        // Deeply nested blocks: Python itself stops at 100 levels of indentation; 90 parse, and
        // 1,000 give a result (the grammar's indent stack overflows into a syntax error), no crash.
        func nested(_ levels: Int) -> String {
            var s = ""
            for i in 0..<levels { s += String(repeating: " ", count: i) + "if x:\n" }
            return s + String(repeating: " ", count: levels) + "pass\n"
        }
        #expect(try !parser.parse(nested(90)).hasSyntaxErrors)
        let deep = try parser.parse(nested(depth))
        #expect(deep.hasSyntaxErrors)
        #expect(deep.syntaxErrors.first?.start.line == 1)
    }

    @Test func tenMegabyteFileParses() throws {
        let function = "def f(values):\n    total = 0\n    for v in values:\n        total += v * 2  # double\n    return total\n\n"
        let copies = 10_000_000 / function.utf8.count + 1
        let source = String(repeating: function, count: copies)
        #expect(source.utf8.count >= 10_000_000)
        let tree = try parser.parse(source)
        #expect(!tree.hasSyntaxErrors)
        #expect(tree.root.namedChildCount == copies)
        #expect(tree.root.end.line == tree.source.lineCount + 1)
    }

    @Test func parseTimeoutIsReportedNotHung() throws {
        let slow = try PythonParser(timeoutMicroseconds: 1, microsecondsPerByte: 0)
        let source = String(repeating: "x = [1, 2, 3]\n", count: 200_000)
        #expect(throws: ParseError.self) { try slow.parse(source) }
        // The same parser works again afterwards with a fresh input.
        _ = try? slow.parse("y = 1\n")
    }

    @Test func outlineShowsFieldsKindsRangesAndLeafText() throws {
        let outline = try parser.parse("x = 'a'\n").outline()
        #expect(outline.contains("module [1:1-2:1]"))
        #expect(outline.contains("left: identifier [1:1-1:2] \"x\""))
        #expect(outline.contains("right: string [1:5-1:8]"))
    }
}
