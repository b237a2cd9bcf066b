import Testing
@testable import SyntaxTree

@Suite struct QueryTests {
    let parser = try! PythonParser()
    let source = """
        def camelCase(a):
            return a

        def snake_case(b):
            return b

        class Foo:
            pass

        print("x")
        exit(1)

        """

    func names(_ query: String, _ capture: String = "name") throws -> [String] {
        let tree = try parser.parse(source)
        return try Query(query).matches(in: tree.root).flatMap { $0.nodes(capture).map(\.text) }
    }

    @Test func capturesWithoutPredicates() throws {
        #expect(try names("(function_definition name: (identifier) @name)") == ["camelCase", "snake_case"])
    }

    @Test func eqAndNotEq() throws {
        #expect(try names(#"((identifier) @name (#eq? @name "Foo"))"#) == ["Foo"])
        #expect(try names(#"(function_definition name: (identifier) @name (#not-eq? @name "camelCase"))"#)
                == ["snake_case"])
        // #eq? between two captures: a function that returns its own parameter.
        let q = #"""
            (function_definition
              parameters: (parameters (identifier) @param)
              body: (block (return_statement (identifier) @ret))
              (#eq? @param @ret)) @fn
            """#
        #expect(try names(q, "param") == ["a", "b"])
    }

    @Test func matchAndNotMatch() throws {
        #expect(try names(#"(function_definition name: (identifier) @name (#match? @name "^[a-z]+([A-Z][a-z0-9]*)+$"))"#)
                == ["camelCase"])
        #expect(try names(#"(function_definition name: (identifier) @name (#not-match? @name "[A-Z]"))"#)
                == ["snake_case"])
    }

    @Test func anyOfAndNotAnyOf() throws {
        let call = #"(call function: (identifier) @name (#any-of? @name "print" "exit" "quit"))"#
        #expect(try names(call) == ["print", "exit"])
        let notCall = #"(call function: (identifier) @name (#not-any-of? @name "print"))"#
        #expect(try names(notCall) == ["exit"])
    }

    @Test func capturesWithSeveralNodesNeedEveryNodeUnlessAny() throws {
        // One match captures two nodes under @v: the plain predicate must hold for both, the
        // any- form for one of them.
        let tree = try parser.parse("aa + ab\naa + xb\n")
        let all = try Query(#"((binary_operator left: (identifier) @v right: (identifier) @v) @op (#match? @v "^a"))"#)
        #expect(all.matches(in: tree.root).map { $0.node("op")!.text } == ["aa + ab"])
        let any = try Query(#"((binary_operator left: (identifier) @v right: (identifier) @v) @op (#any-match? @v "^x"))"#)
        #expect(any.matches(in: tree.root).map { $0.node("op")!.text } == ["aa + xb"])
        let anyNot = try Query(#"((binary_operator left: (identifier) @v right: (identifier) @v) @op (#any-not-eq? @v "aa"))"#)
        #expect(anyNot.matches(in: tree.root).count == 2)
        let notEq = try Query(#"((binary_operator left: (identifier) @v right: (identifier) @v) @op (#not-eq? @v "xb"))"#)
        #expect(notEq.matches(in: tree.root).map { $0.node("op")!.text } == ["aa + ab"])
    }

    @Test func setDirectiveAttachesProperties() throws {
        let q = try Query(#"((identifier) @id (#set! message "an identifier"))"#)
        #expect(q.properties(ofPattern: 0)["message"] == "an identifier")
    }

    @Test func capturesAreInDocumentOrder() throws {
        let tree = try parser.parse(source)
        let q = try Query("(function_definition name: (identifier) @fn) (class_definition name: (identifier) @cls)")
        #expect(q.captures(in: tree.root).map(\.node.text) == ["camelCase", "snake_case", "Foo"])
        #expect(q.captureNames == ["fn", "cls"])
        #expect(q.patternCount == 2)
    }

    @Test func byteRangeLimitsMatches() throws {
        let tree = try parser.parse(source)
        let q = try Query("(function_definition name: (identifier) @fn)")
        let second = source.utf8.count / 3
        let names = q.matches(in: tree.root, byteRange: second..<source.utf8.count).map { $0.node("fn")!.text }
        #expect(names == ["snake_case"])
    }

    @Test func badQueriesSayWhereAndWhy() throws {
        #expect(throws: QueryError.self) { try Query("(function_definition name: (identifier) @x") }
        do {
            _ = try Query("(no_such_node) @x")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .nodeType)
            #expect(error.line == 1 && error.column == 2)
        }
        do {
            _ = try Query("((identifier) @x\n (#frobnicate? @x \"y\"))")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .predicate)
            #expect(error.message.contains("#frobnicate?"))
        }
        #expect(throws: QueryError.self) { try Query(#"((identifier) @x (#match? @x "("))"#) }
        #expect(throws: QueryError.self) { try Query(#"((identifier) @x (#eq? "a" "b"))"#) }
    }
}
