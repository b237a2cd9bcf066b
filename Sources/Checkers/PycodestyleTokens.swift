import SyntaxTree

/// Up to eight ASCII characters packed into an integer, so that token texts and words can be
/// compared with literals and looked up in sets without making a `String`. Any longer text,
/// or one with a non-ASCII or NUL character, is `ShortText.other`, which equals no literal.
struct ShortText: Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    let bits: UInt64

    /// Every text that does not pack (no packed text has all bits set: that needs 0xFF bytes).
    static let other = ShortText(bits: .max)

    fileprivate init(bits: UInt64) { self.bits = bits }

    /// Packs `scalars` (or gives `other`).
    @inline(__always)
    init(_ scalars: some Collection<Unicode.Scalar>) {
        guard scalars.count <= 8 else { self = .other; return }
        var bits: UInt64 = 0
        for c in scalars {
            guard c.value > 0 && c.value < 0x80 else { self = .other; return }
            bits = bits << 8 | UInt64(c.value)
        }
        self.bits = bits
    }

    /// Packs `count` scalars from `start` (or gives `other`): the same as the generic
    /// initialiser, for the hot loops that read through pointers.
    @inline(__always)
    init(_ start: UnsafePointer<Unicode.Scalar>, count: Int) {
        guard count <= 8 else { self = .other; return }
        var bits: UInt64 = 0
        for i in 0..<count {
            let v = start[i].value
            guard v > 0 && v < 0x80 else { self = .other; return }
            bits = bits << 8 | UInt64(v)
        }
        self.bits = bits
    }

    /// Packs `string` (or gives `other`), from its UTF-8 (no non-ASCII text packs).
    init(_ string: String) {
        var string = string
        self = string.withUTF8 { utf8 in
            guard utf8.count <= 8 else { return .other }
            var bits: UInt64 = 0
            for b in utf8 {
                guard b > 0 && b < 0x80 else { return .other }
                bits = bits << 8 | UInt64(b)
            }
            return ShortText(bits: bits)
        }
    }

    /// A literal, which must pack.
    @inline(__always)
    init(stringLiteral value: StaticString) {
        precondition(value.utf8CodeUnitCount <= 8, "ShortText literal longer than 8 bytes")
        var bits: UInt64 = 0
        let p = value.utf8Start
        for i in 0..<value.utf8CodeUnitCount { bits = bits << 8 | UInt64(p[i]) }
        self.bits = bits
    }

    var isEmpty: Bool { bits == 0 }

    /// The text (for messages); `other` has none to give and prints as "".
    var description: String {
        guard self != .other else { return "" }
        let count = (64 - bits.leadingZeroBitCount + 7) / 8
        return String(unsafeUninitializedCapacity: count) { out in
            for i in 0..<count { out[i] = UInt8(truncatingIfNeeded: bits >> (8 * (count - 1 - i))) }
            return count
        }
    }
}

/// A fixed set of short texts (keywords, operators). `Set<ShortText>` hashes with SipHash at
/// every lookup, and these run at every token and word: this is an open-addressing table with a
/// multiplicative hash instead (Fibonacci hashing, linear probing; at most a quarter full).
struct ShortTextSet: ExpressibleByArrayLiteral {
    /// The packed texts; `ShortText.other` marks an empty slot (it is never a member).
    private let slots: [UInt64]
    /// 64 minus the number of index bits.
    private let shift: UInt64

    init(_ members: [ShortText]) {
        var bits = 2
        while 1 << bits < 4 * members.count { bits += 1 }
        var slots = [UInt64](repeating: ShortText.other.bits, count: 1 << bits)
        shift = UInt64(64 - bits)
        for m in members where m != .other {
            var i = Self.slot(m.bits, shift)
            while slots[i] != ShortText.other.bits && slots[i] != m.bits { i = (i + 1) & (slots.count - 1) }
            slots[i] = m.bits
        }
        self.slots = slots
    }

