import ArgumentParser
import Candidates
import Consensus
import Foundation
import Report
import Sanitizer
import Verifier

struct ConsensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consensus",
        abstract: "Flag candidates that pass the weak tests but disagree with their siblings on new inputs.",
        discussion: """
            For each task, new inputs are made from the weak tests' inputs (the dataset's \
            base_input, or --seed-inputs) by type-aware mutation, deterministic under --seed. \
            Every candidate of the task runs on them in the verifier's sandbox; candidates are \
            grouped by their outputs (exceptions and timeouts are outputs too), and each is scored \
            by its agreement: the share of the new inputs on which its output is the most common \
            one. Below --min-agreement it is rejected. A task with fewer than --min-candidates \
            candidates gets no verdict (accepted).

            Nothing about correctness is read: not the dataset's plus_input, canonical_solution \
            or expected outputs, nor the labels' plus status. With --labels, only candidates whose \
            base status is pass take part (all candidates given take part without it). \
            --evaluate LABELS measures the gate afterwards, against the strong tests' labels.

            Output (-o): one JSON record per candidate, appended as each completes and resumed \
            by running the same command again; once all are done, rewritten with each one's \
            cluster, agreement and verdict. Rerunning with another policy re-judges without \
            running anything.
            """)

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("Consider only candidates whose base status (weak tests) in these labels is pass.", valueName: "labels"))
    var labels: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Write the records (JSONL) here; an existing file is resumed.", valueName: "file"))
    var output: String?

    @Flag(help: "Start over: replace the output file instead of resuming it.")
    var fresh = false

    @Option(help: ArgumentHelp("Weak inputs to mutate, instead of the dataset's base_input: JSONL of {\"task_id\", \"inputs\": [[args…], …], \"entry_point\"?}.", valueName: "file"))
    var seedInputs: String?

    @Option(help: ArgumentHelp("Write the generated inputs here (the --seed-inputs format).", valueName: "file"))
    var saveInputs: String?

    @Option(name: .customLong("inputs"), help: "New inputs per task.")
    var inputCount: Int = 30

    @Flag(help: "Also run the seed inputs themselves (for seeds that are not already tests every candidate passes).")
    var includeSeeds = false

    @Option(help: "Seed of the mutation (the same seed gives the same inputs).")
    var seed: UInt64 = 0

    @Option(help: "conservative: keep the signs, characters, non-emptiness and equal lengths the seeds show; wide: go past them.")
    var mutation: MutationMode = .conservative

    @Option(help: "Longest string or list a mutant may have.")
    var maxLength: Int = 100

    @Option(help: "Largest magnitude of a mutated number.")
    var maxMagnitude: Int = 1_000_000_000

    @Option(help: ArgumentHelp("Accept candidates whose output is the plurality's on at least this share of the inputs (0–1).", valueName: "share"))
    var minAgreement: Double = ConsensusPolicy().minAgreement

    @Option(help: "Fewer candidates than this in a task: no verdict (accepted).")
    var minCandidates: Int = ConsensusPolicy().minCandidates

    @Option(help: ArgumentHelp("Count an input only if its plurality output is shared by at least this share of the task's candidates (0: all count).", valueName: "share"))
    var minSupport: Double = ConsensusPolicy().minSupport

    @Option(help: ArgumentHelp("Evaluate against these labels (their strong-test status, used only here): FP rate among accepted candidates with and without the gate.", valueName: "labels"))
    var evaluate: String?

    @Option(help: ArgumentHelp("With --evaluate: a style gate's decisions (fluke gate --format json) to compare with and combine with.", valueName: "file"))
    var styleGate: String?

    @Option(help: ArgumentHelp("With --evaluate: write the labels as they are with the consensus gate in the loop (a rejected candidate counts as failing the weak tests), for fluke scaling.", valueName: "file"))
    var gatedLabels: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
    @Option(help: "Format of the evaluation.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: "Parallel workers (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Run the candidates as they are, without sanitizing them.")
    var noSanitize = false

    @Option(help: "auto: bwrap where it works, else rlimits (reported); bwrap: fail without it.")
    var sandbox: Verify.Mode = .auto

    @Option(help: ArgumentHelp("The Python interpreter to run candidates in.", valueName: "python"))
    var python: String = ProcessInfo.processInfo.environment["FLUKE_PYTHON"] ?? "python3"

    @Option(help: "Time limit per input, seconds.")
    var timeLimit: Double = 1.0

    @Option(help: "Time limit per candidate on all its inputs, seconds.")
    var timeoutPerCandidate: Double = 30

    @Option(help: "Memory (address space) per candidate, MiB.")
    var memory: Int = 4096

    @Flag(name: [.short, .long], help: "No summary on standard error.")
    var quiet = false

    func validate() throws {
        guard (0...1).contains(minAgreement) else { throw ValidationError("--min-agreement must be from 0 to 1") }
        guard (0...1).contains(minSupport) else { throw ValidationError("--min-support must be from 0 to 1") }
        guard inputCount >= 0 else { throw ValidationError("--inputs must be 0 or more") }
        guard minCandidates >= 1 else { throw ValidationError("--min-candidates must be at least 1") }
        guard maxLength >= 1, maxMagnitude >= 1 else { throw ValidationError("--max-length and --max-magnitude must be positive") }
        guard timeLimit > 0, timeoutPerCandidate > 0 else { throw ValidationError("time limits must be positive") }
        if (styleGate != nil || gatedLabels != nil) && evaluate == nil {
            throw ValidationError("--style-gate and --gated-labels go with --evaluate")
        }
        if input.dataset == nil && seedInputs == nil {
            throw ValidationError("consensus needs inputs to mutate: --dataset (its base_input) or --seed-inputs")
        }
    }

    var policy: ConsensusPolicy {
        ConsensusPolicy(minAgreement: minAgreement, minCandidates: minCandidates, minSupport: minSupport)
    }

    func run() throws {
        // Seeds and entry points: the dataset's weak inputs (nothing else of it is read), or the user's.
        var seeds: [String: TaskSeeds] = [:]
        var taskOrder: [String] = []
        var problems: ProblemSet? = nil
        do {
            if let dataset = input.dataset {
                let tasks = try SeedSource.dataset(path: dataset)
                problems = ProblemSet(problems: tasks.compactMap { t in
                    t.entryPoint.map { Problem(taskID: t.taskID, prompt: t.prompt ?? "", entryPoint: $0) }
                }, path: dataset)
                for t in tasks { seeds[t.taskID] = t; taskOrder.append(t.taskID) }
            }
            if let seedInputs {
                // The user's seeds replace the dataset's: a task they leave out has none.
                for t in seeds.keys { seeds[t]!.seeds = [] }
                for t in try SeedSource.inputsFile(path: seedInputs) {
                    var t = t
                    if t.entryPoint == nil { t.entryPoint = seeds[t.taskID]?.entryPoint }
                    if seeds[t.taskID] == nil { taskOrder.append(t.taskID) }
                    seeds[t.taskID] = t
                }
            }
        } catch { throw InputFailure(error.description) }

        var weak: LabelSet? = nil
        if let labels {
            do { weak = try LabelSet.load(path: labels, model: input.model) } catch { throw InputFailure(error.description) }
        }

        // The candidates, sanitized as fluke verify sanitizes them, grouped by task.
        let sanitizer = try Sanitizer()
        var byTask: [String: [Job]] = [:]
        var entryOf: [String: String] = [:]
        var unlabelled = 0, failingWeak = 0
        try CandidateReader(problems: problems, model: input.model).read(input.paths) { item in
            switch item {
            case .issue(let issue): Diagnostics.report(issue)
            case .candidate(let candidate):
                guard let task = candidate.id.taskID else {
                    Diagnostics.report(InputIssue(path: candidate.id.path, line: candidate.id.line,
                                                  message: "no task id: consensus compares candidates of the same task"))
                    return
                }
                if let weak {
                    guard let n = candidate.id.completionID,
                          let (_, label) = weak.match(CandidateKey(model: candidate.id.model, taskID: task, completionID: n)) else {
                        unlabelled += 1
                        return
                    }
                    guard label.passesWeak else { failingWeak += 1; return }  // the base status only
                }
                var code = candidate.text
                if !noSanitize {
                    let prompt = candidate.promptByteCount.map { String(decoding: candidate.bytes[0..<$0], as: UTF8.self) }
                    code = try sanitizer.sanitize(code, prompt: prompt, entryPoint: candidate.entryPoint).code
                }
                if byTask[task] == nil && seeds[task] == nil { taskOrder.append(task) }
                byTask[task, default: []].append(Job(id: candidate.id, code: code))
                if entryOf[task] == nil { entryOf[task] = seeds[task]?.entryPoint ?? candidate.entryPoint }
            }
        }
        if unlabelled > 0 {
            Diagnostics.note("fluke consensus: \(unlabelled) candidates have no label in \(labels ?? "") and are left out")
        }

        // New inputs, per task with candidates.
        let generator = InputGenerator(count: inputCount, mode: mutation,
                                       limits: MutationLimits(maxLength: maxLength, maxMagnitude: maxMagnitude), seed: seed)
        var sets: [InputSet] = []
        var digests: [String: String] = [:]
        var saved = ""
        var noInputs: [String] = [], noEntry: [String] = []
        for task in taskOrder where byTask[task] != nil {
            let s = seeds[task]?.seeds ?? []
            var inputs = generator.generate(from: s, taskID: task)
            if includeSeeds { inputs = s + inputs }
            guard let entry = entryOf[task] else { noEntry.append(task); continue }
            if inputs.isEmpty { noInputs.append(task) }
            let json = PyValue.list(inputs.map(PyValue.list)).json
            digests[task] = inputsDigest(json)
            sets.append(InputSet(taskID: task, entryPoint: entry, inputsJSON: json, count: inputs.count))
            if saveInputs != nil { saved += SeedSource.inputsLine(taskID: task, entryPoint: entry, inputs: inputs) + "\n" }
        }
        if !noEntry.isEmpty {
            Diagnostics.report(InputIssue(path: seedInputs ?? input.dataset ?? "", message:
                "no entry point for \(noEntry.count) tasks (e.g. \(noEntry[0])): give --dataset, or entry_point in --seed-inputs"))
        }
        if !noInputs.isEmpty && !quiet {
            Diagnostics.note("fluke consensus: \(noInputs.count) tasks have no inputs to mutate (e.g. \(noInputs[0])): no verdict there")
        }

        let writer: ConsensusWriter
        do { writer = try ConsensusWriter(path: output, fresh: fresh || output == nil) } catch {
            throw InputFailure("\(error)")
        }
        let stale = writer.stale(digests)
        if !stale.isEmpty {
            throw InputFailure("\(output ?? ""): \(stale.count) records were made with other inputs (another --seed, "
                               + "--inputs, --mutation or seed file; e.g. \(stale[0].id)): use --fresh, or another -o")
        }

        if let saveInputs, !FileManager.default.createFile(atPath: saveInputs, contents: Data(saved.utf8)) {
            throw InputFailure("cannot write \(saveInputs)")
        }

        // Run what is not done yet.
        let setOf = Dictionary(sets.map { ($0.taskID, $0) }, uniquingKeysWith: { a, _ in a })
        var toRun: [(Job, InputSet)] = []
        var skipped = 0
        for task in taskOrder {
            guard let jobs = byTask[task], let set = setOf[task] else { continue }
            for job in jobs {
                if writer.done.contains(ConsensusRecord.key(job.id)) { skipped += 1; continue }
                if jobs.count < minCandidates || set.count == 0 {
                    // No consensus to be had: recorded without running.
                    writer.append(ConsensusRecord(id: job.id, sandbox: "none", seconds: 0, inputs: digests[task]!, outputs: []))
                } else {
                    toRun.append((job, set))
                }
            }
        }
        var box: Sandbox? = nil
        let start = Date()
        if !toRun.isEmpty {
            let b = try detectSandbox()
            box = b
            let total = toRun.count
            let digestOf = digests
            let runner = try OutputRunner(sandbox: b, workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                          timeLimit: timeLimit, candidateCap: timeoutPerCandidate,
                                          inputs: Array(Set(toRun.map(\.1.taskID))).compactMap { setOf[$0] }) { job, result in
                let digest = job.id.taskID.flatMap { digestOf[$0] } ?? ""
                writer.append(ConsensusRecord(id: job.id, sandbox: b.mode.rawValue, seconds: result.seconds,
                                              cpuSeconds: result.cpuSeconds, inputs: digest, outputs: result.outputs, error: result.error))
                let n = writer.newCount
                Progress.update(String(format: "consensus: %d of %d run, %.1f/s", n, total,
                                       Double(n) / max(0.001, Date().timeIntervalSince(start))))
            }
            for (job, _) in toRun { runner.submit(job) }
            runner.finish()
            Progress.clearLine()
        }
        let judged = ConsensusRecord.judge(writer.records, policy: policy)
        do { try writer.finish(evaluate != nil && output == nil ? [] : judged) } catch { throw InputFailure("\(error)") }

        if !quiet {
            if skipped > 0 { Diagnostics.note("fluke consensus: resumed: \(skipped) candidates were already done in \(output ?? "")") }
            var counts: [Verdict: Int] = [:]
            for r in judged { counts[r.standing?.verdict ?? .noVerdict, default: 0] += 1 }
            var s = "fluke consensus: \(judged.count) candidates in \(Set(judged.compactMap(\.taskID)).count) tasks: "
                + "accept \(counts[.accept] ?? 0), reject \(counts[.reject] ?? 0), no verdict \(counts[.noVerdict] ?? 0)"
            if failingWeak > 0 { s += "; \(failingWeak) failing the weak tests left out" }
            if !toRun.isEmpty { s += String(format: " (%d run in %.1f s", toRun.count, Date().timeIntervalSince(start)) + ")" }
            if let box { s += "; sandbox: \(box.mode.rawValue)" }
            Diagnostics.note(s)
        }
        if let evaluate { try evaluation(judged, labelsPath: evaluate) }
        try finish()
    }

    func detectSandbox() throws -> Sandbox {
        var limits = Limits()
        limits.memory = memory << 20
        limits.partCap = timeoutPerCandidate
        return try Verify.sandbox(sandbox, python: python, limits: limits, command: "fluke consensus", quiet: quiet)
    }

    // MARK: evaluation

    func evaluation(_ records: [ConsensusRecord], labelsPath: String) throws {
        let labels: LabelSet
        do { labels = try LabelSet.load(path: labelsPath, model: input.model) } catch { throw InputFailure(error.description) }
        var style: [CandidateKey: (accepted: Bool, score: Double)]? = nil
        if let styleGate { style = try Self.readGate(styleGate) }
        let e = try ConsensusEvaluation(records: records, labels: labels, style: style, policy: policy)
        if let gatedLabels { try Self.writeGated(records, labels: labels, to: gatedLabels) }
        let sink = try OutputSink(path: nil)
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            sink.write(String(decoding: try encoder.encode(e), as: UTF8.self) + "\n")
        } else {
            sink.write(e.text())
        }
        sink.flush()
    }

    /// Labels with the gate in the loop: base status pass only for a weak-passing candidate the
    /// consensus accepts; the plus status as it was.
    static func writeGated(_ records: [ConsensusRecord], labels: LabelSet, to path: String) throws {
        var verdict: [CandidateKey: Verdict] = [:]
        for r in records {
            guard let t = r.taskID, let n = r.completionID, let s = r.standing,
                  let (key, _) = labels.match(CandidateKey(model: r.model, taskID: t, completionID: n)) else { continue }
            verdict[key] = s.verdict
        }
        let keys = labels.keys.sorted { ($0.model ?? "", $0.taskID.count, $0.taskID, $0.completionID)
                                        < ($1.model ?? "", $1.taskID.count, $1.taskID, $1.completionID) }
        var out = ""
        for key in keys {
            let label = labels.labels[key]!
            let base = label.passesWeak && (verdict[key]?.accepted ?? true)
            var record: [String: Any] = ["task_id": key.taskID, "completion_id": key.completionID,
                                         "base_status": base ? "pass" : "fail",
                                         "plus_status": label.passesStrong ? "pass" : "fail",
                                         "label": Label(passesWeak: base, passesStrong: label.passesStrong).rawValue]
            if let m = key.model { record["model"] = m }
            if label.passesWeak && !base { record["consensus"] = "reject" }
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
            out += String(decoding: data, as: UTF8.self) + "\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(out.utf8)) else {
            throw InputFailure("cannot write \(path)")
        }
    }

    /// The decisions `fluke gate --format json` wrote: accepted and score, by candidate.
    static func readGate(_ path: String) throws -> [CandidateKey: (accepted: Bool, score: Double)] {
        guard let data = FileManager.default.contents(atPath: path),
              let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw InputFailure("\(path): not the JSON of fluke gate --format json")
        }
        var out: [CandidateKey: (accepted: Bool, score: Double)] = [:]
        for d in list {
            guard let task = d["task_id"] as? String, let n = d["completion_id"] as? Int,
                  let accepted = d["accepted"] as? Bool, let score = d["score"] as? Double else { continue }
            out[CandidateKey(model: d["model"] as? String, taskID: task, completionID: n)] = (accepted, score)
        }
        if out.isEmpty { throw InputFailure("\(path): no gate decision names a task and a sample number") }
        return out
    }
}

