import Foundation
import Testing
@testable import Candidates

/// A temporary folder that removes itself.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "fluke-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, bytes: Array(text.utf8)) }
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let full = path + "/" + name
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }
}

func readAll(_ reader: CandidateReader, _ paths: [String]) -> ([Candidate], [InputIssue]) {
    var candidates: [Candidate] = [], issues: [InputIssue] = []
    reader.read(paths) { item in
        switch item {
        case .candidate(let c): candidates.append(c)
        case .issue(let i): issues.append(i)
        }
    }
    return (candidates, issues)
}

let prompt = "def add(a, b):\n    \"\"\"Add.\"\"\"\n"
let problems = ProblemSet(problems: [
    Problem(taskID: "Toy/0", prompt: prompt, entryPoint: "add"),
    Problem(taskID: "Toy/1", prompt: "def neg(a):\n", entryPoint: "neg"),
], path: "toy.jsonl")

@Suite struct ReaderTests {
    @Test func singlePythonFile() throws {
        let dir = TempDir()
        let path = dir.write("a.py", "x = 1\n")
        let (cs, issues) = readAll(CandidateReader(), [path])
        #expect(issues.isEmpty)
        #expect(cs.count == 1)
        #expect(cs[0].id.path == path && cs[0].id.taskID == nil)
        #expect(cs[0].text == "x = 1\n")
        #expect(cs[0].firstModelLine == 1)
    }

