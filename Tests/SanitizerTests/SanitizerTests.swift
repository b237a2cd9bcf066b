import Foundation
import Testing
import Candidates
import SyntaxTree
@testable import Sanitizer

let prompt = "from typing import List\n\n\ndef total(xs: List[int]) -> int:\n    \"\"\"Sum of xs.\"\"\"\n"

@Suite struct SanitizerTests {
    let sanitizer = try! Sanitizer()
    let pruning = try! Sanitizer(options: .init(keepOnlyEntryPointDependencies: true))

    func kinds(_ s: Sanitized) -> [Removal.Kind] { s.removals.map(\.kind) }

    @Test func cleanCodeIsLeftAlone() throws {
        let code = prompt + "    return sum(xs)\n"
        let s = try sanitizer.sanitize(code, prompt: prompt, entryPoint: "total")
        #expect(s.code == code)
        #expect(s.removals.isEmpty)
        #expect(s.promptByteCount == prompt.utf8.count)
        #expect(s.definesEntryPoint == true)
        #expect(s.syntaxErrors.isEmpty)
    }

    @Test(arguments: ["```python", "```py", "```", "~~~python", "```Python3"])
    func fencedReplyWithChatter(_ fence: String) throws {
        let closing = fence.hasPrefix("~") ? "~~~" : "```"
        let reply = prompt + "\nSure! Here is the solution:\n\n\(fence)\nfrom typing import List\n\ndef total(xs: List[int]) -> int:\n    return sum(xs)\n\(closing)\n\nThis works because sum adds them.\n"
        let s = try sanitizer.sanitize(reply, prompt: prompt, entryPoint: "total")
        #expect(s.code == "from typing import List\n\ndef total(xs: List[int]) -> int:\n    return sum(xs)\n")
        #expect(kinds(s).contains(.fence) && kinds(s).contains(.prose) && kinds(s).contains(.prompt))
        let prose = try #require(s.removals.first { $0.kind == .prose })
        #expect(prose.firstLine == 7)
        #expect(prose.excerpt == "Sure! Here is the solution:")
        #expect(s.removals.filter { $0.kind == .fence }.map(\.firstLine) == [9, 14])
        #expect(s.promptByteCount == nil)
    }

    @Test func fencedFunctionWithoutImportsGetsThePromptsImports() throws {
        let reply = prompt + "```python\ndef total(xs: List[int]) -> int:\n    return sum(xs)\n```\n"
        let s = try sanitizer.sanitize(reply, prompt: prompt, entryPoint: "total")
        #expect(s.code == "from typing import List\ndef total(xs: List[int]) -> int:\n    return sum(xs)\n")
    }

    @Test func fencedBodyContinuesThePrompt() throws {
        let reply = prompt + "```python\n    return sum(xs)\n```\n"
        let s = try sanitizer.sanitize(reply, prompt: prompt, entryPoint: "total")
        #expect(s.code == prompt + "    return sum(xs)\n")
        #expect(s.promptByteCount == prompt.utf8.count)
    }

    @Test func theBlockThatDefinesTheEntryPointWins() throws {
        let reply = "Here:\n```python\ndef total(xs):\n    return sum(xs)\n```\nUsage:\n```python\nprint(total([1, 2, 3]))\nprint(total([]))\nprint(total([4]))\n```\n"
        let s = try sanitizer.sanitize(reply, entryPoint: "total")
        #expect(s.code == "def total(xs):\n    return sum(xs)\n")
        // Without an entry point, the longest block wins.
        let t = try sanitizer.sanitize(reply)
        #expect(t.code.hasPrefix("print(total([1, 2, 3]))"))
    }

    @Test func unterminatedFenceRunsToTheEnd() throws {
        let reply = "```python\ndef total(xs):\n    return sum(xs)\n"
        let s = try sanitizer.sanitize(reply, entryPoint: "total")
        #expect(s.code == "def total(xs):\n    return sum(xs)\n")
        #expect(kinds(s) == [.fence])
    }

