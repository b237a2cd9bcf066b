import Rules
import SyntaxTree

/// Checkers that read physical lines, as pycodestyle's physical-line checks do.
let lineCheckers: [any Checker.Type] = [
    SyntaxErrorChecker.self, LineLengthChecker.self, TrailingWhitespaceChecker.self,
    EndOfFileChecker.self, TabIndentChecker.self, InvalidEscapeChecker.self,
]

/// The physical lines of a candidate as byte ranges (without their line break), and their
/// lengths in characters, computed once per candidate: the line checkers read bytes, not strings.
final class ByteLines {
    let bytes: [UInt8]
    let ranges: [Range<Int>]

    init(_ source: SourceText) {
        bytes = source.bytes
        ranges = (1...source.lineCount).map { source.byteRange(ofLine: $0) }
    }

    /// Characters (Unicode scalars) in a byte range: every byte that is not a continuation byte.
    func characters(_ r: Range<Int>) -> Int {
        var n = 0
        for i in r where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// The range without trailing bytes in `strip`.
    func trimmingEnd(_ r: Range<Int>, _ strip: (UInt8) -> Bool) -> Range<Int> {
        var end = r.upperBound
        while end > r.lowerBound && strip(bytes[end - 1]) { end -= 1 }
        return r.lowerBound..<end
    }
}

/// How pycodestyle sees the lines of a string literal that spans lines: its physical-line
/// checks run on each line from the string's first up to the line before its last (the last is
/// checked as an ordinary line), as "multiline" lines, where one long word (a URL) is allowed.
final class MultilineStrings {
    /// Lines checked as part of a multi-line string.
    let multiline: Set<Int>

    init(_ x: SyntaxIndex) {
        var lines = Set<Int>()
        let next = x.next
        let source = x.source
        // The outermost strings (a string inside an f-string's braces is inside its string).
        var outerEnd = 0
        for i in x.strings where i >= outerEnd {
            let s = source.line(at: x.start(i)), e = source.line(at: x.end(i))
            if e > s { for l in s..<e { lines.insert(l) } }
            outerEnd = Int(next[i])
        }
        multiline = lines
    }
}


/// E999: the candidate is not valid Python (each syntax error, where it is).
struct SyntaxErrorChecker: Checker {
    static let name = "syntax-error"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let errors = context.tree.syntaxErrors
        for rule in rules {
            for e in errors { report(rule.finding(e.start, e.end, ["error": e.message])) }
        }
    }
}

/// Lines longer than `max` characters (E501 at 79, the paper's convention at 70). As
/// pycodestyle: trailing whitespace does not count, and a comment line that is one long URL is
/// allowed (`allow-urls`).
struct LineLengthChecker: Checker {
    static let name = "line-length"
    static let parameters = ["max": "longest line allowed, in characters",
                             "allow-urls": "allow a comment that is one long word, as pycodestyle does"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let lines = context.byteLines
        let bytes = lines.bytes
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            let allowURLs = rule.bool("allow-urls") ?? true
            let maxText = String(max)
            for (i, range) in lines.ranges.enumerated() {
                // Quick exit: a line of at most `max` bytes has at most `max` characters.
                guard range.count > max else { continue }
                // As Python's rstrip(): spaces, tabs, vertical tabs, form feeds.
                let line = lines.trimmingEnd(range) { $0 == 0x20 || $0 == 0x09 || $0 == 0x0B || $0 == 0x0C }
                let length = lines.characters(line)
                guard length > max else { continue }
                if i == 0 && line.count >= 2 && bytes[line.lowerBound] == 0x23 && bytes[line.lowerBound + 1] == 0x21 {
                    continue  // a shebang line
                }
                if allowURLs {
                    // pycodestyle: a comment `# <one long chunk>` (a URL), or one long chunk on a
                    // line inside a multi-line string, may run long. (The line's first chunks, up
                    // to three, as pycodestyle's `split()`: how many, the first, the last.)
                    var chunkCount = 0
                    var firstChunk = 0..<0, lastChunk = 0..<0
                    var j = line.lowerBound
                    while j < line.upperBound && chunkCount < 3 {
                        while j < line.upperBound && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
                        let start = j
                        while j < line.upperBound && bytes[j] != 0x20 && bytes[j] != 0x09 { j += 1 }
                        if j > start {
                            if chunkCount == 0 { firstChunk = start..<j }
                            lastChunk = start..<j
                            chunkCount += 1
                        }
                    }
                    let isHash = chunkCount == 2 && firstChunk.count == 1 && bytes[firstChunk.lowerBound] == 0x23
                    // (Which lines lie in multi-line strings is worked out only for a long line.)
                    if (chunkCount == 1 && context.multilineStrings.multiline.contains(i + 1)) || isHash,
                       length - lines.characters(lastChunk) < max - 7 {
                        continue
                    }
                }
                report(rule.finding(SourcePosition(line: i + 1, column: max + 1, offset: 0),
                                    SourcePosition(line: i + 1, column: length + 1, offset: 0),
                                    [("length", String(length)), ("max", maxText)]))
            }
        }
    }
}

