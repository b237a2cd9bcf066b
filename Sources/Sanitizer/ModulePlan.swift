import SyntaxTree

/// The module's top-level statements, classified: which are the solution, which are driver code
/// or test functions left after it, and which definitions the entry point needs.
struct ModulePlan {
    struct Statement {
        var node: Node
        /// 0-based document lines the statement spans.
        var lines: ClosedRange<Int>
        /// Names the statement binds at module level.
        var defines: Set<String>
        /// Names whose object the statement changes (`app.config[k] = v`, `f.cache = {}`): it is
        /// needed exactly when they are.
        var augments: Set<String>
    }

    let statements: [Statement]
    let doc: Document
    let entryPoint: String?
    /// Index in `statements` of the entry point's definition (or of the last definition that
    /// is not a test, when there is no entry point to look for); nil when there is none.
    let boundary: Int?
    /// Calls that make a statement driver code: `print`, the entry point, test functions.
    let driverNames: Set<String>

    init(tree: Tree, doc: Document, entryPoint: String?) {
        self.doc = doc
        self.entryPoint = entryPoint
        var statements: [Statement] = []
        for child in tree.root.namedChildren where child.kind != "comment" {
            let first = doc.lineIndex(ofTreeLine: child.start.line)
            var last = doc.lineIndex(ofTreeLine: child.end.line)
            if child.end.column == 1 && last > first { last -= 1 }  // ends at a line break
            statements.append(Statement(node: child, lines: first...max(first, last),
                                        defines: ModulePlan.names(boundBy: child),
                                        augments: ModulePlan.names(augmentedBy: child)))
        }
        self.statements = statements
        var driverNames = Set(statements.filter { ModulePlan.isTestDefinition($0.node) }.flatMap(\.defines))
        driverNames.insert("print")
        if let entryPoint { driverNames.insert(entryPoint) }
        self.driverNames = driverNames
        // The solution is the first definition of the entry point that is more than a stub.
        let definitions = statements.indices.filter { i in
            entryPoint.map { ModulePlan.isFunction(statements[i].node) && statements[i].defines.contains($0) } ?? false
        }
        if let first = definitions.first {
            boundary = definitions.first { !ModulePlan.isStub(statements[$0].node) } ?? first
        } else {
            boundary = statements.lastIndex { s in
                (ModulePlan.isFunction(s.node) || ModulePlan.unwrap(s.node).kind == "class_definition")
                    && !ModulePlan.isTestDefinition(s.node)
            }
        }
    }

    // MARK: driver code

    /// Lines of driver code, `__main__` blocks and test functions, by kind.
    func driverCode() -> [Int: Removal.Kind] {
        guard let boundary else { return [:] }  // a script with no definitions: leave it
        var drop: [Int: Removal.Kind] = [:]
        for (i, s) in statements.enumerated() {
            guard let kind = classify(s, after: i > boundary, isFirst: i == 0) else { continue }
            guard wholeLines(i) else { continue }
            for k in s.lines { drop[k] = kind }
            for k in commentsAbove(s) { drop[k] = kind }
        }
        return drop
    }

    private func classify(_ s: Statement, after: Bool, isFirst: Bool) -> Removal.Kind? {
        let node = s.node
        if after, let entryPoint, ModulePlan.isFunction(node), s.defines.contains(entryPoint) {
            return .redefinition
        }
        switch node.kind {
        case "if_statement":
            if ModulePlan.isMainGuard(node) { return .mainBlock }
            return after ? .driver : nil
        case "assert_statement", "print_statement", "exec_statement":
            return .driver
        case "expression_statement":
            guard let expr = node.namedChild(at: 0) else { return nil }
            if isFirst && expr.kind == "string" { return nil }  // the module's docstring
            if ["assignment", "augmented_assignment"].contains(expr.kind) {
                return after && callsDriver(expr.child(byField: "right")) ? .driver : nil
            }
            if callsDriver(expr) { return .driver }
            return after ? .driver : nil
        case "function_definition", "decorated_definition", "class_definition":
            if after && ModulePlan.isTestDefinition(node) && !(s.defines.contains(entryPoint ?? "")) {
                return .testFunction
            }
            return nil
        case "for_statement", "while_statement", "with_statement", "match_statement",
             "delete_statement":
            return after ? .driver : nil
        case "try_statement":
            return after && !containsImport(node) ? .driver : nil
        default:
            return nil
        }
    }

