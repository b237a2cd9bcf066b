import Candidates
import Foundation

/// One task's inputs for `OutputRunner`: no expected outputs, only what to call and with what.
public struct InputSet: Sendable {
    public var taskID: String
    public var entryPoint: String
    /// The inputs as JSON: an array of argument lists (`[[1, "a"], [2, "b"]]`).
    public var inputsJSON: String
    public var count: Int

    public init(taskID: String, entryPoint: String, inputsJSON: String, count: Int) {
        self.taskID = taskID
        self.entryPoint = entryPoint
        self.inputsJSON = inputsJSON
        self.count = count
    }
}

/// What one candidate did on each input of its task, as canonical texts: the return value
/// (short ones as they are, `[1, 2]`, `'abc'`, `True` as `1`; long ones as `#` and a digest),
/// `raise:ValueError`, `timeout`, `died:signal:SIGSEGV`, `load:SyntaxError`.
public struct OutputResult: Sendable, Equatable {
    public var outputs: [String]
    public var seconds: Double
    /// CPU time of the processes that ran it (user and system), seconds.
    public var cpuSeconds: Double
    /// Why there are no real outputs (the worker could not run it), or nil.
    public var error: String?

    public init(outputs: [String], seconds: Double, cpuSeconds: Double = 0, error: String? = nil) {
        self.outputs = outputs
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
        self.error = error
    }
}

/// Runs candidates on inputs that have no expected outputs, in the verifier's sandbox (same
/// workers, limits, process-group kills), and reports each one's outputs. Used by the
/// consensus gate, which compares candidates with each other.
public final class OutputRunner: @unchecked Sendable {
    public let sandbox: Sandbox
    public var workerCount: Int { pool.workerCount }
    /// Per-input wall-clock limit, seconds.
    public let timeLimit: Double
    /// Limit for one candidate on all its inputs, seconds (inputs left when it runs out are
    /// timeouts).
    public let candidateCap: Double
    private let sets: [String: InputSet]
    private let pool: WorkerPool
    private var hostWork: String { pool.hostWork }
    private let deliver: @Sendable (Job, OutputResult) -> Void
    private let deliverLock = NSLock()

    /// `deliver` is called once per job, from worker threads, one call at a time.
    public init(sandbox: Sandbox, workers: Int, timeLimit: Double, candidateCap: Double,
                inputs: [InputSet], deliver: @escaping @Sendable (Job, OutputResult) -> Void) throws {
        self.sandbox = sandbox
        self.timeLimit = timeLimit
        self.candidateCap = candidateCap
        sets = Dictionary(inputs.map { ($0.taskID, $0) }, uniquingKeysWith: { a, _ in a })
        self.deliver = deliver
        pool = try WorkerPool(workers: workers, sandbox: sandbox, prefix: "fluke-consensus")
        pool.start { [self] n in self.loop(worker: n) }
    }

    /// Queues a candidate (blocks while many are waiting). Its task must have an input set.
    public func submit(_ job: Job) { pool.submit(job) }

    /// Waits for every queued candidate, then stops the workers.
    public func finish() { pool.finish() }

    private func emit(_ job: Job, _ result: OutputResult) {
        deliverLock.lock()
        deliver(job, result)
        deliverLock.unlock()
    }

    private func loop(worker n: Int) {
        var worker: Worker? = nil
        var loaded: String? = nil
        defer { worker?.stop() }
        while let job = pool.next() {
            guard let task = job.id.taskID, let set = sets[task] else {
                emit(job, OutputResult(outputs: [], seconds: 0, error: "no inputs for this task"))
                continue
            }
            var attempts = 0
            while true {
                do {
                    if worker == nil {
                        let (argv, env) = sandbox.command(worker: n, hostWork: hostWork)
                        worker = try Worker(argv: argv, env: env)
                        loaded = nil
                    }
                    let w = worker!
                    if loaded != task {
                        var request = "{\"op\":\"inputs\",\"key\":" + EvalResults.quote(task)
                        request += ",\"task_id\":" + EvalResults.quote(task)
                        request += ",\"kind\":\"\(VerifyDataset.kind(task))\",\"entry\":" + EvalResults.quote(set.entryPoint)
                        request += ",\"time_limit\":\(timeLimit),\"inputs\":" + set.inputsJSON + "}"
                        let reply = try w.request(request, timeout: 60)
                        guard reply["ok"] as? Bool == true else {
                            throw Worker.Failure.died(reply["message"] as? String ?? "could not load the inputs")
                        }
                        loaded = task
                    }
                    let request = "{\"op\":\"outputs\",\"key\":" + EvalResults.quote(task)
                        + ",\"timeout_cap\":\(candidateCap),\"code\":" + EvalResults.quote(job.code) + "}"
                    let backstop = 2 * (candidateCap + 3 * Double(set.count)) + 30
                    let reply = try w.request(request, timeout: backstop)
                    guard reply["ok"] as? Bool == true, let outputs = reply["outputs"] as? [String] else {
                        throw Worker.Failure.died(reply["message"] as? String ?? "bad reply")
                    }
                    emit(job, OutputResult(outputs: outputs, seconds: reply["seconds"] as? Double ?? 0,
                                           cpuSeconds: reply["cpu"] as? Double ?? 0))
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
                        emit(job, OutputResult(outputs: Array(repeating: "died:worker", count: set.count),
                                               seconds: 0, error: what))
                        break
                    }
                }
            }
        }
    }
}