extension MutationMode: ExpressibleByArgument {}

/// `fluke consensus --evaluate`: the gates against the strong tests' labels.
struct ConsensusEvaluation: Codable {
    var schema = "fluke.consensus-evaluation/1"
    var policy: ConsensusPolicy
    var candidates: Int
    var tp: Int
    var fp: Int
    var tasks: Int
    /// Weak-passing candidates of the labels that the consensus file lacks (accepted as no verdict).
    var missing: Int
    var gates: [GateOutcome]
    var agreementAUC: Double?
    var agreementAUCWithinTask: Double?
    var styleAUC: Double?
    var styleAUCWithinTask: Double?
    var withinTaskPairs: Int
    /// P(the top-ranked weak-passing candidate of a task is a TP), ties at random, mean over tasks.
    var selection: [String: Double]
    /// Weak-passing candidates the style gate's decisions lack (accepted by it).
    var styleMissing: Int?

    enum CodingKeys: String, CodingKey {
        case schema, policy, candidates, tp, fp, tasks, missing, gates, agreementAUC = "agreement_auc",
             agreementAUCWithinTask = "agreement_auc_within_task", styleAUC = "style_auc",
             styleAUCWithinTask = "style_auc_within_task", withinTaskPairs = "within_task_pairs", selection,
             styleMissing = "style_missing"
    }

