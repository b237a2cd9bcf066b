import Foundation

/// Reads candidates from where users keep them, one at a time (nothing is held but the record
/// at hand):
///
/// - a `.py` file: one candidate;
/// - a folder: every `.py` file below it, in sorted order (hidden folders, `__pycache__` and
///   virtual environments skipped); files laid out as EvalPlus does, `<model>/<Task_N>/<i>.py`,
///   get task `Task/N`, completion `i` and that model;
/// - an EvalPlus samples file (`.jsonl`, or `.jsonl.gz`): one JSON object a line with `task_id`
///   and `solution`, or `completion` (which is joined to the dataset's prompt), and optionally
///   `completion_id`, `model`, `entry_point`;
/// - a bigcode-evaluation-harness `generations.json`: a list with, for each task in dataset
///   order, a list of generations;
/// - `-`: standard input, in any of those formats (found by its first byte).
///
/// A malformed record or file is reported as an `InputIssue` naming the file and line, and the
/// others still flow.
public struct CandidateReader {
    /// The benchmark the candidates answer: gives prompts (for `completion` records and to know
    /// which lines the model wrote), entry points, and task ids for bigcode generations.
    public var problems: ProblemSet?
    /// The model to name when the input does not (a record's own `model` field wins).
    public var model: String?

    public init(problems: ProblemSet? = nil, model: String? = nil) {
        self.problems = problems
        self.model = model
    }

    /// What a reader hands on: a candidate, or the reason a record or file was skipped.
    public enum Item {
        case candidate(Candidate)
        case issue(InputIssue)
    }

    /// Reads every path in order and calls `body` with each candidate or issue. An error thrown
    /// by `body` stops the reading and is rethrown.
    public func read(_ paths: [String], _ body: (Item) throws -> Void) rethrows {
        for path in paths {
            try read(path, body)
        }
    }

    /// The input formats the reader knows.
    public enum Format: String, Sendable, CaseIterable {
        case python, jsonl, generations
    }

