import Foundation
import Rules
import SyntaxTree

/// Checkers for habits of model output (the `llm` rules, FLK…).
let llmCheckers: [any Checker.Type] = [
    ModuleLevelCallChecker.self, DebugPrintChecker.self, UnreachableCodeChecker.self,
    CommentedOutCodeChecker.self, UnusedLoopVariableChecker.self, RangeLenChecker.self,
    InconsistentReturnChecker.self,
]

enum LLM {
    /// Whether `node` is `if __name__ == "__main__":` (either order, either quotes).
    static func isMainGuard(_ x: SyntaxIndex, _ node: Int) -> Bool {
        guard x.sym(node) == Symbols.ifStatement, let c = x.firstNamedChild(node),
              x.sym(c) == Symbols.comparisonOperator else { return false }
        let parts = x.namedChildren(c).map { x.text($0).replacingOccurrences(of: "'", with: "\"") }
        return parts.count == 2 && Set(parts) == ["__name__", "\"__main__\""]
    }

    /// The nearest enclosing function definition.
    static func enclosingFunction(_ x: SyntaxIndex, _ node: Int) -> Int? {
        var p = x.parentOf(node)
        while let n = p {
            if x.sym(n) == Symbols.functionDefinition { return n }
            p = x.parentOf(n)
        }
        return nil
    }

    /// Whether a subtree has an identifier with the same text as `name` (an identifier).
    static func uses(_ x: SyntaxIndex, _ name: Int, in node: Int?) -> Bool {
        guard let node else { return false }
        let identifier = Symbols.identifier
        let symbols = x.symbol
        for j in node..<Int(x.next[node]) where symbols[j] == identifier && x.sameText(j, name) { return true }
        return false
    }
}

/// Calls, in module-level code, of functions the module defines: driver code left behind.
/// Code under `if __name__ == "__main__":` is left to the main-guard rule.
struct ModuleLevelCallChecker: Checker {
    static let name = "module-level-call"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard !x.functions.isEmpty, x.count > 0 else { return }
        let top = x.namedChildren(0)
        // The names of the module's functions, as nodes (compared by text; few).
        var defined: [Int] = []
        for s in top {
            let d = x.unwrap(s)
            if x.sym(d) == Symbols.functionDefinition, let n = x.name(d) { defined.append(n) }
        }
        guard !defined.isEmpty else { return }
        let symbols = x.symbol, next = x.next
        let def = Symbols.functionDefinition, cls = Symbols.classDefinition, lambda = CheckerSymbols.lambda
        let call = Symbols.call, identifier = Symbols.identifier
        for s in top {
            let d = x.unwrap(s)
            if symbols[d] == def || symbols[d] == cls || LLM.isMainGuard(x, d) { continue }
            var j = s
            let e = Int(next[s])
            while j < e {
                let k = symbols[j]
                if k == def || k == cls || k == lambda { j = Int(next[j]); continue }
                if k == call, let f = x.firstNamedChild(j), symbols[f] == identifier,
                   defined.contains(where: { x.sameText(f, $0) }) {
                    let name = x.text(f)
                    for rule in rules { report(rule.finding(x, j, ["name": name])) }
                }
                j += 1
            }
        }
    }
}

/// `print(…)` statements inside functions, except in functions whose name says printing is
/// their job (`allowed-functions`, a regular expression).
struct DebugPrintChecker: Checker {
    static let name = "debug-print"
    static let parameters = ["allowed-functions": "regular expression for names of functions that may print"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard !x.functions.isEmpty else { return }  // prints count only inside functions
        let symbols = x.symbol
        let call = Symbols.call, identifier = Symbols.identifier
        // The `print(…)` statements inside functions: (the call, the function's name).
        var prints: [(Int, String)] = []
        for n in x.expressionStatements {
            guard let c = x.firstNamedChild(n), symbols[c] == call,
                  let f = x.firstNamedChild(c), symbols[f] == identifier, x.textIs(f, "print"),
                  let fn = LLM.enclosingFunction(x, n) else { continue }
            prints.append((c, x.name(fn).map { x.text($0) } ?? ""))
        }
        guard !prints.isEmpty else { return }
        for rule in rules {
            let allowed = rule.regex("allowed-functions")
            for (c, name) in prints {
                if let allowed, allowed.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil {
                    continue
                }
                report(rule.finding(x, c, ["name": name]))
            }
        }
    }
}

/// The first statement after `return`, `raise`, `continue` or `break` in the same block.
struct UnreachableCodeChecker: Checker {
    static let name = "unreachable-code"
    static let parameters: [String: String] = [:]
    static let jumps = SymbolSet(named: ["return_statement", "raise_statement", "continue_statement", "break_statement"])

