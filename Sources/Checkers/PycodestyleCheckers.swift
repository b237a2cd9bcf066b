import Rules
import SyntaxTree

/// pycodestyle's logical-line checks (E1 with the continuation lines E12x, E2, E3, E4, E5, E7)
/// and its physical-line E101.
let pycodestyleCheckers: [any Checker.Type] = [PycodestyleChecker.self]

/// One pycodestyle finding: code, 1-based row, 0-based column (as pycodestyle computes it),
/// and the values for the rule's message.
struct PycodestyleFinding {
    var code: String
    var row: Int
    var col: Int
    var values: [String: String] = [:]
}

final class PycodestyleFindingsBox {
    let byCode: [String: [PycodestyleFinding]]
    init(_ findings: [PycodestyleFinding]) { byCode = Dictionary(grouping: findings, by: \.code) }
}

/// Reports pycodestyle's findings of code `code`. Everything is computed once per candidate
/// from Python's tokens and pycodestyle's logical lines, then handed to each rule.
struct PycodestyleChecker: Checker {
    static let name = "pycodestyle"
    static let parameters = ["code": "the pycodestyle code to report (E101, E111, …, E743)"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let box = context.shared(PycodestyleFindingsBox.self) {
            var analysis = PycodestyleAnalysis(tokens: PyTokens(bytes: context.source.bytes))
            analysis.run()
            return PycodestyleFindingsBox(analysis.findings)
        }
        let lineCount = context.source.lineCount
        for rule in rules {
            let code = rule.string("code") ?? rule.code
            for f in box.byCode[code] ?? [] {
                let row = min(max(f.row, 1), lineCount)
                let p = SourcePosition(line: row, column: f.col + 1, offset: 0)
                report(rule.finding(p, p, f.values))
            }
        }
    }
}

/// pycodestyle's framework: builds logical lines from tokens and runs the checks on each.
struct PycodestyleAnalysis {
    let lines: [[Unicode.Scalar]]
    /// The lines one after the other, which token texts index.
    let scalars: [Unicode.Scalar]
    let tokens: [PyToken]
    var findings: [PycodestyleFinding] = []

    // State carried between logical lines, as pycodestyle's Checker keeps it.
    var indentChar: Unicode.Scalar? = nil
    var indentLevel = 0, previousIndentLevel = 0
    var previousLogical: [Unicode.Scalar] = []
    var previousUnindentedLogical: [Unicode.Scalar] = []
    var blankLines = 0, blankBefore = 0
    var seenNonImports = false, seenDocstring = false

    // The current logical line.
    var lineTokens: [PyToken] = []
    var logical: [Unicode.Scalar] = []
    var mapping: [(offset: Int, row: Int, col: Int)] = []
    var lineNumber = 0

    init(tokens: PyTokens) {
        lines = tokens.lines
        scalars = tokens.scalars
        self.tokens = tokens.tokens
    }

    mutating func add(_ code: String, _ pos: (row: Int, col: Int), _ values: [String: String] = [:]) {
        findings.append(PycodestyleFinding(code: code, row: pos.row, col: pos.col, values: values))
    }