    init(arrayLiteral members: ShortText...) { self.init(members) }

    /// The members of both.
    func union(_ other: [ShortText]) -> ShortTextSet {
        ShortTextSet(slots.filter { $0 != ShortText.other.bits }.map { ShortText(bits: $0) } + other)
    }

    @inline(__always)
    private static func slot(_ bits: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    @inline(__always)
    func contains(_ text: ShortText) -> Bool {
        guard text != .other else { return false }
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var i = Self.slot(text.bits, shift)
            while true {
                let s = slots[i]
                if s == text.bits { return true }
                if s == ShortText.other.bits { return false }
                i = (i + 1) & mask
            }
        }
    }
}

/// A Python token as CPython 3.11's `tokenize` module produces it, which is what pycodestyle's
/// checks read. Rows are 1-based, columns 0-based in Unicode scalars (as Python's). A plain
/// value: its text lies in `PyTokens.scalars`.
struct PyToken {
    enum Kind: Equatable { case name, number, string, op, comment, newline, nl, indent, dedent, errorToken, endMarker }
    var kind: Kind
    /// Where the token's text lies in `PyTokens.scalars`.
    let textRange: Range<Int>
    /// The text, packed when it is short (the checks compare token texts often).
    let short: ShortText
    var start: (row: Int, col: Int)
    var end: (row: Int, col: Int)
    /// The physical lines the token's `line` spans (first and last row); empty for none.
    var lineRows: Range<Int>

    init(kind: Kind, textRange: Range<Int>, short: ShortText, start: (row: Int, col: Int), end: (row: Int, col: Int), lineRows: Range<Int>) {
        self.kind = kind
        self.textRange = textRange
        self.short = short
        self.start = start
        self.end = end
        self.lineRows = lineRows
    }
}

/// Physical lines (with their line break, normalised to "\n", as Python's universal newlines
/// read them) and the tokens of a candidate.
struct PyTokens {
    /// Every line, one after the other: token texts are ranges of it (a string that spans
    /// lines too). One flat array rather than an array per line: no allocation per line.
    var scalars: [Unicode.Scalar] = []
    /// Where each line starts in `scalars` (index 0 is row 1), then where the last line ends
    /// (so line `i` is `lineOffsets[i]..<lineOffsets[i + 1]`; no line is empty).
    var lineOffsets: [Int] = [0]
    var tokens: [PyToken] = []
    /// Whether tokenizing failed (pycodestyle then reports E902 and stops at that point).
    var failed = false

    /// The number of physical lines.
    var lineCount: Int { lineOffsets.count - 1 }

    /// Python's operators and delimiters, as tokenize knows them: what `operatorLength` finds
    /// (kept as its reference).
    static let operators: [String] = [
        "**=", "...", "//=", ">>=", "<<=", "!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=",
        ":=", "<<", "<=", "==", ">=", ">>", "@=", "^=", "|=", "%", "&", "(", ")", "*", "+", ",", "-",
        ".", "/", ":", ";", "<", "=", ">", "@", "[", "]", "^", "{", "|", "}", "~",
    ]

    /// The length of the longest operator (of `operators`) at `start` of `line`, if one starts
    /// there. Spelt out as comparisons: this runs at every operator of every candidate.
    static func operatorLength(_ line: UnsafeBufferPointer<Unicode.Scalar>, at start: Int) -> Int? {
        let a = line[start]
        let b: Unicode.Scalar = start + 1 < line.count ? line[start + 1] : "\0"
        if start + 2 < line.count, line[start + 2] == "=", a == b, a == "*" || a == "/" || a == ">" || a == "<" {
            return 3  // **= //= >>= <<=
        }
        if a == ".", b == ".", start + 2 < line.count, line[start + 2] == "." { return 3 }
        switch a {
        case "!": return b == "=" ? 2 : nil
        case "%", "&", "+", "=", "@", "^", "|", ":": return b == "=" ? 2 : 1
        case "*": return b == "*" || b == "=" ? 2 : 1
        case "-": return b == "=" || b == ">" ? 2 : 1
        case "/": return b == "/" || b == "=" ? 2 : 1
        case "<": return b == "<" || b == "=" ? 2 : 1
        case ">": return b == ">" || b == "=" ? 2 : 1
        case "(", ")", ",", ".", ";", "[", "]", "{", "}", "~": return 1
        default: return nil
        }
    }

