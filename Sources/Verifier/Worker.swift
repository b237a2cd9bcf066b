import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One sandboxed harness process: requests go in as JSON lines, replies come back as JSON lines.
/// The harness forks a fresh child per candidate and part; this side only has to notice when
/// the whole worker dies or stops answering, and start a new one.
final class Worker {
    private(set) var pid: pid_t = 0
    private var toWorker: Int32 = -1
    private var fromWorker: Int32 = -1
    private var buffer: [UInt8] = []
    /// The problem the harness holds (it keeps a few; we track the last one sent).
    var loaded: Set<Int> = []

    enum Failure: Error { case died(String), timedOut }
    nonisolated(unsafe) static let spawnLock = NSLock()

    /// Starts the worker and waits for its greeting.
    init(argv: [String], env: [String: String], startTimeout: Double = 30) throws {
        // Pipes are made close-on-exec under a lock, so that workers started at the same time
        // from other threads do not inherit each other's ends.
        Worker.spawnLock.lock()
        defer { Worker.spawnLock.unlock() }
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else {
            throw VerifyError("pipe: \(String(cString: strerror(errno)))")
        }
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        if ProcessInfo.processInfo.environment["FLUKE_VERIFY_DEBUG"] == nil {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, argv[0], &actions, &attributes, cArgs, cEnv)
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else {
            close(inPipe[1])
            close(outPipe[0])
            throw VerifyError("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
        Worker.spawnLock.unlock()
        defer { Worker.spawnLock.lock() }  // balanced by the deferred unlock above
        toWorker = inPipe[1]
        fromWorker = outPipe[0]
        do {
            let hello = try readLine(timeout: startTimeout)
            guard hello.contains("\"hello\"") else { throw Failure.died("unexpected greeting") }
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Kills the worker (and with it its sandbox) and reaps it.
    func stop() {
        guard pid > 0 else { return }
        if toWorker >= 0 { close(toWorker); toWorker = -1 }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
        if fromWorker >= 0 { close(fromWorker); fromWorker = -1 }
    }

    /// Sends one request and waits for its reply (a JSON object).
    func request(_ line: String, timeout: Double) throws -> [String: Any] {
        guard pid > 0 else { throw Failure.died("not running") }
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(toWorker, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.died("write: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
        let reply = try readLine(timeout: timeout)
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any] else {
            throw Failure.died("unreadable reply")
        }
        return object
    }

    private func readLine(timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { throw Failure.timedOut }
            var fds = pollfd(fd: fromWorker, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure.died("poll: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fromWorker, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.died("read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw Failure.died("the worker exited") }
            buffer += chunk[..<n]
        }
    }
}
