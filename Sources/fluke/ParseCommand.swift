import ArgumentParser
import Candidates
import Foundation
import SyntaxTree

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the syntax tree of candidates (for people writing rules).",
        discussion: """
            Each named node is printed on its own line with its field name, kind and range \
            (line:column, 1-based, columns in characters). With --query, prints what a \
            tree-sitter query captures instead. Syntax errors are listed after the tree.
            """)

    @OptionGroup var input: InputOptions

    @Flag(help: "Also print anonymous nodes (keywords and punctuation).")
    var all = false

    @Flag(help: "Print the tree as tree-sitter's S-expression.")
    var sexp = false

    @Flag(help: "Print only syntax errors (exit 1 if there are any).")
    var errors = false

    @Option(help: ArgumentHelp("A tree-sitter query to run (or @file to read it from a file).",
                               valueName: "query"))
    var query: String?

    func run() throws {
        let compiled: Query?
        if let query {
            var text = query
            if query.hasPrefix("@") {
                let path = String(query.dropFirst())
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw InputFailure("cannot read the query file \(path)")
                }
                text = String(decoding: data, as: UTF8.self)
            }
            do { compiled = try Query(text) } catch { throw InputFailure("\(error)") }
        } else {
            compiled = nil
        }
        let parser = try PythonParser(timeoutMicroseconds: 60_000_000)
        let out = try OutputSink(path: nil)
        var count = 0
        var sawErrors = false
        try input.reader().read(input.paths) { item in
            switch item {
            case .issue(let issue): Diagnostics.report(issue)
            case .candidate(let candidate):
                count += 1
                let tree: Tree
                do { tree = try parser.parse(bytes: candidate.bytes) } catch {
                    Diagnostics.report(InputIssue(path: candidate.id.path, line: candidate.id.line,
                                                  message: "\(error)"))
                    return
                }
                if count > 1 || input.paths.count > 1 || candidate.id.taskID != nil {
                    out.write("# \(candidate.id)\n")
                }
                let syntaxErrors = tree.syntaxErrors
                sawErrors = sawErrors || !syntaxErrors.isEmpty
                if let compiled {
                    for match in compiled.matches(in: tree.root) {
                        for c in match.captures {
                            out.write("pattern \(match.patternIndex) @\(c.name) \(c.node.kind) "
                                      + "[\(c.node.start)-\(c.node.end)] \(quoted(c.node.text))\n")
                        }
                    }
                } else if !errors {
                    out.write(sexp ? tree.root.sExpression + "\n" : tree.outline(includeAnonymous: all))
                }
                for e in syntaxErrors {
                    out.write("\(candidate.id):\(e.start): syntax error: \(e.message)\n")
                }
            }
        }
        out.flush()
        try finish()
        if errors && sawErrors { throw ExitCode(1) }
    }

    private func quoted(_ text: String) -> String {
        let short = text.count > 60 ? String(text.prefix(59)) + "…" : text
        return "\"" + short.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
