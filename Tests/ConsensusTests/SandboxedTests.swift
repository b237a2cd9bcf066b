import Candidates
import Foundation
import Testing
@testable import Consensus
import Verifier

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built `fluke` binary, as a user would.
func fluke(_ arguments: [String]) throws -> Run {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fluke")
    if !FileManager.default.fileExists(atPath: url.path) {
        url = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("fluke")
    }
    let p = Process()
    p.executableURL = url
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    nonisolated(unsafe) var e = Data()
    let reader = Thread { e = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

func tempFolder() -> String {
    let dir = NSTemporaryDirectory() + "fluke-consensus-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func write(_ path: String, _ text: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

func sample(_ task: String, _ n: Int, _ code: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: ["task_id": task, "completion_id": n, "solution": code],
                                           options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

@Suite(.serialized) struct SandboxedConsensusTests {
    /// A hand-made task where the weak tests' lists are all sorted: a candidate that returns the
    /// last element passes them, and is wrong. Mutants shuffle the lists; it is caught.
    @Test func aWrongCandidateThatPassesTheWeakTestsIsCaught() throws {
        let dir = tempFolder()
        // No canonical solution, no plus_input: the consensus needs neither.
        write(dir + "/problems.jsonl", """
            {"task_id": "Toy/0", "prompt": "def largest(xs):\\n    \\"\\"\\"The largest element of a non-empty list.\\"\\"\\"\\n", "entry_point": "largest", "base_input": [[[1, 2, 3]], [[4, 5, 9]], [[0, 7]], [[2, 2, 8, 11]]]}
            {"task_id": "Toy/1", "prompt": "def double(x):\\n    \\"\\"\\"Twice x.\\"\\"\\"\\n", "entry_point": "double", "base_input": [[1], [4]]}

            """)
        let samples = [
            sample("Toy/0", 0, "def largest(xs):\n    return max(xs)\n"),
            sample("Toy/0", 1, "def largest(xs):\n    return sorted(xs)[-1]\n"),
            sample("Toy/0", 2, "def largest(xs):\n    best = xs[0]\n    for x in xs:\n        if x > best:\n            best = x\n    return best\n"),
            sample("Toy/0", 3, "def largest(xs):\n    return xs[-1]\n"),  // wrong: passes sorted lists only
            sample("Toy/0", 4, "def largest(xs):\n    return xs[0]\n"),   // fails the weak tests
            sample("Toy/0", 5, "```python\ndef largest(xs):\n    return max(*xs) if len(xs) > 1 else xs[0]\n```\n"),
            sample("Toy/1", 0, "def double(x):\n    return 2 * x\n"),
            sample("Toy/1", 1, "def double(x):\n    return x + x\n"),
        ]
        write(dir + "/samples.jsonl", samples.joined(separator: "\n") + "\n")
        // Labels: base status decides who takes part; the plus status is only for --evaluate.
        let labels = [(0, 0, "TP"), (0, 1, "TP"), (0, 2, "TP"), (0, 3, "FP"), (0, 4, "TN"), (0, 5, "TP"), (1, 0, "TP"), (1, 1, "TP")]
            .map { #"{"task_id": "Toy/\#($0.0)", "completion_id": \#($0.1), "label": "\#($0.2)"}"# }
        write(dir + "/labels.jsonl", labels.joined(separator: "\n") + "\n")
        let out = dir + "/consensus.jsonl"
        let args = ["consensus", "--dataset", dir + "/problems.jsonl", dir + "/samples.jsonl", "--labels", dir + "/labels.jsonl",
                    "-o", out, "--inputs", "20", "--save-inputs", dir + "/inputs.jsonl", "-j", "2"]
        let r = try fluke(args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("accept 4, reject 1, no verdict 2"), "\(r.stderr)")
        let records = try ConsensusRecord.read(path: out).records
        #expect(records.count == 7)  // Toy/0#4 fails the weak tests: left out
        let byID = Dictionary(uniqueKeysWithValues: records.map { ("\($0.taskID!)#\($0.completionID!)", $0) })
        #expect(byID["Toy/0#4"] == nil)
        for n in [0, 1, 2, 5] {
            #expect(byID["Toy/0#\(n)"]?.standing?.verdict == .accept)
            #expect(byID["Toy/0#\(n)"]?.standing?.agreement == 1)
            #expect(byID["Toy/0#\(n)"]?.standing?.cluster == 0 && byID["Toy/0#\(n)"]?.standing?.clusterSize == 4)
        }
        let wrong = try #require(byID["Toy/0#3"])
        #expect(wrong.standing?.verdict == .reject && wrong.standing?.cluster == 1 && (wrong.standing?.agreement ?? 1) < 1)
        #expect(wrong.outputs.count == 20 && wrong.outputs != byID["Toy/0#0"]!.outputs)
        // Two candidates are no consensus: recorded, not run, accepted.
        #expect(byID["Toy/1#0"]?.standing?.verdict == .noVerdict && byID["Toy/1#0"]?.outputs == [])
        #expect(records.allSatisfy { $0.sandbox == "bwrap" || $0.sandbox == "rlimits" || $0.taskID == "Toy/1" })

        // The saved inputs are the mutants: lists of ints, none of them a weak test.
        let saved = try SeedSource.inputsFile(path: dir + "/inputs.jsonl")
        #expect(saved.map(\.taskID) == ["Toy/0", "Toy/1"] && saved[0].seeds.count == 20 && saved[0].entryPoint == "largest")
        for input in saved[0].seeds {
            guard case .list(let xs) = input[0] else { Issue.record("not a list"); continue }
            #expect(!xs.isEmpty && xs.allSatisfy { if case .int = $0 { return true } else { return false } })
        }

        // Run again: nothing to do, the same verdicts.
        let again = try fluke(args)
        #expect(again.status == 0 && again.stderr.contains("7 candidates were already done"), "\(again.stderr)")
        #expect(!again.stderr.contains(" run in "))
        #expect(try ConsensusRecord.read(path: out).records.map(\.standing) == records.map(\.standing))
        // Another seed makes other inputs: the old records are not mixed in.
        let other = try fluke(args + ["--seed", "1"])
        #expect(other.status == 2 && other.stderr.contains("--fresh"), "\(other.stderr)")
        // The saved inputs, run as they are, give the same outputs.
        let replay = try fluke(["consensus", "--dataset", dir + "/problems.jsonl", dir + "/samples.jsonl", "--labels",
                                dir + "/labels.jsonl", "-o", dir + "/replay.jsonl", "--seed-inputs", dir + "/inputs.jsonl",
                                "--inputs", "0", "--include-seeds"])
        #expect(replay.status == 0, "\(replay.stderr)")
        func sorted(_ rs: [ConsensusRecord]) -> [ConsensusRecord] {
            rs.sorted { ($0.taskID!, $0.completionID!) < ($1.taskID!, $1.completionID!) }
        }
        let replayed = sorted(try ConsensusRecord.read(path: dir + "/replay.jsonl").records)
        #expect(replayed.map(\.outputs) == sorted(records).map(\.outputs) && replayed.map(\.inputs) == sorted(records).map(\.inputs))

        // Evaluated against the labels afterwards: the gate removes the only FP and keeps every TP.
        let e = try fluke(args + ["--evaluate", dir + "/labels.jsonl", "--format", "json", "-q"])
        #expect(e.status == 0, "\(e.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any]
        let gates = json?["gates"] as? [[String: Any]] ?? []
        let policy = gates.first { ($0["gate"] as? String)?.hasPrefix("consensus") == true }
        #expect((policy?["fp_rate"] as? [String: Any])?["count"] as? Int == 0)
        #expect((policy?["tp_kept"] as? [String: Any])?["rate"] as? Double == 1)
        #expect((gates.first?["fp_rate"] as? [String: Any])?["count"] as? Int == 1)  // no gate
        // The labels with the gate in the loop (for fluke scaling): the caught FP fails the weak tests now.
        #expect(try fluke(args + ["--evaluate", dir + "/labels.jsonl", "--gated-labels", dir + "/gated.jsonl", "-q"]).status == 0)
        let gated = try String(contentsOfFile: dir + "/gated.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(gated.count == 8)
        let caught = gated.first { $0["task_id"] as? String == "Toy/0" && $0["completion_id"] as? Int == 3 }
        #expect(caught?["label"] as? String == "TN" && caught?["base_status"] as? String == "fail" && caught?["consensus"] as? String == "reject")
        #expect(gated.filter { $0["label"] as? String == "TP" }.count == 6)

        // fluke gate with the consensus alone: the wrong one is rejected, and says why.
        let data = ["--dataset", dir + "/problems.jsonl", dir + "/samples.jsonl"]
        let gate = try fluke(["gate", "--isolated", "--consensus", out] + data)
        #expect(gate.status == 1, "\(gate.stderr)")
        let rejected = gate.stdout.split(separator: "\n").filter { $0.contains(": rejected") }
        #expect(rejected.count == 1 && rejected.first?.contains("[Toy/0#3]") == true, "\(gate.stdout)")
        #expect(rejected.first?.contains("consensus: agrees with the plurality on") == true)
        #expect(gate.stderr.contains("1 candidates have no record"))  // Toy/0#4, which fails the weak tests
        // A policy file's threshold, and the command line's over it.
        write(dir + "/policy.toml", "[consensus]\nmin-agreement = 0.0\n")
        #expect(try fluke(["gate", "--isolated", "--policy", dir + "/policy.toml", "--consensus", out] + data).status == 0)
        #expect(try fluke(["gate", "--isolated", "--policy", dir + "/policy.toml", "--consensus", out, "--min-agreement", "1"]
                          + data).status == 1)
        write(dir + "/bad.toml", "[consensus]\nmin-agreement = 2\n")
        let bad = try fluke(["gate", "--isolated", "--policy", dir + "/bad.toml", "--consensus", out] + data)
        #expect(bad.status == 2 && bad.stderr.contains("consensus.min-agreement"), "\(bad.stderr)")
        #expect(try fluke(["gate", "--isolated", "--min-agreement", "0.5"] + data).status == 2)  // needs --consensus
        // With a style policy too, and evaluated: the consensus takes the FP out.
        let both = try fluke(["gate", "--isolated", "--min-score", "0", "--consensus", out, "--evaluate", dir + "/labels.jsonl"] + data)
        #expect(both.status == 0 && both.stdout.contains("min-score 0.0, consensus of"), "\(both.stdout)\(both.stderr)")
        #expect(both.stdout.contains("6 accepted, FP rate 0.0%"), "\(both.stdout)")
        // fluke select: never the outlier, and the weak-failing one is not considered.
        let select = try fluke(["select", "--isolated", "--consensus", out, "--labels", dir + "/labels.jsonl", "--format", "json"] + data)
        #expect(select.status == 0, "\(select.stderr)")
        let picks = try #require(try JSONSerialization.jsonObject(with: Data(select.stdout.utf8)) as? [[String: Any]])
        let toy0 = picks.first { $0["task_id"] as? String == "Toy/0" }
        #expect(toy0?["candidates"] as? Int == 5 && toy0?["agreement"] as? Double == 1)
        #expect(((toy0?["chosen"] as? [String: Any])?["completion_id"] as? Int).map { [0, 1, 2, 5].contains($0) } == true)
    }

    /// Outputs are compared as Python's == compares them, and what a candidate does wrong (raise,
    /// loop, die) is an output too; a death costs only the input it hit.
    @Test func outputsAreCanonicalAndFailuresAreOutputs() throws {
        let interpreter = try Interpreter.resolve("python3")
        let box = Verifier.detectSandbox(interpreter: interpreter, limits: Limits(), preferred: nil)
        let code = """
            import os, signal
            def f(k):
                if k == 0: return True
                if k == 1: return 1
                if k == 2: return 1.0
                if k == 3: return 0.1 + 0.2
                if k == 4: return 0.3
                if k == 5: return {"b", "a", "c"}
                if k == 6: return {"c": 1, "a": 2}
                if k == 7: return (1,)
                if k == 8: return [1]
                if k == 9: return 1 / 0
                if k == 10:
                    while True: pass
                if k == 11: os.kill(os.getpid(), signal.SIGSEGV)
                if k == 12: return "x" * 1000
                if k == 13: return object()
                if k == 14: return -0.0
                if k == 15:
                    while True:
                        try:
                            while True: pass
                        except BaseException:
                            pass
                return "after"
            """
        let inputs = (0...16).map { "[\($0)]" }.joined(separator: ", ")
        let set = InputSet(taskID: "Toy/9", entryPoint: "f", inputsJSON: "[\(inputs)]", count: 17)
        nonisolated(unsafe) var got: [OutputResult] = []
        let runner = try OutputRunner(sandbox: box, workers: 1, timeLimit: 0.5, candidateCap: 30, inputs: [set]) { _, r in
            got.append(r)
        }
        runner.submit(Job(id: CandidateID(taskID: "Toy/9", completionID: 0, path: "x"), code: code))
        runner.submit(Job(id: CandidateID(taskID: "Toy/9", completionID: 1, path: "x"), code: "def f(k):\n    return k +\n"))
        runner.finish()
        #expect(got.count == 2)
        let o = got.first { $0.outputs.count == 17 && $0.outputs[0] == "1" }?.outputs ?? []
        #expect(o.count == 17)
        guard o.count == 17 else { return }
        #expect(o[0] == o[1] && o[1] == o[2])  // True == 1 == 1.0
        #expect(o[3] == o[4] && o[3] == "0.3")  // 0.1 + 0.2 and 0.3, rounded alike
        #expect(o[5] == "{'a', 'b', 'c'}" && o[6] == "{'a': 2, 'c': 1}")
        #expect(o[7] == "(1,)" && o[8] == "[1]")
        #expect(o[9] == "raise:ZeroDivisionError" && o[10] == "timeout" && o[11] == "died:signal:SIGSEGV")
        #expect(o[12].hasPrefix("#") && o[12].count == 17)
        #expect(o[13] == "<object object>" && o[14] == "0")
        #expect(o[15] == "timeout" && o[16] == "'after'")
        let broken = got.first { $0.outputs.first?.hasPrefix("load:") == true }
        #expect(broken?.outputs == Array(repeating: "load:SyntaxError", count: 17))
    }
}