    /// An offset in the logical line, as a place in the file.
    func place(_ offset: Int) -> (row: Int, col: Int) {
        var lo = 0, hi = mapping.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if mapping[mid].offset < offset { lo = mid + 1 } else { hi = mid }
        }
        let m = mapping[min(lo, mapping.count - 1)]
        return (m.row, m.col + offset - m.offset)
    }

    mutating func addAt(_ code: String, _ offset: Int, _ values: [String: String] = [:]) {
        add(code, place(offset), values)
    }

    mutating func run() {
        physicalChecks()
        var parens = 0
        let total = lines.count
        for token in tokens {
            if token.start.row > total { break }
            lineTokens.append(token)
            lineNumber = token.start.row
            if token.kind == .op {
                let t = token.short
                if t == "(" || t == "[" || t == "{" { parens += 1 }
                else if t == ")" || t == "]" || t == "}" { parens -= 1 }
            } else if parens == 0 {
                if token.kind == .newline {
                    checkLogical()
                    blankBefore = 0
                } else if token.kind == .nl {
                    if lineTokens.count == 1 {
                        blankLines += 1
                        lineTokens.removeAll()
                    } else {
                        checkLogical()
                    }
                }
            }
        }
        if !lineTokens.isEmpty {
            lineNumber = total
            checkLogical()
        }
    }

    // MARK: physical lines

    /// E101: indentation mixing tabs and spaces, against the first indentation character seen.
    mutating func physicalChecks() {
        for (i, line) in lines.enumerated() {
            if indentChar == nil, let c = line.first, c == " " || c == "\t" || c == "\u{A0}" { indentChar = c }
            var offset = 0
            while offset < line.count, line[offset] == " " || line[offset] == "\t" {
                if line[offset] != indentChar {
                    add("E101", (i + 1, offset))
                    indentChar = line[0]
                    break
                }
                offset += 1
            }
        }
        // The logical checks see the indentation character of the first indented line.
        indentChar = nil
        for line in lines {
            if let c = line.first, c == " " || c == "\t" || c == "\u{A0}" { indentChar = c; break }
        }
    }

    // MARK: logical lines

    static func isSkip(_ k: PyToken.Kind) -> Bool { k == .nl || k == .newline || k == .indent || k == .dedent }

    /// Appends a string token's text to `logical` with what lies between its quotes made "x"
    /// (as pycodestyle's `mute_string`).
    static func appendMuted(_ text: ArraySlice<Unicode.Scalar>, to logical: inout [Unicode.Scalar]) {
        let base = logical.count
        logical += text
        guard let last = text.last, let firstIndex = text.firstIndex(of: last) else { return }
        let count = text.count
        var start = firstIndex - text.startIndex + 1
        var end = count - 1
        if count >= 3, text[(text.endIndex - 3)...].allSatisfy({ $0 == last }) { start += 2; end -= 2 }
        guard start < end else { return }
        for i in start..<end { logical[base + i] = "x" }
    }

    mutating func buildTokensLine() {
        logical.removeAll(keepingCapacity: true)
        mapping.removeAll(keepingCapacity: true)
        var prev: (row: Int, col: Int)? = nil
        for tok in lineTokens {
            if Self.isSkip(tok.kind) { continue }
            if mapping.isEmpty { mapping.append((0, tok.start.row, tok.start.col)) }
            if tok.kind == .comment { continue }
            if let p = prev {
                if p.row != tok.start.row {
                    let pl = lines[p.row - 1]
                    let prevChar = p.col >= 1 ? pl[p.col - 1] : pl.last!
                    let closes = tok.short.isEmpty || tok.short == "}" || tok.short == "]" || tok.short == ")"
                    if prevChar == "," || (prevChar != "{" && prevChar != "[" && prevChar != "(" && !closes) {
                        logical.append(" ")
                    }
                } else if p.col != tok.start.col {
                    let l = lines[tok.start.row - 1]
                    if p.col < tok.start.col, tok.start.col <= l.count { logical += l[p.col..<tok.start.col] }
                }
            }
            if tok.kind == .string {
                Self.appendMuted(scalars[tok.textRange], to: &logical)
            } else {
                logical += scalars[tok.textRange]
            }
            mapping.append((logical.count, tok.end.row, tok.end.col))
            prev = tok.end
        }
    }

    static func expandIndent(_ line: ArraySlice<Unicode.Scalar>) -> Int {
        var line = line
        while let l = line.last, l == "\n" || l == "\r" { line = line.dropLast() }
        if !line.contains("\t") {
            return line.count - line.drop(while: { Self.isSpace($0) }).count
        }
        var result = 0
        for c in line {
            if c == "\t" { result = result / 8 * 8 + 8 } else if c == " " { result += 1 } else { break }
        }
        return result
    }

    mutating func checkLogical() {
        buildTokensLine()
        guard !mapping.isEmpty else { return }
        let startLine = lines[mapping[0].row - 1]
        indentLevel = Self.expandIndent(startLine[0..<min(mapping[0].col, startLine.count)])
        if blankBefore < blankLines { blankBefore = blankLines }

        blankLinesCheck()
        extraneousWhitespace()
        whitespaceAroundKeywords()
        missingWhitespaceAfterKeyword()
        indentation()
        continuedIndentation()
        whitespaceBeforeParameters()
        whitespaceAroundOperator()
        missingWhitespace()
        namedParameterEquals()
        whitespaceBeforeComment()
        moduleImportsOnTop()
        compoundStatements()
        explicitLineJoin()
        comparisonType()
        ambiguousIdentifier()

        if !logical.isEmpty {
            previousIndentLevel = indentLevel
            previousLogical = logical
            if indentLevel == 0 { previousUnindentedLogical = logical }
        }
        blankLines = 0
        lineTokens.removeAll(keepingCapacity: true)
    }

    // MARK: helpers on scalars

    static func str(_ s: some Sequence<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(s)) }
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c == " " || (c.value >= 0x09 && c.value <= 0x0D) || (c.value >= 0x1C && c.value <= 0x1F) }
        return c.properties.isWhitespace
    }
    static func isWord(_ c: Unicode.Scalar) -> Bool { PyTokens.isWord(c) }

    static func hasPrefix(_ s: [Unicode.Scalar], _ p: String) -> Bool {
        hasPrefix(s[...], at: 0, p)
    }

    /// Whether `p` starts at offset `at` of `s` (without making arrays: this runs for every
    /// logical line).
    static func hasPrefix(_ s: ArraySlice<Unicode.Scalar>, at: Int, _ p: String) -> Bool {
        var i = s.startIndex + at
        for c in p.unicodeScalars {
            guard i < s.endIndex, s[i] == c else { return false }
            i += 1
        }
        return true
    }

    /// `^(async\s+def|def)\b`
    static func startsWithDef(_ s: [Unicode.Scalar]) -> Bool {
        var i = 0
        if hasPrefix(s, "async") {
            var j = 5
            while j < s.count, isSpace(s[j]) { j += 1 }
            if j > 5, s.count >= j + 3, str(s[j..<(j + 3)]) == "def" { i = j + 3; return i == s.count || !isWord(s[i]) }
        }
        if hasPrefix(s, "def") { return s.count == 3 || !isWord(s[3]) }
        return false
    }

    /// `^(async\s+def\s+|def\s+|class\s+|@)`
    static func startsWithTopLevel(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        if s.first == "@" { return true }
        let base = s.startIndex
        func kwThenSpace(_ at: Int, _ kw: String) -> Int? {
            guard hasPrefix(s, at: at, kw) else { return nil }
            var j = at + kw.unicodeScalars.count
            let j0 = j
            while base + j < s.endIndex, isSpace(s[base + j]) { j += 1 }
            return j > j0 ? j : nil
        }
        if let j = kwThenSpace(0, "async"), kwThenSpace(j, "def") != nil { return true }
        return kwThenSpace(0, "def") != nil || kwThenSpace(0, "class") != nil
    }

    /// `^\s*(def|async\s+def|for|async\s+for|if|elif|else|try|except|finally|with|async\s+with|class|while)\b`
    static func startsWithIndentStatement(_ s: [Unicode.Scalar]) -> Bool {
        var i = 0
        while i < s.count, isSpace(s[i]) { i += 1 }
        var j = i
        while j < s.count, isWord(s[j]) { j += 1 }
        var word = str(s[i..<j])
        if word == "async" {
            var k = j
            while k < s.count, isSpace(s[k]) { k += 1 }
            guard k > j else { return false }
            var e = k
            while e < s.count, isWord(s[e]) { e += 1 }
            word = str(s[k..<e])
            return ["def", "for", "with"].contains(word)
        }
        return ["def", "for", "if", "elif", "else", "try", "except", "finally", "with", "class", "while"].contains(word)
    }

    static let keywords: Set<ShortText> = [
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
        "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]
    static let pycodestyleKeywords: Set<ShortText> = keywords.union(["print"])
    static let singletons: Set<ShortText> = ["False", "None", "True"]
    static let softKeywords: Set<ShortText> = ["_", "case", "match"]

    // MARK: E3

    func isOneLiner() -> Bool {
        guard Self.startsWithTopLevel(logical[...]) else { return false }
        var idx = lineNumber - 1
        let prevIndent = idx < 1 ? 0 : Self.expandIndent(lines[idx - 1][...])
        if prevIndent > indentLevel { return false }
        while idx < lines.count {
            let line = Self.strip(lines[idx])
            if line.first != "@", Self.startsWithTopLevel(line) { break }
            idx += 1
        }
        if idx >= lines.count { return false }
        var next = idx + 1
        while next < lines.count {
            if !Self.strip(lines[next]).isEmpty { break }
            next += 1
        }
        if next >= lines.count { return true }
        return Self.expandIndent(lines[next][...]) <= indentLevel
    }

    static func strip(_ l: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        var s = l[...]
        while let f = s.first, isSpace(f) { s = s.dropFirst() }
        while let f = s.last, isSpace(f) { s = s.dropLast() }
        return s
    }

    mutating func blankLinesCheck() {
        let top = 2, method = 1
        if previousLogical.isEmpty && blankBefore < top { return }
        if previousLogical.first == "@" {
            if blankLines > 0 { addAt("E304", 0) }
        } else if blankLines > top || (indentLevel > 0 && blankLines == method + 1) {
            addAt("E303", 0, ["count": String(blankLines)])
        } else if Self.startsWithTopLevel(logical[...]) {
            if isOneLiner() && blankBefore == 0 { return }
            if indentLevel > 0 {
                if !(blankBefore == method || previousIndentLevel < indentLevel || Self.docstringStart(previousLogical)) {
                    var ancestor = indentLevel
                    var nested = false
                    var i = lineNumber - top
                    if i < 0 { i += lines.count }
                    while i >= 0 && i < lines.count {
                        let line = lines[i]
                        if !Self.strip(line).isEmpty, Self.expandIndent(line[...]) < ancestor {
                            ancestor = Self.expandIndent(line[...])
                            nested = Self.startsWithDef(Array(line.drop(while: { Self.isSpace($0) })))
                            if nested || ancestor == 0 { break }
                        }
                        i -= 1
                    }
                    addAt(nested ? "E306" : "E301", 0)
                }
            } else if blankBefore != top {
                addAt("E302", 0, ["count": String(blankBefore)])
            }
        } else if !logical.isEmpty && indentLevel == 0 && blankBefore != top
                    && (Self.hasPrefix(previousUnindentedLogical, "def ") || Self.hasPrefix(previousUnindentedLogical, "class ")) {
            addAt("E305", 0, ["count": String(blankBefore)])
        }
    }

    /// `u?r?["\']`
    static func docstringStart(_ s: [Unicode.Scalar]) -> Bool {
        var i = 0
        if i < s.count, s[i] == "u" { i += 1 }
        if i < s.count, s[i] == "r" { i += 1 }
        return i < s.count && (s[i] == "\"" || s[i] == "'")
    }

    // MARK: E2

    mutating func extraneousWhitespace() {
        let l = logical
        var i = 0
        while i + 1 < l.count {
            let a = l[i], b = l[i + 1]
            if (a == "[" || a == "(" || a == "{") && (b == " " || b == "\t") {
                addAt("E201", i + 1, ["char": String(a)])
                i += 2
                continue
            }
            let closing = b == "]" || b == "}" || b == ")"
            if (a == " " || a == "\t") && (closing || b == "," || b == ";" || b == ":")
                && !(i + 2 < l.count && l[i + 2] == "=") {
                let before = i >= 1 ? l[i - 1] : l[l.count - 1]
                if before != "," {
                    addAt(closing ? "E202" : "E203", i, ["char": String(b)])
                }
                i += 2
                continue
            }
            i += 1
        }
    }

    mutating func whitespaceAroundKeywords() {
        let l = logical
        var lastEnd = 0
        var i = 0
        while i < l.count {
            guard Self.isWord(l[i]) else { i += 1; continue }
            var e = i
            while e < l.count, Self.isWord(l[e]) { e += 1 }
            if e > i, e - i <= 8, Self.pycodestyleKeywords.contains(ShortText(l[i..<e])) {
                var b = i
                while b > lastEnd, Self.isSpace(l[b - 1]) { b -= 1 }
                var a = e
                while a < l.count, Self.isSpace(l[a]) { a += 1 }
                let before = l[b..<i], after = l[e..<a]
                if before.contains("\t") { addAt("E274", b) } else if before.count > 1 { addAt("E272", b) }
                if after.contains("\t") { addAt("E273", e) } else if after.count > 1 { addAt("E271", e) }
                lastEnd = a
                i = a
                continue
            }
            i = e
        }
    }

    mutating func missingWhitespaceAfterKeyword() {
        let t = lineTokens
        guard t.count > 1 else { return }
        for k in 0..<(t.count - 1) {
            let a = t[k], b = t[k + 1]
            let s = a.short, next = b.short
            if a.end == b.start, a.kind == .name, Self.keywords.contains(s), !Self.singletons.contains(s),
               !(s == "except" && next == "*"), !(s == "yield" && next == ")"),
               !(next.isEmpty || next == ":" || next == "\n" || next == ":\n") {
                add("E275", a.end)
            }
        }
    }

    mutating func indentation() {
        let comment = logical.isEmpty
        let c = comment ? 3 : 0
        if indentLevel % 4 != 0 { addAt("E11\(1 + c)", 0) }
        let expect = previousLogical.last == ":"
        if expect && indentLevel <= previousIndentLevel {
            addAt("E11\(2 + c)", 0)
        } else if !expect && indentLevel > previousIndentLevel {
            addAt("E11\(3 + c)", 0)
        }
        if expect {
            let amount = indentChar == "\t" ? 8 : 4
            if indentLevel > previousIndentLevel + amount { addAt("E117", 0) }
        }
    }

    mutating func whitespaceBeforeParameters() {
        let t = lineTokens
        guard t.count > 1 else { return }
        var prevKind = t[0].kind, prevText = t[0].short, prevEnd = t[0].end
        for i in 1..<t.count {
            let tok = t[i]
            let text = tok.short
            if tok.kind == .op, text == "(" || text == "[", tok.start != prevEnd,
               prevKind == .name || prevText.isEmpty || prevText == "}" || prevText == "]" || prevText == ")",
               i < 2 || t[i - 2].short != "class",
               !Self.keywords.contains(prevText) && !Self.singletons.contains(prevText),
               prevText == "type" || !Self.softKeywords.contains(prevText) {
                add("E211", prevEnd, ["char": text.description])
            }
            prevKind = tok.kind; prevText = text; prevEnd = tok.end
        }
    }

    /// One of `-+*/|!<=>%&^` (pycodestyle's operator characters).
    static func isOperatorChar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "-", "+", "*", "/", "|", "!", "<", "=", ">", "%", "&", "^": return true
        default: return false
        }
    }

    mutating func whitespaceAroundOperator() {
        let l = logical
        var p = 0
        while p < l.count {
            let c = l[p]
            if c == "," || Self.isSpace(c) { p += 1; continue }
            let q = p + 1
            var r = q
            while r < l.count, Self.isSpace(l[r]) { r += 1 }
            var s = r
            if r < l.count, Self.isOperatorChar(l[r]) {
                while s < l.count, Self.isOperatorChar(l[s]) { s += 1 }
            } else if r + 1 < l.count, l[r] == ":", l[r + 1] == "=" {
                s = r + 2
            } else {
                p += 1
                continue
            }
            var t = s
            while t < l.count, Self.isSpace(l[t]) { t += 1 }
            let before = l[q..<r], after = l[s..<t]
            if before.contains("\t") { addAt("E223", q) } else if before.count > 1 { addAt("E221", q) }
            if after.contains("\t") { addAt("E224", s) } else if after.count > 1 { addAt("E222", s) }
            p = t
        }
    }

    static let wsNeeded: Set<ShortText> = ["**=", "*=", "/=", "//=", "+=", "-=", "!=", "<", ">", "%=", "^=", "&=", "|=",
                                           "==", "<=", ">=", "<<=", ">>=", "=", "and", "in", "is", "or", "->", ":="]
    static let unary: Set<ShortText> = [">>", "**", "*", "+", "-"]
    static let arithmetic: Set<ShortText> = ["**", "*", "/", "//", "+", "-", "@"]
    static let wsOptional: Set<ShortText> = arithmetic.union(["^", "&", "|", "<<", ">>", "%"])

    enum NeedSpace { case no, yes, optional(pos: (row: Int, col: Int), spaced: Bool) }

    mutating func missingWhitespace() {
        var need = NeedSpace.no
        var prevKind = PyToken.Kind.op
        var prevText: ShortText? = nil
        var prevEnd: (row: Int, col: Int)? = nil
        var braces: [Unicode.Scalar] = []
        for tok in lineTokens {
            let text = tok.short
            if tok.kind == .op && (text == "[" || text == "(" || text == "{") {
                braces.append(scalars[tok.textRange.lowerBound])
            } else if tok.kind == .name && text == "lambda" {
                braces.append("l")
            } else if !braces.isEmpty {
                if tok.kind == .op && (text == "]" || text == ")" || text == "}") {
                    braces.removeLast()
                } else if braces.last == "l" && tok.kind == .op && text == ":" {
                    braces.removeLast()
                }
            }
            if Self.isSkip(tok.kind) || tok.kind == .comment || tok.kind == .errorToken { continue }
            if tok.kind == .op && (text == "," || text == ";" || text == ":") {
                let line = lines[tok.end.row - 1]
                let next: Unicode.Scalar? = tok.end.col < line.count ? line[tok.end.col] : nil
                if let next, next != " " && next != "\t" && next != "\u{A0}" && next != "\r" && next != "\n" {
                    if text == ":" && braces.last == "[" {
                    } else if text == "," && (next == ")" || next == "]") {
                    } else {
                        add("E231", tok.start, ["char": text.description])
                    }
                }
            }
            let adjacent = prevEnd.map { $0 == tok.start } ?? false
            switch need {
            case .yes, .optional:
                if !adjacent {
                    if case .optional(let pos, let spaced) = need, !spaced { add("E225", pos) }
                    need = .no
                } else if (prevText == "/" && (text == "," || text == ")" || text == ":")) || (prevText == ")" && text == ":") {
                } else {
                    if case .optional(let pos, let spaced) = need, !spaced {
                        if prevText != "**" {
                            var code = "E226"
                            if prevText == "%" { code = "E228" } else if !Self.arithmetic.contains(prevText ?? "") { code = "E227" }
                            add(code, pos)
                        }
                    } else {
                        add("E225", prevEnd!)
                    }
                    need = .no
                }
            case .no:
                if (tok.kind == .op || tok.kind == .name), let pe = prevEnd {
                    var optional = false
                    if text == "=" && (braces.last == "l" || braces.last == "(") {
                    } else if Self.wsNeeded.contains(text) {
                        need = .yes
                    } else if Self.unary.contains(text) {
                        let pt = prevText ?? ""
                        if (prevKind == .op && (pt.isEmpty || pt == "}" || pt == "]" || pt == ")"))
                            || (prevKind != .op && !Self.pycodestyleKeywords.contains(pt) && !Self.softKeywords.contains(pt)) {
                            optional = true
                        }
                    } else if Self.wsOptional.contains(text) {
                        optional = true
                    }
                    if optional {
                        need = .optional(pos: pe, spaced: tok.start != pe)
                    } else if case .yes = need, tok.start == pe {
                        add("E225", pe)
                        need = .no
                    }
                }
            }
            prevKind = tok.kind
            prevText = text
            prevEnd = tok.end
        }
    }

    mutating func namedParameterEquals() {
        var parens = 0
        var noSpace = false, requireSpace = false
        var prevEnd: (row: Int, col: Int) = (0, 0)
        var annotated = false
        let inDef = Self.startsWithDef(logical)
        for tok in lineTokens {
            if tok.kind == .nl { continue }
            if noSpace {
                noSpace = false
                if tok.start != prevEnd { add("E251", prevEnd) }
            }
            if requireSpace {
                requireSpace = false
                if tok.start == prevEnd { add("E252", prevEnd) }
            }
            if tok.kind == .op {
                let text = tok.short
                if text == "(" || text == "[" { parens += 1 }
                else if text == ")" || text == "]" { parens -= 1 }
                else if inDef && text == ":" && parens == 1 { annotated = true }
                else if parens == 1 && text == "," { annotated = false }
                else if parens != 0 && text == "=" {
                    if annotated && parens == 1 {
                        requireSpace = true
                        if tok.start == prevEnd { add("E252", prevEnd) }
                    } else {
                        noSpace = true
                        if tok.start != prevEnd { add("E251", prevEnd) }
                    }
                }
                if parens == 0 { annotated = false }
            }
            prevEnd = tok.end
        }
    }

    mutating func whitespaceBeforeComment() {
        var prevEnd: (row: Int, col: Int) = (0, 0)
        for tok in lineTokens {
            if tok.kind == .comment {
                let line = lines[tok.start.row - 1]
                let inline = line[0..<min(tok.start.col, line.count)].contains { !Self.isSpace($0) }
                if inline, prevEnd.row == tok.start.row, tok.start.col < prevEnd.col + 2 {
                    add("E261", prevEnd)
                }
                let t = Array(scalars[tok.textRange])
                let sp = t.firstIndex(of: " ")
                let symbol = Array(t[0..<(sp ?? t.count)])
                let comment = sp.map { Array(t[($0 + 1)...]) } ?? []
                var bad: Unicode.Scalar? = nil
                // (Compared as scalars: making a String of a long `#-----` cost more than the rest.)
                if !(symbol.isEmpty || symbol == ["#"] || symbol == [":"] || symbol == ["#", ":"]) {
                    bad = symbol.first(where: { $0 != "#" }) ?? "#"
                }
                if inline {
                    if bad != nil || (comment.first.map { $0 == " " || $0 == "\t" || $0 == "\u{A0}" } ?? false) {
                        add("E262", tok.start)
                    }
                } else if let bad, bad != "!" || tok.start.row > 1 {
                    if bad != "#" { add("E265", tok.start) } else if !comment.isEmpty { add("E266", tok.start) }
                }
            } else if tok.kind != .nl {
                prevEnd = tok.end
            }
        }
    }

    // MARK: E4, E5, E7

    mutating func moduleImportsOnTop() {
        guard indentLevel == 0, !logical.isEmpty else { return }
        let l = logical
        if Self.hasPrefix(l, "import ") || Self.hasPrefix(l, "from ") {
            if seenNonImports { addAt("E402", 0) }
        } else if Self.isDunderAssignment(l) {
            return
        } else if ["try", "except", "else", "finally", "with", "if", "elif"].contains(where: { Self.hasPrefix(l, $0) }) {
            return
        } else if Self.isStringLiteral(l) {
            if seenDocstring { seenNonImports = true } else { seenDocstring = true }
        } else {
            seenNonImports = true
        }
    }

    static func isStringLiteral(_ l: [Unicode.Scalar]) -> Bool {
        var i = 0
        if i < l.count, "uUbB".unicodeScalars.contains(l[i]) { i += 1 }
        if i < l.count, "rR".unicodeScalars.contains(l[i]) { i += 1 }
        return i < l.count && (l[i] == "\"" || l[i] == "'")
    }

    /// `^__([^\s]+)__(?::\s*[a-zA-Z.0-9_\[\]\"]+)? = `
    static func isDunderAssignment(_ l: [Unicode.Scalar]) -> Bool {
        guard hasPrefix(l, "__") else { return false }
        // Try every end of the name (the regex backtracks over `[^\s]+`).
        var e = 2
        while e < l.count, !isSpace(l[e]) { e += 1 }
        var nameEnd = e
        while nameEnd >= 5 {
            if l[nameEnd - 2] == "_" && l[nameEnd - 1] == "_" && nameEnd - 2 > 2 {
                var i = nameEnd
                let rest = Array(l[i...])
                if hasPrefix(rest, " = ") { return true }
                if i < l.count, l[i] == ":" {
                    i += 1
                    while i < l.count, isSpace(l[i]) { i += 1 }
                    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.0123456789_[]\"".unicodeScalars)
                    var j = i
                    while j < l.count, allowed.contains(l[j]) { j += 1 }
                    // Backtracking over the annotation: any shorter run followed by " = ".
                    var k = j
                    while k > i {
                        if hasPrefix(Array(l[k...]), " = ") { return true }
                        k -= 1
                    }
                }
            }
            nameEnd -= 1
        }
        return false
    }

    mutating func compoundStatements() {
        let l = logical
        let last = l.count - 1
        var found = l.firstIndex(of: ":") ?? -1
        var prevFound = 0
        // Brackets opened minus closed, so far, per kind.
        var braces = 0, brackets = 0, parens = 0
        while found > -1 && found < last {
            for c in l[prevFound..<found] {
                switch c {
                case "{": braces += 1
                case "}": braces -= 1
                case "[": brackets += 1
                case "]": brackets -= 1
                case "(": parens += 1
                case ")": parens -= 1
                default: break
                }
            }
            if braces <= 0 && brackets <= 0 && parens <= 0 && l[found + 1] != "=" {
                if Self.containsLambda(l[0..<found]) {
                    break
                }
                if Self.startsWithDef(l) {
                    addAt("E704", 0)
                } else if Self.startsWithIndentStatement(l) {
                    addAt("E701", found)
                }
            }
            prevFound = found
            found = l[(found + 1)...].firstIndex(of: ":") ?? -1
        }
        var semi = l.firstIndex(of: ";") ?? -1
        while semi > -1 {
            addAt(semi < last ? "E702" : "E703", semi)
            semi = l[(semi + 1)...].firstIndex(of: ";") ?? -1
        }
    }

    /// `\blambda\b` within the slice (its end counts as a boundary).
    static let lambdaScalars = Array("lambda".unicodeScalars)
    static func containsLambda(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        let k = lambdaScalars
        var i = s.startIndex
        while i + 6 <= s.endIndex {
            if s[i..<(i + 6)].elementsEqual(k), i == s.startIndex || !isWord(s[i - 1]),
               i + 6 == s.endIndex || !isWord(s[i + 6]) {
                return true
            }
            i += 1
        }
        return false
    }

    mutating func explicitLineJoin() {
        var prevStart = 0, prevEnd = 0, parens = 0
        var comment = false
        var backslash: (row: Int, col: Int)? = nil
        for tok in lineTokens {
            if tok.kind == .comment { comment = true }
            if tok.start.row != prevStart && parens > 0 && !comment, let b = backslash {
                add("E502", b)
            }
            if tok.start.row != prevStart { comment = false }
            if tok.end.row != prevEnd {
                // The token's line: its last physical line.
                if !tok.lineRows.isEmpty {
                    var last = lines[tok.lineRows.upperBound - 2][...]
                    while let c = last.last, c == "\n" || c == "\r" { last = last.dropLast() }
                    backslash = last.last == "\\" ? (tok.end.row, last.count - 1) : nil
                } else {
                    backslash = nil
                }
                prevStart = tok.end.row; prevEnd = tok.end.row
            } else {
                prevStart = tok.start.row
            }
            if tok.kind == .op {
                let t = tok.short
                if t == "(" || t == "[" || t == "{" { parens += 1 } else if t == ")" || t == "]" || t == "}" { parens -= 1 }
            }
        }
    }

    static let typeScalars = Array("type".unicodeScalars)

    /// E721, as pycodestyle's regular expression finds it (the first match in the line).
    mutating func comparisonType() {
        let l = logical
        let n = l.count
        let typeK = Self.typeScalars
        func isType(_ i: Int) -> Bool { i + 4 <= n && l[i..<(i + 4)].elementsEqual(typeK) }
        /// `\s*\(\s*([^)]*[^\s)])\s*\)` from i: (end, group).
        func call(_ i: Int) -> (Int, [Unicode.Scalar])? {
            var j = i
            while j < n, Self.isSpace(l[j]) { j += 1 }
            guard j < n, l[j] == "(" else { return nil }
            guard let close = l[(j + 1)...].firstIndex(of: ")") else { return nil }
            let inner = Self.strip(Array(l[(j + 1)..<close]))
            guard !inner.isEmpty else { return nil }
            return (close + 1, Array(inner))
        }
        for p in 0..<n {
            if (l[p] == "=" || l[p] == "!"), p + 1 < n, l[p + 1] == "=" {
                var j = p + 2
                while j < n, Self.isSpace(l[j]) { j += 1 }
                if j > p + 2, isType(j), let (_, g) = call(j + 4) {
                    if Self.isIdentifier(g), !Self.singletons.contains(ShortText(g)) { return }
                    addAt("E721", p)
                    return
                }
            }
            if isType(p), p == 0 || (l[p - 1] != "." && !Self.isWord(l[p - 1])), let (e, _) = call(p + 4) {
                var j = e
                while j < n, Self.isSpace(l[j]) { j += 1 }
                if j > e, j + 1 < n, l[j] == "=" || l[j] == "!", l[j + 1] == "=" {
                    addAt("E721", p)
                    return
                }
            }
        }
    }

    static func isIdentifier(_ s: [Unicode.Scalar]) -> Bool {
        guard let f = s.first, f == "_" || f.properties.isXIDStart else { return false }
        return s.dropFirst().allSatisfy { $0 == "_" || $0.properties.isXIDContinue }
    }

    mutating func ambiguousIdentifier() {
        let t = lineTokens
        guard t.count > 1 else { return }
        var funcDepth: Int? = nil
        var seenColon = false
        var depth = 0
        func isAmbiguous(_ s: ShortText) -> Bool { s == "l" || s == "O" || s == "I" }
        var prevText = t[0].short, prevStart = t[0].start
        for index in 1..<t.count {
            let tok = t[index]
            let text = tok.short
            var ident: ShortText? = nil
            var pos = tok.start
            if prevText == "def" || prevText == "lambda" {
                funcDepth = depth
                seenColon = false
            } else if funcDepth != nil && text == ":" && depth == funcDepth {
                seenColon = true
            }
            if text.isEmpty || text == "(" || text == "[" || text == "{" {
                depth += 1  // as `text in '([{'`, which holds for an empty token too
            } else if text == ")" || text == "]" || text == "}" {
                depth -= 1
            }
            if text == ":=" || (text == "=" && depth == 0) {
                if isAmbiguous(prevText) { ident = prevText; pos = prevStart }
            }
            if prevText == "as" || prevText == "for" || prevText == "global" || prevText == "nonlocal", isAmbiguous(text) {
                ident = text; pos = tok.start
            }
            if funcDepth != nil, !seenColon, index < t.count - 1, isAmbiguous(text) {
                let next = t[index + 1].short
                if next.isEmpty || next == ":" || next == "," || next == "=" || next == ")",
                   prevText == "lambda" || prevText == "," || prevText == "*" || prevText == "**" || prevText == "(" {
                    ident = text; pos = tok.start
                }
            }
            if let ident { add("E741", pos, ["name": ident.description]) }
            prevText = text
            prevStart = tok.start
        }
    }
}
