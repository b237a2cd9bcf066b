import Candidates
import Foundation

/// What happened when a candidate ran on one set of inputs.
public enum Status: String, Codable, Sendable {
    /// Every output matched.
    case pass
    /// An output did not match (the first such input is named).
    case fail
    /// An input ran past its time limit, or the whole part past its wall-clock limit.
    case timeout
    /// The code raised (at load time or on an input), or its process died.
    case error
}

/// One part (base or plus) of a candidate's run.
public struct PartResult: Codable, Sendable, Equatable {
    public var status: Status
    /// The status EvalPlus 0.3.1 would give: `pass`, `fail` (also for exceptions and per-input
    /// timeouts), or `timeout` (the process was killed or died before it reported).
    public var evalplusStatus: String
    /// The first input that did not pass (0-based), and a shortened repr of it.
    public var inputIndex: Int?
    public var input: String?
    /// A shortened repr of the wrong output.
    public var output: String?
    /// The exception's type name (`ZeroDivisionError`), or `signal SIGSEGV` for a process that died.
    public var exception: String?
    public var detail: String?
    /// The process never reported: killed at its wall-clock limit, or died.
    public var killed: Bool?
    /// The input EvalPlus's eval_results would name as failing (its progress count; differs
    /// from `inputIndex` for killed processes and for HumanEval/32).
    public var evalplusInputIndex: Int?
    public var seconds: Double?

    public init(status: Status, evalplusStatus: String? = nil, inputIndex: Int? = nil, input: String? = nil,
                output: String? = nil, exception: String? = nil, detail: String? = nil,
                killed: Bool? = nil, seconds: Double? = nil) {
        self.status = status
        self.evalplusStatus = evalplusStatus ?? (status == .pass ? "pass" : "fail")
        self.inputIndex = inputIndex
        self.input = input
        self.output = output
        self.exception = exception
        self.detail = detail
        self.killed = killed
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case status, evalplusStatus = "evalplus_status", inputIndex = "input_index", input, output,
             exception, detail, killed, seconds, evalplusInputIndex = "evalplus_input_index"
    }

    /// From the harness's reply.
    init(harness r: [String: Any]) {
        let status = Status(rawValue: r["status"] as? String ?? "") ?? .error
        var killed: Bool? = nil
        if r["killed"] as? Bool == true || r["died"] as? Bool == true { killed = true }
        self.init(status: status, evalplusStatus: r["evalplus"] as? String, inputIndex: r["index"] as? Int,
                  input: r["input"] as? String, output: r["output"] as? String,
                  exception: r["exception"] as? String, detail: r["detail"] as? String,
                  killed: killed, seconds: r["seconds"] as? Double)
        evalplusInputIndex = r["evalplus_index"] as? Int
    }

    /// The index EvalPlus would name in `*_fail_tests`: the input that failed; for a process
    /// that never reported, the last input it finished (EvalPlus counts progress that way).
    var evalplusFailIndex: Int? {
        guard status != .pass, let i = inputIndex else { return nil }
        if let e = evalplusInputIndex { return e >= 0 ? e : nil }
        if killed == true { return i > 0 ? i - 1 : nil }
        return i
    }
}

/// One line of `fluke verify`'s output: a candidate, its two parts, its label.
public struct LabelRecord: Codable, Sendable {
    public var taskID: String?
    public var completionID: Int?
    public var model: String?
    public var filename: String
    public var recordLine: Int?
    public var label: Label
    public var base: PartResult
    public var plus: PartResult
    /// The code that ran (sanitized unless --no-sanitize).
    public var solution: String?
    /// How it was isolated: `bwrap`, `rlimits`, or `evalplus` for labels read from EvalPlus.
    public var sandbox: String

    public init(id: CandidateID, base: PartResult, plus: PartResult, solution: String?, sandbox: String) {
        taskID = id.taskID
        completionID = id.completionID
        model = id.model
        filename = id.path
        recordLine = id.line
        label = Label(passesWeak: base.status == .pass, passesStrong: plus.status == .pass)
        self.base = base
        self.plus = plus
        self.solution = solution
        self.sandbox = sandbox
    }