    @Test func folderIsRecursiveSortedAndReadsTheEvalPlusLayout() throws {
        let dir = TempDir()
        dir.write("codegen/Toy_1/0.py", "def neg(a):\n    return -a\n")
        dir.write("codegen/Toy_0/10.py", prompt + "    return a + b\n")
        dir.write("codegen/Toy_0/2.py", prompt + "    return a - b\n")
        dir.write("codegen/Toy_0/notes.txt", "ignored")
        dir.write("codegen/__pycache__/x.py", "ignored")
        dir.write("codegen/.hidden/y.py", "ignored")
        dir.write("loose/script.py", "print(1)\n")
        let (cs, issues) = readAll(CandidateReader(problems: problems), [dir.path])
        #expect(issues.isEmpty)
        #expect(cs.map { $0.id.description } == ["codegen:Toy/0#2", "codegen:Toy/0#10", "codegen:Toy/1#0",
                                                 dir.path + "/loose/script.py"])
        #expect(cs[0].entryPoint == "add")
        #expect(cs[0].promptByteCount == prompt.utf8.count)
        #expect(cs[0].firstModelLine == 3)
        #expect(!cs[0].isModelWritten(line: 2) && cs[0].isModelWritten(line: 3))
        #expect(cs[3].id.model == nil && cs[3].id.taskID == nil)
    }

    @Test func folderWalkHandsOnFilesInTheNaturalOrderOfTheirWholePaths() throws {
        let dir = TempDir()
        // Folders against files of close names ("a/" after "a.py" and "a-b.py"), numbers across
        // a folder's end ("a1/" before "a10.py"), and sibling folders whose names sort as equal
        // ("01" and "1"), whose files interleave.
        let names = ["a/x.py", "a.py", "a-b.py", "a1/2.py", "a10.py", "a1.py", "a2/1.py", "A/q.py",
                     "b/01/z.py", "b/1/y.py", "b/1/a.py", "b/01/b.py", "b/1.py", "b/2/c/3.py",
                     "c/0/0.py", "c/00.py", "c/x/10.py", "c/x/9.py", "c/x9/1.py"]
        for n in names { dir.write(n, "x = 1\n") }
        let expected = names.map { dir.path + "/" + $0 }.sorted { naturalOrder($0, $1) }
        let walked = CandidateReader.pythonFiles(under: dir.path)
        #expect(walked == expected)
        #expect(walked.firstIndex(of: dir.path + "/b/1/a.py")! < walked.firstIndex(of: dir.path + "/b/01/b.py")!)
        #expect(walked.firstIndex(of: dir.path + "/b/01/b.py")! < walked.firstIndex(of: dir.path + "/b/1/y.py")!)
        var streamed: [String] = []
        CandidateReader.forEachPythonFile(under: dir.path + "/") { streamed.append($0) }
        #expect(streamed == expected)
    }

    @Test func folderFollowsSymbolicLinksAndReadsFilesWhole() throws {
        let dir = TempDir()
        let big = String(repeating: "x = 1\n", count: 30_000)  // 180 KB: more than one chunk
        dir.write("real/Toy_0/0.py", "def neg(a):\n    return -a\n")
        dir.write("real/Toy_0/1.py", big)
        dir.write("real/Toy_0/empty.py", "")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir.path + "/linked", withDestinationPath: dir.path + "/real")
        try fm.createSymbolicLink(atPath: dir.path + "/real/Toy_0/2.py", withDestinationPath: dir.path + "/real/Toy_0/0.py")
        try fm.createSymbolicLink(atPath: dir.path + "/real/Toy_0/3.py", withDestinationPath: dir.path + "/nowhere.py")
        let (cs, issues) = readAll(CandidateReader(), [dir.path + "/linked"])
        #expect(cs.map { $0.id.path.replacingOccurrences(of: dir.path, with: "") }
                == ["/linked/Toy_0/0.py", "/linked/Toy_0/1.py", "/linked/Toy_0/2.py", "/linked/Toy_0/empty.py"])
        #expect(cs[1].bytes.count == big.utf8.count && cs[1].text == big)
        #expect(cs[2].text == cs[0].text)
        #expect(cs[3].bytes.isEmpty)
        #expect(issues.isEmpty, "a dangling link is no candidate: \(issues)")
    }

    @Test func evalplusSamplesWithSolutionAndCompletion() throws {
        let dir = TempDir()
        let lines = [
            #"{"task_id": "Toy/0", "solution": "def add(a, b):\n    \"\"\"Add.\"\"\"\n    return a + b\n"}"#,
            #"{"task_id": "Toy/0", "completion": "    return b + a\n", "model": "m2"}"#,
            #"{"task_id": "Toy/1", "completion_id": "7", "solution": "def neg(a): return -a\n"}"#,
        ]
        let path = dir.write("my-model.jsonl", lines.joined(separator: "\n") + "\n")
        let (cs, issues) = readAll(CandidateReader(problems: problems), [path])
        #expect(issues.isEmpty)
        #expect(cs.count == 3)
        #expect(cs[0].id == CandidateID(taskID: "Toy/0", completionID: 0, model: "my-model", path: path, line: 1))
        #expect(cs[0].promptByteCount == prompt.utf8.count)
        #expect(cs[1].text == prompt + "    return b + a\n")
        #expect(cs[1].id.completionID == 1 && cs[1].id.model == "m2")
        #expect(cs[1].promptByteCount == prompt.utf8.count)
        #expect(cs[1].entryPoint == "add")
        #expect(cs[2].id.completionID == 7)
        #expect(cs[2].promptByteCount == nil)  // the solution does not start with the prompt
    }

    @Test func malformedLinesAreReportedWithTheirLineAndTheRestStillFlows() throws {
        let dir = TempDir()
        let lines = [
            #"{"task_id": "Toy/0", "solution": "x = 1\n"}"#,
            #"{"task_id": "Toy/0", "solution": "#,
            #"{"solution": "y = 2\n"}"#,
            #"{"task_id": "Toy/0", "completion": "    pass\n"}"#,
            "",
            #"{"task_id": "Toy/9", "solution": 3}"#,
            #"{"task_id": "Toy/0", "solution": "z = 3\n"}"#,
        ]
        let path = dir.write("s.jsonl", lines.joined(separator: "\n"))
        let (cs, issues) = readAll(CandidateReader(), [path])
        #expect(cs.map(\.text) == ["x = 1\n", "z = 3\n"])
        #expect(cs.map { $0.id.line } == [1, 7])
        #expect(issues.map(\.line) == [2, 3, 4, 6])
        #expect(issues.allSatisfy { $0.path == path })
        #expect(issues[0].description.hasPrefix("\(path):2: not an EvalPlus sample: invalid JSON"))
        #expect(issues[1].message.contains("task_id"))
        #expect(issues[2].message.contains("--dataset"))
        #expect(issues[3].message.contains("solution"))
    }

    @Test func gzippedSamples() throws {
        let dir = TempDir()
        let plain = dir.write("m.jsonl", #"{"task_id": "Toy/0", "solution": "x = 1\n"}"# + "\n")
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-k", plain]
        try gz.run()
        gz.waitUntilExit()
        let (cs, issues) = readAll(CandidateReader(), [plain + ".gz"])
        #expect(issues.isEmpty)
        #expect(cs.map(\.text) == ["x = 1\n"])
        #expect(cs[0].id.model == "m")
    }

    @Test func folderFilesAreReadWholeAndGzipDataIsDecompressed() throws {
        // A folder's files are read directly; one that holds gzip data still goes through zlib.
        let dir = TempDir()
        let packed = dir.write("Toy_0/1.py", "def neg(a):\n    return -a\n")
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-n", packed]
        try gz.run()
        gz.waitUntilExit()
        try FileManager.default.moveItem(atPath: packed + ".gz", toPath: packed)
        let big = String(repeating: "y = 2\n", count: 40_000)
        dir.write("Toy_0/0.py", big)
        dir.write("Toy_0/2.py", "")
        let (cs, issues) = readAll(CandidateReader(), [dir.path])
        #expect(issues.isEmpty)
        #expect(cs.map(\.text) == [big, "def neg(a):\n    return -a\n", ""])
    }

    @Test func bigcodeGenerationsStreamWithEscapesAndDatasetTaskIDs() throws {
        let dir = TempDir()
        let json = #"""
            [["def add(a, b):\n    \"\"\"Add.\"\"\"\n    return a + b\n", "x = '\u00e9\ud83d\ude00\t'"],
             [],
             ["def neg(a):\n    return -a\n"]]
            """#
        let path = dir.write("generations.json", json)
        let two = ProblemSet(problems: problems.problems + [Problem(taskID: "Toy/2", prompt: "", entryPoint: "z")])
        let (cs, issues) = readAll(CandidateReader(problems: two), [path])
        #expect(issues.isEmpty)
        #expect(cs.map { $0.id.taskID } == ["Toy/0", "Toy/0", "Toy/2"])
        #expect(cs.map { $0.id.completionID } == [0, 1, 0])
        #expect(cs[1].text == "x = 'é😀\t'")
        #expect(cs[0].promptByteCount == prompt.utf8.count)
        #expect(cs[2].id.line == 3)
        let (plain, _) = readAll(CandidateReader(), [path])
        #expect(plain.map { $0.id.taskID } == ["0", "0", "2"])
    }

    @Test func brokenGenerationsReportWhere() throws {
        let dir = TempDir()
        let path = dir.write("generations.json", "[[\"a\", \"b\"],\n [\"c\" \"d\"]]")
        let (cs, issues) = readAll(CandidateReader(), [path])
        #expect(cs.map(\.text) == ["a", "b", "c"])
        #expect(issues.count == 1 && issues[0].line == 2)
        let other = dir.write("eval_results.json", "{\"eval\": {}}")
        let (_, issues2) = readAll(CandidateReader(), [other])
        #expect(issues2.first?.message.contains("generations") == true)
    }

    @Test func missingFilesAreIssuesNotCrashes() throws {
        let (cs, issues) = readAll(CandidateReader(), ["/no/such/file.py", "/no/such/dir"])
        #expect(cs.isEmpty)
        #expect(issues.count == 2)
        #expect(issues[0].description == "/no/such/file.py: no such file or folder")
    }

    @Test func problemSetLoadsGzipAndNamesBadLines() throws {
        let dir = TempDir()
        let good = #"{"task_id": "T/0", "prompt": "def f():\n", "entry_point": "f", "atol": "1e-6", "plus_input": [[Infinity], [NaN]]}"#
        let path = dir.write("p.jsonl", good + "\n" + #"{"task_id": "T/1"}"# + "\n")
        do {
            _ = try ProblemSet.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("prompt"))
        }
        let ok = dir.write("q.jsonl", good + "\n")
        let set = try ProblemSet.load(path: ok)
        #expect(set["T/0"]?.atol == 1e-6)
        #expect(set["T/0"]?.entryPoint == "f")
    }

    @Test func naturalOrderComparesNumbersAsNumbers() {
        #expect(naturalOrder("HumanEval_2/1.py", "HumanEval_10/0.py"))
        #expect(naturalOrder("a/2.py", "a/10.py"))
        #expect(!naturalOrder("a/10.py", "a/2.py"))
        #expect(naturalOrder("a", "b"))
        // The first difference inside a number: the whole number compares.
        #expect(naturalOrder("x/19.py", "x/123.py"))
        #expect(naturalOrder("x/0123.py", "x/124.py"))
        #expect(!naturalOrder("x/123.py", "x/123.py"))
    }

    /// A second statement of natural order, by runs: a run of digits against a run of digits
    /// compares by value, anything else byte by byte.
    static func byRuns(_ a: String, _ b: String) -> Bool {
        func runs(_ s: String) -> [[UInt8]] {
            var out: [[UInt8]] = []
            for c in s.utf8 {
                let digit = c >= 0x30 && c <= 0x39
                if digit, let last = out.last?.last, last >= 0x30 && last <= 0x39 { out[out.count - 1].append(c) }
                else if digit { out.append([c]) }
                else { out.append([c]) }
            }
            return out
        }
        let x = runs(a), y = runs(b)
        for (p, q) in zip(x, y) {
            let pd = p[0] >= 0x30 && p[0] <= 0x39, qd = q[0] >= 0x30 && q[0] <= 0x39
            if pd && qd {
                let p0 = Array(p.drop { $0 == 0x30 }), q0 = Array(q.drop { $0 == 0x30 })
                if p0.count != q0.count { return p0.count < q0.count }
                if p0 != q0 { return p0.lexicographicallyPrecedes(q0) }
            } else if p != q {
                return p.lexicographicallyPrecedes(q)
            }
        }
        return x.count < y.count
    }

    @Test func naturalOrderAgreesWithAStatementByRuns() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab_/.09 12")
        for _ in 0..<20_000 {
            let prefix = String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            func tail() -> String { String((0..<Int.random(in: 0...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
            let a = prefix + tail(), b = prefix + tail()
            #expect(naturalOrder(a, b) == ReaderTests.byRuns(a, b), "\(a) | \(b)")
        }
    }

    @Test func evalplusLayoutReadsTheLastThreeComponents() throws {
        let full = try #require(CandidateReader.evalplusLayout(of: "/data/codegen-16b/HumanEval_12/7.py"))
        #expect(full.taskID == "HumanEval/12")
        #expect(full.completionID == 7)
        #expect(full.model == "codegen-16b")
        let doubled = try #require(CandidateReader.evalplusLayout(of: "runs//Mbpp_2//0.py"))
        #expect(doubled.taskID == "Mbpp/2" && doubled.completionID == 0 && doubled.model == "runs")
        let relative = try #require(CandidateReader.evalplusLayout(of: "./HumanEval_0/3.py"))
        #expect(relative.model == nil && relative.taskID == "HumanEval/0")
        let bare = try #require(CandidateReader.evalplusLayout(of: "HumanEval_0/3.py"))
        #expect(bare.model == nil)
        #expect(CandidateReader.evalplusLayout(of: "3.py") == nil)
        #expect(CandidateReader.evalplusLayout(of: "HumanEval_0/x.py") == nil)
        #expect(CandidateReader.evalplusLayout(of: "HumanEval/3.py") == nil)
        #expect(CandidateReader.evalplusLayout(of: "_0/3.py") == nil)
        #expect(CandidateReader.evalplusLayout(of: "HumanEval_0/3.txt") == nil)
    }

    @Test func firstModelLineHandlesPromptsWithoutATrailingBreak() {
        let c = Candidate(id: CandidateID(path: "x"), text: "def f(x):\n    return x\n", promptByteCount: 14)
        #expect(c.firstModelLine == 2)  // the prompt ends mid-line 2: line 2 is partly the model's
        let d = Candidate(id: CandidateID(path: "x"), text: "a\r\nb\rc\n", promptByteCount: 5)
        #expect(d.firstModelLine == 3)
    }
}