    /// The string prefixes tokenize knows (in any case): b r u f br rb fr rf.
    static func isStringPrefix(_ prefix: UnsafeBufferPointer<Unicode.Scalar>) -> Bool {
        guard prefix.count <= 2 else { return false }
        // Lowercased as ASCII: no other letter lowercases to one of these.
        func lower(_ i: Int) -> UInt32? {
            guard i < prefix.count else { return 0 }
            let v = prefix[i].value
            guard v < 0x80 else { return nil }
            return v >= 0x41 && v <= 0x5A ? v | 0x20 : v
        }
        guard let first = lower(0), let second = lower(1) else { return false }
        let b: UInt32 = 0x62, r: UInt32 = 0x72, u: UInt32 = 0x75, f: UInt32 = 0x66
        switch (first, second) {
        case (b, 0), (r, 0), (u, 0), (f, 0), (b, r), (r, b), (f, r), (r, f): return true
        default: return false
        }
    }

    @inline(__always)
    static func isWord(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 {  // ASCII, without looking up Unicode properties: a bit of [0-9A-Za-z_]
            return (v < 64 ? 0x03FF_0000_0000_0000 >> v : 0x07FF_FFFE_87FF_FFFE >> (v - 64)) & 1 != 0
        }
        return isNonASCIIWord(c)
    }
    @inline(never)
    static func isNonASCIIWord(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType != nil
    }
    @inline(__always)
    static func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 {
            return v == 0x5F || (v | 0x20) &- 0x61 < 26
        }
        return c.properties.isXIDStart
    }
    @inline(__always)
    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value &- 0x30 < 10 }

    init(bytes: [UInt8]) {
        // Decode UTF-8 straight into scalars (ASCII without any lookup; invalid bytes become
        // U+FFFD, as String(decoding:) would make them). There are never more scalars than
        // bytes, so the array is written in place.
        var offsets: [Int] = [0]
        offsets.reserveCapacity(bytes.count / 16 + 2)
        scalars = bytes.withUnsafeBufferPointer { buf in
            [Unicode.Scalar](unsafeUninitializedCapacity: buf.count) { out, written in
                let n = buf.count
                var i = 0, o = 0
                if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }  // a byte-order mark
                let ones: UInt64 = 0x0101_0101_0101_0101, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
                let highs: UInt64 = 0x8080_8080_8080_8080
                /// The high bit of each byte that is zero in `x` (of ASCII bytes; exact: no carry
                /// goes from one byte to the next).
                func zeros(_ x: UInt64) -> UInt64 { ~(((x & lows) &+ lows) | x) & highs }
                while i < n {
                    // Eight ASCII bytes without a "\r" (most of a file) go through as one word;
                    // the "\n" among them (zero once XOR-ed with it) start lines.
                    if i + 8 <= n {
                        let w = UInt64(littleEndian: UnsafeRawPointer(buf.baseAddress! + i).loadUnaligned(as: UInt64.self))
                        if w & highs == 0 && zeros(w ^ (0x0D * ones)) == 0 {
                            // Widened all at once (a scalar is its value, 32 bits).
                            let wide = SIMD8<UInt32>(truncatingIfNeeded: UnsafeRawPointer(buf.baseAddress! + i).loadUnaligned(as: SIMD8<UInt8>.self))
                            UnsafeMutableRawPointer(out.baseAddress! + o).storeBytes(of: wide, as: SIMD8<UInt32>.self)
                            var newlines = zeros(w ^ (0x0A * ones))
                            while newlines != 0 {
                                offsets.append(o + newlines.trailingZeroBitCount / 8 + 1)
                                newlines &= newlines &- 1
                            }
                            i += 8
                            o += 8
                            continue
                        }
                    }
                    let b = buf[i]
                    if b < 0x80 {
                        i += 1
                        if b == 0x0A {
                            out[o] = "\n"; o += 1; offsets.append(o)
                        } else if b == 0x0D {
                            out[o] = "\n"; o += 1; offsets.append(o)
                            if i < n && buf[i] == 0x0A { i += 1 }
                        } else {
                            out[o] = Unicode.Scalar(b); o += 1
                        }
                        continue
                    }
                    let need = b & 0xE0 == 0xC0 ? 1 : b & 0xF0 == 0xE0 ? 2 : b & 0xF8 == 0xF0 ? 3 : 0
                    var value = UInt32(need == 1 ? b & 0x1F : need == 2 ? b & 0x0F : b & 0x07)
                    var ok = need > 0 && i + need < n
                    if ok {
                        for k in 1...need where buf[i + k] & 0xC0 != 0x80 { ok = false }
                        if ok { for k in 1...need { value = value << 6 | UInt32(buf[i + k] & 0x3F) } }
                    }
                    if ok, let scalar = Unicode.Scalar(value),
                       value >= (need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000) {
                        out[o] = scalar
                        i += need + 1
                    } else {
                        out[o] = "\u{FFFD}"
                        i += 1
                    }
                    o += 1
                }
                written = o
            }
        }
        if offsets.last! < scalars.count { offsets.append(scalars.count) }  // a last line without a break
        lineOffsets = offsets
        (tokens, failed) = scalars.withUnsafeBufferPointer { text in
            var tokenizer = PyTokenizer(text: text, lineOffsets: offsets)
            tokenizer.tokenize()
            return (tokenizer.tokens, tokenizer.failed)
        }
    }

    /// Where a string that ends with `count` (1 or 3) `quote`s ends on `line` (after the
    /// quotes), from `from`.
    static func stringEnd(_ line: UnsafeBufferPointer<Unicode.Scalar>, from: Int, quote: Unicode.Scalar, count: Int) -> Int? {
        var i = from
        while i < line.count {
            let c = line[i]
            if c == "\\" { i += 2; continue }
            if c == quote, i + count <= line.count, count == 1 || (line[i + 1] == quote && line[i + 2] == quote) {
                return i + count
            }
            i += 1
        }
        return nil
    }

    /// The end of a number literal starting at `s` (as tokenize's Number pattern).
    static func numberEnd(_ l: UnsafeBufferPointer<Unicode.Scalar>, _ s: Int) -> Int {
        let n = l.count
        func digits(_ i: Int, _ ok: (Unicode.Scalar) -> Bool) -> Int {
            guard i < n, ok(l[i]) else { return i }
            var j = i + 1
            while j < n {
                if ok(l[j]) { j += 1 } else if l[j] == "_", j + 1 < n, ok(l[j + 1]) { j += 2 } else { break }
            }
            return j
        }
        let dec: (Unicode.Scalar) -> Bool = { $0 >= "0" && $0 <= "9" }
        if l[s] == "0", s + 1 < n {
            let k = l[s + 1]
            let hex: (Unicode.Scalar) -> Bool = { c in
                if c >= "0" && c <= "9" { return true }
                if c >= "a" && c <= "f" { return true }
                return c >= "A" && c <= "F"
            }
            let bin: (Unicode.Scalar) -> Bool = { $0 == "0" || $0 == "1" }
            let oct: (Unicode.Scalar) -> Bool = { $0 >= "0" && $0 <= "7" }
            var radix: ((Unicode.Scalar) -> Bool)? = nil
            if k == "x" || k == "X" { radix = hex } else if k == "b" || k == "B" { radix = bin } else if k == "o" || k == "O" { radix = oct }
            if let radix {
                var j = s + 2
                var any = false
                while j < n {
                    if radix(l[j]) { j += 1; any = true } else if l[j] == "_", j + 1 < n, radix(l[j + 1]) { j += 2; any = true } else { break }
                }
                if any { return j }
            }
        }
        var i = digits(s, dec)
        var isFloat = false
        if i < n, l[i] == "." { isFloat = true; i = digits(i + 1, dec) }
        if i < n, l[i] == "e" || l[i] == "E" {
            var j = i + 1
            if j < n, l[j] == "+" || l[j] == "-" { j += 1 }
            let k = digits(j, dec)
            if k > j { i = k; isFloat = true }
        }
        _ = isFloat
        if i < n, l[i] == "j" || l[i] == "J" { i += 1 }
        return i
    }
}