    static func jumpName(_ s: UInt16) -> String {
        switch s {
        case Symbols.returnStatement: return "return"
        case Symbols.raiseStatement: return "raise"
        case Symbols.breakStatement: return "break"
        default: return "continue"
        }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let symbols = x.symbol, parent = x.parent
        let block = Symbols.block, module = Symbols.module
        let jumps = Self.jumps
        // Only blocks that hold a jump statement can have unreachable code; each once, in order.
        guard !x.jumps.isEmpty else { return }
        var holders: [Int] = []
        var held = [Bool](repeating: false, count: symbols.count)
        for j in x.jumps {
            let p = Int(parent[j])
            guard p >= 0, symbols[p] == block || symbols[p] == module, !held[p] else { continue }
            held[p] = true
            holders.append(p)
        }
        holders.sort()
        for n in holders {
            let stmts = x.statements(n)
            if let i = stmts.firstIndex(where: { jumps.contains(symbols[$0]) }), i + 1 < stmts.count {
                let jump = Self.jumpName(symbols[stmts[i]])
                for rule in rules { report(rule.finding(x, stmts[i + 1], ["after": jump])) }
            }
        }
    }
}

/// Own-line comments whose text parses as Python code: a statement other than a bare
/// expression (unless it is a call) or an annotation without a value.
struct CommentedOutCodeChecker: Checker {
    static let name = "commented-out-code"
    static let parameters: [String: String] = [:]
    static let pragmas = ["noqa", "type:", "pylint:", "fmt:", "ruff:", "isort:", "pragma", "-*-", "!", "mypy:", "pyright:"]
    static let pragmaBytes = pragmas.map { Array($0.utf8) }

    /// The text to parse for a comment (its `#`s and surrounding whitespace left out, `pass`
    /// added after a colon), or nil when it is empty or a pragma.
    static func candidate(_ text: String) -> String? {
        var t = text.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || pragmas.contains(where: { t.lowercased().hasPrefix($0) }) { return nil }
        if t.hasSuffix(":") { t += " pass" }
        return t
    }

    /// `candidate` on the comment's bytes when they are ASCII (nil when they are not).
    static func asciiCandidate(_ bytes: ArraySlice<UInt8>) -> String?? {
        var i = bytes.startIndex, end = bytes.endIndex
        for b in bytes where b >= 0x80 { return .none }
        while i < end && bytes[i] == 0x23 { i += 1 }
        while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        while end > i && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        if i == end { return .some(nil) }
        for p in pragmaBytes where end - i >= p.count {
            var match = true
            for k in 0..<p.count {
                var b = bytes[i + k]
                if b >= 0x41 && b <= 0x5A { b += 0x20 }
                if b != p[k] { match = false; break }
            }
            if match { return .some(nil) }
        }
        if hasAdjacentNames(bytes[i..<end]) { return .some(nil) }
        var t = String(decoding: bytes[i..<end], as: UTF8.self)
        if bytes[end - 1] == 0x3A { t += " pass" }
        return .some(t)
    }

    /// The grammar's words (every anonymous word token of tree-sitter-python, and `None`,
    /// `True`, `False`): a pair of names with one of these in it may be code (`print x`,
    /// `x if y`, `not x`).
    static let keywords: Set<[UInt8]> = Set([
        "import", "from", "__future__", "as", "print", "assert", "return", "del", "raise", "pass",
        "break", "continue", "if", "elif", "else", "match", "case", "async", "for", "in", "while",
        "try", "except", "finally", "with", "def", "global", "nonlocal", "exec", "type", "class",
        "_", "not", "and", "or", "is", "lambda", "yield", "await", "None", "True", "False",
    ].map { Array($0.utf8) })

    /// Whether ASCII `text` has two names that are not keywords side by side, separated only
    /// by spaces or tabs (`the value`), before any quote, `#` or backslash: such text has a
    /// syntax error, as no rule of the grammar puts an identifier right after an identifier,
    /// so it is never code and need not be parsed. Before the first quote, `#` or backslash
    /// no string or comment has begun, so a name that starts after a space or tab starts a
    /// token; a word that is no keyword is an identifier (a string prefix needs a quote right
    /// after it, which the second name may not have).
    static func hasAdjacentNames(_ text: ArraySlice<UInt8>) -> Bool {
        @inline(__always) func isNameStart(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
        }
        @inline(__always) func isNameByte(_ b: UInt8) -> Bool { isNameStart(b) || (b >= 0x30 && b <= 0x39) }
        var bound = text.endIndex
        for k in text.indices where text[k] == 0x22 || text[k] == 0x27 || text[k] == 0x23 || text[k] == 0x5C {
            bound = k
            break
        }
        var i = text.startIndex
        // `previous`: the range of the last name that started a token (after a space, a tab or
        // the start) and was followed by a space or tab; nil otherwise.
        var previous: Range<Int>? = nil
        while i < bound {
            let b = text[i]
            guard isNameStart(b), i == text.startIndex || text[i - 1] == 0x20 || text[i - 1] == 0x09 else {
                if b != 0x20 && b != 0x09 { previous = nil }
                i += 1
                continue
            }
            var j = i + 1
            while j < bound && isNameByte(text[j]) { j += 1 }
            // Ends before the bound (not right before a quote) or at the end of the text.
            guard j < bound || j == text.endIndex else { return false }
            if let p = previous, !keywords.contains(Array(text[p])), !keywords.contains(Array(text[i..<j])) {
                return true
            }
            previous = j < bound && (text[j] == 0x20 || text[j] == 0x09) ? i..<j : nil
            i = j
        }
        return false
    }