    /// Whether `node` calls `print`, the entry point, or a test function.
    private func callsDriver(_ node: Node?) -> Bool {
        guard let node else { return false }
        let tests = driverNames
        var found = false
        node.forEachDescendant { n in
            if found { return false }
            if n.kind == "call", let f = n.child(byField: "function") {
                let name = f.kind == "attribute" ? (f.child(byField: "attribute")?.text ?? "") : f.text
                if tests.contains(name) || f.text == "unittest.main" || f.text == "doctest.testmod" {
                    found = true
                }
            }
            return true
        }
        return found
    }

    private func containsImport(_ node: Node) -> Bool {
        var found = false
        node.forEachDescendant { n in
            if n.kind == "import_statement" || n.kind == "import_from_statement" { found = true }
            return !found
        }
        return found
    }

    /// A statement can be cut out by lines only if no other statement shares its lines (only
    /// its neighbours can: statements are in document order).
    private func wholeLines(_ i: Int) -> Bool {
        let lines = statements[i].lines
        return !(i > 0 && statements[i - 1].lines.overlaps(lines))
            && !(i + 1 < statements.count && statements[i + 1].lines.overlaps(lines))
    }

    /// Comment lines right above a statement (no blank line between): they go with it.
    private func commentsAbove(_ s: Statement) -> [Int] {
        var out: [Int] = []
        var k = s.lines.lowerBound - 1
        while k >= 0, trimmed(doc.lines[k]).hasPrefix("#"), doc.lines[k].first == "#" {
            out.append(k)
            k -= 1
        }
        return out
    }

    // MARK: entry-point dependencies

    /// Lines of definitions the entry point does not reach (imports always stay, as do
    /// statements that bind nothing, such as a call that sets up the interpreter, and ERROR).
    func unusedDefinitions(keeping alreadyDropped: [Int: Removal.Kind]) -> [Int: Removal.Kind] {
        guard let entryPoint, let boundary, statements[boundary].defines.contains(entryPoint) else {
            return [:]
        }
        let candidates = statements.indices.filter { i in
            let s = statements[i]
            return !(s.defines.isEmpty && s.augments.isEmpty) && !ModulePlan.isImport(s.node)
                && alreadyDropped[s.lines.lowerBound] == nil
        }
        var needed: Set<Int> = [boundary]
        var queue = [boundary]
        var byName: [String: [Int]] = [:]
        for i in candidates {
            for n in statements[i].defines.union(statements[i].augments) { byName[n, default: []].append(i) }
        }
        while let i = queue.popLast() {
            for name in ModulePlan.identifiers(in: statements[i].node) {
                for j in byName[name] ?? [] where !needed.contains(j) {
                    needed.insert(j)
                    queue.append(j)
                }
            }
        }
        var drop: [Int: Removal.Kind] = [:]
        for i in candidates where !needed.contains(i) && wholeLines(i) {
            for k in statements[i].lines { drop[k] = .unused }
            for k in commentsAbove(statements[i]) { drop[k] = .unused }
        }
        return drop
    }

    // MARK: syntax helpers

    static func unwrap(_ node: Node) -> Node {
        node.kind == "decorated_definition" ? (node.child(byField: "definition") ?? node) : node
    }

    static func isFunction(_ node: Node) -> Bool { unwrap(node).kind == "function_definition" }

    static func isImport(_ node: Node) -> Bool {
        ["import_statement", "import_from_statement", "future_import_statement"].contains(node.kind)
    }

