import Candidates
import Foundation
import Verifier

/// A task's weak-test inputs: what mutants grow from.
public struct TaskSeeds: Sendable {
    public var taskID: String
    public var entryPoint: String?
    public var prompt: String?
    /// Inputs, each a list of arguments.
    public var seeds: [[PyValue]]

    public init(taskID: String, entryPoint: String?, prompt: String? = nil, seeds: [[PyValue]]) {
        self.taskID = taskID
        self.entryPoint = entryPoint
        self.prompt = prompt
        self.seeds = seeds
    }
}

public enum SeedSource {
    /// The fields of an EvalPlus record that the consensus reads. Everything else — `plus_input`,
    /// `canonical_solution`, `test`, `contract`, `atol` — is skipped unread: the consensus must
    /// work where no strong tests and no reference solution exist.
    public static let datasetFields: Set<String> = ["task_id", "prompt", "entry_point", "base_input"]

    /// Reads an EvalPlus dataset's weak inputs (`base_input`), in file order.
    public static func dataset(path: String) throws(InputIssue) -> [TaskSeeds] {
        try read(path: path, inputsKey: "base_input", what: "an EvalPlus problem")
    }

    /// Reads a user's inputs file: JSON Lines of `{"task_id": …, "inputs": [[args…], …]}`, with
    /// `entry_point` optional (else the dataset's or the candidate's).
    public static func inputsFile(path: String) throws(InputIssue) -> [TaskSeeds] {
        try read(path: path, inputsKey: "inputs", what: "an inputs record ({\"task_id\", \"inputs\"})")
    }

    static func read(path: String, inputsKey: String, what: String) throws(InputIssue) -> [TaskSeeds] {
        let reader = try JSONLinesReader(path: path)
        var out: [TaskSeeds] = []
        var index: [String: Int] = [:]
        while let (line, bytes) = try reader.next() {
            var scanner = JSONScanner(bytes)
            let fields: [String: PyValue]
            do { fields = try scanner.object(keeping: datasetFields.union([inputsKey])) } catch {
                throw InputIssue(path: path, line: line, message: "not \(what): \(error)")
            }
            guard case .string(let task)? = fields["task_id"] else {
                throw InputIssue(path: path, line: line, message: "not \(what): no `task_id`")
            }
            var seeds: [[PyValue]] = []
            switch fields[inputsKey] {
            case .list(let items)?:
                for item in items {
                    guard case .list(let args) = item else {
                        throw InputIssue(path: path, line: line, message: "`\(inputsKey)` must be a list of argument lists")
                    }
                    seeds.append(args)
                }
            case nil, .none?: break
            default:
                throw InputIssue(path: path, line: line, message: "`\(inputsKey)` must be a list of argument lists")
            }
            var entry: String? = nil, prompt: String? = nil
            if case .string(let e)? = fields["entry_point"] { entry = e }
            if case .string(let p)? = fields["prompt"] { prompt = p }
            let t = TaskSeeds(taskID: task, entryPoint: entry, prompt: prompt, seeds: seeds)
            if let i = index[task] { out[i] = t } else {
                index[task] = out.count
                out.append(t)
            }
        }
        if out.isEmpty { throw InputIssue(path: path, message: "holds no tasks") }
        return out
    }

    /// Writes inputs in the inputs-file format (what `--save-inputs` writes and `--seed-inputs`
    /// reads).
    public static func inputsLine(taskID: String, entryPoint: String?, inputs: [[PyValue]]) -> String {
        var out = "{\"task_id\": "
        PyValue.quote(taskID, to: &out)
        if let entryPoint {
            out += ", \"entry_point\": "
            PyValue.quote(entryPoint, to: &out)
        }
        out += ", \"inputs\": " + PyValue.list(inputs.map(PyValue.list)).json + "}"
        return out
    }
}

/// A short digest of a task's inputs: records made with other inputs (another seed, count or
/// mode) are not mixed with these.
public func inputsDigest(_ json: String) -> String {
    String(fnv1a64(json), radix: 16)
}

/// One line of `fluke consensus`'s output: a candidate, its outputs on the task's new inputs,
/// and (once every candidate of the run is done) its standing among its task's candidates.
public struct ConsensusRecord: Codable, Sendable {
    public var taskID: String?
    public var completionID: Int?
    public var model: String?
    public var filename: String
    public var recordLine: Int?
    public var sandbox: String
    public var seconds: Double
    /// CPU seconds its processes used.
    public var cpuSeconds: Double?
    /// `inputsDigest` of the task's inputs.
    public var inputs: String
    public var outputs: [String]
    public var error: String?
    public var standing: Standing?

    public init(id: CandidateID, sandbox: String, seconds: Double, cpuSeconds: Double? = nil, inputs: String,
                outputs: [String], error: String? = nil, standing: Standing? = nil) {
        self.cpuSeconds = cpuSeconds
        taskID = id.taskID
        completionID = id.completionID
        model = id.model
        filename = id.path
        recordLine = id.line
        self.sandbox = sandbox
        self.seconds = seconds
        self.inputs = inputs
        self.outputs = outputs
        self.error = error
        self.standing = standing
    }

