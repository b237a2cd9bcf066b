import CZlib
import Foundation

/// Reads a file in chunks, gzip-compressed or not (zlib reads plain files as they are), so that
/// inputs of any size stream through in constant memory.
final class ChunkReader {
    private let file: gzFile
    let path: String
    private var done = false
    private var pending: [UInt8] = []  // bytes peeked at and not handed on yet
    /// The size of a regular file (nil for standard input and other streams): a plain file is
    /// then read whole at once, into an array of its size.
    private var fileSize: Int? = nil

    /// Opens `path`, or standard input for "-".
    init(path: String) throws(InputIssue) {
        self.path = path
        let handle: gzFile?
        var bufferSize = 1 << 17
        if path == "-" {
            handle = gzdopen(dup(0), "rb")
        } else {
            var info = stat()
            if stat(path, &info) == 0 {
                if info.st_mode & S_IFMT == S_IFDIR {
                    throw InputIssue(path: path, message: "is a folder, not a file")
                }
                // A small file gets a small buffer: zlib's buffers of a large one are allocated
                // (and, past malloc's threshold, mapped and unmapped) for every file.
                if info.st_mode & S_IFMT == S_IFREG {
                    bufferSize = min(bufferSize, max(8192, Int(info.st_size) + 1))
                    fileSize = Int(info.st_size)
                }
            }
            handle = gzopen(path, "rb")
        }
        guard let handle else {
            throw InputIssue(path: path, message: String(cString: strerror(errno)))
        }
        gzbuffer(handle, UInt32(bufferSize))
        file = handle
    }

    deinit { gzclose(file) }

    /// Up to `size` leading bytes, which `next` still hands on (to sniff a format).
    func peek(size: Int) throws(InputIssue) -> [UInt8] {
        while pending.count < size, let chunk = try read(size: size - pending.count) { pending += chunk }
        return pending
    }

    /// The next chunk of at most `size` bytes, or nil at the end.
    func next(size: Int = 1 << 16) throws(InputIssue) -> [UInt8]? {
        if !pending.isEmpty {
            defer { pending = [] }
            return pending
        }
        return try read(size: size)
    }

    private func read(size: Int) throws(InputIssue) -> [UInt8]? {
        if done { return nil }
        var n: Int32 = 0
        // Uninitialized storage: zeroing a large buffer per small file would cost more than reading it.
        let buffer = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            n = gzread(file, buf.baseAddress, UInt32(size))
            count = max(0, Int(n))
        }
        if n < 0 {
            var code: Int32 = 0
            let message = String(cString: gzerror(file, &code))
            throw InputIssue(path: path, message: "cannot read: \(message)")
        }
        if n == 0 { done = true; return nil }
        // zlib hands back fewer bytes than asked only at the end of the file.
        if Int(n) < size { done = true }
        return buffer
    }

    /// The whole rest of the file.
    func readAll() throws(InputIssue) -> [UInt8] {
        // A file of known size in one read (one byte more, to see its end); chunks of 64 KiB
        // after that (below malloc's threshold for mapping memory, which costs system calls).
        guard var all = try next(size: fileSize.map { $0 + 1 } ?? 1 << 16) else { return [] }
        while let chunk = try next(size: 1 << 16) { all += chunk }
        return all
    }
}

extension ChunkReader {
    /// The whole of the regular file at `path`, read into an array of its size (a folder's
    /// files are read this way: zlib's state and buffers, and looking the path up twice, cost
    /// more than reading a small file); nil when it is not a regular file or starts as gzip
    /// data does, for `ChunkReader` to read. Errors are the ones `ChunkReader` gives.
    ///
    /// - Parameter location: the file's folder, open, and its name there, when known (opened
    ///   from there, the path is not looked up folder by folder).
    static func readPlainFile(_ path: String, in location: (folder: Int32, name: String)? = nil) throws(InputIssue) -> [UInt8]? {
        let fd = location.map { openat($0.folder, $0.name, O_RDONLY | O_CLOEXEC) } ?? open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputIssue(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw InputIssue(path: path, message: String(cString: strerror(errno))) }
        if info.st_mode & S_IFMT == S_IFDIR { throw InputIssue(path: path, message: "is a folder, not a file") }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        // One byte more than its size, to see its end: a read that stops short of it is at the
        // end (of a regular file), one that fills it finds a file that grew meanwhile, which is
        // read on in chunks to its end.
        var failure: Int32 = 0
        func chunk(_ capacity: Int, expected: Int) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = 0
                while count < capacity {
                    let r = readFile(fd, buffer.baseAddress! + count, capacity - count)
                    if r > 0 {
                        count += r
                        if count == expected { break }
                        continue
                    }
                    if r < 0 && errno == EINTR { continue }
                    if r < 0 { failure = errno }
                    break
                }
            }
        }
        let size = Int(info.st_size)
        var bytes = chunk(size + 1, expected: size)
        var full = bytes.count == size + 1
        while failure == 0 && full {
            let more = chunk(1 << 16, expected: -1)
            bytes += more
            full = more.count == 1 << 16
        }
        if failure != 0 { throw InputIssue(path: path, message: "cannot read: \(String(cString: strerror(failure)))") }
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B { return nil }
        return bytes
    }
}

/// The system's `read` (inside `ChunkReader`, `read` names its own method).
private func readFile(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

/// Splits a chunked file into lines (without terminators), numbering them from 1.
final class LineReader {
    private let chunks: ChunkReader
    private var buffer: [UInt8] = []
    private var position = 0
    private var scanned = 0  // bytes before this index hold no newline after `position`
    private(set) var lineNumber = 0
    private var atEnd = false

    init(_ chunks: ChunkReader) {
        self.chunks = chunks
    }

    var path: String { chunks.path }

    /// The next line, or nil at the end of the file.
    func next() throws(InputIssue) -> [UInt8]? {
        while true {
            if let nl = buffer[max(position, scanned)...].firstIndex(of: 0x0A) {
                var end = nl
                if end > position && buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[position..<end])
                position = nl + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                lineNumber += 1
                return line
            }
            scanned = buffer.count
            if position > 0 {
                buffer.removeSubrange(0..<position)
                scanned -= position
                position = 0
            }
            if let chunk = try chunks.next() { buffer += chunk } else { atEnd = true }
        }
    }
}