/// The tokenizer of CPython 3.11's `tokenize` module (pure Python, regular-expression based),
/// over the decoded text, which it reads through a pointer (it only lives while `PyTokens.init`
/// holds the text).
private struct PyTokenizer {
    let text: UnsafeBufferPointer<Unicode.Scalar>
    let lineOffsets: [Int]
    var tokens: [PyToken] = []
    var failed = false

    init(text: UnsafeBufferPointer<Unicode.Scalar>, lineOffsets: [Int]) {
        self.text = text
        self.lineOffsets = lineOffsets
        tokens.reserveCapacity(text.count / 4 + 16)
    }

    /// Line `index` (0-based), its break included, indexed from 0.
    @inline(__always)
    func line(_ index: Int) -> UnsafeBufferPointer<Unicode.Scalar> {
        UnsafeBufferPointer(rebasing: text[lineOffsets[index]..<lineOffsets[index + 1]])
    }

    /// Adds a token whose text runs from column `from` of row `fromRow` to column `to` of row
    /// `toRow` (both 1-based rows).
    @inline(__always)
    private mutating func emit(_ kind: PyToken.Kind, fromRow: Int, _ from: Int, toRow: Int, _ to: Int,
                               _ s: (Int, Int), _ e: (Int, Int), _ rows: Range<Int>) {
        let range = (lineOffsets[fromRow - 1] + from)..<(lineOffsets[toRow - 1] + to)
        let short = range.isEmpty ? "" : ShortText(text.baseAddress! + range.lowerBound, count: range.count)
        tokens.append(PyToken(kind: kind, textRange: range, short: short, start: s, end: e, lineRows: rows))
    }