    public var id: CandidateID {
        CandidateID(taskID: taskID, completionID: completionID, model: model, path: filename, line: recordLine)
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", completionID = "completion_id", model, filename, recordLine = "record_line",
             sandbox, seconds, cpuSeconds = "cpu_seconds", inputs, outputs, error
        case cluster, clusterSize = "cluster_size", candidates, agreement, distance, inputsCounted = "inputs_counted",
             verdict
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskID = try c.decodeIfPresent(String.self, forKey: .taskID)
        completionID = try c.decodeIfPresent(Int.self, forKey: .completionID)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        filename = try c.decode(String.self, forKey: .filename)
        recordLine = try c.decodeIfPresent(Int.self, forKey: .recordLine)
        sandbox = try c.decode(String.self, forKey: .sandbox)
        seconds = try c.decode(Double.self, forKey: .seconds)
        cpuSeconds = try c.decodeIfPresent(Double.self, forKey: .cpuSeconds)
        inputs = try c.decode(String.self, forKey: .inputs)
        outputs = try c.decode([String].self, forKey: .outputs)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        if let verdict = try c.decodeIfPresent(Verdict.self, forKey: .verdict) {
            standing = Standing(cluster: try c.decode(Int.self, forKey: .cluster),
                                clusterSize: try c.decode(Int.self, forKey: .clusterSize),
                                candidates: try c.decode(Int.self, forKey: .candidates),
                                agreement: try c.decodeIfPresent(Double.self, forKey: .agreement),
                                distance: try c.decodeIfPresent(Double.self, forKey: .distance),
                                inputsCounted: try c.decode(Int.self, forKey: .inputsCounted), verdict: verdict)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(taskID, forKey: .taskID)
        try c.encodeIfPresent(completionID, forKey: .completionID)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(filename, forKey: .filename)
        try c.encodeIfPresent(recordLine, forKey: .recordLine)
        try c.encode(sandbox, forKey: .sandbox)
        try c.encode(seconds, forKey: .seconds)
        try c.encodeIfPresent(cpuSeconds, forKey: .cpuSeconds)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(outputs, forKey: .outputs)
        try c.encodeIfPresent(error, forKey: .error)
        if let s = standing {
            try c.encode(s.cluster, forKey: .cluster)
            try c.encode(s.clusterSize, forKey: .clusterSize)
            try c.encode(s.candidates, forKey: .candidates)
            try c.encodeIfPresent(s.agreement.map { ($0 * 1e6).rounded() / 1e6 }, forKey: .agreement)
            try c.encodeIfPresent(s.distance.map { ($0 * 1e6).rounded() / 1e6 }, forKey: .distance)
            try c.encode(s.inputsCounted, forKey: .inputsCounted)
            try c.encode(s.verdict, forKey: .verdict)
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public func jsonLine() -> String {
        String(decoding: try! ConsensusRecord.encoder.encode(self), as: UTF8.self)
    }

    /// The key a resumed run skips done candidates by (the same as `fluke verify`'s).
    public static func key(_ id: CandidateID) -> String { LabelRecord.key(id) }

    /// Reads a consensus file: its records, and how many bytes of it are whole lines (a run
    /// killed mid-write leaves a torn last line, which is dropped).
    public static func read(path: String) throws(InputIssue) -> (records: [ConsensusRecord], validBytes: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputIssue(path: path, message: "cannot read")
        }
        let bytes = [UInt8](data)
        var records: [ConsensusRecord] = []
        var start = 0, valid = 0, lineNumber = 0
        let decoder = JSONDecoder()
        while start < bytes.count {
            guard let nl = bytes[start...].firstIndex(of: 0x0A) else { break }
            lineNumber += 1
            let line = bytes[start..<nl]
            if !line.allSatisfy({ $0 == 0x20 }) {
                guard let r = try? decoder.decode(ConsensusRecord.self, from: Data(line)) else {
                    if nl + 1 >= bytes.count { break }
                    throw InputIssue(path: path, line: lineNumber, message: "not a fluke consensus record")
                }
                records.append(r)
            }
            start = nl + 1
            valid = start
        }
        return (records, valid)
    }

    /// Each record's standing among the records of its task (and model), by `policy`.
    public static func judge(_ records: [ConsensusRecord], policy: ConsensusPolicy) -> [ConsensusRecord] {
        var groups: [String: [Int]] = [:]
        for (i, r) in records.enumerated() {
            groups["\(r.model ?? "")\u{0}\(r.taskID ?? r.filename)", default: []].append(i)
        }
        var out = records
        for indices in groups.values {
            let standings = Consensus.judge(indices.map { records[$0].outputs }, policy: policy)
            for (i, s) in zip(indices, standings) { out[i].standing = s }
        }
        return out
    }
}

/// The output file of `fluke consensus`: appended a record at a time while candidates run (one
/// write per record; a crash or kill loses nothing that completed, and a rerun skips what is
/// done), then rewritten whole, with every record's standing, when the run completes.
public final class ConsensusWriter: @unchecked Sendable {
    private let fd: Int32
    private let path: String?
    private let lock = NSLock()
    public private(set) var done: Set<String> = []
    public private(set) var records: [ConsensusRecord] = []
    private var lastSync = Date()
    public private(set) var newCount = 0

    public init(path: String?, fresh: Bool) throws {
        self.path = path
        guard let path, path != "-" else {
            fd = -1
            return
        }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InputIssue(path: path, message: "cannot write") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw InputIssue(path: path, message: "is being written by another fluke consensus run")
        }
        if fresh {
            ftruncate(fd, 0)
            return
        }
        let (old, valid): ([ConsensusRecord], Int)
        do { (old, valid) = try ConsensusRecord.read(path: path) } catch {
            close(fd)
            throw InputIssue(path: path, line: error.line, message: error.message + " (use --fresh to start over)")
        }
        records = old
        for r in old { done.insert(ConsensusRecord.key(r.id)) }
        ftruncate(fd, off_t(valid))
        lseek(fd, 0, SEEK_END)
    }

    /// Adds a record (written without its standing, which comes at the end).
    public func append(_ r: ConsensusRecord) {
        lock.lock()
        defer { lock.unlock() }
        records.append(r)
        done.insert(ConsensusRecord.key(r.id))
        newCount += 1
        guard fd >= 0 else { return }
        var standingless = r
        standingless.standing = nil
        let bytes = Array((standingless.jsonLine() + "\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            sent += n
        }
        if Date().timeIntervalSince(lastSync) > 1 {
            fsync(fd)
            lastSync = Date()
        }
    }

    /// Drops the records that were made with other inputs than `digests` says (task → digest).
    public func stale(_ digests: [String: String]) -> [ConsensusRecord] {
        records.filter { r in r.taskID.flatMap { digests[$0] }.map { $0 != r.inputs } ?? false }
    }

    /// Replaces the file's content with `records` (with their standings), atomically; or
    /// writes them to standard output when there is no file.
    public func finish(_ final: [ConsensusRecord]) throws {
        var text = ""
        for r in final { text += r.jsonLine() + "\n" }
        guard let path, fd >= 0 else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8)) else {
            throw InputIssue(path: tmp, message: "cannot write")
        }
        let t = open(tmp, O_RDONLY | O_CLOEXEC)
        if t >= 0 { fsync(t); close(t) }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw InputIssue(path: path, message: "cannot replace: \(String(cString: strerror(errno)))")
        }
        close(fd)
    }
}

