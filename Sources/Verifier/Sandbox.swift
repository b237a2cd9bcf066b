import Foundation

/// Resource limits for each candidate process (and for the canonical solution's).
public struct Limits: Sendable {
    /// Address space, bytes (EvalPlus: 4 GiB); 0 for none.
    public var memory: Int = 4 << 30
    /// Largest file a candidate may write, bytes.
    public var fileSize: Int = 16 << 20
    /// Open files.
    public var openFiles: Int = 256
    /// Processes and threads of the sandbox user (namespaced modes; see README).
    public var processes: Int = 64
    /// Size of the sandbox's private /tmp, bytes.
    public var scratch: Int = 256 << 20
    /// EvalPlus's per-input limit: max(minTime, factor × the canonical solution's time).
    public var minTime: Double = 1.0
    public var factor: Double = 4.0
    /// EvalPlus's cap on the limits' sum for one part (EVALPLUS_TIMEOUT_PER_TASK, 60 s).
    public var partCap: Double = 60
    /// Wall-clock limit for computing one problem's expected outputs.
    public var canonicalTimeout: Double = 600

    public init() {}
}

/// How candidates are isolated.
public enum SandboxMode: String, Sendable, Codable {
    /// bubblewrap: own mount, pid, network, IPC and UTS namespaces; only the interpreter and
    /// /usr visible, read-only; a private /tmp; as root, each worker's candidates run as their
    /// own unprivileged user.
    case bwrap
    /// No namespaces: resource limits, a private temporary folder and process-group kills only.
    /// Candidates can read what the user can read, and reach the network.
    case rlimits
}

/// The Python interpreter candidates run in: resolved once on the host (a pyenv shim is a
/// script; the sandbox needs the real binary and its prefix).
public struct Interpreter: Sendable {
    public var executable: String
    public var basePrefix: String
    public var prefix: String
    public var version: String

    public static func resolve(_ command: String) throws -> Interpreter {
        let script = "import sys, json, os; print(json.dumps({'e': os.path.realpath(sys.executable), "
            + "'b': os.path.realpath(sys.base_prefix), 'p': os.path.realpath(sys.prefix), "
            + "'v': sys.version.split()[0]}))"
        let (status, out, err) = try runHost([command, "-I", "-c", script])
        guard status == 0,
              let data = out.split(separator: "\n").last.map({ Data($0.utf8) }),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: String],
              let e = json["e"], let b = json["b"], let p = json["p"], let v = json["v"]
        else {
            throw VerifyError("cannot run the Python interpreter `\(command)`: "
                              + (err.isEmpty ? "exit \(status)" : err.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return Interpreter(executable: e, basePrefix: b, prefix: p, version: v)
    }
}

/// An error that stops a verify run, with a one-line message.
public struct VerifyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}

/// Runs a trusted command on the host; returns status, standard output and standard error.
func runHost(_ argv: [String]) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    do { try p.run() } catch { throw VerifyError("cannot run \(argv[0]): \(error.localizedDescription)") }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Builds the command line of one worker in a given mode.
public struct Sandbox: Sendable {
    public var mode: SandboxMode
    public var interpreter: Interpreter
    public var limits: Limits
    /// Why the weaker mode is in use (nil in bwrap mode).
    public var reason: String?
    let isRoot = geteuid() == 0

    public init(mode: SandboxMode, interpreter: Interpreter, limits: Limits, reason: String? = nil) {
        self.mode = mode
        self.interpreter = interpreter
        self.limits = limits
        self.reason = reason
    }

    /// The harness's configuration: who children run as, where their folders go, limits.
    func configuration(worker: Int, work: String) -> String {
        var conf: [String: Any] = [
            "pidns": mode == .bwrap, "work": work,
            "limits": ["memory": limits.memory, "fsize": limits.fileSize, "nofile": limits.openFiles,
                       "nproc": limits.processes],
        ]
        // As root, bwrap leaves us root in the sandbox (no user namespace): candidates then run
        // as a user of their own, unique to this run and worker, so that the process limit
        // counts only them, and they can signal nothing but their own processes.
        if mode == .bwrap && isRoot { conf["uid"] = Sandbox.workerUID(worker) }
        let data = try! JSONSerialization.data(withJSONObject: conf, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A uid no one else uses: 1e9 + pid × 64 + worker.
    static func workerUID(_ worker: Int) -> Int { 1_000_000_000 + Int(getpid()) * 64 + worker % 64 }

    static let environment = [
        "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
    ]

    /// The worker's argv and environment; `work` is a host folder for the rlimits mode.
    func command(worker: Int, hostWork: String) -> (argv: [String], env: [String: String]) {
        let python = [interpreter.executable, "-I", "-c", Harness.source]
        switch mode {
        case .rlimits:
            var env = Sandbox.environment
            env["HOME"] = hostWork
            env["TMPDIR"] = hostWork
            return (python + [configuration(worker: worker, work: hostWork)], env)
        case .bwrap:
            var a = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
                     "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
            if isRoot {
                a += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
            } else {
                a += ["--unshare-user"]
            }
            a += ["--ro-bind", "/usr", "/usr"]
            let fm = FileManager.default
            for dir in ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"] {
                if let target = try? fm.destinationOfSymbolicLink(atPath: dir) {
                    a += ["--symlink", target, dir]
                } else if fm.fileExists(atPath: dir) {
                    a += ["--ro-bind", dir, dir]
                }
            }
            for file in ["/etc/ld.so.cache", "/etc/localtime"] { a += ["--ro-bind-try", file, file] }
            var prefixes = [interpreter.basePrefix]
            if interpreter.prefix != interpreter.basePrefix { prefixes.append(interpreter.prefix) }
            for p in prefixes where !(p == "/usr" || p.hasPrefix("/usr/")) {
                // Folders on the way (e.g. /root for pyenv's) are made traversable, not bound.
                var ancestor = ""
                for part in p.split(separator: "/").dropLast() {
                    ancestor += "/" + part
                    a += ["--perms", "0755", "--dir", ancestor]
                }
                a += ["--ro-bind", p, p]
            }
            a += ["--proc", "/proc", "--dev", "/dev",
                  "--perms", "1777", "--size", String(limits.scratch), "--tmpfs", "/tmp",
                  "--chdir", "/tmp", "--clearenv"]
            var env = Sandbox.environment
            env["HOME"] = "/tmp"
            for (k, v) in env.sorted(by: { $0.key < $1.key }) { a += ["--setenv", k, v] }
            return (a + python + [configuration(worker: worker, work: "/tmp/work")],
                    ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        }
    }
}
