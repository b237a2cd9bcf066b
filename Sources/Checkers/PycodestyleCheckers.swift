import Foundation
import Rules
import SyntaxTree

/// pycodestyle's logical-line checks (E1 with the continuation lines E12x, E2, E3, E4, E5, E7)
/// and its physical-line E101.
let pycodestyleCheckers: [any Checker.Type] = [PycodestyleChecker.self]

/// One pycodestyle finding: code, 1-based row, 0-based column (as pycodestyle computes it),
/// and the values for the rule's message.
struct PycodestyleFinding {
    /// The code, packed ("E101"): compared with each rule's without hashing a `String`.
    var code: ShortText
    var row: Int
    var col: Int
    var values: [String: String] = [:]
}

final class PycodestyleFindingsBox {
    /// In the order found (a rule reports its code's findings in this order).
    let findings: [PycodestyleFinding]
    init(_ findings: [PycodestyleFinding]) { self.findings = findings }
}

/// Reports pycodestyle's findings of code `code`. Everything is computed once per candidate
/// from Python's tokens and pycodestyle's logical lines, then handed to each rule.
struct PycodestyleChecker: Checker {
    static let name = "pycodestyle"
    static let parameters = ["code": "the pycodestyle code to report (E101, E111, …, E743)"]
    /// (One for all linters: it checks that the rules are the ones it holds codes for.)
    private static let ruleCodes = RuleCodes()

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let box = context.shared(PycodestyleFindingsBox.self) {
            var analysis = PycodestyleAnalysis(tokens: PyTokens(bytes: context.source.bytes))
            analysis.run()
            return PycodestyleFindingsBox(analysis.findings)
        }
        // Most candidates have few findings or none: a scan per rule costs less than grouping.
        guard !box.findings.isEmpty else { return }
        let lineCount = context.source.lineCount
        for (rule, code) in zip(rules, Self.ruleCodes.codes(of: rules)) {
            for f in box.findings where f.code == code {
                let row = min(max(f.row, 1), lineCount)
                let p = SourcePosition(line: row, column: f.col + 1, offset: 0)
                report(rule.finding(p, p, f.values))
            }
        }
    }
}

/// The `code` parameter of each rule, packed, kept from the last candidate: the linter passes
/// the same rules for every candidate, and a parameter is a dictionary lookup. It holds the
/// array of rules it answered for, so it can tell it by the identity of its storage (the
/// linter hands the same array each time; held, no other array can come to have its address).
private final class RuleCodes: @unchecked Sendable {  // (what it holds is behind the lock)
    private let lock = NSLock()
    private var rules: [ActiveRule] = []
    private var codes: [ShortText] = []

    func codes(of rules: [ActiveRule]) -> [ShortText] {
        lock.lock()
        defer { lock.unlock() }
        let same = rules.count == self.rules.count && rules.withUnsafeBufferPointer { a in
            self.rules.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
        }
        if !same {
            self.rules = rules
            codes = rules.map { ShortText($0.string("code") ?? $0.code) }
        }
        return codes
    }
}

/// pycodestyle's framework: builds logical lines from tokens and runs the checks on each.
struct PycodestyleAnalysis {
    /// The physical lines one after the other, which token texts index.
    let scalars: [Unicode.Scalar]
    /// Where each physical line starts in `scalars` (index 0 is row 1), then where the last ends.
    let lineOffsets: [Int]
    /// The number of physical lines.
    let lineCount: Int
    let tokens: [PyToken]
    var findings: [PycodestyleFinding] = []

    // State carried between logical lines, as pycodestyle's Checker keeps it.
    var indentChar: Unicode.Scalar? = nil
    var indentLevel = 0, previousIndentLevel = 0
    var previousLogical = EarlierLine()
    var previousUnindentedLogical = EarlierLine()
    var blankLines = 0, blankBefore = 0
    var seenNonImports = false, seenDocstring = false

    /// What the checks read of an earlier logical line (pycodestyle keeps the line itself; here
    /// the next line is written over it).
    struct EarlierLine {
        var isEmpty = true
        var first: Unicode.Scalar? = nil
        var last: Unicode.Scalar? = nil
        /// Whether it starts as a docstring does.
        var docstringStart = false
        /// Whether it starts with "def " or "class ".
        var definition = false

        init() {}
        init(_ line: ArraySlice<Unicode.Scalar>) {
            isEmpty = line.isEmpty
            first = line.first
            last = line.last
            docstringStart = PycodestyleAnalysis.docstringStart(line)
            definition = PycodestyleAnalysis.hasPrefix(line, "def ") || PycodestyleAnalysis.hasPrefix(line, "class ")
        }
    }