    @Test func nonPythonBlocksAreNotCode() throws {
        let reply = "def f():\n    return 1\n```bash\npip install x\n```\n"
        let s = try sanitizer.sanitize(reply, entryPoint: "f")
        #expect(s.code.hasPrefix("def f():\n    return 1\n"))
    }

    @Test func trailingDriverCodeIsRemovedAndReported() throws {
        let code = prompt + "    return sum(xs)\n\n\n# tests\nassert total([1, 2]) == 3\nprint(total([1]))\ntotal([5])\nresult = total([2])\nfor x in [1, 2]:\n    print(x)\n\nif __name__ == \"__main__\":\n    import doctest\n    doctest.testmod()\n"
        let s = try sanitizer.sanitize(code, prompt: prompt, entryPoint: "total")
        #expect(s.code == prompt + "    return sum(xs)\n")
        #expect(s.removals.map(\.description) == [
            "lines 9-15: driver: # tests",
            "lines 17-19: main-block: if __name__ == \"__main__\":",
        ])
    }

    @Test func testFunctionsAfterTheSolutionAreRemoved() throws {
        let code = "def f(x):\n    return x\n\ndef check(candidate):\n    assert candidate(1) == 1\n\ncheck(f)\n\nclass TestF(unittest.TestCase):\n    def test_one(self):\n        self.assertEqual(f(1), 1)\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == "def f(x):\n    return x\n")
        #expect(kinds(s) == [.testFunction, .driver, .testFunction])
    }

    @Test func setupBeforeTheSolutionStays() throws {
        let code = "import sys\nsys.setrecursionlimit(10000)\nCACHE = {}\n\ndef f(x):\n    return CACHE.get(x, x)\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == code)
        let p = try pruning.sanitize(code, entryPoint: "f")
        #expect(p.code == code)
    }

    @Test func helpersAfterTheEntryPointStayAndDefinitionsAfterDriverCodeToo() throws {
        let code = "def f(x):\n    return g(x)\n\ndef g(x):\n    return -x\n\nprint(f(1))\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == "def f(x):\n    return g(x)\n\ndef g(x):\n    return -x\n")
    }

    @Test func cutOffLastStatementIsDropped() throws {
        let code = prompt + "    s = 0\n    for x in xs:\n        s += x\n    return sorted(xs, key=lambda"
        let s = try sanitizer.sanitize(code, prompt: prompt, entryPoint: "total")
        #expect(s.code == prompt + "    s = 0\n    for x in xs:\n        s += x\n")
        #expect(s.removals.map(\.description) == ["line 9: truncated: return sorted(xs, key=lambda"])
        #expect(s.syntaxErrors.isEmpty)
    }

    @Test func cutOffHeaderWithoutBodyIsDroppedToo() throws {
        let code = prompt + "    s = 0\n    for x in xs:\n        if x > 0:\n"
        let s = try sanitizer.sanitize(code, prompt: prompt, entryPoint: "total")
        #expect(s.code == prompt + "    s = 0\n")
        #expect(s.syntaxErrors.isEmpty)
    }

    @Test func cutsNeverReachIntoThePrompt() throws {
        let code = prompt + "    )))\n"
        let s = try sanitizer.sanitize(code, prompt: prompt, entryPoint: "total")
        #expect(s.code == prompt)
        #expect(kinds(s) == [.truncated])
    }

    @Test func proseBetweenDefinitionsIsDropped() throws {
        let code = "def g(x):\n    return x\n\nNow the main function, which uses the helper:\n\ndef f(x):\n    return g(x)\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == "def g(x):\n    return x\n\n\ndef f(x):\n    return g(x)\n")
        #expect(s.removals.map(\.description) == ["line 4: prose: Now the main function, which uses the helper:"])
    }

    @Test func entryPointOnlyKeepsImportsAndWhatTheEntryPointReaches() throws {
        let code = "import os\nimport math\n\nLIMIT = 10\nUNUSED = 3\n\ndef helper(x):\n    return math.sqrt(x) + LIMIT\n\ndef unused_helper():\n    return 1\n\ndef f(x):\n    return helper(x)\n"
        let p = try pruning.sanitize(code, entryPoint: "f")
        #expect(p.code == "import os\nimport math\n\nLIMIT = 10\n\ndef helper(x):\n    return math.sqrt(x) + LIMIT\n\n\ndef f(x):\n    return helper(x)\n")
        #expect(p.removals.map(\.description) == ["line 5: unused: UNUSED = 3", "lines 10-11: unused: def unused_helper():"])
        // Without pruning everything stays.
        #expect(try sanitizer.sanitize(code, entryPoint: "f").code == code)
    }

    @Test func aCompleteFunctionSurvivesACutOffAssertAfterIt() throws {
        let code = prompt + "    return sum(xs)\n\n\nassert total([1]) == 1\nassert total([]) == 0, \"empty lists sum to"
        let s = try sanitizer.sanitize(code, prompt: prompt, entryPoint: "total")
        #expect(s.code == prompt + "    return sum(xs)\n")
        #expect(s.syntaxErrors.isEmpty)
    }

    @Test func fenceLikeLinesInsideStringsAreNotFences() throws {
        let code = "def f():\n    \"\"\"Title\n    ~~~~~\n    ```\n    \"\"\"\n    return 1\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == code)
        #expect(s.removals.isEmpty)
    }

    @Test func aLaterRedefinitionOfTheEntryPointIsJunk() throws {
        let code = "def f(x):\n    return x + 1\n\ndef f(x):\n    check(f)\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == "def f(x):\n    return x + 1\n")
        #expect(s.removals.map(\.kind) == [.redefinition])
        // A stub first and the real solution later: the later one is the solution.
        let stub = "def f(x):\n    \"\"\"Doc.\"\"\"\n\ndef f(x):\n    return x\n"
        #expect(try sanitizer.sanitize(stub, entryPoint: "f").code == stub)
    }

    @Test func assignmentsThroughAnAttributeFollowTheirObject() throws {
        let code = "from flask import Flask\n\ndef fib(n):\n    return fib.cache.get(n, n)\n\nfib.cache = {}\napp = Flask(__name__)\napp.config['X'] = 1\n\ndef f(n):\n    return fib(n)\n"
        let p = try pruning.sanitize(code, entryPoint: "f")
        #expect(p.code == "from flask import Flask\n\ndef fib(n):\n    return fib.cache.get(n, n)\n\nfib.cache = {}\n\ndef f(n):\n    return fib(n)\n")
        #expect(p.removals.map(\.description) == ["lines 7-8: unused: app = Flask(__name__)"])
    }

    @Test func aScriptWithoutDefinitionsIsLeftAlone() throws {
        let code = "print(sum([1, 2]))\nassert True\n"
        #expect(try sanitizer.sanitize(code).code == code)
    }

    @Test func docstringOfTheModuleStays() throws {
        let code = "\"\"\"Module.\"\"\"\n\ndef f():\n    return 1\n\n\"\"\"Trailing string.\"\"\"\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == "\"\"\"Module.\"\"\"\n\ndef f():\n    return 1\n")
    }

    @Test func hopelessInputStillGivesAResult() throws {
        for text in ["", "\u{0}\u{0}", "))))", String(repeating: "(", count: 1000), "def", "```"] {
            let s = try sanitizer.sanitize(text, entryPoint: "f")
            #expect(s.definesEntryPoint == false, "\(text.debugDescription)")
        }
    }

    @Test func removedLinesAreLinesOfTheInput() throws {
        // CRLF input: lines are still counted as the user sees them.
        let code = "def f():\r\n    return 1\r\n\r\nprint(f())\r\n"
        let s = try sanitizer.sanitize(code, entryPoint: "f")
        #expect(s.code == "def f():\n    return 1\n")
        #expect(s.removals.map(\.firstLine) == [4])
    }
}

