import ArgumentParser
import Candidates
import Configuration
import Consensus
import Foundation
import Gate
import Lint
import LintOutput
import Report
import Rules

/// How the gate's policy is given on the command line (on top of the configuration's
/// `[tool.fluke.gate]` or `--policy` file).
struct PolicyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A policy file: pyproject.toml ([tool.fluke.gate]), fluke.toml ([gate]) or a TOML file with the keys at the top.", valueName: "file"))
    var policy: String?

    @Option(name: .customLong("min-score"), help: ArgumentHelp("Accept only candidates scoring at least this (0–10).", valueName: "score"))
    var minScore: Double?

    @Option(help: ArgumentHelp("Reject any finding of these codes or prefixes (comma-separated).", valueName: "codes"))
    var forbid: String?

    @Option(name: .customLong("max-count"), help: ArgumentHelp("At most N findings of a code or prefix (CODE=N); repeatable.", valueName: "CODE=N"))
    var maxCount: [String] = []

    @Option(name: .customLong("require-profile"), help: ArgumentHelp("Adhere to every selected rule of this profile; repeatable.", valueName: "profile"))
    var requireProfile: [String] = []

    /// The policy: the file's (or the configuration's), with the command line's on top. With
    /// `consensusOnly`, a policy without style requirements is fine (the consensus gates alone).
    func resolve(configured: GatePolicy?, consensusOnly: Bool = false) throws -> GatePolicy {
        var p = try policy.map { try GatePolicy.load(file: $0) } ?? configured ?? GatePolicy()
        if let minScore {
            guard (0...10).contains(minScore) else { throw ValidationError("--min-score must be from 0 to 10") }
            p.minScore = minScore
        }
        if let forbid { p.forbid += RuleOptions.list(forbid) ?? [] }
        for item in maxCount {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let n = Int(parts[1]), n >= 0 else {
                throw ValidationError("--max-count takes CODE=N, such as E501=2 (got `\(item)`)")
            }
            p.maxCount[parts[0]] = n
        }
        p.requireProfiles += requireProfile
        if p.isEmpty && !consensusOnly {
            throw InputFailure("no gate policy: give --min-score, --forbid, --max-count or --require-profile, "
                               + "a --policy file, or [tool.fluke.gate] in pyproject.toml")
        }
        return p
    }
}

/// The consensus part of a gate: a file from `fluke consensus`, and the thresholds (which
/// override `[tool.fluke.gate.consensus]`).
struct ConsensusGateOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also reject candidates that disagree with their siblings: records from fluke consensus.", valueName: "file"))
    var consensus: String?

    @Option(help: ArgumentHelp("With --consensus: the share of new inputs on which a candidate must give the plurality's output (default 1).", valueName: "share"))
    var minAgreement: Double?

    @Option(help: ArgumentHelp("With --consensus: fewer candidates in a task give no verdict (default 3).", valueName: "n"))
    var minCandidates: Int?

    @Option(help: ArgumentHelp("With --consensus: count an input only if its plurality output has this share of the candidates (default 0.5).", valueName: "share"))
    var minSupport: Double?

    func index(_ policy: GatePolicy) throws -> ConsensusIndex? {
        guard let consensus else {
            if minAgreement != nil || minCandidates != nil || minSupport != nil {
                throw ValidationError("--min-agreement, --min-candidates and --min-support go with --consensus")
            }
            return nil
        }
        let d = ConsensusPolicy(), c = policy.consensus
        let p = ConsensusPolicy(minAgreement: minAgreement ?? c.minAgreement ?? d.minAgreement,
                                minCandidates: minCandidates ?? c.minCandidates ?? d.minCandidates,
                                minSupport: minSupport ?? c.minSupport ?? d.minSupport)
        guard (0...1).contains(p.minAgreement), (0...1).contains(p.minSupport), p.minCandidates >= 1 else {
            throw ValidationError("--min-agreement and --min-support are shares from 0 to 1; --min-candidates is at least 1")
        }
        do { return try ConsensusIndex(path: consensus, policy: p) } catch { throw InputFailure(error.description) }
    }
}