    // The current logical line.
    var lineTokens: ArraySlice<PyToken> = []
    /// The line (a prefix of `logicalStorage`: its indices start at 0).
    var logical: ArraySlice<Unicode.Scalar> = []
    /// Where each line is written, over the last (its count only grows: it is never cut).
    var logicalStorage: [Unicode.Scalar] = []
    /// The insides of the line's long strings, in order (see `StringInsides`).
    var stringInsides: [Range<Int>] = []
    var mapping: [(offset: Int, row: Int, col: Int)] = []
    var lineNumber = 0
    /// Whether the line has a token `l`, `O` or `I` (E741 needs one).
    var hasAmbiguousName = false
    /// Whether the line has a `=` inside parentheses or square brackets (E251 and E252 need one).
    var hasBracketedEquals = false
    /// Whether the line has a comment (E261, E262, E265, E266 need one).
    var hasComment = false
    /// Whether the line has a `(` or `[` not right after the token before it, or first (E211
    /// needs one).
    var hasDetachedBracket = false
    /// The rows (1-based) that end in a backslash, in order (E502 needs one).
    var backslashRows: [Int] = []
    /// Bracket characters open in `missingWhitespace` (kept, for its capacity).
    var openBraces: [Unicode.Scalar] = []

    init(tokens: PyTokens) {
        scalars = tokens.scalars
        lineOffsets = tokens.lineOffsets
        lineCount = tokens.lineCount
        self.tokens = tokens.tokens
        mapping.reserveCapacity(64)
    }

    /// Physical line `index` (0-based: row `index + 1`), its line break included. A slice:
    /// its indices are those of `scalars`.
    @inline(__always)
    func line(_ index: Int) -> ArraySlice<Unicode.Scalar> {
        scalars[lineOffsets[index]..<lineOffsets[index + 1]]
    }