/// The hand-written demo set in Samples/: every candidate sanitizes into code that parses and
/// defines its entry point, and the candidates that carry junk lose it.
@Suite struct SamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func everySampleSanitizesToCodeThatDefinesItsEntryPoint() throws {
        let problems = try ProblemSet.load(path: Self.root + "/Samples/problems.jsonl")
        let reader = CandidateReader(problems: problems)
        let sanitizer = try Sanitizer()
        var count = 0
        var kinds = Set<Removal.Kind>()
        try reader.read([Self.root + "/Samples/candidates/alpha-7b.jsonl",
                         Self.root + "/Samples/candidates/beta-13b.jsonl"]) { item in
            guard case .candidate(let c) = item else {
                Issue.record("unexpected input issue: \(item)")
                return
            }
            count += 1
            let prompt = c.promptByteCount.map { String(decoding: c.bytes[0..<$0], as: UTF8.self) }
            let s = try sanitizer.sanitize(c.text, prompt: prompt, entryPoint: c.entryPoint)
            #expect(s.syntaxErrors.isEmpty, "\(c.id): \(s.syntaxErrors)")
            #expect(s.definesEntryPoint == true, "\(c.id)")
            #expect(!s.code.contains("```"), "\(c.id)")
            kinds.formUnion(s.removals.map(\.kind))
        }
        #expect(count == 96)
        #expect(kinds.isSuperset(of: [.prose, .fence, .driver, .mainBlock, .testFunction, .truncated]))
    }
}