    /// A function whose body is only a docstring, `pass` or `...`.
    static func isStub(_ node: Node) -> Bool {
        guard let body = unwrap(node).child(byField: "body") else { return true }
        return body.namedChildren.allSatisfy { s in
            switch s.kind {
            case "comment", "pass_statement": return true
            case "expression_statement":
                let e = s.namedChild(at: 0)?.kind
                return e == "string" || e == "ellipsis"
            default: return false
            }
        }
    }

    /// `def check(candidate)`, `def test_...`, or a `unittest.TestCase` class.
    static func isTestDefinition(_ node: Node) -> Bool {
        let def = unwrap(node)
        guard let name = def.child(byField: "name")?.text else { return false }
        if def.kind == "function_definition" { return name == "check" || name.hasPrefix("test") }
        if def.kind == "class_definition" {
            return name.hasPrefix("Test") || (def.child(byField: "superclasses")?.text.contains("TestCase") ?? false)
        }
        return false
    }

    /// `if __name__ == "__main__":` in either order, with either quotes.
    static func isMainGuard(_ node: Node) -> Bool {
        guard let cond = node.child(byField: "condition"), cond.kind == "comparison_operator" else {
            return false
        }
        let parts = cond.namedChildren.map(\.text)
        return parts.count == 2 && parts.contains("__name__")
            && parts.contains { $0 == "\"__main__\"" || $0 == "'__main__'" }
    }

    /// Names a top-level statement binds.
    static func names(boundBy node: Node) -> Set<String> {
        let def = unwrap(node)
        switch def.kind {
        case "function_definition", "class_definition":
            return Set([def.child(byField: "name")?.text].compactMap { $0 })
        case "expression_statement":
            var out = Set<String>()
            for expr in def.namedChildren where expr.kind == "assignment" || expr.kind == "augmented_assignment" {
                var target = expr
                // a = b = 1 nests assignments on the right.
                while true {
                    if let left = target.child(byField: "left") { out.formUnion(targetNames(left)) }
                    guard let right = target.child(byField: "right"), right.kind == "assignment" else { break }
                    target = right
                }
            }
            return out
        case "import_statement", "import_from_statement":
            var out = Set<String>()
            for n in def.children(byField: "name") {
                if n.kind == "aliased_import", let alias = n.child(byField: "alias") { out.insert(alias.text) }
                else if let first = n.text.split(separator: ".").first { out.insert(String(first)) }
            }
            return out
        case "type_alias_statement":
            return Set([def.namedChild(at: 0)?.text].compactMap { $0 })
        default:
            return []
        }
    }

    /// Names whose objects an assignment changes through an attribute or an item:
    /// `app.config["X"] = 1` → `app`.
    static func names(augmentedBy node: Node) -> Set<String> {
        guard node.kind == "expression_statement" else { return [] }
        var out = Set<String>()
        for expr in node.namedChildren where expr.kind == "assignment" || expr.kind == "augmented_assignment" {
            guard var target = expr.child(byField: "left") else { continue }
            guard target.kind == "attribute" || target.kind == "subscript" else { continue }
            while target.kind == "attribute" || target.kind == "subscript" || target.kind == "call",
                  let inner = target.child(byField: target.kind == "call" ? "function" : (target.kind == "attribute" ? "object" : "value")) {
                target = inner
            }
            if target.kind == "identifier" { out.insert(target.text) }
        }
        return out
    }

    private static func targetNames(_ node: Node) -> Set<String> {
        if node.kind == "identifier" { return [node.text] }
        guard ["pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern", "tuple",
               "list", "parenthesized_expression"].contains(node.kind) else { return [] }
        var out = Set<String>()
        for c in node.namedChildren { out.formUnion(targetNames(c)) }
        return out
    }

    /// Every identifier used anywhere in a node.
    static func identifiers(in node: Node) -> Set<String> {
        var out = Set<String>()
        node.forEachDescendant { n in
            if n.kind == "identifier" { out.insert(n.text) }
            return true
        }
        return out
    }

    /// Names the module defines (functions, classes, assignments, imports).
    static func definedNames(_ root: Node) -> Set<String> {
        var out = Set<String>()
        for child in root.namedChildren { out.formUnion(names(boundBy: child)) }
        return out
    }
}
