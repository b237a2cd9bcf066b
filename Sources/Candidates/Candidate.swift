/// Who a candidate is: kept through every stage and every output, so that a finding, a label or
/// a score can always be traced back to the sample it came from.
public struct CandidateID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The benchmark task, e.g. `HumanEval/12` (nil for a plain source file).
    public var taskID: String?
    /// The sample's number within its task (EvalPlus `completion_id`, or the file `<i>.py`).
    public var completionID: Int?
    /// The model that wrote it, where the input names one.
    public var model: String?
    /// The file it was read from (a `.py`, or the JSONL/JSON file that holds it).
    public var path: String
    /// 1-based line of the record in a JSONL file, or nil.
    public var line: Int?

    public init(taskID: String? = nil, completionID: Int? = nil, model: String? = nil,
                path: String, line: Int? = nil) {
        self.taskID = taskID
        self.completionID = completionID
        self.model = model
        self.path = path
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", completionID = "completion_id", model, path, line
    }

    /// `HumanEval/12#3` for benchmark samples, the path for plain files.
    public var description: String {
        guard let taskID else { return path }
        var s = taskID
        if let completionID { s += "#\(completionID)" }
        if let model { s = "\(model):\(s)" }
        return s
    }
}

/// One candidate solution, as the model emitted it (it may still need sanitizing).
public struct Candidate: Sendable {
    public var id: CandidateID
    /// The source bytes: for benchmark samples, the prompt followed by what the model wrote.
    public var bytes: [UInt8]
    /// How many leading bytes are the benchmark's prompt (signature and docstring), which the
    /// model did not write; nil when the prompt is not known.
    public var promptByteCount: Int?
    /// The function under test, when the benchmark names one.
    public var entryPoint: String?

    public init(id: CandidateID, bytes: [UInt8], promptByteCount: Int? = nil, entryPoint: String? = nil) {
        self.id = id
        self.bytes = bytes
        self.promptByteCount = promptByteCount
        self.entryPoint = entryPoint
    }

    public init(id: CandidateID, text: String, promptByteCount: Int? = nil, entryPoint: String? = nil) {
        self.init(id: id, bytes: Array(text.utf8), promptByteCount: promptByteCount, entryPoint: entryPoint)
    }

    /// The source as text (invalid UTF-8 shows as U+FFFD).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The first 1-based line that the model wrote (at least in part): 1 when the prompt is
    /// unknown; the line after the prompt when the prompt ends with a line break.
    public var firstModelLine: Int {
        guard let n = promptByteCount, n > 0 else { return 1 }
        var line = 1
        var i = 0
        while i < min(n, bytes.count) {
            if bytes[i] == 0x0A { line += 1 }
            else if bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A) { line += 1 }
            i += 1
        }
        return line
    }

    /// Whether 1-based `line` holds text the model wrote (a line that mixes prompt and model
    /// text counts as the model's).
    public func isModelWritten(line: Int) -> Bool { line >= firstModelLine }
}

/// A problem that a candidate, an input or a file could not get past: where (file and line) and
/// why. Readers report it and go on with the rest.
public struct InputIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`, as compilers print it.
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
