import ArgumentParser
import Candidates
import Foundation
import Gate
import Report
import Rules
import Scaling

struct ScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "What resampling against these tests can and cannot buy: ceilings, reward against k, the optimal k.",
        discussion: """
            Reads labels (Fluke's labels JSONL from `fluke verify`, or EvalPlus's eval_results.json; \
            several files for several models) and answers, per model and dataset (HumanEval, Mbpp: \
            the task id before its last `/`):

            Single-sample accuracy (strong tests, mean over tasks), weak-test pass rate, the \
            resampling ceiling (per task TP / pass weak, mean over tasks where something passes; \
            those where nothing does are listed and bound it over all tasks, as 0 and as 1), FP rate \
            = 1 − ceiling, and pooled FP share (Wilson). Intervals of means: bootstrap percentile \
            over tasks (--bootstrap, --seed).

            "Resample until the weak tests pass, abstain after k": the exact expected accuracy and \
            reward (+1 for a TP, −r for an FP, 0 for abstaining) for k = 1 to the most samples a \
            task has, from each task's counts (draws without replacement); the optimal k per r (the \
            smallest k with the highest reward; 0 when even that is below 0). A task with fewer \
            samples than k has drawn all of them: its values stay at those of its own count. \
            --simulate N shuffles each task N times, as the paper did, and reports how far the \
            exact values are from the simulated ones in standard errors.

            With a style gate (a `fluke gate` policy: --min-score, --forbid, --max-count, \
            --require-profile, --policy, or --gate for [tool.fluke.gate]) the verifier accepts a \
            candidate when it passes the weak tests and the gate accepts it: the same figures side \
            by side. The gate reads lint results (--lint, from `fluke lint --format jsonl`), or lints \
            --samples, or the labels' own `solution` fields.

            Across models: the ceiling against single-sample accuracy, the least-squares line and \
            R² (3 models or more), and the models whose ceiling is below the --reference model's \
            accuracy (default: the most accurate model).

            Formats: text, markdown, json (schema fluke.scaling/1, docs/scaling-schema.md). With -o \
            DIR, also scaling.json, scaling.md and scaling.html (SVG charts) in DIR.
            """)

    @Argument(help: ArgumentHelp("Labels: Fluke's labels JSONL (fluke verify) or EvalPlus eval_results.json files.", valueName: "labels"))
    var labels: [String]

    @Option(help: "The model to name for labels that name none (default: the file's name; for eval_results.json and labels.jsonl, its folder's).")
    var model: String?

    @Option(name: .customLong("cost-ratios"), help: ArgumentHelp("Costs r of a false positive against the +1 of a true positive, comma-separated.", valueName: "r,…"))
    var costRatios = "0,1,2,4,8"

    @Option(name: .customLong("exclude-tasks"), help: ArgumentHelp("Leave out these tasks (comma-separated, or @file with one per line); repeatable.", valueName: "ids"))
    var excludeTasks: [String] = []

    @Flag(name: .customLong("exclude-weak-false-negatives"), help: "Leave out tasks where some candidate of any model fails the weak tests and passes the strong ones.")
    var excludeWeakFalseNegatives = false

    @Flag(name: .customLong("exclude-paper-tasks"), help: "Leave out the 14 HumanEval tasks the paper left out (HumanEval/6, 9, 20, 62, 83, 88, 92, 107, 114, 116, 126, 136, 141, 142).")
    var excludePaperTasks = false

    @Option(help: ArgumentHelp("The model whose single-sample accuracy the others' ceilings are held against (default: the most accurate).", valueName: "model"))
    var reference: String?

    @Flag(help: "Add the style gate of the configuration ([tool.fluke.gate]) even when no policy option is given.")
    var gate = false

    @OptionGroup var policyOptions: PolicyOptions

    @Option(help: ArgumentHelp("Lint results for the gate (fluke lint --format jsonl); repeatable.", valueName: "file"))
    var lint: [String] = []

    @Option(help: ArgumentHelp("Candidates to lint for the gate (default: the labels files, when they carry `solution`); repeatable.", valueName: "file"))
    var samples: [String] = []

    @Option(help: ArgumentHelp("The benchmark's problems (EvalPlus .jsonl[.gz]): tells the prompt apart when linting.", valueName: "file"))
    var dataset: String?

    @Flag(help: "Count findings in the benchmark's prompt too (when linting here).")
    var includePrompt = false

    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: "Bootstrap replicates over tasks for the intervals (0: none).")
    var bootstrap = 1000

    @Option(help: "Also simulate the loop by shuffling each task's samples N times, as the paper did (0: no).")
    var simulate = 0

    @Option(help: "Seed of the bootstrap and the simulation.")
    var seed: UInt64 = 1

    @Option(help: "Confidence level of the intervals.")
    var confidence = 0.95

    @Option(help: "Also name the smallest k whose reward is within this of the best.")
    var tolerance = 0.001

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }
    @Option(help: "Output format on standard output.")
    var format: Format = .text

    @Option(name: [.short, .long], help: ArgumentHelp("Also write scaling.json, scaling.md and scaling.html into this folder.", valueName: "dir"))
    var output: String?

    var ratios: [Double] { costRatios.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }

    var gateAsked: Bool {
        gate || policyOptions.policy != nil || policyOptions.minScore != nil || policyOptions.forbid != nil
            || !policyOptions.maxCount.isEmpty || !policyOptions.requireProfile.isEmpty
    }

    func validate() throws {
        let parts = costRatios.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ Double($0.trimmingCharacters(in: .whitespaces)).map { $0 >= 0 && $0.isFinite } ?? false }) else {
            throw ValidationError("--cost-ratios takes numbers of 0 or more, comma-separated, such as 0,1,2,4,8 (got `\(costRatios)`)")
        }
        guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1") }
        guard bootstrap >= 0, simulate >= 0 else { throw ValidationError("--bootstrap and --simulate take 0 or more") }
        guard tolerance >= 0 else { throw ValidationError("--tolerance takes 0 or more") }
        if !gateAsked && (!lint.isEmpty || !samples.isEmpty) {
            throw ValidationError("--lint and --samples feed the style gate: add a policy (--min-score, --forbid, "
                                  + "--max-count, --require-profile, --policy) or --gate")
        }
        if !lint.isEmpty && !samples.isEmpty { throw ValidationError("give lint results (--lint) or --samples to lint, not both") }
    }

    func run() throws {
        var labelled = try loadLabels()
        var analysis = ScalingAnalysis()
        analysis.costRatios = ratios
        analysis.confidence = confidence
        analysis.bootstrap = bootstrap
        analysis.seed = seed
        analysis.simulate = simulate
        analysis.tolerance = tolerance
        analysis.reference = reference
        analysis.filter = TaskFilter(tasks: try excludedTasks(), paper: excludePaperTasks,
                                     weakFalseNegatives: excludeWeakFalseNegatives)
        if gateAsked { analysis.gate = try applyGate(&labelled) }
        if let reference, !labelled.contains(where: { $0.model == reference }) {
            let models = Set(labelled.map(\.model)).sorted()
            throw InputFailure("--reference \(reference): no labels name this model (they name \(models.joined(separator: ", ")))")
        }
        let report = analysis.run(labelled)
        guard !report.groups.isEmpty else { throw InputFailure("every task is excluded: nothing left to analyse") }
        if !report.exclusion.notFound.isEmpty {
            Diagnostics.note("fluke scaling: excluded tasks not in the labels: \(report.exclusion.notFound.joined(separator: ", "))")
        }

        if let output {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try report.json().write(toFile: output + "/scaling.json", atomically: true, encoding: .utf8)
            try ScalingRender.markdown(report).write(toFile: output + "/scaling.md", atomically: true, encoding: .utf8)
            try ScalingRender.html(report).write(toFile: output + "/scaling.html", atomically: true, encoding: .utf8)
        }
        let sink = try OutputSink(path: nil)
        switch format {
        case .text: sink.write(ScalingRender.text(report))
        case .markdown: sink.write(ScalingRender.markdown(report))
        case .json: sink.write(try report.json())
        }
        sink.flush()
    }

    /// Every label, from every file; the same candidate in two files is an error.
    func loadLabels() throws -> [LabelledSample] {
        var seen: [CandidateKey: String] = [:]
        var out: [LabelledSample] = []
        for path in labels {
            let set: LabelSet
            do { set = try LabelSet.load(path: path, model: model ?? Self.defaultModel(path)) } catch {
                throw InputFailure(error.description)
            }
            for (key, label) in set.labels {
                if let other = seen[key] {
                    throw InputFailure("\(path): \(key) is labelled in \(other) too (give each model's labels once)")
                }
                seen[key] = path
                out.append(LabelledSample(model: key.model ?? "", taskID: key.taskID, label: label,
                                          completionID: key.completionID))
            }
        }
        return out
    }

    /// The model to name for a labels file that names none: the file's name, or its folder's for
    /// the generic names `eval_results.json` and `labels.jsonl`.
    static func defaultModel(_ path: String) -> String {
        let name = CandidateReader.modelName(fromFile: path) ?? "model"
        guard ["eval_results", "labels"].contains(name) else { return name }
        let folder = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        return folder.isEmpty || folder == "." ? name : folder
    }

    /// `--exclude-tasks` values: ids separated by commas, or `@file` with ids on lines (`#` starts
    /// a comment).
    func excludedTasks() throws -> Set<String> {
        var ids = Set<String>()
        for value in excludeTasks {
            var text = value
            if value.hasPrefix("@") {
                let file = String(value.dropFirst())
                guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw InputFailure("\(file): cannot read the list of tasks to exclude")
                }
                text = contents.split(separator: "\n").map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0] }
                    .joined(separator: ",")
            }
            for part in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) { ids.insert(String(part)) }
        }
        return ids
    }

    /// Decides on every labelled candidate with the gate; a candidate without a lint result is
    /// rejected (the gate cannot vouch for it).
    func applyGate(_ labelled: inout [LabelledSample]) throws -> GateInfo {
        let cache = try LinterCache(options: ruleOptions)
        let gate = try GateRun.gate(cache: cache, policyOptions: policyOptions, for: labels[0])
        var lintFiles = lint
        var scratch: ScratchFolder? = nil
        defer { scratch?.remove() }
        if lintFiles.isEmpty {
            let inputs = samples.isEmpty ? labels : samples
            if samples.isEmpty {
                for path in labels where !Self.carriesSolutions(path) {
                    throw InputFailure("\(path): the labels carry no `solution` to lint for the gate: give lint results "
                                       + "(--lint, from fluke lint --format jsonl) or the candidates (--samples)")
                }
            }
            if dataset == nil {
                Diagnostics.note("fluke scaling: linting without --dataset: findings in the benchmark's prompt count too")
            }
            scratch = try ScratchFolder("scaling")
            let file = scratch!.path + "/lint.jsonl"
            try ReportCommand.lintToFile(paths: inputs, dataset: dataset, model: model, includePrompt: includePrompt,
                                         ruleOptions: ruleOptions, output: file)
            lintFiles = [file]
        }
        // Decisions by model, task and number; and by task and number alone, where that is unique,
        // for lint results that name the model otherwise (or not at all).
        var decisions: [CandidateKey: Bool] = [:]
        var anyModel: [CandidateKey: Bool?] = [:]
        for file in lintFiles {
            do {
                try LintRecord.forEach(path: file) { record in
                    let accepted = gate.decide(record).accepted
                    decisions[record.key] = accepted
                    let loose = CandidateKey(model: nil, taskID: record.key.taskID, completionID: record.key.completionID)
                    anyModel[loose] = anyModel[loose] == nil ? .some(accepted) : .some(nil)
                }
            } catch let issue as InputIssue {
                throw InputFailure(issue.description)
            }
        }
        var linted = 0
        for i in labelled.indices {
            let s = labelled[i]
            let key = CandidateKey(model: s.model, taskID: s.taskID, completionID: s.completionID)
            let loose = CandidateKey(model: nil, taskID: s.taskID, completionID: s.completionID)
            let decision = decisions[key] ?? anyModel[loose] ?? nil
            if decision != nil { linted += 1 }
            labelled[i].gateAccepts = decision ?? false
        }
        guard linted > 0 else {
            throw InputFailure("no labelled candidate has a lint result: check that the lint results are about the same samples")
        }
        if linted < labelled.count {
            Diagnostics.note("fluke scaling: \(labelled.count - linted) labelled candidates have no lint result; "
                             + "the gate counts them as rejected")
        }
        return GateInfo(policy: GateCommand.describe(gate.policy), linted: linted, unlinted: labelled.count - linted)
    }

    /// Whether the first record of a labels file has a `solution` (Fluke's labels do; EvalPlus's
    /// eval_results.json does not).
    static func carriesSolutions(_ path: String) -> Bool {
        guard let reader = try? JSONLinesReader(path: path), let first = try? reader.next(),
              let record = (try? JSONSerialization.jsonObject(with: Data(first.bytes))) as? [String: Any] else {
            return false
        }
        return record["solution"] is String
    }
}
