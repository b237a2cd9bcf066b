import Foundation

/// A bounded queue of candidates and the worker threads that take them, for the verifier and
/// the output runner alike: `submit` blocks while many jobs wait, each worker takes jobs until
/// the pool is finished and empty, and in rlimits mode the pool owns the host folder the
/// workers run in.
final class WorkerPool: @unchecked Sendable {
    let workerCount: Int
    /// The host folder the workers' children run in (made here in rlimits mode).
    let hostWork: String
    private let sandboxMode: SandboxMode
    private let queue = NSCondition()
    private var jobs: [Job] = []
    private var closed = false
    private let done = DispatchGroup()

    /// `prefix` names the host folder (`fluke-verify`, `fluke-consensus`).
    init(workers: Int, sandbox: Sandbox, prefix: String) throws {
        workerCount = max(1, workers)
        sandboxMode = sandbox.mode
        hostWork = NSTemporaryDirectory() + "\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8))"
        if sandbox.mode == .rlimits {
            try FileManager.default.createDirectory(atPath: hostWork, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
    }

    /// Starts the workers, each running `work(n)`; call once, when the owner is ready.
    func start(_ work: @escaping @Sendable (Int) -> Void) {
        for n in 0..<workerCount {
            done.enter()
            let t = Thread { [done] in
                work(n)
                done.leave()
            }
            t.stackSize = 1 << 20
            t.start()
        }
    }

    /// Queues a candidate (blocks while many are waiting).
    func submit(_ job: Job) {
        queue.lock()
        while jobs.count >= workerCount * 8 { queue.wait() }
        jobs.append(job)
        queue.broadcast()
        queue.unlock()
    }

    /// The next job for a worker; nil once the pool is finished and empty.
    func next() -> Job? {
        queue.lock()
        defer { queue.unlock() }
        while jobs.isEmpty && !closed { queue.wait() }
        if jobs.isEmpty { return nil }
        let job = jobs.removeFirst()
        queue.broadcast()
        return job
    }

    /// Waits for every queued job, then for the workers to stop; removes the host folder.
    func finish() {
        queue.lock()
        closed = true
        queue.broadcast()
        queue.unlock()
        done.wait()
        if sandboxMode == .rlimits { try? FileManager.default.removeItem(atPath: hostWork) }
    }
}
