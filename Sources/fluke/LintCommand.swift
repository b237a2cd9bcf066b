import ArgumentParser
import Candidates
import Configuration
import Dispatch
import Foundation
import Lint
import LintOutput
import Rules
import SyntaxTree

/// Options for choosing rules, shared by the commands that lint.
struct RuleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Rules to run, comma-separated: codes, prefixes (E, N8), profiles (pep8, paper) or ALL. Replaces the configuration's `select`.", valueName: "codes"))
    var select: String?

    @Option(name: .customLong("extend-select"), help: ArgumentHelp("Rules to add to the selection.", valueName: "codes"))
    var extendSelect: String?

    @Option(help: ArgumentHelp("Rules to leave out.", valueName: "codes"))
    var ignore: String?

    @Option(name: .customLong("rules"), help: ArgumentHelp("Another folder of rule files (Rules/<category>/<CODE>.yaml); repeatable.", valueName: "dir"))
    var ruleDirectories: [String] = []

    @Option(help: ArgumentHelp("Use this configuration file (pyproject.toml or fluke.toml) for every input.", valueName: "file"))
    var config: String?

    @Flag(help: "Ignore configuration files.")
    var isolated = false

    /// These options as command-line arguments again (to run `fluke lint` from another command).
    var arguments: [String] {
        var out: [String] = []
        if let s = select { out += ["--select", s] }
        if let s = extendSelect { out += ["--extend-select", s] }
        if let s = ignore { out += ["--ignore", s] }
        for d in ruleDirectories { out += ["--rules", d] }
        if let c = config { out += ["--config", c] }
        if isolated { out.append("--isolated") }
        return out
    }

    static func list(_ s: String?) -> [String]? {
        s.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

/// Linters by configuration file, built once each.
final class LinterCache {
    let options: RuleOptions
    private var byDirectory: [String: Configuration] = [:]
    private var linters: [String: (Linter, [Rule])] = [:]
    private var catalogs: [[String]: RuleCatalog] = [:]
    private let builtin: String

    init(options: RuleOptions) throws {
        self.options = options
        guard let dir = RuleCatalog.builtinDirectory() else {
            throw InputFailure("cannot find Fluke's rules: set FLUKE_RULES to the Rules folder, or install with Scripts/install")
        }
        builtin = dir
    }

    /// The configuration for a candidate read from `path`.
    func configuration(for path: String) throws -> Configuration {
        if let file = options.config {
            return try cached(key: "--config") {
                guard let c = try Configuration.load(file: file) else {
                    throw InputFailure("\(file): has no [tool.fluke] table")
                }
                return c
            }
        }
        if options.isolated || path == "-" || path == "<stdin>" {
            return try cached(key: "") { Configuration() }
        }
        let dir = (path as NSString).deletingLastPathComponent
        let key = dir.isEmpty ? FileManager.default.currentDirectoryPath : dir
        return try cached(key: key) { try Configuration.discover(from: key) ?? Configuration() }
    }

    private func cached(key: String, _ make: () throws -> Configuration) throws -> Configuration {
        if let c = byDirectory[key] { return c }
        let c = try make()
        byDirectory[key] = c
        return c
    }

    /// The linter for a configuration (with the command line's selection on top).
    func linter(for config: Configuration) throws -> (Linter, [Rule]) {
        let key = config.file ?? ""
        if let l = linters[key] { return l }
        let dirs = [builtin] + config.ruleDirectories + options.ruleDirectories
        let catalog: RuleCatalog
        if let c = catalogs[dirs] { catalog = c } else {
            catalog = try RuleCatalog.load(directories: dirs)
            catalogs[dirs] = catalog
        }
        let effective = config.overriding(select: RuleOptions.list(options.select),
                                          extendSelect: RuleOptions.list(options.extendSelect) ?? [],
                                          ignore: RuleOptions.list(options.ignore) ?? [])
        let (rules, values) = try effective.resolve(catalog)
        let linter = try Linter(rules: rules, options: values)
        linters[key] = (linter, rules)
        return (linter, rules)
    }
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report where candidates depart from style conventions, and how well they adhere.",
        discussion: """
            Rules come from Fluke's Rules/ folder (and --rules folders); which ones run comes from \
            pyproject.toml [tool.fluke] or fluke.toml (found by walking up from each input) and \
            --select/--extend-select/--ignore. `# noqa` and `# noqa: CODE` on a line suppress \
            findings there. Findings in a benchmark's prompt (known with --dataset) are left out \
            unless --include-prompt.

            Formats: text (path:line:col: CODE message), json (one object per finding), jsonl (one \
            record per candidate with findings, adherence and score: the reporter's input), sarif \
            (2.1.0). Exit status: 0 clean, 1 findings, 2 usage or input error.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, jsonl, sarif }
    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Count findings in the benchmark's prompt too.")
    var includePrompt = false

    @Option(name: [.short, .long], help: "Parallel workers (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Exit 0 even when there are findings.")
    var exitZero = false

    @Flag(help: ArgumentHelp("Read and parse the candidates, and run no rule (a baseline for benchmarks).", visibility: .hidden))
    var parseOnly = false

    func run() throws {
        let cache = try LinterCache(options: ruleOptions)
        let sink = try OutputSink(path: output)
        var writer: LintWriter? = nil
        func makeWriter(_ rules: [Rule]) -> LintWriter {
            LintWriter(format: LintFormat(rawValue: format.rawValue)!, rules: rules,
                       writeBytes: { sink.write(bytes: $0) }) { sink.write($0) }
        }
        // Only JSON Lines shows adherence per rule and profile.
        try LintRun(cache: cache, reader: try input.reader(), jobs: jobs, includePrompt: includePrompt,
                    parseOnly: parseOnly, verdicts: format == .jsonl).run(input.paths) { result, rules in
            if writer == nil { writer = makeWriter(rules) }
            writer!.add(result)
        }
        if writer == nil {
            writer = makeWriter(parseOnly ? [] : try cache.linter(for: try cache.configuration(for: input.paths.first ?? ".")).1)
        }
        writer!.finish(summary: format == .text && output == nil && !parseOnly)
        sink.flush()
        Progress.clearLine()
        try finish()
        if writer!.findingCount > 0 && !exitZero { throw ExitCode(1) }
    }
}

/// Lints candidates as they are read, in parallel, handing on results in input order (with the
/// rules that produced them). Unreadable candidates are reported and skipped.
///
/// Workers take candidates one at a time from a window of those read and not yet handed on;
/// this thread reads ahead to fill the window, and hands on results in input order as they
/// are done. There is no barrier between batches: a worker waits only when the window holds
/// nothing left to take, and this thread is woken only once a run of results is ready (each
/// wake-up costs). At most `window` candidates are held, however long the input.
struct LintRun {
    let cache: LinterCache
    let reader: CandidateReader
    let jobs: Int
    let includePrompt: Bool
    /// Read and parse only (a benchmark's baseline): no rule is loaded or run, nothing handed on.
    var parseOnly = false
    /// Whether results carry adherence per rule and profile (see `Linter.lint`).
    var verdicts = true

    /// Candidates held at most: read, being linted, or linted and waiting to be handed on.
    static let window = 1024
    /// How many results in a row this thread waits for once the window is full.
    static let handOnRun = 128

    func run(_ paths: [String], _ each: (LintResult, [Rule]) throws -> Void) throws {
        let workers = max(1, jobs)
        let parsers = try ParserPool(count: workers)  // one per worker, for the whole run
        let parseOnly = self.parseOnly
        let queue = LintQueue(window: LintRun.window, run: LintRun.handOnRun)
        let stopped = DispatchGroup()
        for w in 0..<workers {
            stopped.enter()
            let thread = Thread {
                let parser = parsers.parsers[w]
                while let (seq, job) = queue.take() {
                    queue.finish(seq, LintRun.lint(job, parser, parseOnly: parseOnly))
                }
                stopped.leave()
            }
            thread.stackSize = 8 << 20  // as the main thread's: checkers recurse over deep trees
            thread.start()
        }
        // However this ends (an error from the reader or from `each`), the workers stop.
        defer {
            queue.close(discarding: true)
            stopped.wait()
        }
        var done = 0
        func handOn(_ finished: (job: LintJob, result: Result<LintResult, InputIssue>?)) throws {
            switch finished.result {
            case .success(let result): try each(result, finished.job.rules)
            case .failure(let issue): Diagnostics.report(issue)
            case nil: break
            }
            done += 1
            if done % 256 == 0 { Progress.update("linting: \(done) candidates") }
        }

        try reader.read(paths) { item in
            switch item {
            case .issue(let issue): Diagnostics.report(issue)
            case .candidate(let candidate):
                let config = try cache.configuration(for: candidate.id.path)
                let includes = includePrompt || (config.includePrompt ?? false)
                let job: LintJob
                if parseOnly {
                    job = LintJob(candidate: candidate, linter: nil, rules: [], includePrompt: includes, verdicts: false)
                } else {
                    let (linter, rules) = try cache.linter(for: config)
                    job = LintJob(candidate: candidate, linter: linter, rules: rules, includePrompt: includes,
                                  verdicts: verdicts)
                }
                // A full window: hand on the next run of results first.
                for finished in queue.put(job) { try handOn(finished) }
            }
        }
        queue.close(discarding: false)
        while let finished = queue.next() { try handOn(finished) }
        Progress.clearLine()
    }

    /// Parses and lints one candidate (only parses it when `parseOnly`: no result then).
    static func lint(_ job: LintJob, _ parser: PythonParser, parseOnly: Bool) -> Result<LintResult, InputIssue>? {
        guard let tree = try? parser.parse(bytes: job.candidate.bytes) else {
            return .failure(InputIssue(path: job.candidate.id.path, line: job.candidate.id.line,
                                       message: "\(job.candidate.id): parsing took too long"))
        }
        if parseOnly { return nil }
        return .success(job.linter!.lint(job.candidate, tree: tree, includePrompt: job.includePrompt,
                                         verdicts: job.verdicts))
    }
}

/// A candidate to lint, with the linter and rules its configuration selects. A class: it is
/// handed from the reading thread to a worker and back, and a reference is one retain where
/// the struct would retain each of its fields.
final class LintJob: Sendable {
    let candidate: Candidate
    /// nil when only parsing.
    let linter: Linter?
    let rules: [Rule]
    let includePrompt: Bool
    let verdicts: Bool

    init(candidate: Candidate, linter: Linter?, rules: [Rule], includePrompt: Bool, verdicts: Bool) {
        self.candidate = candidate
        self.linter = linter
        self.rules = rules
        self.includePrompt = includePrompt
        self.verdicts = verdicts
    }
}

/// One parser per worker: worker `w` uses only `parsers[w]`.
final class ParserPool: @unchecked Sendable {
    let parsers: [PythonParser]
    init(count: Int) throws {
        parsers = try (0..<count).map { _ in try PythonParser(timeoutMicroseconds: 60_000_000) }
    }
}

/// The window of `LintRun`: candidates in input order (by sequence number), which workers take
/// and finish in any order and the reading thread hands on in order.
final class LintQueue: @unchecked Sendable {  // (everything is behind `condition`'s lock)
    private let condition = NSCondition()
    private let window: Int
    private let run: Int
    private var jobs: [LintJob?]
    private var results: [Result<LintResult, InputIssue>?]
    private var finished: [Bool]
    /// Sequence numbers: the next to put, to take, to hand on; and the first not finished.
    private var nextIn = 0, nextTake = 0, nextOut = 0, frontier = 0
    private var closed = false
    private var workersWaiting = 0
    private var readerWaiting = false

    init(window: Int, run: Int) {
        self.window = window
        self.run = min(run, window)
        jobs = Array(repeating: nil, count: window)
        results = Array(repeating: nil, count: window)
        finished = Array(repeating: false, count: window)
    }

    /// Adds `job`; when the window is full, first waits for a run of results and returns them
    /// (in order, to hand on).
    func put(_ job: LintJob) -> [(job: LintJob, result: Result<LintResult, InputIssue>?)] {
        condition.lock()
        defer { condition.unlock() }
        var out: [(job: LintJob, result: Result<LintResult, InputIssue>?)] = []
        if nextIn - nextOut == window {
            while frontier - nextOut < run {
                readerWaiting = true
                condition.wait()
                readerWaiting = false
            }
            while nextOut < frontier { out.append(removeNext()) }
        }
        jobs[nextIn % window] = job
        nextIn += 1
        if workersWaiting > 0 { condition.broadcast() }
        return out
    }

    /// The next candidate to lint and its sequence number; nil once closed and none is left.
    func take() -> (Int, LintJob)? {
        condition.lock()
        defer { condition.unlock() }
        while nextTake == nextIn && !closed {
            workersWaiting += 1
            condition.wait()
            workersWaiting -= 1
        }
        guard nextTake < nextIn else { return nil }
        let seq = nextTake
        nextTake += 1
        return (seq, jobs[seq % window]!)
    }

    /// Records the result of candidate `seq`.
    func finish(_ seq: Int, _ result: Result<LintResult, InputIssue>?) {
        condition.lock()
        defer { condition.unlock() }
        results[seq % window] = result
        finished[seq % window] = true
        while frontier < nextTake && finished[frontier % window] { frontier += 1 }
        if readerWaiting && (frontier - nextOut >= run || (closed && frontier == nextIn)) { condition.broadcast() }
    }

    /// No more candidates: workers stop once the window is empty (at once, with what was not
    /// taken dropped, when `discarding`).
    func close(discarding: Bool) {
        condition.lock()
        closed = true
        if discarding { nextIn = nextTake }
        condition.broadcast()
        condition.unlock()
    }

    /// After `close`: the next result in order (waiting for it), or nil when all are handed on.
    func next() -> (job: LintJob, result: Result<LintResult, InputIssue>?)? {
        condition.lock()
        defer { condition.unlock() }
        guard nextOut < nextIn else { return nil }
        while frontier == nextOut {
            readerWaiting = true
            condition.wait()
            readerWaiting = false
        }
        return removeNext()
    }

    private func removeNext() -> (job: LintJob, result: Result<LintResult, InputIssue>?) {
        let i = nextOut % window
        let out = (jobs[i]!, results[i])
        jobs[i] = nil
        results[i] = nil
        finished[i] = false
        nextOut += 1
        return out
    }
}

struct Rules_: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List the rules.",
        discussion: "With --format markdown, prints the rule reference (docs/rules.md is made this way).")

    @OptionGroup var ruleOptions: RuleOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }
    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        let cache = try LinterCache(options: ruleOptions)
        let config = ruleOptions.isolated ? Configuration() : try cache.configuration(for: FileManager.default.currentDirectoryPath + "/x")
        let dirs = [RuleCatalog.builtinDirectory()!] + config.ruleDirectories + ruleOptions.ruleDirectories
        let catalog = try RuleCatalog.load(directories: dirs)
        let (selected, _) = try config.overriding(select: RuleOptions.list(ruleOptions.select),
                                                  extendSelect: RuleOptions.list(ruleOptions.extendSelect) ?? [],
                                                  ignore: RuleOptions.list(ruleOptions.ignore) ?? []).resolve(catalog)
        let on = Set(selected.map(\.code))
        let out = try OutputSink(path: nil)
        switch format {
        case .markdown:
            out.write(RuleDocs.reference(catalog))
        case .json:
            let list = catalog.rules.map { r -> [String: Any] in
                ["code": r.code, "name": r.name, "category": r.category, "origin": r.origin,
                 "severity": r.severity.rawValue, "profiles": r.profiles, "default": r.enabledByDefault,
                 "selected": on.contains(r.code), "summary": r.summary, "file": r.file,
                 "options": Dictionary(uniqueKeysWithValues: r.options.map { ($0.name, $0.defaultValue.description) })]
            }
            let data = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            out.write(String(decoding: data, as: UTF8.self) + "\n")
        case .text:
            for r in catalog.rules {
                let mark = on.contains(r.code) ? "✓" : " "
                out.write("\(mark) \(r.code.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                          + "\(r.name.padding(toLength: 34, withPad: " ", startingAt: 0)) "
                          + "\(r.category.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.summary)\n")
            }
            out.write("\(catalog.rules.count) rules, \(on.count) selected (✓)\n")
        }
        out.flush()
    }
}

struct RuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rule", abstract: "Explain a rule.")

    @Argument(help: "The rule's code, such as E501.")
    var code: String

    @OptionGroup var ruleOptions: RuleOptions

    func run() throws {
        let dirs = [RuleCatalog.builtinDirectory()!] + ruleOptions.ruleDirectories
        let catalog = try RuleCatalog.load(directories: dirs)
        guard let rule = catalog[code.uppercased()] else {
            throw InputFailure("unknown rule code `\(code)` (fluke rules lists them)")
        }
        let out = try OutputSink(path: nil)
        out.write(RuleDocs.markdown(rule))
        out.flush()
    }
}
