import Foundation
import Testing

/// Runs the built `fluke` binary, as a user would.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

func fluke(_ arguments: [String], stdin: String? = nil) throws -> Run {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("fluke")
    // Swift Testing runs tests from the .xctest bundle or a helper binary beside `fluke`.
    var url = binary
    if !FileManager.default.fileExists(atPath: url.path) {
        url = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("fluke")
    }
    let p = Process()
    p.executableURL = url
    p.arguments = arguments
    let out = Pipe(), err = Pipe(), input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
               stderr: String(decoding: e, as: UTF8.self))
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

func temp(_ name: String, _ text: String) -> String { temp(name, bytes: Array(text.utf8)) }

func temp(_ name: String, bytes: [UInt8]) -> String {
    let dir = NSTemporaryDirectory() + "fluke-cli-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

@Suite struct CommandLineTests {
    @Test func parsePrintsTheTree() throws {
        let path = temp("a.py", "def f(x):\n    return x\n")
        let r = try fluke(["parse", path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("function_definition [1:1-2:13]"))
        #expect(r.stdout.contains("name: identifier [1:5-1:6] \"f\""))
        #expect(r.stderr.isEmpty)
    }

    @Test func parseErrorsExitsOneAndNamesTheLine() throws {
        let path = temp("bad.py", "def f(x):\n    return (x\n")
        let r = try fluke(["parse", "--errors", path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\(path):"))
        #expect(r.stdout.contains("syntax error"))
        let ok = try fluke(["parse", "--errors", temp("ok.py", "x = 1\n")])
        #expect(ok.status == 0 && ok.stdout.isEmpty)
    }

    @Test func parseRunsAQuery() throws {
        let path = temp("q.py", "def camelCase(): pass\ndef snake_case(): pass\n")
        let r = try fluke(["parse", path, "--query", #"((identifier) @n (#match? @n "[A-Z]"))"#])
        #expect(r.status == 0)
        #expect(r.stdout == "pattern 0 @n identifier [1:5-1:14] \"camelCase\"\n")
        let bad = try fluke(["parse", path, "--query", "(nope) @x"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("query error at 1:2"))
    }

    @Test func sanitizeASingleFilePrintsCodeAndListsRemovals() throws {
        let path = temp("s.py", "Here you go:\n```python\ndef f(x):\n    return x\n```\n")
        let r = try fluke(["sanitize", path])
        #expect(r.status == 0)
        #expect(r.stdout == "def f(x):\n    return x\n")
        #expect(r.stderr.contains("\(path): removed line 1: prose: Here you go:"))
        let quiet = try fluke(["sanitize", "-q", path])
        #expect(quiet.stderr.isEmpty)
    }

    @Test func sanitizeStandardInput() throws {
        let r = try fluke(["sanitize", "-q", "--entry-point", "f", "-"],
                          stdin: "def f():\n    return 1\nprint(f())\n")
        #expect(r.status == 0)
        #expect(r.stdout == "def f():\n    return 1\n")
    }

    @Test func sanitizeSamplesWritesEvalPlusJSONLKeepingIdentity() throws {
        let out = temp("out.jsonl", "")
        let r = try fluke(["sanitize", "-q", "--dataset", root + "/Samples/problems.jsonl",
                           root + "/Samples/candidates/alpha-7b.jsonl", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 48)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["task_id"] as? String == "Samples/0")
        #expect(first["completion_id"] as? Int == 0)
        #expect(first["model"] as? String == "alpha-7b")
        #expect(first["solution"] is String)
        #expect(first["removed"] is [Any])
    }

    @Test func badInputExitsTwoNamesFileAndLineAndKeepsTheRest() throws {
        let path = temp("m.jsonl", "{\"task_id\": \"T/0\", \"solution\": \"x = 1\\n\"}\n{oops\n{\"task_id\": \"T/0\", \"solution\": \"y = 2\\n\"}\n")
        let r = try fluke(["sanitize", "-q", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(path):2: not an EvalPlus sample"))
        #expect(r.stdout.split(separator: "\n").count == 2)
    }

    /// Hostile files end to end: each gets a result or a clear error, never a crash or a hang.
    static func hostile(_ name: String) -> (bytes: [UInt8], status: Int32, message: String) {
        switch name {
        case "bom.py": return ([0xEF, 0xBB, 0xBF] + Array("def f():\n    return 1\n".utf8), 0, "")
        case "crlf.py": return (Array("def f():\r\n    return 'é'\r\n".utf8), 0, "")
        case "cr.py": return (Array("def f():\r    return 1\r".utf8), 0, "")
        case "tabs.py": return (Array("def f():\n\tif 1:\n\t\treturn 1\n".utf8), 0, "")
        case "empty.py": return ([], 0, "")
        case "utf8.py": return (Array("x = '".utf8) + [0xC3, 0x28] + Array("'\n".utf8), 1, ":1:6: syntax error: invalid UTF-8 byte 0xC3")
        case "nul.py": return (Array("x = 1\n".utf8) + [0x00] + Array("\n".utf8), 1, ":2:1: syntax error: source contains a NUL byte")
        default:  // 1,000-deep nesting
            return (Array(("x = " + String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000) + "\n").utf8), 0, "")
        }
    }

    @Test(arguments: ["bom.py", "crlf.py", "cr.py", "tabs.py", "empty.py", "utf8.py", "nul.py", "deep.py"])
    func hostileFilesGetAResultOrAClearError(_ name: String) throws {
        let (bytes, status, message) = Self.hostile(name)
        let path = temp(name, bytes: bytes)
        let r = try fluke(["parse", "--errors", path])
        #expect(r.status == status, "\(name): \(r.stdout) \(r.stderr)")
        if message.isEmpty {
            #expect(r.stdout.isEmpty, "\(name)")
        } else {
            #expect(r.stdout == path + message + "\n", "\(name)")
        }
        let s = try fluke(["sanitize", "-q", path])
        #expect(s.status == 0, "\(name): \(s.stderr)")
    }

    @Test func tenMegabyteFileEndToEnd() throws {
        let body = (0..<(10_000_000 / 36 + 1)).map { "def f\($0)(x):\n    return x + 1  # é\n\n" }.joined()
        let path = temp("big.py", body)
        let r = try fluke(["parse", "--errors", path])
        #expect(r.status == 0)
        let s = try fluke(["sanitize", "-q", "--entry-point", "f0", path])
        #expect(s.status == 0)
        #expect(s.stdout.utf8.count > 9_000_000)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try fluke(["sanitize"]).status == 2)
        #expect(try fluke(["no-such-command"]).status == 2)
        let r = try fluke(["sanitize", "--dataset", "/no/such.jsonl", "x.py"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/no/such.jsonl"))
    }
}

@Suite struct LintCommandTests {
    @Test func exitCodesZeroOneTwo() throws {
        let clean = temp("clean.py", "x = 1\n")
        let r0 = try fluke(["lint", "--isolated", "--select", "E501,W291", clean])
        #expect(r0.status == 0, "\(r0.stderr)")
        #expect(r0.stdout.contains("All checks passed"))
        let dirty = temp("dirty.py", "x = 1   \n")
        let r1 = try fluke(["lint", "--isolated", "--select", "W291", dirty])
        #expect(r1.status == 1)
        #expect(r1.stdout.hasPrefix("\(dirty):1:6: W291 Trailing whitespace\n"))
        #expect(try fluke(["lint", "--isolated", "--select", "W291", "--exit-zero", dirty]).status == 0)
        let r2 = try fluke(["lint", "--isolated", "--select", "NOPE1", clean])
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("unknown rule code, prefix or profile `NOPE1`"))
    }

    @Test func configurationIsFoundFromTheFileAndErrorsNameIt() throws {
        let dir = NSTemporaryDirectory() + "fluke-lint-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/pkg", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/pyproject.toml", contents: Data("""
            [tool.fluke]
            select = ["E501"]
            [tool.fluke.options.E501]
            max-line-length = 10

            """.utf8))
        _ = FileManager.default.createFile(atPath: dir + "/pkg/a.py", contents: Data("value = 12345678\n".utf8))
        let r = try fluke(["lint", dir + "/pkg/a.py"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("a.py:1:11: E501 Line too long (16 > 10 characters)"))
        _ = FileManager.default.createFile(atPath: dir + "/pyproject.toml", contents: Data("[tool.fluke]\nselect = [\"E501\"]\nbogus = 1\n".utf8))
        let bad = try fluke(["lint", dir + "/pkg/a.py"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(dir)/pyproject.toml: `tool.fluke.bogus`: unknown key"))
    }

    @Test func manyCandidatesComeOutInInputOrderWhateverTheWorkers() throws {
        // More candidates than the linter holds at once (1,024), of uneven cost: results come
        // in input order, each once, with any number of workers.
        var lines: [String] = []
        for i in 0..<2_500 {
            let body = i % 97 == 0 ? String(repeating: "y = [1,2]\\n", count: 400) : "x = \(i)   \\n"
            lines.append("{\"task_id\": \"T/\(i)\", \"solution\": \"\(body)\"}")
        }
        let path = temp("many.jsonl", lines.joined(separator: "\n") + "\n")
        func ids(_ jobs: String) throws -> [String] {
            let r = try fluke(["lint", "--isolated", "--select", "W291,E231", "--format", "jsonl", "-j", jobs, path])
            #expect(r.status == 1 && r.stderr.isEmpty)
            return r.stdout.split(separator: "\n").map { line in
                let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return record?["task_id"] as? String ?? "?"
            }
        }
        let expected = (0..<2_500).map { "T/\($0)" }
        #expect(try ids("1") == expected)
        #expect(try ids("3") == expected)
    }

    @Test func anErrorPartWayStopsTheRunAndNamesTheFile() throws {
        // The workers are busy with the first folder when the second one's configuration fails.
        let dir = NSTemporaryDirectory() + "fluke-stop-" + UUID().uuidString
        for i in 0..<1_500 {
            let sub = dir + "/a/\(i / 100)"
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: sub + "/\(i).py", contents: Data("x = \(i)\n".utf8))
        }
        try FileManager.default.createDirectory(atPath: dir + "/b", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/b/pyproject.toml", contents: Data("[tool.fluke]\nselect = [\"NOPE1\"]\n".utf8))
        _ = FileManager.default.createFile(atPath: dir + "/b/c.py", contents: Data("x = 1\n".utf8))
        let r = try fluke(["lint", "--format", "jsonl", "-j", "2", dir])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/b/pyproject.toml"))
        #expect(r.stderr.contains("NOPE1"))
    }

    @Test func jsonlAndSarifAreCleanMachineOutput() throws {
        let path = temp("m.jsonl", "{\"task_id\": \"T/0\", \"solution\": \"x = 1   \\n\"}\n")
        let r = try fluke(["lint", "--isolated", "--select", "W291", "--format", "jsonl", path])
        #expect(r.status == 1)
        let record = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(record?["task_id"] as? String == "T/0")
        // Adherence per rule and profile (made only for this format).
        #expect((record?["adherence"] as? [String: Bool]) == ["W291": false])
        #expect((record?["profiles"] as? [String: Bool])?["pep8"] == false)
        let s = try fluke(["lint", "--isolated", "--select", "W291", "--format", "sarif", path])
        let log = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any]
        #expect(log?["version"] as? String == "2.1.0")
        #expect(s.stderr.isEmpty)
    }

    @Test func rulesAndRuleExplain() throws {
        let list = try fluke(["rules", "--isolated"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("E501"))
        let one = try fluke(["rule", "e501"])
        #expect(one.status == 0)
        #expect(one.stdout.contains("## E501 `line-too-long`"))
        #expect(one.stdout.contains("**Why is this bad?**"))
        #expect(try fluke(["rule", "ZZ999"]).status == 2)
    }
}