    mutating func add(_ code: ShortText, _ pos: (row: Int, col: Int), _ values: [String: String] = [:]) {
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

    mutating func addAt(_ code: ShortText, _ offset: Int, _ values: [String: String] = [:]) {
        add(code, place(offset), values)
    }

    mutating func run() {
        physicalChecks()
        var parens = 0
        // The current logical line is tokens[lineStart...]: its tokens always follow each other.
        var lineStart = 0
        var end = tokens.count
        for index in tokens.indices {
            let token = tokens[index]
            if token.start.row > lineCount { end = index; break }
            lineNumber = token.start.row
            if token.kind == .op {
                let t = token.short
                if t == "(" || t == "[" || t == "{" { parens += 1 }
                else if t == ")" || t == "]" || t == "}" { parens -= 1 }
            } else if parens == 0 {
                if token.kind == .newline {
                    if checkLogical(lineStart...index) { lineStart = index + 1 }
                    blankBefore = 0
                } else if token.kind == .nl {
                    if index == lineStart {
                        blankLines += 1
                        lineStart = index + 1
                    } else if checkLogical(lineStart...index) {
                        lineStart = index + 1
                    }
                }
            }
        }
        if lineStart < end {
            lineNumber = lineCount
            checkLogical(lineStart..<end)
        }
    }

    // MARK: physical lines

    /// E101: indentation mixing tabs and spaces, against the first indentation character seen.
    mutating func physicalChecks() {
        for i in 0..<lineCount {
            let start = lineOffsets[i], end = lineOffsets[i + 1]  // never empty
            var last = end - 1
            while last > start, scalars[last] == "\n" || scalars[last] == "\r" { last -= 1 }
            if scalars[last] == "\\" { backslashRows.append(i + 1) }
            let first = scalars[start]
            if indentChar == nil, first == " " || first == "\t" || first == "\u{A0}" { indentChar = first }
            var k = start
            while k < end, scalars[k] == " " || scalars[k] == "\t" {
                if scalars[k] != indentChar {
                    add("E101", (i + 1, k - start))
                    indentChar = first
                    break
                }
                k += 1
            }
        }
        // The logical checks see the indentation character of the first indented line.
        indentChar = nil
        for i in 0..<lineCount {
            let c = scalars[lineOffsets[i]]
            if c == " " || c == "\t" || c == "\u{A0}" { indentChar = c; break }
        }
    }

    // MARK: logical lines

    static func isSkip(_ k: PyToken.Kind) -> Bool { k == .nl || k == .newline || k == .indent || k == .dedent }

    /// Writes a string token's text at `out` with what lies between its quotes made "x" (as
    /// pycodestyle's `mute_string`); gives where the x's are.
    @discardableResult
    static func writeMuted(_ text: UnsafeBufferPointer<Unicode.Scalar>, to out: UnsafeMutablePointer<Unicode.Scalar>) -> Range<Int> {
        guard let last = text.last, let firstIndex = text.firstIndex(of: last) else { return 0..<0 }
        out.update(from: text.baseAddress!, count: text.count)
        let count = text.count
        var start = firstIndex + 1
        var end = count - 1
        if count >= 3, text[count - 3] == last, text[count - 2] == last { start += 2; end -= 2 }
        guard start < end else { return 0..<0 }
        for i in start..<end { out[i] = "x" }
        return start..<end
    }

    /// Makes `logical` and `mapping` from the line's tokens, as pycodestyle's `build_tokens_line`.
    mutating func buildTokensLine() {
        mapping.removeAll(keepingCapacity: true)
        stringInsides.removeAll(keepingCapacity: true)
        hasAmbiguousName = false
        hasBracketedEquals = false
        hasComment = false
        hasDetachedBracket = false
        var parens = 0  // as namedParameterEquals counts them
        // The longest the line can get, to write it in place: each token's text, the white
        // space before it on its row, or a space for a change of row.
        var bound = 0
        var last: (row: Int, col: Int)? = nil
        for tok in lineTokens where !Self.isSkip(tok.kind) && tok.kind != .comment {
            if let p = last, p.row == tok.start.row, p.col < tok.start.col { bound += tok.start.col - p.col }
            bound += tok.textRange.count + 1
            last = tok.end
        }
        // Written in place in the storage (which nothing else holds then), made long enough.
        logical = []
        var built: [Unicode.Scalar] = []
        swap(&built, &logicalStorage)
        if built.count < bound { built.append(contentsOf: repeatElement(" ", count: bound - built.count)) }
        let scalars = self.scalars
        let length = scalars.withUnsafeBufferPointer { text in
            built.withUnsafeMutableBufferPointer { out in
                var o = 0
                /// Appends `text[range]`.
                func append(_ range: Range<Int>) {
                    guard !range.isEmpty else { return }
                    (out.baseAddress! + o).update(from: text.baseAddress! + range.lowerBound, count: range.count)
                    o += range.count
                }
                var prev: (row: Int, col: Int)? = nil
                for tok in lineTokens {
                    if Self.isSkip(tok.kind) { continue }
                    if mapping.isEmpty { mapping.append((0, tok.start.row, tok.start.col)) }
                    if tok.kind == .comment { hasComment = true; continue }
                    let t = tok.short
                    if t == "l" || t == "O" || t == "I" { hasAmbiguousName = true }
                    if tok.kind == .op {
                        if t == "(" || t == "[" {
                            parens += 1
                            if prev.map({ $0 != tok.start }) ?? true { hasDetachedBracket = true }
                        } else if t == ")" || t == "]" {
                            parens -= 1
                        } else if t == "=" && parens != 0 {
                            hasBracketedEquals = true
                        }
                    }
                    if let p = prev {
                        if p.row != tok.start.row {
                            let prevChar = p.col >= 1 ? text[lineOffsets[p.row - 1] + p.col - 1] : text[lineOffsets[p.row] - 1]
                            let closes = tok.short.isEmpty || tok.short == "}" || tok.short == "]" || tok.short == ")"
                            if prevChar == "," || (prevChar != "{" && prevChar != "[" && prevChar != "(" && !closes) {
                                out[o] = " "
                                o += 1
                            }
                        } else if p.col != tok.start.col {
                            let lineStart = lineOffsets[tok.start.row - 1]
                            if p.col < tok.start.col, tok.start.col <= lineOffsets[tok.start.row] - lineStart {
                                append((lineStart + p.col)..<(lineStart + tok.start.col))
                            }
                        }
                    }
                    if tok.kind == .string {
                        let muted = Self.writeMuted(UnsafeBufferPointer(rebasing: text[tok.textRange]), to: out.baseAddress! + o)
                        if muted.count >= StringInsides.shortest {
                            stringInsides.append((o + muted.lowerBound)..<(o + muted.upperBound))
                        }
                        o += tok.textRange.count
                    } else {
                        append(tok.textRange)
                    }
                    mapping.append((o, tok.end.row, tok.end.col))
                    prev = tok.end
                }
                return o
            }
        }
        logicalStorage = built
        logical = logicalStorage[..<length]
    }

    static func expandIndent(_ line: ArraySlice<Unicode.Scalar>) -> Int {
        var end = line.endIndex
        while end > line.startIndex, line[end - 1] == "\n" || line[end - 1] == "\r" { end -= 1 }
        let line = line[..<end]
        if !line.contains("\t") {
            var i = line.startIndex
            while i < end, isSpace(line[i]) { i += 1 }
            return i - line.startIndex
        }
        var result = 0
        for c in line {
            if c == "\t" { result = result / 8 * 8 + 8 } else if c == " " { result += 1 } else { break }
        }
        return result
    }

    /// Runs the checks on the logical line of `range` of the tokens. False when it has no
    /// token to check (pycodestyle then keeps its tokens for the next line).
    @discardableResult
    mutating func checkLogical<R: RangeExpression<Int>>(_ range: R) -> Bool {
        lineTokens = tokens[range]
        buildTokensLine()
        guard !mapping.isEmpty else { return false }
        let startLine = line(mapping[0].row - 1)
        indentLevel = Self.expandIndent(startLine.prefix(mapping[0].col))
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
            previousLogical = EarlierLine(logical)
            if indentLevel == 0 { previousUnindentedLogical = previousLogical }
        }
        blankLines = 0
        return true
    }