    static func isCode(_ text: String, parser: PythonParser) -> Bool {
        guard let t = candidate(text) else { return false }
        return isCode(parsing: t, parser: parser)
    }

    static func isCode(parsing t: String, parser: PythonParser) -> Bool {
        guard let tree = try? parser.parse(t), !tree.hasSyntaxErrors else { return false }
        let stmts = tree.root.namedChildren.filter { $0.symbol != Symbols.comment }
        guard !stmts.isEmpty else { return false }
        for s in stmts {
            switch s.symbol {
            case Symbols.expressionStatement:
                guard let e = s.namedChild(at: 0) else { return false }
                if e.symbol == Symbols.assignment {
                    if e.child(byField: "right") == nil { return false }  // `Note: text` is an annotation
                } else if e.symbol != Symbols.call && e.symbol != Symbols.augmentedAssignment && e.kind != "await" {
                    return false
                }
            case Symbols.printStatement, Symbols.execStatement: return false  // `print foo` is prose more often than code
            default: break
            }
        }
        return true
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let source = x.source
        let bytes = source.bytes
        var parser: PythonParser? = nil  // made for the first comment worth parsing
        for n in x.comments {
            // Own-line: the first character of its line (after spaces and tabs) is a `#`.
            let line = source.byteRange(ofLine: source.line(at: x.start(n)))
            var j = line.lowerBound
            while j < line.upperBound && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
            guard j < line.upperBound, bytes[j] == 0x23 else { continue }
            if j + 1 < line.upperBound && bytes[j + 1] >= 0x80 {
                // A combining mark after the `#` would make another character: ask the string.
                guard source.text(in: line).drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") else { continue }
            }
            let text: String?
            if let ascii = Self.asciiCandidate(bytes[x.start(n)..<x.end(n)]) { text = ascii } else { text = Self.candidate(x.text(n)) }
            guard let text else { continue }
            if parser == nil { parser = try? PythonParser() }
            guard let parser else { return }
            if Self.isCode(parsing: text, parser: parser) {
                for rule in rules { report(rule.finding(x, n)) }
            }
        }
    }
}

/// `for` targets never used in the loop's body (names starting with `_` excepted), as
/// flake8-bugbear's B007.
struct UnusedLoopVariableChecker: Checker {
    static let name = "unused-loop-variable"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let symbols = x.symbol, next = x.next, parent = x.parent
        let identifier = Symbols.identifier
        let attribute = Symbols.attribute, subscriptS = Symbols.subscriptNode
        for n in x.forStatements {
            guard let left = x.firstNamedChild(n), let body = x.block(n) else { continue }
            var names: [Int] = []
            if symbols[left] == identifier { names = [left] } else {
                var d = left
                let e = Int(next[left])
                while d < e {
                    let s = symbols[d]
                    if s == identifier {
                        let p = Int(parent[d])
                        if p < 0 || (symbols[p] != attribute && symbols[p] != subscriptS) { names.append(d) }
                    }
                    d = s == attribute || s == subscriptS ? Int(next[d]) : d + 1
                }
            }
            for id in names {
                let text = x.text(id)
                guard !text.hasPrefix("_") && !LLM.uses(x, id, in: body) else { continue }
                for rule in rules { report(rule.finding(x, id, ["name": text])) }
            }
        }
    }
}