/// The 16,400 real CodeGen-16B samples, where present (../shared/data beside the repository).
@Suite struct CodeGenSamplesTests {
    static let data = SamplesTests.root + "/../shared/data"
    static let present = FileManager.default.fileExists(atPath: data + "/humaneval-codegen16b-samples.jsonl")

    @Test(.enabled(if: present, "needs ../shared/data/humaneval-codegen16b-samples.jsonl (absent: skipped)"))
    func almostEverySanitizedSampleParsesAndKeepsItsEntryPoint() throws {
        let problems = try ProblemSet.load(path: Self.data + "/HumanEvalPlus.jsonl.gz")
        let sanitizer = try Sanitizer(options: .init(keepOnlyEntryPointDependencies: true))
        var total = 0, parses = 0, defines = 0, issues = 0
        try CandidateReader(problems: problems).read([Self.data + "/humaneval-codegen16b-samples.jsonl"]) { item in
            guard case .candidate(let c) = item else { issues += 1; return }
            total += 1
            let prompt = c.promptByteCount.map { String(decoding: c.bytes[0..<$0], as: UTF8.self) }
            let s = try sanitizer.sanitize(c.text, prompt: prompt, entryPoint: c.entryPoint)
            if s.syntaxErrors.isEmpty { parses += 1 }
            if s.definesEntryPoint == true { defines += 1 }
        }
        #expect(issues == 0)
        #expect(total == 16_400)
        #expect(Double(parses) / Double(total) > 0.995, "\(parses) of \(total) parse")
        #expect(Double(defines) / Double(total) > 0.99, "\(defines) of \(total) define the entry point")
    }

    /// Fluke's syntax errors against CPython's own compiler (python3 on this machine), on every
    /// raw sample: the same samples must be rejected.
    @Test(.enabled(if: present, "needs ../shared/data/humaneval-codegen16b-samples.jsonl (absent: skipped)"))
    func syntaxErrorsAgreeWithCPython() throws {
        let samples = Self.data + "/humaneval-codegen16b-samples.jsonl"
        let script = """
            import json, sys, warnings
            warnings.filterwarnings("ignore")
            for line in open(sys.argv[1]):
                d = json.loads(line)
                try:
                    compile(d["solution"], "candidate", "exec")
                except Exception:
                    print("%s#%d" % (d["task_id"], d["completion_id"]))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, samples]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "python3 is needed for this comparison")
        let python = Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))

        let parser = try PythonParser()
        var fluke = Set<String>()
        CandidateReader().read([samples]) { item in
            guard case .candidate(let c) = item, let tree = try? parser.parse(bytes: c.bytes) else { return }
            if tree.hasSyntaxErrors { fluke.insert("\(c.id.taskID!)#\(c.id.completionID!)") }
        }
        #expect(python.count > 700)
        #expect(fluke.subtracting(python).isEmpty, "Fluke alone rejects \(fluke.subtracting(python).sorted())")
        #expect(python.subtracting(fluke).isEmpty, "CPython alone rejects \(python.subtracting(fluke).sorted())")
    }
}