    /// Adds a token whose text is columns `range` of row `row`.
    @inline(__always)
    private mutating func emit(_ kind: PyToken.Kind, row: Int, _ range: Range<Int>, _ s: (Int, Int), _ e: (Int, Int), _ rows: Range<Int>) {
        emit(kind, fromRow: row, range.lowerBound, toRow: row, range.upperBound, s, e, rows)
    }

    /// Adds a token with no text (an implicit NEWLINE, a DEDENT, the end marker).
    private mutating func emitEmpty(_ kind: PyToken.Kind, _ s: (Int, Int), _ e: (Int, Int), _ rows: Range<Int>) {
        tokens.append(PyToken(kind: kind, textRange: 0..<0, short: "", start: s, end: e, lineRows: rows))
    }

    mutating func tokenize() {
        var parenlev = 0, continued = false
        var indents = [0]
        var inString = false, needcont = false
        var strstart = (0, 0), contFirstRow = 0
        // The quote that ends the current string: the character and 1 or 3.
        var quote: Unicode.Scalar = "\"", quoteCount = 1
        var lnum = 0
        let total = lineOffsets.count - 1
        let none = UnsafeBufferPointer<Unicode.Scalar>(start: nil, count: 0)
        var line = none, lastLine = none
        while true {
            lastLine = line
            line = lnum < total ? self.line(lnum) : none
            lnum += 1
            var pos = 0
            let max = line.count
            if inString {
                if line.isEmpty { failed = true; return }
                if let end = PyTokens.stringEnd(line, from: 0, quote: quote, count: quoteCount) {
                    pos = end
                    emit(.string, fromRow: strstart.0, strstart.1, toRow: lnum, end, strstart, (lnum, end), contFirstRow..<(lnum + 1))
                    inString = false; needcont = false
                } else if needcont && !(line.count >= 2 && line[line.count - 2] == "\\" && line[line.count - 1] == "\n") {
                    emit(.errorToken, fromRow: strstart.0, strstart.1, toRow: lnum, line.count, strstart, (lnum, line.count), contFirstRow..<lnum)
                    inString = false
                    continue
                } else {
                    continue  // the string goes on to the next line
                }
            } else if parenlev == 0 && !continued {
                if line.isEmpty { break }
                var column = 0
                while pos < max {
                    let c = line[pos]
                    if c == " " { column += 1 } else if c == "\t" { column = (column / 8 + 1) * 8 }
                    else if c == "\u{0C}" { column = 0 } else { break }
                    pos += 1
                }
                if pos == max { break }
                if line[pos] == "#" || line[pos] == "\r" || line[pos] == "\n" {
                    if line[pos] == "#" {
                        var e = max
                        while e > pos, line[e - 1] == "\n" || line[e - 1] == "\r" { e -= 1 }
                        emit(.comment, row: lnum, pos..<e, (lnum, pos), (lnum, e), lnum..<(lnum + 1))
                        pos = e
                    }
                    emit(.nl, row: lnum, pos..<max, (lnum, pos), (lnum, max), lnum..<(lnum + 1))
                    continue
                }
                if column > indents.last! {
                    indents.append(column)
                    emit(.indent, row: lnum, 0..<pos, (lnum, 0), (lnum, pos), lnum..<(lnum + 1))
                }
                while column < indents.last! {
                    if !indents.contains(column) { failed = true; return }
                    indents.removeLast()
                    emitEmpty(.dedent, (lnum, pos), (lnum, pos), lnum..<(lnum + 1))
                }
            } else {
                if line.isEmpty { failed = true; return }
                continued = false
            }
            while pos < max {
                // Whitespace, then one token.
                var start = pos
                while start < max, line[start] == " " || line[start] == "\u{0C}" || line[start] == "\t" { start += 1 }
                if start == max { pos = max; break }
                let c = line[start]
                // A backslash before the line break: a continued statement.
                if c == "\\" {
                    if start + 1 < max, line[start + 1] == "\n" { continued = true; pos = start + 2; continue }
                    if start + 2 < max, line[start + 1] == "\r", line[start + 2] == "\n" { continued = true; pos = start + 3; continue }
                    emit(.errorToken, row: lnum, pos..<(pos + 1), (lnum, pos), (lnum, pos + 1), lnum..<(lnum + 1))
                    pos += 1
                    continue
                }
                if c == "#" {
                    var e = start
                    while e < max, line[e] != "\r", line[e] != "\n" { e += 1 }
                    emit(.comment, row: lnum, start..<e, (lnum, start), (lnum, e), lnum..<(lnum + 1))
                    pos = e
                    continue
                }
                // A word (a name, or a string's prefix): scanned once, for both.
                let isWordStart = PyTokens.isWord(c)
                var wordEnd = start
                if isWordStart {
                    wordEnd += 1
                    while wordEnd < max, PyTokens.isWord(line[wordEnd]) { wordEnd += 1 }
                }
                // String prefix and quotes (a prefix has at most two characters, no digit).
                let q = wordEnd
                if q < max, line[q] == "'" || line[q] == "\"" {
                    if q == start || (q - start <= 2 && PyTokens.isStringPrefix(UnsafeBufferPointer(rebasing: line[start..<q]))) {
                        let qc = line[q]
                        let triple = q + 2 < max && line[q + 1] == qc && line[q + 2] == qc
                        if triple {
                            if let end = PyTokens.stringEnd(line, from: q + 3, quote: qc, count: 3) {
                                emit(.string, row: lnum, start..<end, (lnum, start), (lnum, end), lnum..<(lnum + 1))
                                pos = end
                            } else {
                                strstart = (lnum, start); contFirstRow = lnum
                                quote = qc; quoteCount = 3; inString = true; needcont = false
                                pos = max
                                break
                            }
                            continue
                        }
                        // A one-quote string: ends on this line, or continues with a backslash.
                        var i = q + 1
                        var closed = false, cont = false
                        while i < max {
                            let ch = line[i]
                            if ch == "\\" {
                                if i + 1 < max, line[i + 1] == "\n" { cont = i + 2 == max; i += 2; break }
                                if i + 2 < max, line[i + 1] == "\r", line[i + 2] == "\n" { cont = true; i += 3; break }
                                i += 2; continue
                            }
                            if ch == "\n" { break }
                            if ch == qc { closed = true; i += 1; break }
                            i += 1
                        }
                        if closed {
                            emit(.string, row: lnum, start..<i, (lnum, start), (lnum, i), lnum..<(lnum + 1))
                            pos = i
                            continue
                        }
                        if cont {
                            strstart = (lnum, start); contFirstRow = lnum
                            quote = qc; quoteCount = 1; inString = true; needcont = true
                            pos = max
                            break
                        }
                        // An unterminated quote: no pseudo-token matches here.
                        emit(.errorToken, row: lnum, pos..<(pos + 1), (lnum, pos), (lnum, pos + 1), lnum..<(lnum + 1))
                        pos += 1
                        continue
                    }
                }
                if PyTokens.isDigit(c) || (c == "." && start + 1 < max && PyTokens.isDigit(line[start + 1])) {
                    let e = PyTokens.numberEnd(line, start)
                    emit(.number, row: lnum, start..<e, (lnum, start), (lnum, e), lnum..<(lnum + 1))
                    pos = e
                    continue
                }
                if c == "\n" || c == "\r" {
                    var e = start + 1
                    if c == "\r", e < max, line[e] == "\n" { e += 1 }
                    emit(parenlev > 0 ? .nl : .newline, row: lnum, start..<e, (lnum, start), (lnum, e), lnum..<(lnum + 1))
                    pos = e
                    continue
                }
                if !isWordStart, let length = PyTokens.operatorLength(line, at: start) {  // (no word is one)
                    if length == 1 {
                        if c == "(" || c == "[" || c == "{" { parenlev += 1 }
                        else if c == ")" || c == "]" || c == "}" { parenlev -= 1 }
                    }
                    emit(.op, row: lnum, start..<(start + length), (lnum, start), (lnum, start + length), lnum..<(lnum + 1))
                    pos = start + length
                    continue
                }
                if isWordStart {
                    if PyTokens.isIdentStart(c) {
                        emit(.name, row: lnum, start..<wordEnd, (lnum, start), (lnum, wordEnd), lnum..<(lnum + 1))
                    }
                    pos = wordEnd
                    continue
                }
                emit(.errorToken, row: lnum, pos..<(pos + 1), (lnum, pos), (lnum, pos + 1), lnum..<(lnum + 1))
                pos += 1
            }
        }
        if inString { failed = true; return }
        if parenlev > 0 || continued { failed = true; return }
        // As tokenize: an implicit NEWLINE when the last line read has no line break (when the
        // file ends in a line of blanks, that is the line before it, and the end comes a row
        // earlier).
        if let last = lastLine.last, last != "\n" {
            let stripped = lastLine.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
            if stripped.first != "#" {
                emitEmpty(.newline, (lnum - 1, lastLine.count), (lnum - 1, lastLine.count + 1), 0..<0)
            }
        }
        for _ in indents.dropFirst() {
            emitEmpty(.dedent, (lnum, 0), (lnum, 0), 0..<0)
        }
        emitEmpty(.endMarker, (lnum, 0), (lnum, 0), 0..<0)
    }
}
