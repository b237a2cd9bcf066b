import ArgumentParser
import Candidates
import Foundation
import Sanitizer

struct Sanitize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract the code from raw model output.",
        discussion: """
            Keeps the code inside markdown fences and drops the prose around it, removes driver \
            code left at module level (asserts, prints, calls of the entry point, \
            `if __name__ == "__main__":` blocks, test functions), drops a last statement cut off \
            at the token limit, and with --entry-point-only keeps only imports, the entry point \
            and what it depends on (as EvalPlus's sanitizer does). What was removed is listed on \
            standard error, and in each JSONL record's `removed` field.

            Output: EvalPlus samples JSONL (task_id, completion_id, solution, plus model, path, \
            removed and syntax_errors), or, for a single .py file or standard input, the code.
            """)

    @OptionGroup var input: InputOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.",
                                                      valueName: "file"))
    var output: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case auto, jsonl, code }
    @Option(help: "auto: code for one .py file or standard input, else jsonl.")
    var format: Format = .auto

    @Flag(help: "Keep only imports, the entry point and the definitions it needs.")
    var entryPointOnly = false

    @Option(help: ArgumentHelp("The function under test, for candidates whose input does not name it.",
                               valueName: "name"))
    var entryPoint: String?

    @Flag(name: [.short, .long], help: "Do not list what was removed.")
    var quiet = false

    func run() throws {
        let sanitizer = try Sanitizer(options: .init(keepOnlyEntryPointDependencies: entryPointOnly))
        let reader = try input.reader()
        let single = input.paths.count == 1 && (input.paths[0] == "-" || input.paths[0].hasSuffix(".py"))
        let asCode = format == .code || (format == .auto && single)
        let out = try OutputSink(path: output)
        var total = 0, changed = 0
        var warnedNoEntryPoint = false
        var byKind: [Removal.Kind: Int] = [:]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try reader.read(input.paths) { item in
            switch item {
            case .issue(let issue): Diagnostics.report(issue)
            case .candidate(let candidate):
                total += 1
                Progress.update("sanitizing: \(total) candidates")
                let prompt = candidate.promptByteCount.map {
                    String(decoding: candidate.bytes[0..<$0], as: UTF8.self)
                }
                let entry = candidate.entryPoint ?? entryPoint
                if entryPointOnly && entry == nil && !warnedNoEntryPoint {
                    warnedNoEntryPoint = true
                    Diagnostics.note("fluke: warning: \(candidate.id): no entry point known (give --dataset "
                                     + "or --entry-point); --entry-point-only keeps everything for such candidates")
                }
                let result = try sanitizer.sanitize(candidate.text, prompt: prompt, entryPoint: entry)
                if !result.removals.isEmpty { changed += 1 }
                for r in result.removals { byKind[r.kind, default: 0] += 1 }
                if !quiet {
                    for r in result.removals { Diagnostics.note("\(candidate.id): removed \(r)") }
                }
                if asCode {
                    out.write(result.code)
                } else {
                    let record = Record(candidate: candidate, result: result)
                    out.write(String(decoding: try encoder.encode(record), as: UTF8.self) + "\n")
                }
            }
        }
        out.flush()
        Progress.clearLine()
        if !quiet && total > 1 {
            let kinds = Removal.Kind.allCases.compactMap { k in byKind[k].map { "\(k.rawValue) \($0)" } }
            Diagnostics.note("sanitized \(total) candidates: \(changed) changed"
                             + (kinds.isEmpty ? "" : " (removed: " + kinds.joined(separator: ", ") + ")"))
        }
        try finish()
    }

    /// One line of output: an EvalPlus sample that keeps the candidate's identity.
    struct Record: Encodable {
        var taskID: String?
        var completionID: Int?
        var model: String?
        var path: String
        var solution: String
        var removed: [Removal]
        var syntaxErrors: [String]

        init(candidate: Candidate, result: Sanitized) {
            taskID = candidate.id.taskID
            completionID = candidate.id.completionID
            model = candidate.id.model
            path = candidate.id.path
            solution = result.code
            removed = result.removals
            syntaxErrors = result.syntaxErrors.map { "\($0.start): \($0.message)" }
        }

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", completionID = "completion_id", model, path, solution, removed,
                 syntaxErrors = "syntax_errors"
        }
    }
}