/// A consensus file's standings by candidate, re-judged under a policy, for gates that look
/// candidates up (`fluke gate --consensus`, `fluke select --consensus`).
public struct ConsensusIndex: Sendable {
    private var exact: [String: Standing] = [:]
    private var loose: [String: Standing?] = [:]  // by task and number; nil when two models share it
    public let count: Int
    public let policy: ConsensusPolicy

    public init(path: String, policy: ConsensusPolicy) throws(InputIssue) {
        let records = try ConsensusRecord.read(path: path).records
        if records.isEmpty { throw InputIssue(path: path, message: "holds no consensus records") }
        self.init(records: records, policy: policy)
    }

    public init(records: [ConsensusRecord], policy: ConsensusPolicy) {
        self.policy = policy
        count = records.count
        for r in ConsensusRecord.judge(records, policy: policy) {
            guard let t = r.taskID, let n = r.completionID, let s = r.standing else { continue }
            exact["\(r.model ?? "")\u{0}\(t)\u{0}\(n)"] = s
            let k = "\(t)\u{0}\(n)"
            if loose[k] == nil { loose[k] = .some(s) } else { loose[k] = .some(nil) }
        }
    }

    /// The standing of a candidate: by model, task and number; a record that names no model
    /// stands for any; a candidate that names none takes the only record with its task and
    /// number, if there is only one.
    public func standing(model: String?, taskID: String, completionID: Int) -> Standing? {
        if let model, let s = exact["\(model)\u{0}\(taskID)\u{0}\(completionID)"] { return s }
        if let s = exact["\u{0}\(taskID)\u{0}\(completionID)"] { return s }
        if model == nil, let s = loose["\(taskID)\u{0}\(completionID)"] { return s }
        return nil
    }

    /// Why a standing rejects, in words.
    public static func reason(_ s: Standing, policy: ConsensusPolicy) -> String {
        let pct = { (x: Double) in String(format: "%.0f%%", 100 * x) }
        return "consensus: agrees with the plurality on \(pct(s.agreement ?? 0)) of \(s.inputsCounted) new inputs, "
            + "below \(pct(policy.minAgreement)) (group \(s.cluster + 1) of its task, \(s.clusterSize) of \(s.candidates) candidates)"
    }
}