/// Lints candidates and applies the gate to each: the shared part of `fluke gate` and `fluke select`.
struct GateRun {
    /// The gate for candidates read from `path`: the policy of its configuration (or the
    /// --policy file) with the command line's on top, over the rules selected there, its codes
    /// and profiles checked against the catalogue.
    static func gate(cache: LinterCache, policyOptions: PolicyOptions, for path: String,
                     consensusOnly: Bool = false) throws -> Gate {
        let configuration = try cache.configuration(for: path)
        let policy = try policyOptions.resolve(configured: configuration.gate, consensusOnly: consensusOnly)
        let (_, rules) = try cache.linter(for: configuration)
        let catalog = try RuleCatalog.load(directories: ReportCommand.ruleDirectories(cache.options))
        let gate = Gate(policy: policy, rules: rules)
        do { try policy.validate(catalog, profiles: gate.knownProfiles) } catch { throw InputFailure(error.description) }
        return gate
    }

    var input: InputOptions
    var ruleOptions: RuleOptions
    var policyOptions: PolicyOptions
    var includePrompt: Bool
    var jobs: Int
    var consensus = ConsensusGateOptions()

    /// Calls `each` with every decision (and the lint result it came from, and the candidate's
    /// standing in the consensus file if one is given), in input order.
    func run(_ each: (GateDecision, LintResult, [Rule], Standing?) throws -> Void) throws -> GatePolicy {
        let cache = try LinterCache(options: ruleOptions)
        let policy = try GateRun.gate(cache: cache, policyOptions: policyOptions, for: input.paths.first ?? ".",
                                      consensusOnly: consensus.consensus != nil).policy
        let index = try consensus.index(policy)
        var unmatched = 0
        var gates: [String: Gate] = [:]
        try LintRun(cache: cache, reader: try input.reader(), jobs: jobs, includePrompt: includePrompt)
            .run(input.paths) { result, rules in
                let key = rules.map(\.code).joined(separator: ",")
                if gates[key] == nil { gates[key] = Gate(policy: policy, rules: rules) }
                var decision = gates[key]!.decide(result)
                var standing: Standing? = nil
                if let index {
                    let id = result.candidate
                    if let task = id.taskID, let n = id.completionID {
                        standing = index.standing(model: id.model, taskID: task, completionID: n)
                    }
                    if standing == nil { unmatched += 1 }
                    if let s = standing, !s.verdict.accepted {
                        decision.accepted = false
                        decision.reasons.append(ConsensusIndex.reason(s, policy: index.policy))
                    }
                }
                try each(decision, result, rules, standing)
            }
        if unmatched > 0 {
            Diagnostics.note("fluke: \(unmatched) candidates have no record in \(consensus.consensus ?? ""): "
                             + "no consensus verdict (accepted by it)")
        }
        return policy
    }
}

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Accept or reject candidates by a style policy (exit 0: all accepted, 1: some rejected).",
        discussion: """
            The policy comes from [tool.fluke.gate] in pyproject.toml (or [gate] in fluke.toml), a \
            --policy file, and the options below, which add to it: min-score (0–10, Pylint's \
            formula), forbid (codes or prefixes), max-count (CODE = N), require-profiles.

            Formats: text, json (one object per candidate), sarif (2.1.0; the findings that broke \
            the policy, and a fluke-gate result for a rejection by score), github (GitHub Actions \
            annotations).

            With --evaluate LABELS (Fluke's labels or EvalPlus's eval_results.json), it measures the \
            gate as a detector of false positives among candidates that pass the weak tests: the FP \
            rate among accepted candidates with and without it, the true positives it loses, ROC and \
            AUC of the score, per threshold, best-of-k selection with and without the style ranking, \
            and the lowest min-score that meets --max-fp-rate.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup(title: "Consensus") var consensusOptions: ConsensusGateOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, github }
    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Evaluate the gate against these labels instead of gating.", valueName: "labels"))
    var evaluate: String?

    @Option(name: .customLong("max-fp-rate"), help: ArgumentHelp("With --evaluate: recommend the lowest min-score whose FP rate among accepted candidates is at most this.", valueName: "rate"))
    var maxFPRate: Double?

    @Flag(help: "Count findings in the benchmark's prompt too.")
    var includePrompt = false

    @Option(name: [.short, .long], help: "Parallel workers (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if maxFPRate != nil && evaluate == nil { throw ValidationError("--max-fp-rate goes with --evaluate") }
        if let r = maxFPRate, !(0...1).contains(r) { throw ValidationError("--max-fp-rate must be from 0 to 1") }
        if evaluate != nil && (format == .sarif || format == .github) {
            throw ValidationError("--evaluate writes text or json")
        }
    }

    func run() throws {
        let runner = GateRun(input: input, ruleOptions: ruleOptions, policyOptions: policyOptions,
                             includePrompt: includePrompt, jobs: jobs, consensus: consensusOptions)
        let sink = try OutputSink(path: output)
        if let evaluate { return try runEvaluation(runner, labelsPath: evaluate, sink: sink) }
        var rejected = 0, total = 0
        var sarif: LintWriter? = nil
        var first = true
        let policy = try runner.run { decision, result, rules, _ in
            total += 1
            if !decision.accepted { rejected += 1 }
            switch format {
            case .text:
                let name = LintWriter.label(decision.candidate)
                if decision.accepted {
                    sink.write("\(name): accepted (score \(Gate.format(decision.score)))\n")
                } else {
                    sink.write("\(name): rejected (score \(Gate.format(decision.score))): \(decision.reasons.joined(separator: "; "))\n")
                    for f in decision.violations {
                        sink.write("  \(name):\(f.start.line):\(f.start.column): \(f.code) \(f.message)\n")
                    }
                }
            case .json:
                sink.write((first ? "[\n" : ",\n") + GateCommand.json(decision))
                first = false
            case .sarif:
                if sarif == nil { sarif = LintWriter(format: .sarif, rules: rules) { sink.write($0) } }
                var violations = result
                violations.findings = decision.violations
                violations.includesPrompt = true  // the violations are already the counted findings
                sarif!.add(violations)
                // A score is no finding: say it once for the candidate.
                if !decision.accepted, decision.violations.isEmpty || decision.reasons.contains(where: { $0.hasPrefix("score") }) {
                    sarif!.addRejection(decision.candidate, message: "\(decision.candidate) rejected: "
                                        + decision.reasons.joined(separator: "; "))
                }
            case .github:
                for line in GateCommand.annotations(decision) { sink.write(line + "\n") }
            }
        }
        switch format {
        case .json: sink.write(first ? "[]\n" : "\n]\n")
        case .sarif:
            if sarif == nil {
                sarif = LintWriter(format: .sarif, rules: []) { sink.write($0) }
            }
            sarif!.finish()
        case .text:
            if output == nil {
                let what = [GateCommand.describe(policy), consensusOptions.consensus.map { "consensus of \($0)" } ?? ""]
                    .filter { !$0.isEmpty }.joined(separator: ", ")
                sink.write(rejected == 0 ? "All \(total) candidates accepted.\n"
                           : "Rejected \(rejected) of \(total) candidates (\(what)).\n")
            }
        case .github: break
        }
        sink.flush()
        try finish()
        if rejected > 0 { throw ExitCode(1) }
    }

    static func describe(_ p: GatePolicy) -> String {
        var parts: [String] = []
        if let m = p.minScore { parts.append("min-score \(m)") }
        if !p.forbid.isEmpty { parts.append("forbid \(p.forbid.joined(separator: ","))") }
        for (k, v) in p.maxCount.sorted(by: { $0.key < $1.key }) { parts.append("max-count \(k)=\(v)") }
        if !p.requireProfiles.isEmpty { parts.append("require-profiles \(p.requireProfiles.joined(separator: ","))") }
        return parts.joined(separator: ", ")
    }

    static func json(_ d: GateDecision) -> String {
        var out = "{\"accepted\":\(d.accepted)"
        var id = ""
        LintWriter.appendIdentity(d.candidate, to: &id)
        out += id + ",\"file\":"
        LintWriter.appendString(d.candidate.path, to: &out)
        out += ",\"findings\":\(d.findingCount),\"reasons\":["
        for (i, r) in d.reasons.enumerated() {
            if i > 0 { out += "," }
            LintWriter.appendString(r, to: &out)
        }
        out += "],\"score\":\(d.score),\"violations\":["
        for (i, f) in d.violations.enumerated() {
            if i > 0 { out += "," }
            LintWriter.appendFinding(f, nil, to: &out)
        }
        return out + "]}"
    }

    /// GitHub Actions workflow commands: one `::error` per violation (at the record's line for
    /// candidates in a samples file), or one for the candidate when only its score fails.
    static func annotations(_ d: GateDecision) -> [String] {
        guard !d.accepted else { return [] }
        func escape(_ s: String, property: Bool = false) -> String {
            var out = s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
            if property { out = out.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
            return out
        }
        let file = escape(d.candidate.path, property: true)
        let inRecord = d.candidate.line != nil
        var lines: [String] = []
        for f in d.violations {
            let place = inRecord ? "line=\(d.candidate.line!)"
                : "line=\(f.start.line),col=\(f.start.column),endLine=\(f.end.line),endColumn=\(f.end.column)"
            let where_ = inRecord ? " (\(d.candidate), line \(f.start.line))" : ""
            lines.append("::error file=\(file),\(place),title=\(escape("Fluke gate: \(f.code)", property: true))::"
                         + escape("\(f.message)\(where_)"))
        }
        if lines.isEmpty || d.reasons.contains(where: { $0.hasPrefix("score") }) {
            let place = "line=\(d.candidate.line ?? 1)"
            lines.append("::error file=\(file),\(place),title=Fluke gate::"
                         + escape("\(d.candidate) rejected: \(d.reasons.joined(separator: "; "))"))
        }
        return lines
    }

    func runEvaluation(_ runner: GateRun, labelsPath: String, sink: OutputSink) throws {
        let labels: LabelSet
        do { labels = try LabelSet.load(path: labelsPath, model: input.model) } catch { throw InputFailure(error.description) }
        var gated: [GatedCandidate] = []
        var unlabelled = 0
        let policy = try runner.run { decision, _, _, _ in
            let id = decision.candidate
            guard let task = id.taskID, let number = id.completionID,
                  let (_, label) = labels.match(CandidateKey(model: id.model, taskID: task, completionID: number)) else {
                unlabelled += 1
                return
            }
            gated.append(GatedCandidate(taskID: task, label: label, score: decision.score, accepted: decision.accepted))
        }
        if unlabelled > 0 { Diagnostics.note("fluke gate: \(unlabelled) candidates have no label and are left out") }
        guard !gated.isEmpty else { throw InputFailure("no candidate has a label in \(labelsPath)") }
        let e = GateEvaluation(gated, policyMinScore: policy.minScore, maxFPRate: maxFPRate)
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            sink.write(String(decoding: try encoder.encode(e), as: UTF8.self) + "\n")
        } else {
            sink.write(GateCommand.text(e, policy: policy, consensus: consensusOptions.consensus))
        }
        sink.flush()
        try finish()
    }

    static func text(_ e: GateEvaluation, policy: GatePolicy, consensus: String? = nil) -> String {
        let what = [describe(policy), consensus.map { "consensus of \($0)" } ?? ""].filter { !$0.isEmpty }
            .joined(separator: ", ")
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        func rate(_ r: GateEvaluation.Rate) -> String {
            guard r.total > 0 else { return "– (0)" }
            return "\(pct(r.rate)) [\(pct(r.lower))–\(pct(r.upper))] (\(r.count)/\(r.total))"
        }
        var out = "Gate evaluation on \(e.tp + e.fp) candidates that pass the weak tests (TP \(e.tp), FP \(e.fp), \(e.tasks) tasks)\n"
        out += "  FP rate without the gate: \(rate(e.fpRateWithoutGate))\n"
        out += "  with the policy (\(what)): \(e.policy.accepted) accepted, FP rate \(rate(e.policy.fpRateAccepted)), "
            + "TPs lost \(rate(e.policy.tpLost)); as an FP detector precision \(pct(e.policy.precision)), recall \(pct(e.policy.recall))\n"
        func auc(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        out += "  score as an FP detector: AUC P(TP scores higher than FP) \(auc(e.auc)) pooled, "
            + "\(auc(e.aucWithinTask)) within task (\(e.tasksWithBoth) tasks with both); "
            + "0.5: no better than chance, below 0.5: FPs score higher\n\n"
        let rows = e.thresholds.map { t in
            [String(format: "%.1f", t.minScore), "\(t.accepted)", rate(t.fpRateAccepted), rate(t.tpLost), pct(t.precision), pct(t.recall)]
        }
        let header = ["min-score", "accepted", "FP rate among accepted", "TPs lost", "precision", "recall"]
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max()! }
        for row in [header] + rows {
            out += "  " + row.indices.map { i in
                i == row.count - 1 ? row[i] : row[i].padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
            }.joined() + "\n"
        }
        out += "\n  best-of-k among weak-passing samples: P(pick is TP), averaged over tasks\n  k     random   style-ranked\n"
        for b in e.bestOfK {
            out += "  " + "\(b.k)".padding(toLength: 6, withPad: " ", startingAt: 0)
                + pct(b.random).padding(toLength: 9, withPad: " ", startingAt: 0) + pct(b.styleRanked) + "\n"
        }
        if let m = e.maxFPRate {
            out += "\n  " + (e.recommendedMinScore.map { "recommended min-score for an FP rate ≤ \(pct(m)) (upper end of the interval): \($0)" }
                           ?? "no min-score brings the FP rate among accepted candidates to \(pct(m)) or below "
                              + "(upper end of the interval)") + "\n"
        }
        return out
    }
}

struct SelectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Among candidates for the same task that the tests cannot tell apart, pick the one to keep.",
        discussion: """
            Ranks each task's candidates by the gate policy: accepted first, then the higher score, \
            then fewer findings, then the earlier sample, and says why the winner won. With \
            --labels, only candidates that pass the weak tests are considered (as in a resampling \
            loop that stops at the first pass).
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(help: ArgumentHelp("Consider only candidates these labels say pass the weak tests.", valueName: "labels"))
    var labels: String?

    @OptionGroup(title: "Consensus") var consensusOptions: ConsensusGateOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: [.short, .long], help: "Parallel workers (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        var policyOptions = self.policyOptions
        // Selection ranks by score; a policy is optional here.
        if policyOptions.policy == nil && policyOptions.minScore == nil && policyOptions.forbid == nil
            && policyOptions.maxCount.isEmpty && policyOptions.requireProfile.isEmpty {
            policyOptions.minScore = 0
        }
        var labelSet: LabelSet? = nil
        if let labels {
            do { labelSet = try LabelSet.load(path: labels, model: input.model) } catch { throw InputFailure(error.description) }
        }
        var byTask: [String: [Ranked]] = [:]
        var order: [String] = []
        _ = try GateRun(input: input, ruleOptions: ruleOptions, policyOptions: policyOptions, includePrompt: false, jobs: jobs,
                        consensus: consensusOptions)
            .run { decision, _, _, standing in
                let id = decision.candidate
                if let labelSet {
                    guard let task = id.taskID, let n = id.completionID,
                          let (_, label) = labelSet.match(CandidateKey(model: id.model, taskID: task, completionID: n)),
                          label.passesWeak else { return }
                }
                let task = id.taskID ?? "(files)"
                if byTask[task] == nil { order.append(task) }
                byTask[task, default: []].append(Ranked(decision: decision, standing: standing))
            }
        let sink = try OutputSink(path: output)
        if format == .json { sink.write("[") }
        for (i, task) in order.enumerated() {
            let ranked = byTask[task]!.sorted(by: Ranked.better)
            let best = ranked[0].decision
            let reason = Ranked.reason(best: ranked[0], runnerUp: ranked.count > 1 ? ranked[1] : nil)
            switch format {
            case .text:
                sink.write("\(task): \(LintWriter.label(best.candidate)) (score \(Gate.format(best.score)), \(best.accepted ? "accepted" : "rejected")) "
                           + "— \(reason); \(ranked.count) candidates\n")
            case .json:
                var out = (i == 0 ? "\n" : ",\n") + "{\"agreement\":" + (ranked[0].standing?.agreement.map { "\($0)" } ?? "null")
                out += ",\"candidates\":\(ranked.count),\"chosen\":" + GateCommand.json(best)
                out += ",\"reason\":"
                LintWriter.appendString(reason, to: &out)
                out += ",\"task_id\":"
                LintWriter.appendString(task, to: &out)
                sink.write(out + "}")
            }
        }
        if format == .json { sink.write(order.isEmpty ? "]\n" : "\n]\n") }
        sink.flush()
        try finish()
    }
}

/// A candidate as `fluke select` ranks it: accepted first (by the style policy and, with
/// --consensus, by the consensus), then the higher agreement with its siblings (a task with no
/// verdict counts as full agreement), then as `Selection.better` (score, findings, order).
struct Ranked {
    var decision: GateDecision
    var standing: Standing?

    var agreement: Double { standing?.verdict == .noVerdict ? 1 : standing?.agreement ?? 1 }

    static func better(_ a: Ranked, _ b: Ranked) -> Bool {
        if a.decision.accepted != b.decision.accepted { return a.decision.accepted }
        if a.agreement != b.agreement { return a.agreement > b.agreement }
        return Selection.better(a.decision, b.decision)
    }

    static func reason(best: Ranked, runnerUp: Ranked?) -> String {
        if let r = runnerUp, best.decision.accepted == r.decision.accepted, best.agreement != r.agreement {
            return String(format: "agrees with the plurality on more new inputs: %.0f%% against %.0f%%",
                          100 * best.agreement, 100 * r.agreement)
        }
        return Selection.reason(best: best.decision, runnerUp: runnerUp?.decision)
    }
}
