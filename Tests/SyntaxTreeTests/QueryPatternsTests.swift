import Testing
@testable import SyntaxTree

/// The query features `QueryPatterns` reads, each held to tree-sitter's matches on a source
/// with every construct; and what it does not read is left to tree-sitter.
@Suite struct QueryPatternsReaderTests {
    let parser = try! PythonParser()

    static let queries = [
        // Nodes, fields, captures on several levels.
        "(function_definition name: (identifier) @name parameters: (parameters (identifier) @p)) @def",
        // Wildcards, named and not.
        "(call function: (_) @f arguments: (argument_list _ @any))",
        "(binary_operator left: (_) @l \"**\" @op right: (_) @r)",
        // Anonymous nodes and anchors among them.
        "(except_clause . \"except\" . \":\") @bare",
        "(import_statement . name: (_) @first . \",\" @comma)",
        "(typed_parameter . (identifier) @name)",
        "(argument_list . (_) @first)",
        "(argument_list (_) @last .)",
        "(block . (expression_statement (string)) @doc)",
        // Negated fields.
        "(assignment left: (identifier) @target !type)",
        "(function_definition !return_type) @untyped",
        // Alternations, captured, nested, with fields inside.
        "(default_parameter value: [(none) (integer) (call function: (identifier) @fn)] @value)",
        "[(integer) (float)] @number",
        "(comparison_operator [\"is\" \"is not\" [\"in\" \"not in\"] @membership] @op)",
        "(parameters [(identifier) @plain (default_parameter name: (identifier) @defaulted) (list_splat_pattern (identifier) @star)])",
        // A captured alternation, then steps after it: its capture is the matched node's alone.
        "(binary_operator [\"+\" \"-\" \"*\" \"**\"] @op (_) @after)",
        "(comparison_operator [\"<\" \"<=\"] @op . (_) @right)",
        "(assignment left: [(identifier) (pattern_list)] @target right: [(integer) (list) (call)] @value)",
        // Predicates are skipped here and applied by Query.
        "((identifier) @id (#match? @id \"^[a-z]$\"))",
        "(class_definition name: (identifier) @cls (#not-match? @cls \"^Base\")) @whole",
        // Several patterns in one query.
        "(return_statement) @r (yield) @y (lambda parameters: (lambda_parameters) @lp) @l",
    ]

    @Test(arguments: queries)
    func matchesAsTreeSitterDoes(_ text: String) throws {
        let tree = try parser.parse(FieldTests.source)
        let query = try Query(text)
        #expect(query.patterns != nil)
        func seen(_ m: QueryMatch) -> String {
            "\(m.patternIndex): " + m.captures.map { "\($0.name)=\($0.node.byteRange)" }.joined(separator: " ")
        }
        var mine: [String] = [], theirs: [String] = []
        query.forEachMatch(in: tree.root) { mine.append(seen($0)) }
        query.forEachTreeSitterMatch(in: tree.root) { theirs.append(seen($0)) }
        #expect(mine.sorted() == theirs.sorted())
        #expect(!theirs.isEmpty, "the query finds nothing to compare")
    }

    /// A query read without tree-sitter's compiling says what the compiled one says: capture
    /// names, patterns and where they start, predicates (the same matches).
    static func expectSameReading(_ text: String, on tree: Tree, _ comment: Comment? = nil) throws {
        let checked = try Query(text)
        let unchecked = try Query(text, checkedByTreeSitter: false)
        #expect(unchecked.captureNames == checked.captureNames, comment)
        #expect(unchecked.patternCount == checked.patternCount, comment)
        for p in 0..<checked.patternCount {
            #expect(unchecked.startByte(ofPattern: p) == checked.startByte(ofPattern: p), comment)
            #expect(unchecked.properties(ofPattern: p) == checked.properties(ofPattern: p), comment)
        }
        func seen(_ m: QueryMatch) -> String {
            "\(m.patternIndex): " + m.captures.map { "\($0.name)=\($0.node.byteRange)" }.joined(separator: " ")
        }
        #expect(unchecked.matches(in: tree.root).map(seen) == checked.matches(in: tree.root).map(seen), comment)
    }

    @Test(arguments: queries + [
        // Predicates of every form, strings with escapes and bare words, properties.
        "((identifier) @a (#eq? @a \"self\") (#set! kind \"receiver\"))",
        "((identifier) @a (#not-any-of? @a \"x\" \"y\\\"z\" \"\\\\n\"))",
        "((call function: (identifier) @f) @c (#any-of? @f print len) (#match? @f \"^[a-z]+\\\\d*$\"))",
        "((comparison_operator (identifier) @l (identifier) @r) (#not-eq? @l @r))",
        "; a comment first\n  (string) @s ; and after\n\n(integer) @i",
    ])
    func readsWhatTreeSitterCompiles(_ text: String) throws {
        try QueryPatternsReaderTests.expectSameReading(text, on: try parser.parse(FieldTests.source))
    }

    @Test func anUncheckedQueryStillReportsWhatItCannotRead() throws {
        // Unknown node kinds and fields, and a predicate on an unknown capture: tree-sitter
        // compiles these to say what is wrong.
        for (text, kind) in [("(no_such_node) @x", QueryError.Kind.nodeType),
                             ("(call nosuchfield: (identifier))", .field),
                             ("((identifier) @a (#eq? @b \"x\"))", .capture)] {
            #expect(throws: QueryError.self) { try Query(text, checkedByTreeSitter: false) }
            do { _ = try Query(text, checkedByTreeSitter: false) } catch { #expect(error.kind == kind, "\(text)") }
        }
        // A pattern that cannot match in the grammar is found only when checked.
        let impossible = "(identifier (string)) @x"
        #expect(throws: QueryError.self) { try Query(impossible) }
        let unchecked = try Query(impossible, checkedByTreeSitter: false)
        #expect(unchecked.matches(in: try parser.parse("x = 'a'\n").root).isEmpty)
    }

    @Test func whatItDoesNotReadIsLeftToTreeSitter() throws {
        for text in [
            "(parameters (identifier)* @ps)",        // quantifier
            "(block (_)+)",
            "(function_definition (comment)? @c)",
            "(expression) @e",                        // a supertype
            "((identifier) @a (identifier) @b)",      // a group of siblings
        ] {
            let query = try Query(text)
            #expect(query.patterns == nil, "\(text)")
            // And tree-sitter still answers.
            let tree = try parser.parse("def f(a, b):\n    return a\n")
            _ = query.matches(in: tree.root)
        }
    }

    @Test func belowTheRootTreeSitterMatches() throws {
        let tree = try parser.parse("def f(a):\n    return a\n\ndef g(b):\n    return b\n")
        let query = try Query("(identifier) @id")
        let second = try #require(tree.root.namedChild(at: 1))
        #expect(query.matches(in: second).map { $0.captures[0].node.text } == ["g", "b", "b"])
        #expect(query.matches(in: tree.root).count == 6)
    }
}