    // MARK: helpers on scalars

    @inline(__always)
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v == 0x20 || v &- 0x09 < 5 || v &- 0x1C < 4 }
        return isNonASCIISpace(c)
    }
    @inline(never)
    static func isNonASCIISpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }
    @inline(__always)
    static func isWord(_ c: Unicode.Scalar) -> Bool { PyTokens.isWord(c) }

    @inline(__always)
    static func hasPrefix(_ s: ArraySlice<Unicode.Scalar>, _ p: StaticString) -> Bool {
        hasPrefix(s, at: 0, p)
    }

    /// Whether `p` (ASCII) starts at offset `at` of `s` (without making arrays or strings: this
    /// runs for every logical line).
    @inline(__always)
    static func hasPrefix(_ s: ArraySlice<Unicode.Scalar>, at: Int, _ p: StaticString) -> Bool {
        let count = p.utf8CodeUnitCount
        let i = s.startIndex + at
        guard i + count <= s.endIndex else { return false }
        let bytes = p.utf8Start
        for k in 0..<count where s[i + k].value != UInt32(bytes[k]) { return false }
        return true
    }

    /// `^(async\s+def|def)\b`
    static func startsWithDef(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        let b = s.startIndex, n = s.count
        if hasPrefix(s, at: 0, "async") {
            var j = 5
            while j < n, isSpace(s[b + j]) { j += 1 }
            if j > 5, hasPrefix(s, at: j, "def") { let i = j + 3; return i == n || !isWord(s[b + i]) }
        }
        if hasPrefix(s, at: 0, "def") { return n == 3 || !isWord(s[b + 3]) }
        return false
    }

    /// `^(async\s+def\s+|def\s+|class\s+|@)`
    static func startsWithTopLevel(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        if s.first == "@" { return true }
        let base = s.startIndex
        func kwThenSpace(_ at: Int, _ kw: StaticString) -> Int? {
            guard hasPrefix(s, at: at, kw) else { return nil }
            var j = at + kw.utf8CodeUnitCount
            let j0 = j
            while base + j < s.endIndex, isSpace(s[base + j]) { j += 1 }
            return j > j0 ? j : nil
        }
        if let j = kwThenSpace(0, "async"), kwThenSpace(j, "def") != nil { return true }
        return kwThenSpace(0, "def") != nil || kwThenSpace(0, "class") != nil
    }

    /// `^\s*(def|async\s+def|for|async\s+for|if|elif|else|try|except|finally|with|async\s+with|class|while)\b`
    static func startsWithIndentStatement(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        let s = Array(s)  // (indexed from 0; seldom called)
        var i = 0
        while i < s.count, isSpace(s[i]) { i += 1 }
        var j = i
        while j < s.count, isWord(s[j]) { j += 1 }
        var word = ShortText(s[i..<j])
        if word == "async" {
            var k = j
            while k < s.count, isSpace(s[k]) { k += 1 }
            guard k > j else { return false }
            var e = k
            while e < s.count, isWord(s[e]) { e += 1 }
            word = ShortText(s[k..<e])
            return word == "def" || word == "for" || word == "with"
        }
        return indentStatements.contains(word)
    }
    static let indentStatements: ShortTextSet = ["def", "for", "if", "elif", "else", "try", "except", "finally", "with", "class", "while"]

    static let keywords: ShortTextSet = [
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
        "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]
    static let pycodestyleKeywords: ShortTextSet = keywords.union(["print"])
    static let singletons: ShortTextSet = ["False", "None", "True"]
    static let softKeywords: ShortTextSet = ["_", "case", "match"]

    // MARK: E3

    func isOneLiner() -> Bool {
        guard Self.startsWithTopLevel(logical[...]) else { return false }
        var idx = lineNumber - 1
        let prevIndent = idx < 1 ? 0 : Self.expandIndent(line(idx - 1))
        if prevIndent > indentLevel { return false }
        while idx < lineCount {
            let stripped = Self.strip(line(idx))
            if stripped.first != "@", Self.startsWithTopLevel(stripped) { break }
            idx += 1
        }
        if idx >= lineCount { return false }
        var next = idx + 1
        while next < lineCount {
            if !Self.strip(line(next)).isEmpty { break }
            next += 1
        }
        if next >= lineCount { return true }
        return Self.expandIndent(line(next)) <= indentLevel
    }

    static func strip(_ l: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var start = l.startIndex, end = l.endIndex
        while start < end, isSpace(l[start]) { start += 1 }
        while end > start, isSpace(l[end - 1]) { end -= 1 }
        return l[start..<end]
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
                if !(blankBefore == method || previousIndentLevel < indentLevel || previousLogical.docstringStart) {
                    var ancestor = indentLevel
                    var nested = false
                    var i = lineNumber - top
                    if i < 0 { i += lineCount }
                    while i >= 0 && i < lineCount {
                        let text = line(i)
                        if !Self.strip(text).isEmpty, Self.expandIndent(text) < ancestor {
                            ancestor = Self.expandIndent(text)
                            nested = Self.startsWithDef(text.drop(while: { Self.isSpace($0) }))
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
                    && previousUnindentedLogical.definition {
            addAt("E305", 0, ["count": String(blankBefore)])
        }
    }

    /// `u?r?["\']`
    static func docstringStart(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        var i = s.startIndex
        if i < s.endIndex, s[i] == "u" { i += 1 }
        if i < s.endIndex, s[i] == "r" { i += 1 }
        return i < s.endIndex && (s[i] == "\"" || s[i] == "'")
    }

    // MARK: E2

    mutating func extraneousWhitespace() {
        let logical = self.logical
        var insides = StringInsides(stringInsides)
        logical.withUnsafeBufferPointer { l in
            var i = 0
            while i + 1 < l.count {
                i = insides.skip(i)
                guard i + 1 < l.count else { break }
                let a = l[i], b = l[i + 1]
                if a == " " || a == "\t" {
                    let closing = b == "]" || b == "}" || b == ")"
                    if (closing || b == "," || b == ";" || b == ":") && !(i + 2 < l.count && l[i + 2] == "=") {
                        let before = i >= 1 ? l[i - 1] : l[l.count - 1]
                        if before != "," {
                            addAt(closing ? "E202" : "E203", i, ["char": String(b)])
                        }
                        i += 2
                        continue
                    }
                } else if (a == "[" || a == "(" || a == "{") && (b == " " || b == "\t") {
                    addAt("E201", i + 1, ["char": String(a)])
                    i += 2
                    continue
                }
                i += 1
            }
        }
    }

    /// E271–E274, as pycodestyle's `(\s*)\b(?:keywords)\b(\s*)` finds them: white space of two
    /// characters or more, or with a tab, before or after a keyword. Such runs are rare, so the
    /// scan goes from one run of white space to the next: a run after a keyword is that
    /// keyword's (the regex consumes it), otherwise it is the next word's, if that is a keyword.
    mutating func whitespaceAroundKeywords() {
        let logical = self.logical
        let keywords = Self.pycodestyleKeywords
        var insides = StringInsides(stringInsides)
        logical.withUnsafeBufferPointer { l in
            let n = l.count
            /// Whether the word `l[from..<to]` is a keyword.
            func isKeyword(_ from: Int, _ to: Int) -> Bool {
                to - from <= 8 && keywords.contains(ShortText(l.baseAddress! + from, count: to - from))
            }
            var i = 0
            while i < n {
                i = insides.skip(i)
                guard i < n else { break }
                // White space is ASCII up to " ", or not ASCII: one comparison for most characters.
                guard l[i].value &- 0x21 >= 0x5F, Self.isSpace(l[i]) else { i += 1; continue }
                let b = i
                var a = i + 1
                while a < n, Self.isSpace(l[a]) { a += 1 }
                i = a
                let tab = l[b..<a].contains("\t")
                guard tab || a - b > 1 else { continue }
                var w = b  // the word before the run
                while w > 0, Self.isWord(l[w - 1]) { w -= 1 }
                if w < b, isKeyword(w, b) {
                    addAt(tab ? "E273" : "E271", b)
                    continue
                }
                var e = a  // the word after it
                while e < n, Self.isWord(l[e]) { e += 1 }
                if e > a, isKeyword(a, e) {
                    addAt(tab ? "E274" : "E272", b)
                }
            }
        }
    }

    mutating func missingWhitespaceAfterKeyword() {
        let t = lineTokens
        guard t.count > 1 else { return }
        let keywords = Self.keywords, singletons = Self.singletons
        for k in t.startIndex..<(t.endIndex - 1) {
            let a = t[k], b = t[k + 1]
            let s = a.short, next = b.short
            if a.end == b.start, a.kind == .name, keywords.contains(s), !singletons.contains(s),
               !(s == "except" && next == "*"), !(s == "yield" && next == ")"),
               !(next.isEmpty || next == ":" || next == "\n" || next == ":\n") {
                add("E275", a.end)
            }
        }
    }

    mutating func indentation() {
        let comment = logical.isEmpty
        if indentLevel % 4 != 0 { addAt(comment ? "E114" : "E111", 0) }
        let expect = previousLogical.last == ":"
        if expect && indentLevel <= previousIndentLevel {
            addAt(comment ? "E115" : "E112", 0)
        } else if !expect && indentLevel > previousIndentLevel {
            addAt(comment ? "E116" : "E113", 0)
        }
        if expect {
            let amount = indentChar == "\t" ? 8 : 4
            if indentLevel > previousIndentLevel + amount { addAt("E117", 0) }
        }
    }

    mutating func whitespaceBeforeParameters() {
        let t = lineTokens
        guard t.count > 1, hasDetachedBracket else { return }  // (no finding without one)
        let keywords = Self.keywords, singletons = Self.singletons, softKeywords = Self.softKeywords
        let first = t.startIndex
        var prevKind = t[first].kind, prevText = t[first].short, prevEnd = t[first].end
        for i in (first + 1)..<t.endIndex {
            let tok = t[i]
            let text = tok.short
            if tok.kind == .op, text == "(" || text == "[", tok.start != prevEnd,
               prevKind == .name || prevText.isEmpty || prevText == "}" || prevText == "]" || prevText == ")",
               i - first < 2 || t[i - 2].short != "class",
               !keywords.contains(prevText) && !singletons.contains(prevText),
               prevText == "type" || !softKeywords.contains(prevText) {
                add("E211", prevEnd, ["char": text.description])
            }
            prevKind = tok.kind; prevText = text; prevEnd = tok.end
        }
    }

    /// One of `-+*/|!<=>%&^` (pycodestyle's operator characters).
    @inline(__always)
    static func isOperatorChar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "-", "+", "*", "/", "|", "!", "<", "=", ">", "%", "&", "^": return true
        default: return false
        }
    }

    /// E221–E224, as pycodestyle's `[^,\s](\s*)(?:[-+*/|!<=>%&^]+|:=)(\s*)` finds them (left to
    /// right, without overlaps). A match can only start at the last character before an
    /// operator that is not white space, so the scan goes from one operator to the next.
    mutating func whitespaceAroundOperator() {
        let logical = self.logical
        var insides = StringInsides(stringInsides)
        logical.withUnsafeBufferPointer { l in
            let n = l.count
            var p = 0  // where the search goes on
            while p < n {
                // The next operator after p.
                var r = insides.skip(p + 1)
                while r < n, !Self.isOperatorChar(l[r]), !(l[r] == ":" && r + 1 < n && l[r + 1] == "=") { r = insides.skip(r + 1) }
                if r >= n { break }
                // Where the match would start: no earlier character can start one.
                var m = r - 1
                while m >= p, Self.isSpace(l[m]) { m -= 1 }
                if m < p || l[m] == "," { p = r; continue }
                let q = m + 1
                var s = r + 2  // after `:=`
                if Self.isOperatorChar(l[r]) {
                    s = r + 1
                    while s < n, Self.isOperatorChar(l[s]) { s += 1 }
                }
                var t = s
                while t < n, Self.isSpace(l[t]) { t += 1 }
                let before = l[q..<r], after = l[s..<t]
                if before.contains("\t") { addAt("E223", q) } else if before.count > 1 { addAt("E221", q) }
                if after.contains("\t") { addAt("E224", s) } else if after.count > 1 { addAt("E222", s) }
                p = t
            }
        }
    }

    static let wsNeeded: ShortTextSet = ["**=", "*=", "/=", "//=", "+=", "-=", "!=", "<", ">", "%=", "^=", "&=", "|=",
                                         "==", "<=", ">=", "<<=", ">>=", "=", "and", "in", "is", "or", "->", ":="]
    static let unary: ShortTextSet = [">>", "**", "*", "+", "-"]
    static let arithmetic: ShortTextSet = ["**", "*", "/", "//", "+", "-", "@"]
    static let wsOptional: ShortTextSet = arithmetic.union(["^", "&", "|", "<<", ">>", "%"])

    enum NeedSpace { case no, yes, optional(pos: (row: Int, col: Int), spaced: Bool) }

    mutating func missingWhitespace() {
        let wsNeeded = Self.wsNeeded, unary = Self.unary, arithmetic = Self.arithmetic, wsOptional = Self.wsOptional
        let keywords = Self.pycodestyleKeywords, softKeywords = Self.softKeywords
        var need = NeedSpace.no
        var prevKind = PyToken.Kind.op
        var prevText: ShortText? = nil
        var prevEnd: (row: Int, col: Int)? = nil
        var braces: [Unicode.Scalar] = []
        swap(&braces, &openBraces)  // (its storage, from the last line)
        braces.removeAll(keepingCapacity: true)
        defer { swap(&braces, &openBraces) }
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
                let at = lineOffsets[tok.end.row - 1] + tok.end.col
                let next: Unicode.Scalar? = at < lineOffsets[tok.end.row] ? scalars[at] : nil
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
                            var code: ShortText = "E226"
                            if prevText == "%" { code = "E228" } else if !arithmetic.contains(prevText ?? "") { code = "E227" }
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
                    } else if wsNeeded.contains(text) {
                        need = .yes
                    } else if tok.kind == .op, unary.contains(text) {  // (no name is an operator)
                        let pt = prevText ?? ""
                        if (prevKind == .op && (pt.isEmpty || pt == "}" || pt == "]" || pt == ")"))
                            || (prevKind != .op && !keywords.contains(pt) && !softKeywords.contains(pt)) {
                            optional = true
                        }
                    } else if tok.kind == .op, wsOptional.contains(text) {
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
        guard hasBracketedEquals else { return }  // (no finding without one)
        var parens = 0
        var noSpace = false, requireSpace = false
        var prevEnd: (row: Int, col: Int) = (0, 0)
        var annotated = false
        let inDef = Self.startsWithDef(logical[...])
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
        guard hasComment else { return }
        var prevEnd: (row: Int, col: Int) = (0, 0)
        for tok in lineTokens {
            if tok.kind == .comment {
                let inline = line(tok.start.row - 1).prefix(tok.start.col).contains { !Self.isSpace($0) }
                if inline, prevEnd.row == tok.start.row, tok.start.col < prevEnd.col + 2 {
                    add("E261", prevEnd)
                }
                // (Compared as scalars, in place: making a String of a long `#-----` cost more
                // than the rest.)
                let t = scalars[tok.textRange]
                let sp = t.firstIndex(of: " ")
                let symbol = t[..<(sp ?? t.endIndex)]
                let comment = sp.map { t[($0 + 1)...] } ?? []
                var bad: Unicode.Scalar? = nil
                let plain = symbol.isEmpty || (symbol.count == 1 && (symbol.first == "#" || symbol.first == ":"))
                    || (symbol.count == 2 && symbol.first == "#" && symbol.last == ":")
                if !plain {
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
        } else if Self.hasPrefix(l, "try") || Self.hasPrefix(l, "except") || Self.hasPrefix(l, "else")
                    || Self.hasPrefix(l, "finally") || Self.hasPrefix(l, "with") || Self.hasPrefix(l, "if")
                    || Self.hasPrefix(l, "elif") {
            return
        } else if Self.isStringLiteral(l) {
            if seenDocstring { seenNonImports = true } else { seenDocstring = true }
        } else {
            seenNonImports = true
        }
    }

    static func isStringLiteral(_ l: ArraySlice<Unicode.Scalar>) -> Bool {
        var i = l.startIndex
        if i < l.endIndex, l[i] == "u" || l[i] == "U" || l[i] == "b" || l[i] == "B" { i += 1 }
        if i < l.endIndex, l[i] == "r" || l[i] == "R" { i += 1 }
        return i < l.endIndex && (l[i] == "\"" || l[i] == "'")
    }

    /// `^__([^\s]+)__(?::\s*[a-zA-Z.0-9_\[\]\"]+)? = `
    static func isDunderAssignment(_ l: ArraySlice<Unicode.Scalar>) -> Bool {
        guard hasPrefix(l, "__") else { return false }
        let l = Array(l)  // (indexed from 0)
        /// `[a-zA-Z.0-9_\[\]\"]`
        func isAnnotation(_ c: Unicode.Scalar) -> Bool {
            let v = c.value
            return (v | 0x20) &- 0x61 < 26 || v &- 0x30 < 10 || c == "." || c == "_" || c == "[" || c == "]" || c == "\""
        }
        // Try every end of the name (the regex backtracks over `[^\s]+`).
        var e = 2
        while e < l.count, !isSpace(l[e]) { e += 1 }
        var nameEnd = e
        while nameEnd >= 5 {
            if l[nameEnd - 2] == "_" && l[nameEnd - 1] == "_" && nameEnd - 2 > 2 {
                var i = nameEnd
                if hasPrefix(l[...], at: i, " = ") { return true }
                if i < l.count, l[i] == ":" {
                    i += 1
                    while i < l.count, isSpace(l[i]) { i += 1 }
                    var j = i
                    while j < l.count, isAnnotation(l[j]) { j += 1 }
                    // Backtracking over the annotation: any shorter run followed by " = ".
                    var k = j
                    while k > i {
                        if hasPrefix(l[...], at: k, " = ") { return true }
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
        let insides = stringInsides
        // Where `c` next occurs from `from`, or -1.
        func next(_ c: Unicode.Scalar, from: Int) -> Int {
            var skipper = StringInsides(insides)
            return l.withUnsafeBufferPointer { l in
                var i = skipper.skip(from)
                while i < l.count {
                    if l[i] == c { return i }
                    i = skipper.skip(i + 1)
                }
                return -1
            }
        }
        var found = next(":", from: 0)
        var prevFound = 0
        // Brackets opened minus closed, so far, per kind.
        var braces = 0, brackets = 0, parens = 0
        while found > -1 && found < last {
            var skipper = StringInsides(insides)
            var i = skipper.skip(prevFound)
            while i < found {
                switch l[i] {
                case "{": braces += 1
                case "}": braces -= 1
                case "[": brackets += 1
                case "]": brackets -= 1
                case "(": parens += 1
                case ")": parens -= 1
                default: break
                }
                i = skipper.skip(i + 1)
            }
            if braces <= 0 && brackets <= 0 && parens <= 0 && l[found + 1] != "=" {
                if Self.containsLambda(l[0..<found]) {
                    break
                }
                if Self.startsWithDef(l[...]) {
                    addAt("E704", 0)
                } else if Self.startsWithIndentStatement(l) {
                    addAt("E701", found)
                }
            }
            prevFound = found
            found = next(":", from: found + 1)
        }
        var semi = next(";", from: 0)
        while semi > -1 {
            addAt(semi < last ? "E702" : "E703", semi)
            semi = next(";", from: semi + 1)
        }
    }

    /// `\blambda\b` within the slice (its end counts as a boundary).
    static func containsLambda(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        var i = s.startIndex
        while i + 6 <= s.endIndex {
            if s[i] == "l", hasPrefix(s, at: i - s.startIndex, "lambda"), i == s.startIndex || !isWord(s[i - 1]),
               i + 6 == s.endIndex || !isWord(s[i + 6]) {
                return true
            }
            i += 1
        }
        return false
    }

    mutating func explicitLineJoin() {
        // Only a row that ends in a backslash can be reported: is one of the line's?
        guard let first = lineTokens.first, let last = lineTokens.last else { return }
        var lo = 0, hi = backslashRows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if backslashRows[mid] < first.start.row { lo = mid + 1 } else { hi = mid }
        }
        guard lo < backslashRows.count, backslashRows[lo] <= last.end.row else { return }
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
                    let index = tok.lineRows.upperBound - 2
                    let start = lineOffsets[index]
                    var end = lineOffsets[index + 1]
                    while end > start, scalars[end - 1] == "\n" || scalars[end - 1] == "\r" { end -= 1 }
                    backslash = end > start && scalars[end - 1] == "\\" ? (tok.end.row, end - start - 1) : nil
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

    /// E721, as pycodestyle's regular expression finds it (the first match in the line).
    mutating func comparisonType() {
        let l = logical
        let n = l.count
        // Either form of the match has `==` or `!=`: most lines have neither, and need no more.
        var insides = StringInsides(stringInsides)
        let compares = l.withUnsafeBufferPointer { l in
            var i = insides.skip(1)
            while i < n {
                if l[i] == "=", l[i - 1] == "=" || l[i - 1] == "!" { return true }
                i = insides.skip(i + 1)
            }
            return false
        }
        guard compares else { return }
        func isType(_ i: Int) -> Bool { Self.hasPrefix(l[...], at: i, "type") }
        /// `\s*\(\s*([^)]*[^\s)])\s*\)` from i: (end, group).
        func call(_ i: Int) -> (Int, ArraySlice<Unicode.Scalar>)? {
            var j = i
            while j < n, Self.isSpace(l[j]) { j += 1 }
            guard j < n, l[j] == "(" else { return nil }
            guard let close = l[(j + 1)...].firstIndex(of: ")") else { return nil }
            let inner = Self.strip(l[(j + 1)..<close])
            guard !inner.isEmpty else { return nil }
            return (close + 1, inner)
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

    static func isIdentifier(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let f = s.first, f == "_" || f.properties.isXIDStart else { return false }
        return s.dropFirst().allSatisfy { $0 == "_" || $0.properties.isXIDContinue }
    }

    mutating func ambiguousIdentifier() {
        let t = lineTokens
        guard t.count > 1, hasAmbiguousName else { return }  // (no finding without such a name)
        var funcDepth: Int? = nil
        var seenColon = false
        var depth = 0
        func isAmbiguous(_ s: ShortText) -> Bool { s == "l" || s == "O" || s == "I" }
        let first = t.startIndex
        var prevText = t[first].short, prevStart = t[first].start
        for index in (first + 1)..<t.endIndex {
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
            if funcDepth != nil, !seenColon, index < t.endIndex - 1, isAmbiguous(text) {
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

/// The insides of a logical line's long strings, which `buildTokensLine` made all "x": no check
/// of the line's characters finds anything there (nothing in them is white space, a bracket,
/// an operator or punctuation), and in docstrings lie most of the characters. The scans from
/// left to right jump over them with this.
struct StringInsides {
    /// The shortest inside worth a jump.
    static let shortest = 8

    private let runs: [Range<Int>]
    private var next = 0
    /// Where the next inside starts (`Int.max` when no other is ahead).
    private var nextStart: Int

    init(_ runs: [Range<Int>]) {
        self.runs = runs
        nextStart = runs.first?.lowerBound ?? .max
    }

    /// `i`, or the end of the inside it lies in (offsets given must not decrease).
    @inline(__always)
    mutating func skip(_ i: Int) -> Int {
        i < nextStart ? i : skipSlowly(i)
    }

    private mutating func skipSlowly(_ i: Int) -> Int {
        var i = i
        while next < runs.count, i >= runs[next].lowerBound {
            if i < runs[next].upperBound { i = runs[next].upperBound }
            next += 1
        }
        nextStart = next < runs.count ? runs[next].lowerBound : .max
        return i
    }
}
