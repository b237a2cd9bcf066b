import Rules
import SyntaxTree

/// Checkers that read physical lines, as pycodestyle's physical-line checks do.
let lineCheckers: [any Checker.Type] = [
    SyntaxErrorChecker.self, LineLengthChecker.self, TrailingWhitespaceChecker.self,
    EndOfFileChecker.self, TabIndentChecker.self, InvalidEscapeChecker.self,
]

extension CheckContext {
    /// Each physical line's text, computed once per candidate.
    var physicalLines: [String] {
        shared(PhysicalLinesBox.self) {
            PhysicalLinesBox((1...source.lineCount).map { source.text(ofLine: $0) })
        }.lines
    }
}

final class PhysicalLinesBox {
    let lines: [String]
    init(_ lines: [String]) { self.lines = lines }
}

/// How pycodestyle sees the lines of a string literal that spans lines: its physical-line
/// checks run on the string's text line by line, from the string's first line up to the line
/// before its last (the last is checked as an ordinary line). The first of them is the string's
/// text from its opening quote (not the whole line), and all of them are "multiline" (where a
/// long single word is allowed).
final class MultilineStrings {
    /// Line → the column (1-based) where the text pycodestyle checks starts on that line.
    let firstLineStart: [Int: Int]
    /// Lines checked as part of a multi-line string.
    let multiline: Set<Int>

    init(_ tree: Tree) {
        var first: [Int: Int] = [:]
        var lines = Set<Int>()
        tree.forEachNode { node in
            guard node.symbol == LineSymbols.string else { return true }
            let s = node.start, e = node.end
            if e.line > s.line {
                if first[s.line] == nil { first[s.line] = s.column }
                for l in s.line..<e.line { lines.insert(l) }
            }
            return false
        }
        firstLineStart = first
        multiline = lines
    }
}

enum LineSymbols {
    static let string = Symbols.named("string")
}

extension CheckContext {
    var multilineStrings: MultilineStrings { shared(MultilineStrings.self) { MultilineStrings(tree) } }
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
        let lines = context.physicalLines
        let strings = context.multilineStrings
        for rule in rules {
            guard let max = rule.int("max") else { continue }
            let allowURLs = rule.bool("allow-urls") ?? true
            for (i, raw) in lines.enumerated() {
                var line = Substring(raw)
                // The first line of a multi-line string is checked from the string's start.
                let offset = strings.firstLineStart[i + 1].map { $0 - 1 } ?? 0
                if offset > 0 { line = line.dropFirst(offset) }
                while let last = line.last, last == " " || last == "\t" || last == "\u{0B}" || last == "\u{0C}" {
                    line = line.dropLast()
                }
                let length = line.unicodeScalars.count
                guard length > max else { continue }
                if allowURLs {
                    // pycodestyle: a long URL in a comment, or one long word in a multi-line
                    // string, may run long.
                    let chunks = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                    if ((chunks.count == 1 && strings.multiline.contains(i + 1)) || (chunks.count == 2 && chunks[0] == "#")),
                       length - chunks.last!.unicodeScalars.count < max - 7 {
                        continue
                    }
                }
                report(rule.finding(SourcePosition(line: i + 1, column: offset + max + 1, offset: 0),
                                    SourcePosition(line: i + 1, column: offset + length + 1, offset: 0),
                                    ["length": String(length), "max": String(max)]))
            }
        }
    }
}

/// W291 (trailing whitespace) and W293 (whitespace on a blank line): `kind` says which.
struct TrailingWhitespaceChecker: Checker {
    static let name = "trailing-whitespace"
    static let parameters = ["kind": "`code-line` (W291) or `blank-line` (W293)"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let lines = context.physicalLines
        for rule in rules {
            let blank = rule.string("kind") == "blank-line"
            for (i, raw) in lines.enumerated() {
                let scalars = Array(raw.unicodeScalars)
                var end = scalars.count
                while end > 0, [" ", "\t", "\u{0B}"].contains(scalars[end - 1]) { end -= 1 }
                guard end < scalars.count else { continue }
                // pycodestyle strips a form feed too when the line is otherwise blank.
                let stripped = scalars[0..<end]
                let isBlank = stripped.allSatisfy { $0 == "\u{0C}" }
                guard isBlank == blank else { continue }
                let col = isBlank ? 1 : end + 1
                report(rule.finding(SourcePosition(line: i + 1, column: col, offset: 0),
                                    SourcePosition(line: i + 1, column: scalars.count + 1, offset: 0)))
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
        let lines = context.physicalLines
        let endsWithBreak = bytes.last == 0x0A || bytes.last == 0x0D
        for rule in rules {
            if rule.string("kind") == "missing-newline" {
                guard !endsWithBreak else { continue }
                let n = context.source.lineCount
                let col = lines[n - 1].unicodeScalars.count + 1
                report(rule.finding(SourcePosition(line: n, column: col, offset: 0),
                                    SourcePosition(line: n, column: col, offset: 0)))
            } else {
                // The last line is blank (it holds only a line break, or only whitespace).
                guard endsWithBreak else { continue }
                let n = context.source.lineCount
                guard lines[n - 1].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\u{0C}" }) else { continue }
                // pycodestyle reports the first of the trailing blank lines.
                var first = n
                while first > 1, lines[first - 2].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\u{0C}" }) {
                    first -= 1
                }
                guard first > 1 || n > 1 || !lines[0].isEmpty || bytes.count > 1 else { continue }
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
        let lines = context.physicalLines
        for rule in rules {
            for (i, line) in lines.enumerated() {
                let indent = line.prefix { $0 == " " || $0 == "\t" }
                guard let tab = indent.firstIndex(of: "\t") else { continue }
                let col = indent.distance(from: indent.startIndex, to: tab) + 1
                report(rule.finding(SourcePosition(line: i + 1, column: col, offset: 0),
                                    SourcePosition(line: i + 1, column: indent.count + 1, offset: 0)))
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
        let bytes = context.source.bytes
        var found: [(SourcePosition, SourcePosition, String)] = []
        context.tree.forEachNode { node in
            guard node.kind == "string" else { return true }
            let prefix = node.child(at: 0).map { String($0.text.prefix { $0 != "\"" && $0 != "'" }).lowercased() } ?? ""
            if prefix.contains("r") { return true }
            let valid = prefix.contains("b") ? Self.validBytes : Self.valid
            for part in node.children where part.kind == "string_content" {
                let r = part.byteRange
                var i = r.lowerBound
                while i < r.upperBound {
                    if bytes[i] == 0x5C {  // "\"
                        if i + 1 < r.upperBound, !valid.contains(bytes[i + 1]) {
                            let ch = String(decoding: bytes[(i + 1)..<min(i + 2, r.upperBound)], as: UTF8.self)
                            found.append((context.source.position(at: i), context.source.position(at: i + 2), ch))
                        }
                        i += 2
                        continue
                    }
                    i += 1
                }
            }
            return true
        }
        for rule in rules {
            for (s, e, ch) in found { report(rule.finding(s, e, ["char": ch])) }
        }
    }
}
