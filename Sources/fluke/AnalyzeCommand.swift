import ArgumentParser
import Candidates
import Foundation
import Report
import Rules

/// The whole way in one command: verify, lint, report; each stage's results stay in the output
/// folder, so a second run resumes where the first stopped.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify, lint and report in one go: what separates false positives from true positives.",
        discussion: """
            Writes into the output folder: labels.jsonl and eval_results.json (fluke verify: \
            resumed if interrupted), lint.jsonl (fluke lint --format jsonl: redone only when the \
            inputs or rule options change), and report.md, report.json, report.csv and report.html; \
            prints the report on standard output. Candidates are linted as the model wrote them \
            (junk included: trailing asserts and prints are habits the llm rules measure), or \
            sanitized first with --lint-sanitized; they are always sanitized before running.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions

    @Option(name: [.short, .long], help: ArgumentHelp("The output folder.", valueName: "dir"))
    var output: String = "fluke-out"

    @Option(name: [.short, .long], help: "Parallel workers (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Lint the sanitized code instead of the raw model output.")
    var lintSanitized = false

    @Flag(help: "Count findings in the benchmark's prompt too.")
    var includePrompt = false

    @Flag(help: "Start over instead of resuming.")
    var fresh = false

    func validate() throws {
        guard input.dataset != nil else { throw ValidationError("analyze needs --dataset (the benchmark's problems)") }
    }

    func run() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
        let labels = output + "/labels.jsonl", lint = output + "/lint.jsonl"
        var common = ["--dataset", input.dataset!]
        if let model = input.model { common += ["--model", model] }

        Diagnostics.note("fluke analyze: 1/3 verifying → \(labels)")
        let verify = try Verify.parse(common + ["--output", labels, "--eval-results", output + "/eval_results.json",
                                                "--jobs", "\(jobs)"] + (fresh ? ["--fresh"] : []) + ["--"] + input.paths)
        try verify.run()

        // Lint results are redone unless the same inputs and options made them.
        var lintInputs = input.paths
        if lintSanitized {
            let sanitized = output + "/sanitized.jsonl"
            let sanitize = try Sanitize.parse(common + ["--output", sanitized, "--quiet", "--"] + input.paths)
            try sanitize.run()
            lintInputs = [sanitized]
        }
        var lintArguments = common + ["--format", "jsonl", "--output", lint + ".partial", "--exit-zero", "--jobs", "\(jobs)"]
        if includePrompt { lintArguments.append("--include-prompt") }
        lintArguments += ruleOptions.arguments
        let stamp = Analyze.stamp(lintArguments + ["--"] + lintInputs)
        let stampFile = lint + ".stamp"
        if !fresh, fm.fileExists(atPath: lint), (try? String(contentsOfFile: stampFile, encoding: .utf8)) == stamp {
            Diagnostics.note("fluke analyze: 2/3 lint results are up to date: \(lint)")
        } else {
            Diagnostics.note("fluke analyze: 2/3 linting → \(lint)")
            let command = try Lint.parse(lintArguments + ["--"] + lintInputs)
            try command.run()
            try? fm.removeItem(atPath: lint)
            try fm.moveItem(atPath: lint + ".partial", toPath: lint)
            try stamp.write(toFile: stampFile, atomically: true, encoding: .utf8)
        }

        Diagnostics.note("fluke analyze: 3/3 reporting → \(output)/report.{md,json,csv,html}")
        let labelSet: LabelSet
        do { labelSet = try LabelSet.load(path: labels, model: input.model) } catch { throw InputFailure(error.description) }
        let (observations, unmatched, anyPrompt) = try ReportCommand.join(labelSet, lintFiles: [lint])
        guard !observations.isEmpty else { throw InputFailure("no candidate was both verified and linted") }
        var analysis = Analysis(catalog: try RuleCatalog.load(directories: ReportCommand.ruleDirectories(ruleOptions)))
        analysis.includesPrompt = anyPrompt
        let report = analysis.report(observations, unmatched: unmatched)
        try MarkdownReport.render(report).write(toFile: output + "/report.md", atomically: true, encoding: .utf8)
        try JSONReport.render(report).write(toFile: output + "/report.json", atomically: true, encoding: .utf8)
        try CSVReport.render(report).write(toFile: output + "/report.csv", atomically: true, encoding: .utf8)
        try HTMLReport.render(report).write(toFile: output + "/report.html", atomically: true, encoding: .utf8)
        let colour = isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let sink = try OutputSink(path: nil)
        sink.write(TextReport(colour: colour).render(report))
        sink.flush()
        try finish()
    }

    /// What the lint results depend on: the arguments, and each input's size and modification time.
    static func stamp(_ arguments: [String]) -> String {
        var s = arguments.joined(separator: "\u{1F}")
        for path in arguments {
            if let a = try? FileManager.default.attributesOfItem(atPath: path) {
                s += "\n\(path) \(a[.size] ?? 0) \((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
            }
        }
        return s
    }
}