    /// Reads one path (a file, a folder, or `-`).
    public func read(_ path: String, _ body: (Item) throws -> Void) rethrows {
        var isDir: ObjCBool = false
        if path != "-" {
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                try body(.issue(InputIssue(path: path, message: "no such file or folder")))
                return
            }
        }
        if isDir.boolValue {
            try readFolder(path, body)
            return
        }
        let chunks: ChunkReader
        let format: Format
        do {
            chunks = try ChunkReader(path: path)
            format = try CandidateReader.format(of: path, chunks)
        } catch {
            try body(.issue(error))
            return
        }
        switch format {
        case .python:
            let bytes: [UInt8]
            do throws(InputIssue) { bytes = try chunks.readAll() } catch {
                try body(.issue(error))
                return
            }
            try readPython(path: chunks.path, bytes, layout: nil, body)
        case .jsonl: try readJSONL(chunks, body)
        case .generations: try readGenerations(chunks, body)
        }
    }

    /// The format of a file: by its name where that says it, else by its first bytes (which
    /// stay in `chunks` for the reader).
    static func format(of path: String, _ chunks: ChunkReader) throws(InputIssue) -> Format {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".py") { return .python }
        if name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.gz") { return .jsonl }
        // Sniff: JSON Lines start with "{", bigcode generations with "[", anything else is code.
        let head = try chunks.peek(size: 4096)
        let first = head.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if path != "-" && name.hasSuffix(".json") && first != 0x5B {
            throw InputIssue(path: path, message:
                "a .json candidate file must be a bigcode generations list (`[[...], ...]`)")
        }
        switch first {
        case 0x7B: return .jsonl
        case 0x5B: return .generations
        default: return .python
        }
    }

    // MARK: Python files and folders

    /// Task, completion and model of a file in EvalPlus's `<model>/<Task_N>/<i>.py` layout.
    struct Layout { var taskID: String; var completionID: Int; var model: String? }

    static func evalplusLayout(of path: String) -> Layout? {
        // The last three components, found from the end (this runs on every file of a folder).
        let bytes = Array(path.utf8)
        func component(endingAt end: Int) -> (Int, Int)? {
            var i = end
            while i > 0 && bytes[i - 1] != 0x2F { i -= 1 }
            return i < end ? (i, end) : nil
        }
        var end = bytes.count
        while end > 0 && bytes[end - 1] == 0x2F { end -= 1 }
        guard let (fileStart, fileEnd) = component(endingAt: end) else { return nil }
        func text(_ range: (Int, Int)) -> Substring {
            Substring(decoding: bytes[range.0..<range.1], as: UTF8.self)
        }
        let file = text((fileStart, fileEnd))
        guard file.hasSuffix(".py"), let completion = Int(file.dropLast(3)) else { return nil }
        var taskEnd = fileStart
        while taskEnd > 0 && bytes[taskEnd - 1] == 0x2F { taskEnd -= 1 }
        guard let taskRange = component(endingAt: taskEnd) else { return nil }
        let taskDir = text(taskRange)
        guard let underscore = taskDir.lastIndex(of: "_"),
              let number = Int(taskDir[taskDir.index(after: underscore)...]),
              underscore > taskDir.startIndex else { return nil }
        var modelEnd = taskRange.0
        while modelEnd > 0 && bytes[modelEnd - 1] == 0x2F { modelEnd -= 1 }
        let model = component(endingAt: modelEnd).map { String(text($0)) }
        return Layout(taskID: String(taskDir[..<underscore]) + "/" + String(number), completionID: completion,
                      model: model == "." || model == ".." ? nil : model)
    }

    static let skippedFolders: Set<String> = [
        "__pycache__", "node_modules", "venv", ".venv", "site-packages", "build", "dist",
    ]

    private func readFolder(_ root: String, _ body: (Item) throws -> Void) rethrows {
        try CandidateReader.forEachPythonFile(under: root) { (file: String, entry: FolderEntry?) in
            let bytes: [UInt8]
            do throws(InputIssue) {
                // A plain file in one read; through zlib only when it turns out compressed.
                if let plain = try ChunkReader.readPlainFile(file, in: entry.map { ($0.folder, $0.name) }) {
                    bytes = plain
                }
                else { bytes = try ChunkReader(path: file).readAll() }
            } catch {
                try body(.issue(error))
                return
            }
            try readPython(path: file, bytes, layout: CandidateReader.evalplusLayout(of: file), body)
        }
    }

    /// Every `.py` file below `root`, sorted so that `HumanEval_2` comes before `HumanEval_10`
    /// and `2.py` before `10.py`.
    static func pythonFiles(under root: String) -> [String] {
        var files: [String] = []
        forEachPythonFile(under: root) { files.append($0) }
        return files
    }

    /// Calls `body` with every `.py` file below `root`, in the order of `pythonFiles(under:)`
    /// (the natural order of the whole paths), as the walk finds them, so that reading starts
    /// with the first folder: each folder's entries are sorted (a subfolder by its name with a
    /// "/" after it, as in the paths) and its subfolders walked in their place. The files below
    /// a folder are together in that order, unless two of its subfolders have names that sort
    /// as equal (`01` and `1`): then their files interleave, and the files below that folder
    /// are listed and sorted as whole paths.
    static func forEachPythonFile(under root: String, _ body: (String) throws -> Void) rethrows {
        try forEachPythonFile(under: root) { path, _ in try body(path) }
    }

    /// A file as the walk finds it: its folder, open, and its name there (opening it from the
    /// folder looks up one name, not every folder of its path).
    struct FolderEntry {
        let folder: Int32
        let name: String
    }

    /// `forEachPythonFile(under:_:)`, also handing on where each file is, when known.
    static func forEachPythonFile(under root: String, _ body: (String, FolderEntry?) throws -> Void) rethrows {
        let folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if folder >= 0 { close(folder) } }
        var list = entries(of: root, folder: folder)
        list.sort { naturalOrder($0.key, $1.key) }
        let interleaved = zip(list, list.dropFirst()).contains { a, b in
            a.isDirectory && b.isDirectory && !naturalOrder(a.key, b.key)
        }
        guard !interleaved else {
            var files: [String] = []
            var stack = [root]
            while let dir = stack.popLast() {
                for e in entries(of: dir, folder: -1) {
                    if e.isDirectory { stack.append(e.path) } else { files.append(e.path) }
                }
            }
            for file in files.sorted(by: { naturalOrder($0, $1) }) { try body(file, nil) }
            return
        }
        for e in list {
            if e.isDirectory {
                try forEachPythonFile(under: e.path, body)
            } else {
                try body(e.path, folder >= 0 ? FolderEntry(folder: folder, name: e.key) : nil)
            }
        }
    }

    /// A `.py` file or a folder to walk, with its key for sorting among its siblings (a file's
    /// name; a folder's name and "/").
    private struct Entry {
        var path: String
        var key: String
        var isDirectory: Bool
    }

    /// The `.py` files and the folders to walk directly in `dir` (open as `folder`, if not -1),
    /// in the order readdir gives.
    private static func entries(of dir: String, folder: Int32) -> [Entry] {
        var list: [Entry] = []
        // The kind of each entry comes with it from readdir (a stat each only when the file
        // system does not say, or for a symbolic link, which is followed).
        let handle = folder >= 0 ? fdopendir(dup(folder)) : opendir(dir)
        guard let handle else { return list }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var isDirectory: Bool
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): isDirectory = true
            case Int32(DT_REG): isDirectory = false
            default:
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                isDirectory = info.st_mode & S_IFMT == S_IFDIR
            }
            if isDirectory {
                if !name.hasPrefix(".") && !skippedFolders.contains(name) {
                    list.append(Entry(path: path, key: name + "/", isDirectory: true))
                }
            } else if name.hasSuffix(".py") {
                list.append(Entry(path: path, key: name, isDirectory: false))
            }
        }
        return list
    }

    private func readPython(path: String, _ bytes: [UInt8], layout: Layout?, _ body: (Item) throws -> Void) rethrows {
        let id = CandidateID(taskID: layout?.taskID, completionID: layout?.completionID,
                             model: layout?.model ?? model, path: path == "-" ? "<stdin>" : path)
        var candidate = Candidate(id: id, bytes: bytes)
        if let taskID = layout?.taskID, let problem = problems?[taskID] {
            candidate.entryPoint = problem.entryPoint
            candidate.promptByteCount = problem.promptLength(in: bytes)
        }
        try body(.candidate(candidate))
    }

    // MARK: EvalPlus samples (JSON Lines)

    private struct Record: Decodable {
        var taskID: String
        var solution: String?
        var completion: String?
        var completionID: Int?
        var model: String?
        var entryPoint: String?

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", solution, completion, completionID = "completion_id", model,
                 entryPoint = "entry_point"
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            taskID = try c.decode(String.self, forKey: .taskID)
            solution = try c.decodeIfPresent(String.self, forKey: .solution)
            completion = try c.decodeIfPresent(String.self, forKey: .completion)
            model = try c.decodeIfPresent(String.self, forKey: .model)
            entryPoint = try c.decodeIfPresent(String.self, forKey: .entryPoint)
            if let n = try? c.decodeIfPresent(Int.self, forKey: .completionID) {
                completionID = n
            } else if let s = try? c.decodeIfPresent(String.self, forKey: .completionID) {
                guard let n = Int(s) else {
                    throw DecodingError.typeMismatch(Int.self, .init(
                        codingPath: [CodingKeys.completionID], debugDescription: "not a number"))
                }
                completionID = n
            } else {
                completionID = nil
            }
        }
    }

    private func readJSONL(_ chunks: ChunkReader, _ body: (Item) throws -> Void) rethrows {
        let path = chunks.path
        let reader = LineReader(chunks)
        let fileModel = model ?? CandidateReader.modelName(fromFile: path)
        let decoder = JSONDecoder()
        var nextCompletion: [String: Int] = [:]  // EvalPlus numbers samples per task in order
        while true {
            let line: [UInt8]
            do {
                guard let l = try reader.next() else { break }
                line = l
            } catch {
                try body(.issue(error))
                return
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let issue = { (message: String) in InputIssue(path: path, line: reader.lineNumber, message: message) }
            let record: Record
            do {
                record = try decoder.decode(Record.self, from: Data(line))
            } catch {
                try body(.issue(issue("not an EvalPlus sample: \(describe(error))")))
                continue
            }
            let problem = problems?[record.taskID]
            let text: String
            var promptBytes: Int? = nil
            if let solution = record.solution {
                text = solution
                promptBytes = problem?.promptLength(in: Array(solution.utf8))
            } else if let completion = record.completion {
                guard let problems else {
                    try body(.issue(issue("has a `completion` but no `solution`: give the dataset "
                        + "(--dataset) so that it can be joined to the task's prompt")))
                    continue
                }
                guard let problem else {
                    try body(.issue(issue("task `\(record.taskID)` is not in \(problems.path)")))
                    continue
                }
                text = problem.prompt + completion
                promptBytes = problem.prompt.utf8.count
            } else {
                try body(.issue(issue("has neither `solution` nor `completion`")))
                continue
            }
            let completionID = record.completionID ?? nextCompletion[record.taskID, default: 0]
            nextCompletion[record.taskID] = max(nextCompletion[record.taskID, default: 0], completionID + 1)
            let id = CandidateID(taskID: record.taskID, completionID: completionID,
                                 model: record.model ?? fileModel, path: path, line: reader.lineNumber)
            try body(.candidate(Candidate(id: id, text: text, promptByteCount: promptBytes,
                                          entryPoint: problem?.entryPoint ?? record.entryPoint)))
        }
    }

    /// The model a samples file is named after: `codegen-16b.jsonl` → `codegen-16b`.
    public static func modelName(fromFile path: String) -> String? {
        if path == "-" { return nil }
        var name = (path as NSString).lastPathComponent
        for suffix in [".gz", ".jsonl", ".json"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name.isEmpty ? nil : name
    }

    // MARK: bigcode-evaluation-harness generations

    private func readGenerations(_ chunks: ChunkReader, _ body: (Item) throws -> Void) rethrows {
        let path = chunks.path
        let fileModel = model ?? CandidateReader.modelName(fromFile: path)
        let parser = GenerationsParser(chunks)
        while true {
            let next: (task: Int, index: Int, text: String)?
            do { next = try parser.next() } catch {
                try body(.issue(error))  // the rest of the file cannot be trusted
                return
            }
            guard let (task, index, text) = next else { return }
            let problem = problems.flatMap { task < $0.problems.count ? $0.problems[task] : nil }
            if let problems, problem == nil {
                try body(.issue(InputIssue(path: path, line: parser.line, message:
                    "task \(task) is past the end of \(problems.path) (\(problems.problems.count) tasks)")))
                continue
            }
            var candidate = Candidate(
                id: CandidateID(taskID: problem?.taskID ?? String(task), completionID: index,
                                model: fileModel, path: path, line: parser.line),
                text: text, entryPoint: problem?.entryPoint)
            candidate.promptByteCount = problem?.promptLength(in: Array(text.utf8))
            try body(.candidate(candidate))
        }
    }
}

/// Orders paths so that runs of digits compare as numbers.
func naturalOrder(_ a: String, _ b: String) -> Bool {
    // On the UTF-8 bytes: their order is the order of the code points, and digits are ASCII
    // (no byte of a longer character is one).
    var a = a, b = b
    return a.withUTF8 { x in b.withUTF8 { y in naturalOrder(x, y) } }
}

private func naturalOrder(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    // Paths in one folder share a long prefix: skip it byte by byte, then back up to the start
    // of the run of digits the first difference falls in (equal bytes before it compare equal
    // either way).
    var start = 0
    let common = min(x.count, y.count)
    while start < common && x[start] == y[start] { start += 1 }
    while start > 0 && isDigit(x[start - 1]) { start -= 1 }
    var i = start, j = start
    while i < x.count && j < y.count {
        if isDigit(x[i]) && isDigit(y[j]) {
            // Numbers compare by value: without leading zeros, the shorter is smaller, then digit
            // by digit.
            var ei = i, ej = j
            while ei < x.count && isDigit(x[ei]) { ei += 1 }
            while ej < y.count && isDigit(y[ej]) { ej += 1 }
            while i < ei && x[i] == 0x30 { i += 1 }
            while j < ej && y[j] == 0x30 { j += 1 }
            if ei - i != ej - j { return ei - i < ej - j }
            while i < ei {
                if x[i] != y[j] { return x[i] < y[j] }
                i += 1; j += 1
            }
            continue
        }
        if x[i] != y[j] { return x[i] < y[j] }
        i += 1; j += 1
    }
    return i == x.count && j < y.count
}