/// `for i in range(len(x)):` whose body indexes `x[i]`: `enumerate` fits (Pylint's C0200).
struct RangeLenChecker: Checker {
    static let name = "range-len"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let symbols = x.symbol
        let identifier = Symbols.identifier, call = Symbols.call
        let subscriptS = Symbols.subscriptNode
        for n in x.forStatements {
            let parts = x.statements(n)  // left, right, body, else (comments left out)
            guard parts.count >= 2, symbols[parts[0]] == identifier, symbols[parts[1]] == call else { continue }
            let left = parts[0], right = parts[1]
            let callParts = x.statements(right)  // function, arguments
            guard let f = callParts.first, x.textIs(f, "range"), callParts.count >= 2 else { continue }
            let args = x.namedChildren(callParts[1])
            guard args.count == 1, symbols[args[0]] == call else { continue }
            let lenParts = x.statements(args[0])
            guard let g = lenParts.first, x.textIs(g, "len"), lenParts.count >= 2 else { continue }
            let inner = x.namedChildren(lenParts[1])
            guard inner.count == 1, let body = x.block(n) else { continue }
            let seq = x.text(inner[0]), index = x.text(left)
            var indexed = false
            for d in body..<Int(x.next[body]) where symbols[d] == subscriptS {
                let kids = x.statements(d)  // value, then the subscripts
                if let value = kids.first, x.text(value) == seq, kids.count == 2, x.text(kids[1]) == index {
                    indexed = true
                    break
                }
            }
            if indexed { for rule in rules { report(rule.finding(x, right, ["seq": seq, "index": index])) } }
        }
    }
}

/// Functions where some `return` gives a value and another path gives none: a bare `return`,
/// or the end of the body reached (Pylint's R1710). Generators are skipped.
struct InconsistentReturnChecker: Checker {
    static let name = "inconsistent-return"
    static let parameters: [String: String] = [:]

    static let exits: Set<String> = ["sys.exit", "exit", "quit", "os._exit", "os.abort"]

    /// Whether control never reaches the end of these statements.
    static func endsAbruptly(_ r: StatementReader, _ stmts: [Int]) -> Bool {
        let x = r.x
        guard let last = stmts.last.map(x.unwrap) else { return false }
        switch x.sym(last) {
        case Symbols.returnStatement, Symbols.raiseStatement: return true
        case Symbols.expressionStatement:
            guard let c = x.firstNamedChild(last), x.sym(c) == Symbols.call,
                  let f = x.firstNamedChild(c) else { return false }
            return exits.contains(x.text(f))
        case Symbols.ifStatement:
            let p = r.parts(last)
            guard let e = p.elseClause else { return false }
            return endsAbruptly(r, x.statements(p.block))
                && p.elifs.allSatisfy { endsAbruptly(r, r.clauseStatements($0)) }
                && endsAbruptly(r, r.clauseStatements(e))
        case Symbols.whileStatement:
            guard let c = x.firstNamedChild(last), x.textIs(c, "True") || x.textIs(c, "1") else { return false }
            return !breaks(x, x.block(last))
        case Symbols.withStatement:
            return endsAbruptly(r, x.statements(x.block(last)))
        case Symbols.tryStatement:
            let p = r.parts(last)
            if let f = p.finallyClause, endsAbruptly(r, r.clauseStatements(f)) { return true }
            let main = p.elseClause.map { r.clauseStatements($0) }.flatMap { $0.isEmpty ? nil : $0 }
            let bodyEnds = endsAbruptly(r, x.statements(p.block)) || (main.map { endsAbruptly(r, $0) } ?? false)
            return bodyEnds && p.handlers.allSatisfy { endsAbruptly(r, r.clauseStatements($0)) }
        case Symbols.matchStatement:
            let cases = r.cases(last)
            guard let l = cases.last, r.isIrrefutable(l) else { return false }
            return cases.allSatisfy { endsAbruptly(r, r.clauseStatements($0)) }
        default: return false
        }
    }

    /// Loops, functions and classes: a `break` inside belongs to them.
    static let ownScopes = SymbolSet(named: ["for_statement", "while_statement", "function_definition", "class_definition", "lambda"])

    /// Whether a loop body has a `break` of its own (not in a nested loop or function).
    static func breaks(_ x: SyntaxIndex, _ body: Int?) -> Bool {
        guard let body else { return false }
        let symbols = x.symbol, next = x.next
        let breakS = Symbols.breakStatement
        var j = body
        let e = Int(next[body])
        while j < e {
            let s = symbols[j]
            if s == breakS { return true }
            j = ownScopes.contains(s) ? Int(next[j]) : j + 1
        }
        return false
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        guard !x.functions.isEmpty else { return }
        let facts = context.functionFacts.all
        var reader: StatementReader? = nil
        for (fn, f) in zip(x.functions, facts) {
            guard !f.generator, f.valueReturn else { continue }
            if !f.bareReturn {
                if reader == nil { reader = StatementReader(x) }
                guard !Self.endsAbruptly(reader!, x.statements(f.body)) else { continue }
            }
            let name = f.name.map { x.text($0) } ?? ""
            let p = x.startPosition(fn)
            for rule in rules { report(rule.finding(p, p, ["name": name])) }
        }
    }
}
