import ArgumentParser
import Candidates
import Foundation
import Sanitizer
import Verifier

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run candidates against a benchmark's base and plus tests and label them TP, FP, TN or FN.",
        discussion: """
            Each candidate (sanitized first, unless --no-sanitize) runs against the benchmark's \
            original inputs (base_input: the weak verifier) and EvalPlus's extended inputs \
            (plus_input: the strong verifier), with outputs compared to the canonical solution's \
            as EvalPlus 0.3.1 compares them. TP passes both, FP passes base only, TN fails both, \
            FN passes plus only.

            Candidates run in a bubblewrap sandbox where it works (no network, no view of your \
            files, resource limits), else with resource limits only (said on standard error and \
            in every record). Output: one JSON record per candidate, appended as each completes; \
            run the same command again after an interruption and it resumes. An input named \
            *eval_results.json is read as EvalPlus's labels instead of being run.
            """)

    @OptionGroup var input: InputOptions

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Write the labels (JSONL) to this file; an existing one is resumed.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Also write EvalPlus's eval_results.json here.", valueName: "file"))
    var evalResults: String?

    @Option(name: .shortAndLong, help: "Parallel workers (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Run the candidates as they are, without sanitizing them.")
    var noSanitize = false

    @Flag(help: "Start over: replace the output file instead of resuming it.")
    var fresh = false

    enum Mode: String, ExpressibleByArgument, CaseIterable { case auto, bwrap, rlimits }
    @Option(help: "auto: bwrap where it works, else rlimits (reported); bwrap: fail without it.")
    var sandbox: Mode = .auto

    @Option(help: ArgumentHelp("The Python interpreter to run candidates in.", valueName: "python"))
    var python: String = ProcessInfo.processInfo.environment["FLUKE_PYTHON"] ?? "python3"

    @Option(help: "Per-input time limit floor, seconds (EvalPlus's min_time_limit).")
    var minTimeLimit: Double = 1.0

    @Option(help: "Per-input time limit: this factor × the canonical solution's time (EvalPlus's gt_time_limit_factor).")
    var timeLimitFactor: Double = 4.0

    @Option(help: "Cap on one part's total time limit, seconds (EvalPlus's EVALPLUS_TIMEOUT_PER_TASK).")
    var timeoutPerTask: Double = 60

    @Option(help: "Memory (address space) per candidate, MiB (EvalPlus: 4096).")
    var memory: Int = 4096

    @Option(help: ArgumentHelp("Where expected outputs are cached (default ~/.cache/fluke/verify).",
                               valueName: "folder"))
    var cacheDir: String?

    @Flag(help: "Do not cache expected outputs.")
    var noCache = false

    @Flag(name: [.short, .long], help: "No summary on standard error.")
    var quiet = false

    func run() throws {
        let evalPaths = input.paths.filter { $0.hasSuffix("eval_results.json") }
        let samplePaths = input.paths.filter { !$0.hasSuffix("eval_results.json") }
        let writer = try LabelWriter(path: output, fresh: fresh || output == nil)
        var records: [LabelRecord] = writer.resumed

        // Labels EvalPlus already computed.
        for path in evalPaths {
            let read: [LabelRecord]
            do { read = try EvalResults.read(path: path) } catch {
                Diagnostics.report(InputIssue(path: path, message: "\(error)"))
                continue
            }
            for r in read where !writer.done.contains(LabelRecord.key(r.id)) {
                writer.append(r)
                records.append(r)
            }
        }
        if samplePaths.isEmpty {
            writer.close()
            summary(writer, sandbox: nil)
            try finish()
            return
        }

        guard let datasetPath = input.dataset else {
            throw ValidationError("verify needs --dataset: the benchmark's problems with base_input and plus_input")
        }
        let dataset: VerifyDataset
        do { dataset = try VerifyDataset(path: datasetPath, python: python) } catch {
            throw InputFailure("\(error)")
        }
        for part in ["base_input", "plus_input"] {
            let missing = dataset.tasksWithoutInputs(part)
            if !missing.isEmpty {
                Diagnostics.note("fluke verify: warning: \(missing.count) of \(dataset.problems.problems.count) problems "
                                 + "have no \(part) (e.g. \(missing[0])): that part passes trivially; "
                                 + "use an EvalPlus dataset (HumanEvalPlus, MbppPlus) or your own with inputs")
            }
        }
        var limits = Limits()
        limits.minTime = minTimeLimit
        limits.factor = timeLimitFactor
        limits.partCap = timeoutPerTask
        limits.memory = memory << 20
        let box = try Verify.sandbox(sandbox, python: python, limits: limits, command: "fluke verify", quiet: quiet)

        let cache: String? = noCache ? nil : (cacheDir ?? Verify.defaultCache())
        let start = Date()
        let verifier = try Verifier(
            dataset: dataset, sandbox: box,
            workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount, cacheFolder: cache
        ) { job, base, plus in
            writer.append(LabelRecord(id: job.id, base: base, plus: plus, solution: job.code,
                                      sandbox: box.mode.rawValue))
            let n = writer.count
            Progress.update("verifying: \(n) done (" + writer.tally()
                            + String(format: "), %.1f/s", Double(n) / max(0.001, Date().timeIntervalSince(start))))
        }

        let sanitizer = try Sanitizer()
        let reader = CandidateReader(problems: dataset.problems, model: input.model)
        var skipped = 0
        try reader.read(samplePaths) { item in
            switch item {
            case .issue(let issue): Diagnostics.report(issue)
            case .candidate(let candidate):
                guard let task = candidate.id.taskID, dataset.contains(task) else {
                    let what = candidate.id.taskID.map { "task \($0) is not in \(datasetPath)" }
                        ?? "no task id: verify needs benchmark samples"
                    Diagnostics.report(InputIssue(path: candidate.id.path, line: candidate.id.line, message: what))
                    return
                }
                if writer.done.contains(LabelRecord.key(candidate.id)) {
                    skipped += 1
                    return
                }
                var code = candidate.text
                if !noSanitize {
                    let prompt = candidate.promptByteCount.map {
                        String(decoding: candidate.bytes[0..<$0], as: UTF8.self)
                    }
                    code = try sanitizer.sanitize(code, prompt: prompt, entryPoint: candidate.entryPoint).code
                }
                verifier.submit(Job(id: candidate.id, code: code))
            }
        }
        verifier.finish()
        writer.close()
        Progress.clearLine()
        if skipped > 0 && !quiet {
            Diagnostics.note("fluke verify: resumed: \(skipped) candidates were already done in \(output ?? "")")
        }
        records = writer.all
        if let evalResults {
            do {
                let modes = Set(records.map(\.sandbox)).sorted().joined(separator: ", ")
                try EvalResults.write(records, hash: dataset.hash, sandbox: modes, to: evalResults) { task, part, i in
                    dataset.input(task: task, part: part, index: i)
                }
            } catch { throw InputFailure("\(error)") }
        }
        summary(writer, sandbox: box, seconds: Date().timeIntervalSince(start))
        try finish()
    }

    static func defaultCache() -> String {
        let env = ProcessInfo.processInfo.environment
        if let c = env["FLUKE_CACHE"] { return c + "/verify" }
        let base = env["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        return base + "/fluke/verify"
    }

    func summary(_ writer: LabelWriter, sandbox: Sandbox?, seconds: Double? = nil) {
        guard !quiet else { return }
        var s = "fluke verify: \(writer.all.count) candidates: " + writer.tally()
        if let seconds { s += String(format: " (%d run in %.1f s", writer.count, seconds) + ")" }
        if let sandbox { s += "; sandbox: \(sandbox.mode.rawValue)" }
        Diagnostics.note(s)
    }
}

