import Candidates
import Foundation

/// A benchmark's problems with their records as they are in the file (inputs included).
public final class VerifyDataset: @unchecked Sendable {
    public let path: String
    public let problems: ProblemSet
    /// Each task's position in the file and its JSON line.
    private(set) var records: [String: (index: Int, line: [UInt8])] = [:]
    /// The file's MD5, as EvalPlus names its datasets (and the key of the expected-output cache).
    public let hash: String

    public init(path: String, python: String = "python3") throws {
        self.path = path
        var list: [Problem] = []
        var records: [String: (index: Int, line: [UInt8])] = [:]
        do {
            try ProblemSet.forEachRecord(path: path) { problem, line in
                records[problem.taskID] = (list.count, line)
                list.append(problem)
            }
        } catch let issue as InputIssue {
            throw VerifyError(issue.description)
        }
        self.records = records
        problems = ProblemSet(problems: list, path: path)
        let (status, out, _) = try runHost([python, "-I", "-c",
            "import hashlib,sys; print(hashlib.md5(open(sys.argv[1],'rb').read()).hexdigest())", path])
        hash = status == 0 ? out.trimmingCharacters(in: .whitespacesAndNewlines) : "unknown"
    }

    public func contains(_ taskID: String) -> Bool { records[taskID] != nil }

    /// Tasks without inputs for a part (`base_input` or `plus_input` missing or empty): a part
    /// with no inputs passes trivially, so a dataset without them cannot label anything.
    public func tasksWithoutInputs(_ part: String) -> [String] {
        problems.problems.map(\.taskID).filter { t in records[t].map { rawElement($0.line, key: part, index: 0) == nil } ?? false }
    }

    /// EvalPlus's special cases follow the benchmark: `humaneval`, `mbpp`, or `other`.
    static func kind(_ taskID: String) -> String {
        if taskID.hasPrefix("HumanEval/") { return "humaneval" }
        if taskID.hasPrefix("Mbpp/") { return "mbpp" }
        return "other"
    }

    /// The raw JSON of `base_input[i]` or `plus_input[i]`.
    public func input(task: String, part: String, index: Int) -> String? {
        records[task].flatMap { rawElement($0.line, key: part, index: index) }
    }
}

/// Expected outputs per task: computed once (by whichever worker needs them first; the others
/// wait), kept in memory and in the cache folder, so that later runs and resumptions reuse them.
final class ExpectedStore: @unchecked Sendable {
    private let condition = NSCondition()
    private var blobs: [Int: String] = [:]
    private var failures: [Int: String] = [:]
    private var pending: Set<Int> = []
    private let folder: String?

    init(folder: String?) {
        self.folder = folder
        if let folder { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    }

    enum Claim { case ready(String), failed(String), compute }

    func claim(_ task: Int) -> Claim {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let b = blobs[task] { return .ready(b) }
            if let f = failures[task] { return .failed(f) }
            if !pending.contains(task) {
                if let folder, let data = FileManager.default.contents(atPath: "\(folder)/\(task).b64") {
                    return .ready(String(decoding: data, as: UTF8.self))  // not kept: some are 100s of MB
                }
                pending.insert(task)
                return .compute
            }
            condition.wait()
        }
    }

    func finish(_ task: Int, blob: String?, failure: String?) {
        condition.lock()
        pending.remove(task)
        if let blob {
            var saved = false
            if let folder {
                let tmp = "\(folder)/.\(task).\(getpid()).tmp"
                if FileManager.default.createFile(atPath: tmp, contents: Data(blob.utf8)) {
                    saved = rename(tmp, "\(folder)/\(task).b64") == 0
                }
            }
            if !saved { blobs[task] = blob }
        } else if let failure {
            failures[task] = failure
        }
        condition.broadcast()
        condition.unlock()
    }
}

/// One candidate to run.
public struct Job: Sendable {
    public var id: CandidateID
    public var code: String
    public init(id: CandidateID, code: String) {
        self.id = id
        self.code = code
    }
}

/// Runs candidates against a dataset's base and plus inputs on parallel sandboxed workers.
public final class Verifier: @unchecked Sendable {
    public let dataset: VerifyDataset
    public let sandbox: Sandbox
    public var workerCount: Int { pool.workerCount }
    private let expected: ExpectedStore
    private let pool: WorkerPool
    private var hostWork: String { pool.hostWork }
    private let deliver: @Sendable (Job, PartResult, PartResult) -> Void
    private let deliverLock = NSLock()
    private let limitsLock = NSLock()
    private var partSeconds: [Int: (Double, Double)] = [:]

    /// `deliver` is called once per job, from worker threads, one call at a time.
    public init(dataset: VerifyDataset, sandbox: Sandbox, workers: Int, cacheFolder: String?,
                deliver: @escaping @Sendable (Job, PartResult, PartResult) -> Void) throws {
        self.dataset = dataset
        self.sandbox = sandbox
        expected = ExpectedStore(folder: cacheFolder.map { "\($0)/\(dataset.hash)-py\(sandbox.interpreter.version)" })
        self.deliver = deliver
        pool = try WorkerPool(workers: workers, sandbox: sandbox, prefix: "fluke-verify")
        pool.start { [self] n in self.loop(worker: n) }
    }

