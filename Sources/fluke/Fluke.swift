import ArgumentParser
import Candidates
import Rules
import Foundation

@main
struct Fluke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluke",
        abstract: "Find what separates false positives from true positives among resampled LLM code.",
        discussion: """
            Candidates can be .py files, folders of them (EvalPlus's <model>/<Task_N>/<i>.py \
            layout included), EvalPlus samples (.jsonl, .jsonl.gz), bigcode-evaluation-harness \
            generations.json, or - for standard input.
            """,
        version: "0.1.0",
        subcommands: [Parse.self, Sanitize.self, Verify.self, ConsensusCommand.self, Lint.self, ReportCommand.self,
                      Analyze.self, GateCommand.self, SelectCommand.self, ScalingCommand.self, Rules_.self,
                      RuleCommand.self])

    /// Exit codes as Ruff's: 0 clean, 1 findings (set by each command), 2 usage or input error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(withError: code)
        } catch let e as RuleError {
            FileHandle.standardError.write(Data("fluke: error: \(e)\n".utf8))
            Foundation.exit(2)
        } catch let e as InputFailure {
            Progress.clearLine()
            FileHandle.standardError.write(Data("fluke: error: \(e)\n".utf8))
            Foundation.exit(2)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            FileHandle.standardError.write(Data("fluke: error: \(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }

}

/// Options every command that reads candidates shares.
struct InputOptions: ParsableArguments {
    @Argument(help: "Candidate files or folders (- for standard input).")
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp(
        "The benchmark's problems (EvalPlus .jsonl or .jsonl.gz): prompts, entry points, task order.",
        valueName: "file"))
    var dataset: String?

    @Option(name: .long, help: "The model to name for candidates whose input does not name one.")
    var model: String?

    func reader() throws -> CandidateReader {
        var problems: ProblemSet? = nil
        if let dataset {
            do { problems = try ProblemSet.load(path: dataset) } catch {
                throw InputFailure(error.description)
            }
        }
        return CandidateReader(problems: problems, model: model)
    }
}

/// A usage or input error that ends the run with exit code 2 and a one-line message.
struct InputFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Where diagnostics go: standard error, one line each.
enum Diagnostics {
    nonisolated(unsafe) static var errorCount = 0

    static func report(_ issue: InputIssue) {
        errorCount += 1
        Progress.clearLine()
        FileHandle.standardError.write(Data("fluke: error: \(issue)\n".utf8))
    }

    static func note(_ message: String) {
        Progress.clearLine()
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}

/// A progress line on standard error, shown only when it is a terminal.
enum Progress {
    nonisolated(unsafe) static var shown = false
    nonisolated(unsafe) static var last = Date.distantPast
    static let enabled = isatty(2) != 0 && ProcessInfo.processInfo.environment["CI"] == nil

    static func update(_ text: @autoclosure () -> String) {
        guard enabled, Date().timeIntervalSince(last) > 0.1 else { return }
        last = Date()
        shown = true
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text())".utf8))
    }

    static func clearLine() {
        guard shown else { return }
        shown = false
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// Writes to standard output or a file, buffered.
final class OutputSink {
    private let handle: FileHandle
    /// Bytes not written yet (appending a string's UTF-8 to an array copies it in one go).
    private var buffer: [UInt8] = []

    init(path: String?) throws {
        if let path, path != "-" {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw InputFailure("cannot write \(path)")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } else {
            handle = FileHandle.standardOutput
        }
        buffer.reserveCapacity(1 << 17)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    /// Writes UTF-8 bytes as they are.
    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count > 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

extension ParsableCommand {
    /// Ends a run: exit 2 if any input could not be read.
    func finish() throws {
        if Diagnostics.errorCount > 0 { throw ExitCode(2) }
    }
}
