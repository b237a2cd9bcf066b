/// Streams a bigcode-evaluation-harness `generations.json` — a JSON list that holds, for each
/// task, a list of generated strings — one string at a time, so that a large file never sits in
/// memory whole.
final class GenerationsParser {
    private let chunks: ChunkReader
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// 1-based line of the file where the last string returned started.
    private(set) var line = 1
    private var currentLine = 1
    private var task = -1
    private var index = 0
    private enum State { case start, taskListOrEnd, itemOrEndOfTask, afterItem, afterTask, done }
    private var state = State.start

    init(_ chunks: ChunkReader) {
        self.chunks = chunks
    }

    private func fail(_ message: String) -> InputIssue {
        InputIssue(path: chunks.path, line: currentLine, message: message)
    }

    private func peek() throws(InputIssue) -> UInt8? {
        while position >= buffer.count {
            if atEnd { return nil }
            if let chunk = try chunks.next() {
                buffer = chunk
                position = 0
            } else {
                atEnd = true
            }
        }
        return buffer[position]
    }

    private func advance() throws(InputIssue) -> UInt8? {
        guard let b = try peek() else { return nil }
        position += 1
        if b == 0x0A { currentLine += 1 }
        return b
    }

    private func skipSpace() throws(InputIssue) -> UInt8? {
        while let b = try peek() {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0xEF || b == 0xBB || b == 0xBF {
                _ = try advance()
            } else {
                return b
            }
        }
        return nil
    }

    private func expect(_ what: String) -> InputIssue {
        fail("not a bigcode generations list: expected \(what)")
    }

    /// The next generation: its task's position in the file, its position in the task's list,
    /// and its text; nil after the last.
    func next() throws(InputIssue) -> (task: Int, index: Int, text: String)? {
        while true {
            let b = try skipSpace()
            switch state {
            case .start:
                guard b == 0x5B else { throw expect("`[` at the start") }
                _ = try advance()
                state = .taskListOrEnd
            case .taskListOrEnd:
                if b == 0x5D { _ = try advance(); state = .done; continue }
                guard b == 0x5B else { throw expect("a list of generations for each task") }
                _ = try advance()
                task += 1
                index = 0
                state = .itemOrEndOfTask
            case .itemOrEndOfTask:
                if b == 0x5D, index == 0 { _ = try advance(); state = .afterTask; continue }
                guard b == 0x22 else { throw expect("a string (a generation)") }
                line = currentLine
                let text = try string()
                index += 1
                state = .afterItem
                return (task, index - 1, text)
            case .afterItem:
                if b == 0x2C { _ = try advance(); state = .itemOrEndOfTask; continue }
                guard b == 0x5D else { throw expect("`,` or `]` after a generation") }
                _ = try advance()
                state = .afterTask
            case .afterTask:
                if b == 0x2C { _ = try advance(); state = .taskListOrEnd; continue }
                guard b == 0x5D else { throw expect("`,` or `]` after a task's list") }
                _ = try advance()
                state = .done
            case .done:
                guard b == nil else { throw fail("unexpected text after the end of the list") }
                return nil
            }
        }
    }

    /// Reads a JSON string (the opening quote is next).
    private func string() throws(InputIssue) -> String {
        _ = try advance()
        var bytes: [UInt8] = []
        var pendingHigh: UInt32? = nil
        func appendScalar(_ v: UInt32) {
            var out: [UInt8] = []
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            bytes += out
        }
        while true {
            guard let b = try advance() else { throw fail("the file ends inside a string") }
            if b == 0x22 { break }
            if b < 0x20 { throw fail("a control character inside a string") }
            if b != 0x5C {
                if let h = pendingHigh { appendScalar(h); pendingHigh = nil }
                bytes.append(b)
                continue
            }
            guard let e = try advance() else { throw fail("the file ends inside a string") }
            if e == 0x75 {  // \uXXXX, with surrogate pairs
                var v: UInt32 = 0
                for _ in 0..<4 {
                    guard let h = try advance(), let d = hexValue(h) else { throw fail("a bad \\u escape") }
                    v = v << 4 | d
                }
                if (0xD800...0xDBFF).contains(v) {
                    if let h = pendingHigh { appendScalar(h) }
                    pendingHigh = v
                } else if (0xDC00...0xDFFF).contains(v), let h = pendingHigh {
                    appendScalar(0x10000 + ((h - 0xD800) << 10) + (v - 0xDC00))
                    pendingHigh = nil
                } else {
                    if let h = pendingHigh { appendScalar(h); pendingHigh = nil }
                    appendScalar(v)
                }
                continue
            }
            if let h = pendingHigh { appendScalar(h); pendingHigh = nil }
            switch e {
            case 0x22: bytes.append(0x22)
            case 0x5C: bytes.append(0x5C)
            case 0x2F: bytes.append(0x2F)
            case 0x62: bytes.append(0x08)
            case 0x66: bytes.append(0x0C)
            case 0x6E: bytes.append(0x0A)
            case 0x72: bytes.append(0x0D)
            case 0x74: bytes.append(0x09)
            default: throw fail("a bad escape in a string")
            }
        }
        if let h = pendingHigh { appendScalar(h) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }
}
