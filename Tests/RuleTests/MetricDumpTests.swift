import Foundation
import Lint
import Rules
import SyntaxTree
import Testing

/// A helper for measuring agreement with Ruff, not a check: with `FLUKE_DUMP_DIR` (a folder of
/// `.py` files), `FLUKE_DUMP_CODES` (comma-separated codes), optional `FLUKE_DUMP_OPTIONS`
/// (`CODE.option=int,…`) and `FLUKE_DUMP_OUT`, writes one `file:line:column: CODE message` line
/// per finding. Without them it does nothing.
@Suite struct MetricDumpTests {
    @Test func dumpFindings() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["FLUKE_DUMP_DIR"], let codes = env["FLUKE_DUMP_CODES"],
              let outPath = env["FLUKE_DUMP_OUT"] else { return }
        let catalog = try RuleCatalog.builtin()
        let rules = codes.split(separator: ",").compactMap { catalog[String($0)] }
        var options: [String: [String: OptionValue]] = [:]
        for item in (env["FLUKE_DUMP_OPTIONS"] ?? "").split(separator: ",") {
            let kv = item.split(separator: "=")
            let key = kv[0].split(separator: ".", maxSplits: 1)
            options[String(key[0]), default: [:]][String(key[1])] = .int(Int(kv[1])!)
        }
        let linter = try Linter(rules: rules, options: options)
        let parser = try PythonParser()
        var out = ""
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".py") }.sorted()
        for f in files {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            let tree = try parser.parse(text)
            for x in linter.findings(in: tree) {
                out += "\(f):\(x.start.line):\(x.start.column): \(x.code) \(x.message)\n"
            }
        }
        try out.write(toFile: outPath, atomically: true, encoding: .utf8)
    }
}