    static let thresholds: [Double] = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0]

    init(records: [ConsensusRecord], labels: LabelSet, style: [CandidateKey: (accepted: Bool, score: Double)]?,
         policy: ConsensusPolicy) throws {
        self.policy = policy
        var standing: [CandidateKey: Standing] = [:]
        for r in records {
            guard let t = r.taskID, let n = r.completionID, let s = r.standing,
                  let (key, _) = labels.match(CandidateKey(model: r.model, taskID: t, completionID: n)) else { continue }
            standing[key] = s
        }
        let policyName = "consensus (agreement ≥ \(Self.pct(policy.minAgreement)))"
        var judged: [JudgedCandidate] = []
        var missing = 0, styleMissing = 0
        for key in labels.keys {
            let label = labels.labels[key]!
            var accepted: [String: Bool] = [:]
            let s = standing[key]
            if label.passesWeak && s == nil { missing += 1 }
            let agreement = s?.agreement
            let decided = s.map { $0.verdict != .noVerdict } ?? false
            for t in Self.thresholds {
                accepted["agreement ≥ \(Self.pct(t))"] = !decided || (agreement ?? 1) + 1e-9 >= t
            }
            let consensus = s?.verdict.accepted ?? true
            accepted[policyName] = consensus
            var score: Double? = nil
            if let style {
                let d = style[key] ?? style[CandidateKey(model: nil, taskID: key.taskID, completionID: key.completionID)]
                if d == nil && label.passesWeak { styleMissing += 1 }
                score = d?.score
                let ok = d?.accepted ?? true
                accepted["style gate"] = ok
                accepted["both"] = ok && consensus
            }
            judged.append(JudgedCandidate(taskID: key.taskID, label: label, accepted: accepted,
                                          agreement: decided ? agreement : nil, styleScore: score))
        }
        let weak = judged.filter { $0.label.passesWeak }
        guard !weak.isEmpty else { throw InputFailure("no candidate in the labels passes the weak tests") }
        self.missing = missing
        self.styleMissing = style == nil ? nil : styleMissing
        candidates = weak.count
        tp = weak.filter { $0.label == .tp }.count
        fp = weak.count - tp
        tasks = Set(weak.map(\.taskID)).count
        var names = ["no gate"] + Self.thresholds.map { "agreement ≥ \(Self.pct($0))" } + [policyName]
        if style != nil { names += ["style gate", "both"] }
        gates = names.map { GateComparison.outcome($0, judged) }
        let a = GateComparison.auc(weak.compactMap { c in c.agreement.map { (c.taskID, c.label, $0) } })
        agreementAUC = a.pooled
        agreementAUCWithinTask = a.withinTask
        withinTaskPairs = a.pairs
        if style != nil {
            let s = GateComparison.auc(weak.compactMap { c in c.styleScore.map { (c.taskID, c.label, $0) } })
            styleAUC = s.pooled
            styleAUCWithinTask = s.withinTask
        }
        // Picking one candidate per task.
        var selection: [String: Double] = [:]
        let rankings: [(String, (JudgedCandidate) -> [Double])] = [
            ("random", { _ in [] }),
            ("agreement", { [$0.agreement ?? 1] }),
        ] + (style == nil ? [] : [
            ("style", { [$0.styleScore ?? 0] }),
            ("agreement, then style", { [$0.agreement ?? 1, $0.styleScore ?? 0] }),
        ])
        let groups = Dictionary(grouping: weak, by: \.taskID)
        for (name, key) in rankings {
            var sum = 0.0
            for group in groups.values {
                let keys = group.map(key)
                let best = keys.max { $0.lexicographicallyPrecedes($1) }!
                let top = zip(group, keys).filter { $0.1 == best }.map(\.0)
                sum += Double(top.filter { $0.label == .tp }.count) / Double(top.count)
            }
            selection[name] = sum / Double(groups.count)
        }
        self.selection = selection
    }

    static func pct(_ x: Double) -> String {
        let p = (x * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }

    func text() -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        func rate(_ r: Rate) -> String {
            guard r.total > 0 else { return "– (0)" }
            return "\(pct(r.rate)) [\(pct(r.lower))–\(pct(r.upper))]"
        }
        func f3(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        var out = "Consensus gate on \(candidates) candidates that pass the weak tests (TP \(tp), FP \(fp), \(tasks) tasks)\n"
        if missing > 0 { out += "  \(missing) of them are not in the consensus records (accepted, as no verdict)\n" }
        if let m = styleMissing, m > 0 { out += "  \(m) of them have no style gate decision (accepted by it)\n" }
        out += "  agreement as an FP detector: AUC \(f3(agreementAUC)), within tasks \(f3(agreementAUCWithinTask))"
            + " (\(withinTaskPairs) TP–FP pairs; 0.5: chance)\n"
        if styleAUC != nil {
            out += "  style score (of the style gate) as an FP detector: AUC \(f3(styleAUC)), within tasks \(f3(styleAUCWithinTask))\n"
        }
        out += "\n  " + "gate".padding(toLength: 34, withPad: " ", startingAt: 0)
            + "accepted  FP rate among accepted   TPs kept               FPs caught             ceiling  tasks\n"
        for g in gates {
            out += "  " + g.gate.padding(toLength: 34, withPad: " ", startingAt: 0)
                + "\(g.accepted)".padding(toLength: 10, withPad: " ", startingAt: 0)
                + rate(g.fpRate).padding(toLength: 23, withPad: " ", startingAt: 0)
                + rate(g.tpKept).padding(toLength: 23, withPad: " ", startingAt: 0)
                + rate(g.fpCaught).padding(toLength: 23, withPad: " ", startingAt: 0)
                + pct(g.ceiling).padding(toLength: 9, withPad: " ", startingAt: 0) + "\(g.tasksAnswered)\n"
        }
        out += "\n  resampling (first accepted sample of k; reward +1 TP, −r FP, 0 none): optimal k (reward)\n  "
            + "gate".padding(toLength: 34, withPad: " ", startingAt: 0)
            + GateComparison.costs.map { "r=\(Int($0))".padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()
            + "acc@1   acc@10\n"
        for g in gates {
            out += "  " + g.gate.padding(toLength: 34, withPad: " ", startingAt: 0)
                + g.optima.map { "\($0.k) (\(f3($0.reward)))".padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()
                + pct(g.accuracyAt["1"]).padding(toLength: 8, withPad: " ", startingAt: 0) + pct(g.accuracyAt["10"]) + "\n"
        }
        out += "\n  one pick per task among weak-passing candidates: P(TP), mean over tasks\n"
        for (name, p) in selection.sorted(by: { $0.key < $1.key }) {
            out += "    " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + pct(p) + "\n"
        }
        return out
    }
}
