/// Reads a JSON Lines file (plain or gzip-compressed, or standard input for "-") a line at a
/// time, in constant memory, with each line's 1-based number for error messages.
public final class JSONLinesReader {
    private let lines: LineReader

    public init(path: String) throws(InputIssue) {
        lines = LineReader(try ChunkReader(path: path))
    }

    public var path: String { lines.path }

    /// The next line that is not blank, with its number; nil at the end.
    public func next() throws(InputIssue) -> (line: Int, bytes: [UInt8])? {
        while let bytes = try lines.next() {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            return (lines.lineNumber, bytes)
        }
        return nil
    }
}
