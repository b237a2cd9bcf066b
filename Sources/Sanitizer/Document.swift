/// The candidate's text as lines, each remembering its 1-based line number in the input, so
/// that what the sanitizer removes can be reported against the text the user has.
struct Document {
    private(set) var lines: [Substring]
    private(set) var origin: [Int]

    init(_ text: String) {
        var lines: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        // Split on "\n", "\r\n" and a lone "\r", as Python does (a Character holds "\r\n").
        while i < text.endIndex {
            let c = text[i]
            if c == "\n" || c == "\r" || c == "\r\n" {
                lines.append(text[start..<i])
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        if start < text.endIndex || lines.isEmpty { lines.append(text[start...]) }
        self.lines = lines
        origin = Array(1...lines.count)
    }

    init(lines: [Substring], origin: [Int]) {
        self.lines = lines
        self.origin = origin
    }

    static func endsWithLineBreak(_ text: String) -> Bool {
        text.hasSuffix("\n") || text.hasSuffix("\r")
    }

    var joined: String { lines.joined(separator: "\n") + "\n" }
    var byteCount: Int { lines.reduce(0) { $0 + $1.utf8.count + 1 } }

    /// The first `k` lines as code.
    func prefix(_ k: Int) -> String {
        lines[0..<k].joined(separator: "\n") + "\n"
    }

    /// The document line (0-based) of a 1-based line in a tree parsed from `joined`.
    func lineIndex(ofTreeLine line: Int) -> Int { max(0, min(line - 1, lines.count)) }

    /// Whether line `k` (0-based) starts a top-level statement: not indented, not blank, not a
    /// comment.
    func startsTopLevelStatement(_ k: Int) -> Bool {
        guard k < lines.count, let first = lines[k].first else { return false }
        return first != " " && first != "\t" && first != "#"
    }

    /// The code with trailing blank lines dropped, ending with one line break ("" if empty).
    var trimmedCode: String {
        var end = lines.count
        while end > 0 && lines[end - 1].allSatisfy({ $0 == " " || $0 == "\t" }) { end -= 1 }
        if end == 0 { return "" }
        return lines[0..<end].joined(separator: "\n") + "\n"
    }

    /// Removes the lines at the given 0-based indices and reports them as removals of `kind`,
    /// one per run of consecutive input lines (blank lines alone are not reported).
    mutating func remove(_ indices: Set<Int>, as kind: Removal.Kind) -> [Removal] {
        remove(Dictionary(uniqueKeysWithValues: indices.map { ($0, kind) }))
    }

    /// Removes lines (0-based indices, each with the reason it goes) in one pass, and reports
    /// one removal per run of consecutive input lines of the same kind.
    mutating func remove(_ lines: [Int: Removal.Kind]) -> [Removal] {
        var removals: [Removal] = []
        var current: Removal? = nil
        var previous = Int.min  // input line of the last index looked at, blank or not
        for k in lines.keys.sorted() where k < self.lines.count {
            let kind = lines[k]!
            let blank = self.lines[k].allSatisfy { $0 == " " || $0 == "\t" }
            defer { previous = origin[k] }
            if var r = current, origin[k] == previous + 1, r.kind == kind || blank {
                if !blank { r.lastLine = origin[k] }
                current = r
                continue
            }
            if blank { continue }
            if let r = current { removals.append(r) }
            current = Removal(kind: kind, firstLine: origin[k], lastLine: origin[k],
                              excerpt: Document.excerpt(self.lines[k]))
        }
        if let r = current { removals.append(r) }
        var kept: [Substring] = [], keptOrigin: [Int] = []
        for k in self.lines.indices where lines[k] == nil {
            kept.append(self.lines[k])
            keptOrigin.append(origin[k])
        }
        self.lines = kept
        origin = keptOrigin
        return removals
    }

    static func excerpt(_ line: Substring) -> String {
        let t = trimmed(line)
        return t.count > 60 ? String(t.prefix(59)) + "…" : t
    }
}

/// `text` without leading and trailing spaces and tabs.
func trimmed(_ text: Substring) -> String {
    var s = text
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
}