    public var id: CandidateID {
        CandidateID(taskID: taskID, completionID: completionID, model: model, path: filename, line: recordLine)
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", completionID = "completion_id", model, filename, recordLine = "record_line",
             label, base, plus, solution, sandbox
    }

    /// The key a resumed run skips done candidates by.
    /// Identifies a candidate across runs; the path is made absolute and cleaned of `.` and `..`
    /// (no file-system look-ups), so that `../data/s.jsonl` and `/work/data/s.jsonl` resume each other.
    public static func key(_ id: CandidateID) -> String {
        "\(canonicalPath(id.path))\u{0}\(id.line ?? -1)\u{0}\(id.taskID ?? "")\u{0}\(id.completionID ?? -1)\u{0}\(id.model ?? "")"
    }

    static func canonicalPath(_ path: String) -> String {
        guard !path.hasPrefix("<") else { return path }  // <stdin>, <memory>
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// One JSON line, without the line break.
    public func jsonLine() -> String {
        String(decoding: try! LabelRecord.encoder.encode(self), as: UTF8.self)
    }
}

/// Reads a labels file written by an earlier run: its records, and how many bytes of it are
/// whole lines (a run killed mid-write leaves a torn last line, which is dropped).
public func readLabels(path: String) throws -> (records: [LabelRecord], validBytes: Int) {
    guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
    let bytes = [UInt8](data)
    var records: [LabelRecord] = []
    var start = 0, valid = 0
    let decoder = JSONDecoder()
    var lineNumber = 0
    while start < bytes.count {
        guard let nl = bytes[start...].firstIndex(of: 0x0A) else { break }  // torn: no line break
        lineNumber += 1
        let line = bytes[start..<nl]
        if !line.allSatisfy({ $0 == 0x20 }) {
            guard let r = try? decoder.decode(LabelRecord.self, from: Data(line)) else {
                if nl + 1 >= bytes.count { break }  // a torn last line that happens to end with \n
                throw VerifyError("\(path):\(lineNumber): not a fluke verify record")
            }
            records.append(r)
        }
        start = nl + 1
        valid = start
    }
    return (records, valid)
}

// MARK: EvalPlus's eval_results.json

public enum EvalResults {
    /// Writes EvalPlus's `eval_results.json` for `records` (grouped by task, in completion order).
    /// `input(task, part, index)` gives the raw JSON of a failing input.
    public static func write(_ records: [LabelRecord], hash: String, sandbox: String? = nil, to path: String,
                             input: (String, String, Int) -> String?) throws {
        var byTask: [String: [LabelRecord]] = [:]
        var order: [String] = []
        for r in records {
            guard let t = r.taskID else { continue }
            if byTask[t] == nil { order.append(t) }
            byTask[t, default: []].append(r)
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        var out = "{\"date\": " + quote(formatter.string(from: Date())) + ", \"hash\": " + quote(hash)
        // Beside EvalPlus's fields (which it ignores): who produced the file, and how isolated.
        out += ", \"producer\": \"fluke verify\""
        if let sandbox { out += ", \"sandbox\": " + quote(sandbox) }
        out += ", \"eval\": {"
        for (n, task) in order.enumerated() {
            if n > 0 { out += ", " }
            out += quote(task) + ": ["
            let rs = byTask[task]!.sorted { ($0.completionID ?? 0) < ($1.completionID ?? 0) }
            for (m, r) in rs.enumerated() {
                if m > 0 { out += ", " }
                func fails(_ p: PartResult, _ part: String) -> String {
                    guard let i = p.evalplusFailIndex, let raw = input(task, part, i) else { return "[]" }
                    return "[" + raw + "]"
                }
                out += "{\"task_id\": " + quote(task) + ", \"solution\": " + quote(r.solution ?? "")
                    + ", \"base_status\": " + quote(r.base.evalplusStatus)
                    + ", \"plus_status\": " + quote(r.plus.evalplusStatus)
                    + ", \"base_fail_tests\": " + fails(r.base, "base_input")
                    + ", \"plus_fail_tests\": " + fails(r.plus, "plus_input") + "}"
            }
            out += "]"
        }
        out += "}}"
        guard FileManager.default.createFile(atPath: path, contents: Data(out.utf8)) else {
            throw VerifyError("cannot write \(path)")
        }
    }

    static func quote(_ s: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }

    /// Reads an EvalPlus `eval_results.json` as labels: one record per sample, numbered per task
    /// in the file's order (as EvalPlus numbers them).
    public static func read(path: String) throws -> [LabelRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VerifyError("\(path): cannot read")
        }
        struct Entry: Decodable {
            var task_id: String?
            var solution: String?
            var base_status: String?
            var plus_status: String?
        }
        struct File: Decodable { var eval: [String: [Entry]] }
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true  // EvalPlus writes NaN and Infinity in failing inputs
        let file: File
        do { file = try decoder.decode(File.self, from: data) } catch {
            throw VerifyError("\(path): not an EvalPlus eval_results.json (\(error))")
        }
        var records: [LabelRecord] = []
        for task in file.eval.keys.sorted(by: TaskID.precedes) {
            for (i, s) in file.eval[task]!.enumerated() {
                func part(_ st: String?) -> PartResult {
                    let st = st ?? "fail"
                    let status: Status = st == "pass" ? .pass : st == "timeout" ? .timeout : .fail
                    return PartResult(status: status, evalplusStatus: st)
                }
                let id = CandidateID(taskID: s.task_id ?? task, completionID: i, path: path)
                records.append(LabelRecord(id: id, base: part(s.base_status), plus: part(s.plus_status),
                                           solution: s.solution, sandbox: "evalplus"))
            }
        }
        return records
    }
}

// MARK: raw JSON

/// The exact text of `object[key][index]` in a JSON line, without parsing the rest (inputs keep
/// their formatting, NaN and Infinity included).
func rawElement(_ line: [UInt8], key: String, index: Int) -> String? {
    var i = 0
    let n = line.count
    func skipSpace() { while i < n, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0A || line[i] == 0x0D { i += 1 } }
    func skipString() {  // at the opening quote
        i += 1
        while i < n, line[i] != 0x22 { i += line[i] == 0x5C ? 2 : 1 }
        i += 1
    }
    func skipValue() {
        skipSpace()
        guard i < n else { return }
        switch line[i] {
        case 0x22: skipString()
        case 0x5B, 0x7B:
            var depth = 0
            repeat {
                if line[i] == 0x22 { skipString(); continue }
                if line[i] == 0x5B || line[i] == 0x7B { depth += 1 }
                if line[i] == 0x5D || line[i] == 0x7D { depth -= 1 }
                i += 1
            } while i < n && depth > 0
        default:
            while i < n, ![0x2C, 0x5D, 0x7D].contains(line[i]) { i += 1 }
            while i > 0, line[i - 1] == 0x20 || line[i - 1] == 0x09 { i -= 1 }
        }
    }
    skipSpace()
    guard i < n, line[i] == 0x7B else { return nil }
    i += 1
    let want = Array(key.utf8)
    while i < n {
        skipSpace()
        guard i < n, line[i] == 0x22 else { return nil }
        let keyStart = i + 1
        skipString()
        let found = Array(line[keyStart..<(i - 1)]) == want
        skipSpace()
        guard i < n, line[i] == 0x3A else { return nil }
        i += 1
        skipSpace()
        if found {
            guard i < n, line[i] == 0x5B else { return nil }
            i += 1
            var k = 0
            while i < n {
                skipSpace()
                if line[i] == 0x5D { return nil }
                let start = i
                skipValue()
                if k == index { return String(decoding: line[start..<i], as: UTF8.self) }
                k += 1
                skipSpace()
                if i < n, line[i] == 0x2C { i += 1 }
            }
            return nil
        }
        skipValue()
        skipSpace()
        if i < n, line[i] == 0x2C { i += 1 } else { return nil }
    }
    return nil
}
