import ArgumentParser
import Candidates
import Foundation
import Report
import Rules

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Contrast true positives against false positives: which conventions FPs break more often.",
        discussion: """
            Joins labels (Fluke's labels JSONL from `fluke verify`, or EvalPlus's eval_results.json) \
            with lint results (`fluke lint --format jsonl` output given with --lint, or the candidates \
            themselves, which are then linted) by model, task and sample number.

            Per rule and profile: P(adheres | TP), P(adheres | FP), P(adheres | passes weak tests) with \
            Wilson intervals, their difference (Newcombe interval), Fisher's exact test with \
            Benjamini–Hochberg correction, and the same comparison within tasks that have both TP and \
            FP candidates (Cochran–Mantel–Haenszel); the 0–10 scores of TPs against FPs (Mann–Whitney \
            U, AUC, Cliff's delta); per model and per dataset when there are several.

            Formats: text (terminal), markdown, json (schema fluke.report/1, docs/report-schema.md), \
            csv (one row per convention and group), html (one self-contained page with SVG charts).
            """)

    @Option(help: ArgumentHelp("Labels: Fluke's labels JSONL (fluke verify) or an EvalPlus eval_results.json.", valueName: "file"))
    var labels: String

    @Option(help: ArgumentHelp("Lint results (fluke lint --format jsonl); repeatable. Without it, the candidates given are linted.", valueName: "file"))
    var lint: [String] = []

    @Argument(help: "Candidates to lint when no --lint file is given.")
    var paths: [String] = []

    @Option(help: ArgumentHelp("The benchmark's problems (EvalPlus .jsonl[.gz]): tells the prompt apart when linting.", valueName: "file"))
    var dataset: String?

    @Option(help: "The model to name for labels and candidates that name none.")
    var model: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json, csv, html }
    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: "Confidence level of the intervals.")
    var confidence: Double = 0.95

    @Option(help: "Significance level (on Benjamini–Hochberg q-values) for calling a difference.")
    var alpha: Double = 0.05

    @Flag(help: "Count findings in the benchmark's prompt too (when linting here).")
    var includePrompt = false

    @OptionGroup var ruleOptions: RuleOptions

    func validate() throws {
        guard lint.isEmpty != paths.isEmpty else {
            throw ValidationError("give either lint results (--lint FILE) or the candidates to lint, not both and not neither")
        }
        guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1") }
    }

    func run() throws {
        let labelSet: LabelSet
        do { labelSet = try LabelSet.load(path: labels, model: model) } catch { throw InputFailure(error.description) }

        var lintFiles = lint
        var scratch: ScratchFolder? = nil
        defer { scratch?.remove() }
        if lintFiles.isEmpty {
            scratch = try ScratchFolder("report")
            let file = scratch!.path + "/lint.jsonl"
            try ReportCommand.lintToFile(paths: paths, dataset: dataset, model: model, includePrompt: includePrompt,
                                         ruleOptions: ruleOptions, output: file)
            lintFiles = [file]
        }

        let (observations, unmatched, anyPrompt) = try ReportCommand.join(labelSet, lintFiles: lintFiles)
        guard !observations.isEmpty else {
            throw InputFailure("no linted candidate has a label: check that the labels and the lint results "
                               + "are about the same samples (examples: \(unmatched.examples.joined(separator: ", ")))")
        }
        if unmatched.unlabelled + unmatched.unlinted > 0 {
            Diagnostics.note("fluke report: left out \(unmatched.unlabelled) linted candidates without a label and "
                             + "\(unmatched.unlinted) labelled candidates not linted (e.g. "
                             + unmatched.examples.prefix(3).joined(separator: ", ") + ")")
        }
        var analysis = Analysis(catalog: try RuleCatalog.load(directories: ReportCommand.ruleDirectories(ruleOptions)))
        analysis.confidence = confidence
        analysis.alpha = alpha
        analysis.includesPrompt = anyPrompt
        let report = analysis.report(observations, unmatched: unmatched)
        let sink = try OutputSink(path: output)
        switch format {
        case .text:
            let colour = output == nil && isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            sink.write(TextReport(colour: colour).render(report))
        case .markdown: sink.write(MarkdownReport.render(report))
        case .json: sink.write(try JSONReport.render(report))
        case .csv: sink.write(CSVReport.render(report))
        case .html: sink.write(HTMLReport.render(report))
        }
        sink.flush()
    }

    static func ruleDirectories(_ options: RuleOptions) -> [String] {
        (RuleCatalog.builtinDirectory().map { [$0] } ?? []) + options.ruleDirectories
    }

    /// Lints `paths` into a JSONL file with the lint command itself (same rules, same options).
    static func lintToFile(paths: [String], dataset: String?, model: String?, includePrompt: Bool,
                           ruleOptions: RuleOptions, output: String) throws {
        var arguments = ["--format", "jsonl", "--output", output, "--exit-zero"]
        if let dataset { arguments += ["--dataset", dataset] }
        if let model { arguments += ["--model", model] }
        if includePrompt { arguments.append("--include-prompt") }
        arguments += ruleOptions.arguments
        var command = try Lint.parse(arguments + ["--"] + paths)
        try command.run()
    }

    /// Lint records joined to their labels.
    static func join(_ labels: LabelSet, lintFiles: [String]) throws
        -> (observations: [Observation], unmatched: Unmatched, includesPrompt: Bool)
    {
        var observations: [Observation] = []
        var matched = Set<CandidateKey>()
        var unlabelled = 0
        var examples: [String] = []
        var includesPrompt = false
        for file in lintFiles {
            do {
                try LintRecord.forEach(path: file) { record in
                    includesPrompt = includesPrompt || record.includesPrompt
                    guard let (key, label) = labels.match(record.key) else {
                        unlabelled += 1
                        if examples.count < 5 { examples.append("linted \(record.key) has no label") }
                        return
                    }
                    matched.insert(key)
                    observations.append(Observation(key: record.key, label: label, adherence: record.adherence,
                                                    profiles: record.profiles, score: record.score, parses: record.parses))
                }
            } catch let issue as InputIssue {
                throw InputFailure(issue.description)
            }
        }
        let unlinted = labels.count - matched.count
        if unlinted > 0 {
            for key in labels.keys where !matched.contains(key) {
                if examples.count >= 8 { break }
                examples.append("labelled \(key) was not linted")
            }
        }
        return (observations, Unmatched(unlabelled: unlabelled, unlinted: unlinted, examples: examples), includesPrompt)
    }
}

/// A folder for a command's intermediate files, under the temporary directory.
struct ScratchFolder {
    let path: String

    init(_ command: String) throws {
        path = NSTemporaryDirectory() + "fluke-\(command)-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