/// The labels file: appended a record at a time (one write(2) per record, so a crash or kill
/// loses nothing that completed), fsync'd every second and at the end.
final class LabelWriter: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private(set) var done: Set<String> = []
    private(set) var resumed: [LabelRecord] = []
    private var records: [LabelRecord] = []
    private var counts: [Label: Int] = [:]
    private var newCount = 0
    private var lastSync = Date()
    private let isFile: Bool

    init(path: String?, fresh: Bool) throws {
        guard let path, path != "-" else {
            fd = 1
            isFile = false
            return
        }
        isFile = true
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InputFailure("cannot write \(path)") }
        // Two runs appending to one file would interleave their records.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw InputFailure("\(path) is being written by another fluke verify run")
        }
        if fresh {
            ftruncate(fd, 0)
            return
        }
        let (old, valid): ([LabelRecord], Int)
        do { (old, valid) = try readLabels(path: path) } catch {
            Glibc.close(fd)
            throw InputFailure("\(error) (use --fresh to start over)")
        }
        resumed = old
        records = old
        for r in old {
            done.insert(LabelRecord.key(r.id))
            counts[r.label, default: 0] += 1
        }
        ftruncate(fd, off_t(valid))  // drop a torn last line
        lseek(fd, 0, SEEK_END)
    }

    func append(_ r: LabelRecord) {
        let bytes = Array((r.jsonLine() + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            sent += n
        }
        if isFile && Date().timeIntervalSince(lastSync) > 1 {
            fsync(fd)
            lastSync = Date()
        }
        records.append(r)
        done.insert(LabelRecord.key(r.id))
        counts[r.label, default: 0] += 1
        newCount += 1
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return newCount }
    var all: [LabelRecord] { lock.lock(); defer { lock.unlock() }; return records }

    func tally() -> String {
        lock.lock()
        defer { lock.unlock() }
        return Label.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }

    func close() {
        if isFile {
            fsync(fd)
            Glibc.close(fd)
        }
    }
}

extension Verify {
    /// The sandbox that `command` runs candidates in: the interpreter resolved, bwrap where it
    /// works here (or rlimits when asked), an error when bwrap was required and does not work;
    /// the weaker mode is always reported on standard error, bwrap unless `quiet`.
    static func sandbox(_ mode: Mode, python: String, limits: Limits, command: String, quiet: Bool) throws -> Sandbox {
        let interpreter: Interpreter
        do { interpreter = try Interpreter.resolve(python) } catch { throw InputFailure("\(error)") }
        let box = Verifier.detectSandbox(interpreter: interpreter, limits: limits,
                                         preferred: mode == .rlimits ? .rlimits : nil)
        if box.mode == .rlimits {
            if mode == .bwrap { throw InputFailure("the bwrap sandbox does not work here: \(box.reason ?? "")") }
            Diagnostics.note("\(command): warning: weaker sandbox (resource limits only; candidates can read "
                             + "your files and reach the network): \(box.reason ?? "")")
        } else if !quiet {
            Diagnostics.note("\(command): sandbox: bwrap (no network, only the interpreter visible, "
                             + "resource limits); Python \(interpreter.version) at \(interpreter.executable)")
        }
        return box
    }
}
