/// A 1-based position in source text, as Ruff and pycodestyle report it: `line` counts lines
/// (a line ends at `\n`, `\r\n` or a lone `\r`, as Python reads source), `column` counts
/// characters (Unicode scalars) from the start of the line, and `offset` is the byte offset
/// into the UTF-8 bytes as given (a byte-order mark included).
public struct SourcePosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool { a.offset < b.offset }

    public var description: String { "\(line):\(column)" }
}

/// The bytes of one Python source, with what the parser and the reporters need to know about
/// them: a leading UTF-8 byte-order mark, line starts, and where the bytes are not valid UTF-8
/// or hold a NUL byte (both of which Python refuses).
public struct SourceText: Sendable {
    /// The bytes exactly as given.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts (index 0 is line 1).
    public let lineStarts: [Int]
    /// 3 when the text starts with a UTF-8 byte-order mark, else 0. Offsets still count it.
    public let byteOrderMarkLength: Int
    /// Offset of the first byte that is not valid UTF-8, if any.
    public let firstInvalidUTF8Offset: Int?
    /// Offset of the first NUL byte, if any.
    public let firstNulOffset: Int?
    /// Whether some line ends with a lone `\r` (old Mac line endings).
    public let hasLoneCarriageReturns: Bool

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        byteOrderMarkLength = bom ? 3 : 0
        var starts = [0]
        var nul: Int? = nil
        var loneCR = false
        bytes.withUnsafeBufferPointer { buf in
            let n = buf.count
            var i = 0
            while i < n {
                let b = buf[i]
                if b == 0x0A {
                    starts.append(i + 1)
                } else if b == 0x0D {
                    if i + 1 < n && buf[i + 1] == 0x0A {
                        i += 1
                    } else {
                        loneCR = true
                    }
                    starts.append(i + 1)
                } else if b == 0 && nul == nil {
                    nul = i
                }
                i += 1
            }
        }
        lineStarts = starts
        firstNulOffset = nul
        hasLoneCarriageReturns = loneCR
        firstInvalidUTF8Offset = SourceText.firstInvalidUTF8(in: bytes)
    }

    public init(_ string: String) {
        self.init(bytes: Array(string.utf8))
    }

    /// Number of lines: a final line with no terminator counts; an empty text has one line.
    public var lineCount: Int {
        if lineStarts.count > 1 && lineStarts.last == bytes.count { return lineStarts.count - 1 }
        return lineStarts.count
    }

    /// The 1-based line that holds byte `offset`.
    public func line(at offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// The position of byte `offset` (clamped to the text).
    public func position(at offset: Int) -> SourcePosition {
        let offset = max(0, min(offset, bytes.count))
        let line = line(at: offset)
        var start = lineStarts[line - 1]
        if line == 1 { start = min(byteOrderMarkLength, offset) }
        var column = 1
        var i = start
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }  // count scalars, not continuation bytes
            i += 1
        }
        return SourcePosition(line: line, column: column, offset: offset)
    }

    /// Byte range of 1-based `line`, without its terminator.
    public func byteRange(ofLine line: Int) -> Range<Int> {
        precondition(line >= 1 && line <= lineStarts.count, "line \(line) out of range")
        var start = lineStarts[line - 1]
        if line == 1 { start = byteOrderMarkLength }
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        return start..<end
    }

    /// The text of 1-based `line`, without its terminator (invalid UTF-8 becomes U+FFFD).
    public func text(ofLine line: Int) -> String {
        text(in: byteRange(ofLine: line))
    }

    /// The text of a byte range (invalid UTF-8 becomes U+FFFD).
    public func text(in range: Range<Int>) -> String {
        let lo = max(0, min(range.lowerBound, bytes.count))
        let hi = max(lo, min(range.upperBound, bytes.count))
        return bytes[lo..<hi].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// The whole text (invalid UTF-8 becomes U+FFFD; a byte-order mark is left out).
    public var string: String { text(in: byteOrderMarkLength..<bytes.count) }

    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buf -> Int? in
            let n = buf.count
            var i = 0
            while i < n {
                let b = buf[i]
                if b < 0x80 { i += 1; continue }
                let need: Int
                let minScalar: UInt32
                var scalar: UInt32
                if b & 0xE0 == 0xC0 { need = 1; minScalar = 0x80; scalar = UInt32(b & 0x1F) }
                else if b & 0xF0 == 0xE0 { need = 2; minScalar = 0x800; scalar = UInt32(b & 0x0F) }
                else if b & 0xF8 == 0xF0 { need = 3; minScalar = 0x10000; scalar = UInt32(b & 0x07) }
                else { return i }
                if i + need >= n { return i }  // truncated sequence
                for k in 1...need {
                    let c = buf[i + k]
                    if c & 0xC0 != 0x80 { return i }
                    scalar = scalar << 6 | UInt32(c & 0x3F)
                }
                if scalar < minScalar || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                    return i
                }
                i += need + 1
            }
            return nil
        }
    }
}