/// W291 (trailing whitespace) and W293 (whitespace on a blank line): `kind` says which.
struct TrailingWhitespaceChecker: Checker {
    static let name = "trailing-whitespace"
    static let parameters = ["kind": "`code-line` (W291) or `blank-line` (W293)"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let lines = context.byteLines
        let bytes = lines.bytes
        for rule in rules {
            let blank = rule.string("kind") == "blank-line"
            for (i, range) in lines.ranges.enumerated() {
                guard let last = range.last.map({ bytes[$0] }), last == 0x20 || last == 0x09 || last == 0x0B else { continue }
                let stripped = lines.trimmingEnd(range) { $0 == 0x20 || $0 == 0x09 || $0 == 0x0B }
                // pycodestyle strips a form feed too when the line is otherwise blank.
                let isBlank = bytes[stripped].allSatisfy { $0 == 0x0C }
                guard isBlank == blank else { continue }
                let total = lines.characters(range)
                let col = isBlank ? 1 : lines.characters(stripped) + 1
                report(rule.finding(SourcePosition(line: i + 1, column: col, offset: 0),
                                    SourcePosition(line: i + 1, column: total + 1, offset: 0)))
            }
        }
    }
}

/// W292 (no line break after the last line) and W391 (blank lines at the end): `kind` says which.
struct EndOfFileChecker: Checker {
    static let name = "end-of-file"
    static let parameters = ["kind": "`missing-newline` (W292) or `blank-lines` (W391)"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let bytes = context.source.bytes
        guard !bytes.isEmpty else { return }
        let lines = context.byteLines
        let endsWithBreak = bytes.last == 0x0A || bytes.last == 0x0D
        for rule in rules {
            if rule.string("kind") == "missing-newline" {
                guard !endsWithBreak else { continue }
                let n = context.source.lineCount
                let col = lines.characters(lines.ranges[n - 1]) + 1
                report(rule.finding(SourcePosition(line: n, column: col, offset: 0),
                                    SourcePosition(line: n, column: col, offset: 0)))
            } else {
                // As pycodestyle: the last line holds only a line break (a last line of
                // whitespace is W293's), and the finding is on that last line.
                guard endsWithBreak else { continue }
                let n = context.source.lineCount
                guard lines.ranges[n - 1].isEmpty else { continue }
                let first = n
                report(rule.finding(SourcePosition(line: first, column: 1, offset: 0),
                                    SourcePosition(line: n, column: 1, offset: 0)))
            }
        }
    }
}

/// W191: indentation that contains a tab.
struct TabIndentChecker: Checker {
    static let name = "tab-indent"
    static let parameters: [String: String] = [:]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let lines = context.byteLines
        let bytes = lines.bytes
        for rule in rules {
            for (i, range) in lines.ranges.enumerated() {
                var end = range.lowerBound
                while end < range.upperBound && (bytes[end] == 0x20 || bytes[end] == 0x09) { end += 1 }
                guard let tab = bytes[range.lowerBound..<end].firstIndex(of: 0x09) else { continue }
                report(rule.finding(SourcePosition(line: i + 1, column: tab - range.lowerBound + 1, offset: 0),
                                    SourcePosition(line: i + 1, column: end - range.lowerBound + 1, offset: 0)))
            }
        }
    }
}

/// W605: a backslash in a string that is not a valid escape sequence (`"\d"`).
struct InvalidEscapeChecker: Checker {
    static let name = "invalid-escape"
    static let parameters: [String: String] = [:]
    static let valid: Set<UInt8> = Set("\n\r\\'\"abfnrtv01234567xNuU".utf8)
    static let validBytes: Set<UInt8> = Set("\n\r\\'\"abfnrtv01234567x".utf8)

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let x = context.index
        let bytes = x.source.bytes
        let symbols = x.symbol, next = x.next
        let content = Symbols.stringContent
        var found: [(SourcePosition, SourcePosition, String)] = []
        for n in x.strings {
            // No backslash in the string, nothing to report (the quick answer for most).
            var hasBackslash = false
            for i in x.start(n)..<x.end(n) where bytes[i] == 0x5C { hasBackslash = true; break }
            guard hasBackslash else { continue }
            // The prefix: the first child's text up to a quote, lowercased.
            var raw = false, isBytes = false
            if n + 1 < Int(next[n]) {
                let first = n + 1
                var ascii = true
                var i = x.start(first)
                while i < x.end(first) {
                    let b = bytes[i]
                    if b == 0x22 || b == 0x27 {
                        if i + 1 < x.end(first) && bytes[i + 1] >= 0x80 { ascii = false }
                        break
                    }
                    if b >= 0x80 { ascii = false; break }
                    if b == 0x72 || b == 0x52 { raw = true }
                    if b == 0x62 || b == 0x42 { isBytes = true }
                    i += 1
                }
                if !ascii {
                    let prefix = String(x.text(first).prefix { $0 != "\"" && $0 != "'" }).lowercased()
                    raw = prefix.contains("r")
                    isBytes = prefix.contains("b")
                }
            }
            if raw { continue }
            let valid = isBytes ? Self.validBytes : Self.valid
            var part = n + 1
            while part < Int(next[n]) {
                defer { part = Int(next[part]) }
                guard symbols[part] == content else { continue }
                let r = x.start(part)..<x.end(part)
                var i = r.lowerBound
                while i < r.upperBound {
                    if bytes[i] == 0x5C {  // "\"
                        if i + 1 < r.upperBound, !valid.contains(bytes[i + 1]) {
                            let ch = String(decoding: bytes[(i + 1)..<min(i + 2, r.upperBound)], as: UTF8.self)
                            found.append((x.source.position(at: i), x.source.position(at: i + 2), ch))
                        }
                        i += 2
                        continue
                    }
                    i += 1
                }
            }
        }
        for rule in rules {
            for (s, e, ch) in found { report(rule.finding(s, e, ["char": ch])) }
        }
    }
}