    /// Decides the mode: bwrap when it works here (unless `require` is false and
    /// `preferred` is rlimits), else the weaker mode with the reason.
    public static func detectSandbox(interpreter: Interpreter, limits: Limits,
                                     preferred: SandboxMode?) -> Sandbox {
        if preferred == .rlimits {
            return Sandbox(mode: .rlimits, interpreter: interpreter, limits: limits, reason: "--sandbox rlimits")
        }
        var box = Sandbox(mode: .bwrap, interpreter: interpreter, limits: limits)
        var (argv, env) = box.command(worker: 0, hostWork: "/tmp")
        // Probe: the same sandbox, with a one-line program instead of the harness.
        if let c = argv.firstIndex(of: "-c") { argv = Array(argv[...c]) + ["print('ok')"] }
        var reason: String
        do {
            let (status, out, err) = try runHost(["env", "-i"] + env.map { "\($0.key)=\($0.value)" } + argv)
            if status == 0 && out.hasPrefix("ok") { return box }
            reason = err.split(separator: "\n").first.map(String.init) ?? "exit \(status)"
        } catch {
            reason = "\(error)"
        }
        if (try? runHost(["which", "bwrap"]))?.0 != 0 {
            reason = "bubblewrap is not installed (as root: apt-get install -y bubblewrap)"
        }
        box.mode = .rlimits
        box.reason = reason
        return box
    }

    /// Queues a candidate (blocks while many are waiting).
    public func submit(_ job: Job) { pool.submit(job) }

    /// Waits for every queued candidate, then stops the workers.
    public func finish() { pool.finish() }

    private func emit(_ job: Job, _ base: PartResult, _ plus: PartResult) {
        deliverLock.lock()
        deliver(job, base, plus)
        deliverLock.unlock()
    }

    struct ProblemFailure: Error { var message: String }

    private func loop(worker n: Int) {
        var worker: Worker? = nil
        defer { worker?.stop() }
        while let job = pool.next() {
            guard let task = job.id.taskID, let record = dataset.records[task] else {
                let r = PartResult(status: .error, exception: "UnknownTask")
                emit(job, r, r)
                continue
            }
            var attempts = 0
            while true {
                do {
                    if worker == nil {
                        let (argv, env) = sandbox.command(worker: n, hostWork: hostWork)
                        worker = try Worker(argv: argv, env: env)
                    }
                    let w = worker!
                    if !w.loaded.contains(record.index) { try load(task: task, record: record, into: w) }
                    let code = EvalResults.quote(job.code)
                    let request = "{\"op\":\"run\",\"key\":\"\(record.index)\",\"timeout_cap\":\(sandbox.limits.partCap),\"code\":\(code)}"
                    let reply = try w.request(request, timeout: backstop(record.index))
                    guard reply["ok"] as? Bool == true, let b = reply["base"] as? [String: Any],
                          let p = reply["plus"] as? [String: Any] else {
                        throw Worker.Failure.died(reply["message"] as? String ?? "bad reply")
                    }
                    emit(job, PartResult(harness: b), PartResult(harness: p))
                    break
                } catch let f as ProblemFailure {
                    let r = PartResult(status: .error, exception: "CanonicalSolutionFailed", detail: f.message)
                    emit(job, r, r)
                    break
                } catch {
                    // The worker died (a candidate killed it) or hung: start a new one, retry once.
                    worker?.stop()
                    worker = nil
                    attempts += 1
                    if attempts >= 2 {
                        let what: String
                        switch error {
                        case Worker.Failure.timedOut: what = "the worker stopped answering"
                        case Worker.Failure.died(let m): what = "the worker died: \(m)"
                        default: what = "\(error)"
                        }
                        let r = PartResult(status: .error, exception: "WorkerKilled", detail: what, killed: true)
                        emit(job, r, r)
                        break
                    }
                }
            }
        }
    }

    /// A generous limit for one run request: both parts' own limits, twice, plus slack.
    private func backstop(_ task: Int) -> Double {
        limitsLock.lock()
        let (b, p) = partSeconds[task] ?? (sandbox.limits.partCap, sandbox.limits.partCap)
        limitsLock.unlock()
        let cap = sandbox.limits.partCap
        return 2 * (min(cap, b) + min(cap, p) + 4) + 30
    }

    private func load(task: String, record: (index: Int, line: [UInt8]), into w: Worker) throws {
        let claim = expected.claim(record.index)
        var blob: String? = nil
        switch claim {
        case .failed(let m): throw ProblemFailure(message: m)
        case .ready(let b): blob = b
        case .compute: break
        }
        let l = sandbox.limits
        var request = "{\"op\":\"problem\",\"key\":\"\(record.index)\",\"kind\":\"\(VerifyDataset.kind(task))\""
        request += ",\"factor\":\(l.factor),\"min_time\":\(l.minTime),\"canonical_timeout\":\(l.canonicalTimeout)"
        request += ",\"expected\":" + (blob.map { "\"\($0)\"" } ?? "null") + ",\"problem\":"
        request += String(decoding: record.line, as: UTF8.self) + "}"
        let reply: [String: Any]
        do {
            reply = try w.request(request, timeout: l.canonicalTimeout + 60)
        } catch {
            if case .compute = claim { expected.finish(record.index, blob: nil, failure: nil) }
            throw error
        }
        guard reply["ok"] as? Bool == true else {
            let m = reply["message"] as? String ?? "the worker could not load the problem"
            if case .compute = claim { expected.finish(record.index, blob: nil, failure: m) }
            throw ProblemFailure(message: m)
        }
        if case .compute = claim { expected.finish(record.index, blob: reply["expected"] as? String, failure: nil) }
        if let sums = reply["limits"] as? [String: Any] {
            limitsLock.lock()
            partSeconds[record.index] = ((sums["base"] as? Double) ?? 60, (sums["plus"] as? Double) ?? 60)
            limitsLock.unlock()
        }
        w.loaded.removeAll()  // the harness keeps one problem at a time
        w.loaded.insert(record.index)
    }
}
