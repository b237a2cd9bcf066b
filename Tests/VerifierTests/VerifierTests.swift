import Candidates
import Foundation
import Testing
@testable import Verifier

/// Runs the built `fluke` binary, as a user would.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var pid: Int32 = 0
}

/// Processes still running as one of the sandbox users of the fluke run with this pid.
func leftovers(ofRun pid: Int32) -> [String] {
    let low = 1_000_000_000 + Int(pid) * 64
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { e in
        guard Int(e) != nil, let status = try? String(contentsOfFile: "/proc/\(e)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
              let uid = line.split(separator: "\t").dropFirst().first.flatMap({ Int($0) }) else { return false }
        return uid >= low && uid < low + 64
    }
}

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
    // Read both pipes while the process runs (a full pipe would block it).
    nonisolated(unsafe) var e = Data()
    let reader = Thread { e = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
               stderr: String(decoding: e, as: UTF8.self), pid: p.processIdentifier)
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

func tempFolder() -> String {
    let dir = NSTemporaryDirectory() + "fluke-verify-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func write(_ path: String, _ text: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

func records(_ jsonl: String) throws -> [LabelRecord] {
    try jsonl.split(separator: "\n").map { try JSONDecoder().decode(LabelRecord.self, from: Data($0.utf8)) }
}

/// Whether bubblewrap can be used here (the hostile tests that need it say so when it cannot).
let bwrapWorks: Bool = {
    guard let i = try? Interpreter.resolve("python3") else { return false }
    return Verifier.detectSandbox(interpreter: i, limits: Limits(), preferred: nil).mode == .bwrap
}()

@Suite struct SamplesLabelTests {
    /// Samples/README.md lists every candidate's intended label: the verifier must give them all.
    @Test func samplesGetTheirIntendedLabels() throws {
        let readme = try String(contentsOfFile: root + "/Samples/README.md", encoding: .utf8)
        var want: [String: String] = [:]
        let row = try Regex(#"^\| (\S+) \| (Samples/\d+) \| (\d+) \| (TP|FP|TN|FN) \|"#)
        for line in readme.split(separator: "\n") {
            if let m = try row.firstMatch(in: String(line)) {
                want["\(m.output[1].substring!) \(m.output[2].substring!) \(m.output[3].substring!)"] = String(m.output[4].substring!)
            }
        }
        #expect(want.count == 96)
        let out = tempFolder() + "/labels.jsonl"
        let r = try fluke(["verify", "--dataset", root + "/Samples/problems.jsonl", "--no-cache", "-o", out,
                           root + "/Samples/candidates/alpha-7b.jsonl", root + "/Samples/candidates/beta-13b.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try records(String(contentsOfFile: out, encoding: .utf8))
        #expect(got.count == 96)
        for rec in got {
            let key = "\(rec.model ?? "") \(rec.taskID ?? "") \(rec.completionID ?? -1)"
            #expect(want[key] == rec.label.rawValue, "\(key): \(rec.base) \(rec.plus)")
            #expect(rec.recordLine != nil && rec.filename.hasSuffix(".jsonl"))
        }
        // The one that loops forever on an empty list: its plus part times out, on its first input.
        let loop = got.first { $0.model == "alpha-7b" && $0.taskID == "Samples/0" && $0.completionID == 4 }
        #expect(loop?.plus.status == .timeout && loop?.plus.input?.hasPrefix("[[]") == true)
    }

    /// An interrupted run resumes: done candidates are skipped, a torn last line is dropped.
    @Test func resumesAfterAnInterruption() throws {
        let out = tempFolder() + "/labels.jsonl"
        let args = ["verify", "--dataset", root + "/Samples/problems.jsonl", "--no-cache", "-o", out,
                    root + "/Samples/candidates/beta-13b.jsonl"]
        #expect(try fluke(args).status == 0)
        let full = try String(contentsOfFile: out, encoding: .utf8)
        let lines = full.split(separator: "\n")
        #expect(lines.count == 48)
        // As if killed while writing the 21st record.
        write(out, lines[0..<20].joined(separator: "\n") + "\n" + lines[20].prefix(40))
        let r = try fluke(args)
        #expect(r.status == 0)
        #expect(r.stderr.contains("28 run") && r.stderr.contains("20 candidates were already done"), "\(r.stderr)")
        let again = try records(String(contentsOfFile: out, encoding: .utf8))
        #expect(again.count == 48)
        #expect(Set(again.map { LabelRecord.key($0.id) }).count == 48)
        #expect(again.map(\.label) == (try records(full)).map(\.label) || Set(again.map(\.label.rawValue)).count > 1)
    }

    @Test func aLabelsFileInUseIsRefused() throws {
        let out = tempFolder() + "/labels.jsonl"
        write(out, "")
        let fd = open(out, O_WRONLY)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)  // as a running `fluke verify` holds it
        let r = try fluke(["verify", "--dataset", root + "/Samples/problems.jsonl", "--no-cache", "-o", out,
                           root + "/Samples/candidates/beta-13b.jsonl"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("is being written by another fluke verify run"), "\(r.stderr)")
    }

    /// Users who already ran EvalPlus get labels without running anything.
    @Test func readsEvalPlusResultsAsLabels() throws {
        let path = tempFolder() + "/samples_eval_results.json"
        write(path, #"{"date": "2024-01-01 00:00", "hash": "x", "eval": {"HumanEval/1": ["#
              + #"{"task_id": "HumanEval/1", "solution": "a", "base_status": "pass", "plus_status": "fail", "base_fail_tests": [], "plus_fail_tests": [[NaN]]}, "#
              + #"{"task_id": "HumanEval/1", "solution": "b", "base_status": "fail", "plus_status": "timeout", "base_fail_tests": [[1]], "plus_fail_tests": []}], "#
              + #""HumanEval/0": [{"task_id": "HumanEval/0", "solution": "c", "base_status": "pass", "plus_status": "pass", "base_fail_tests": [], "plus_fail_tests": []}]}}"#)
        let r = try fluke(["verify", path])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try records(r.stdout)
        #expect(got.map { "\($0.taskID!)#\($0.completionID!) \($0.label.rawValue)" } == ["HumanEval/0#0 TP", "HumanEval/1#0 FP", "HumanEval/1#1 TN"])
        #expect(got[2].plus.status == .timeout && got.allSatisfy { $0.sandbox == "evalplus" })
    }

    @Test func unknownTaskIsAnInputErrorNamingFileAndLine() throws {
        let dir = tempFolder()
        let samples = dir + "/s.jsonl"
        write(samples, #"{"task_id": "Samples/0", "solution": "def rotate_left(items, k):\n    return items\n"}"#
              + "\n" + #"{"task_id": "Nope/1", "solution": "x = 1\n"}"# + "\n")
        let r = try fluke(["verify", "--dataset", root + "/Samples/problems.jsonl", "--no-cache", samples])
        #expect(r.status == 2)
        #expect(r.stderr.contains("s.jsonl:2: task Nope/1 is not in"), "\(r.stderr)")
        let got = try records(r.stdout)
        #expect(got.count == 1 && got[0].label == .tn)
    }
}

@Suite struct HostileCandidateTests {
    /// One problem, `f(x) = x + 1`; candidates are `solution`s. Short limits keep this fast.
    func run(_ candidates: [String], extra: [String] = []) throws -> (Run, [LabelRecord]) {
        let dir = tempFolder()
        let problems = dir + "/problems.jsonl"
        write(problems, #"{"task_id": "T/0", "prompt": "", "entry_point": "f", "canonical_solution": "def f(x):\n    return x + 1\n", "base_input": [[1], [2]], "plus_input": [[3], [-1]], "atol": 0}"# + "\n")
        let samples = dir + "/samples.jsonl"
        var text = ""
        for c in candidates {
            let data = try JSONSerialization.data(withJSONObject: ["task_id": "T/0", "solution": c])
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        write(samples, text)
        let r = try fluke(["verify", "--dataset", problems, "--no-cache", "--no-sanitize", "--min-time-limit", "0.3",
                           "--timeout-per-task", "1", "--memory", "512", "-j", "2", samples] + extra)
        return (r, try records(r.stdout).sorted { $0.completionID! < $1.completionID! })
    }

    static let good = "def f(x):\n    return x + 1\n"

    @Test func runawayCandidatesGetAClearStatusAndOthersStillPass() throws {
        let (r, got) = try run([
            Self.good,
            "def f(x):\n    while True:\n        pass\n",                                       // infinite loop
            "def f(x):\n    keep = []\n    while True:\n        keep.append([0] * 10**8)\n", // memory bomb
            "import signal\ndef f(x):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                + "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n    while True:\n        pass\n", // ignores signals
            "import sys\ndef f(x):\n    for _ in range(3000):\n        sys.stdout.write('x' * 1000000)\n    return x + 1\n",
            "x = 1\nwhile True:\n    x += 1\n",                                                  // loops at import
            Self.good,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(got.count == 7)
        #expect(got[0].label == .tp && got[6].label == .tp)
        #expect(got[1].base.status == .timeout && got[1].base.inputIndex == 0)
        #expect(got[2].base.status == .error && got[2].base.exception == "MemoryError")
        #expect(got[3].base.status == .timeout && got[3].base.killed == true && got[3].base.evalplusStatus == "timeout")
        // Output is thrown away: gigabytes printed do not reach ours, which stays clean JSONL.
        #expect(got[4].label == .tp || got[4].base.status == .timeout)
        #expect(r.stdout.utf8.count < 100_000)
        #expect(got[5].base.status == .timeout && got[5].base.killed == true)
        for g in [got[1], got[2], got[3], got[5]] { #expect(g.label == .tn) }
    }

    /// Without namespaces the limits and kills still hold, and the records say which mode ran.
    @Test func theWeakerModeStillContainsRunaways() throws {
        let (r, got) = try run([
            Self.good,
            "def f(x):\n    while True:\n        pass\n",
            "def f(x):\n    keep = []\n    while True:\n        keep.append([0] * 10**8)\n",
            "import signal\ndef f(x):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n    while True:\n        pass\n",
        ], extra: ["--sandbox", "rlimits"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("weaker sandbox"))
        #expect(got.map(\.label) == [.tp, .tn, .tn, .tn])
        #expect(got.allSatisfy { $0.sandbox == "rlimits" })
        #expect(got[2].base.exception == "MemoryError")
        #expect(got[3].base.killed == true)
    }

    @Test(.enabled(if: bwrapWorks, "needs a working bubblewrap (Scripts/setup installs it)"))
    func forkBombsSocketsAndSignalsStayInside() throws {
        let (r, got) = try run([
            "import os\ndef f(x):\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n",
            "import socket\ndef f(x):\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    return x + 1\n",
            "import os, signal\ndef f(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n    return x + 1\n",
            "import os, signal\ndef f(x):\n    os.kill(-1, signal.SIGKILL)\n    return x + 1\n",
            Self.good,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(got.count == 5)
        #expect(got[0].label == .tn && [.timeout, .error].contains(got[0].base.status))
        #expect(got[1].base.status == .error && got[1].base.exception == "OSError", "\(got[1].base)")
        #expect(got[1].base.detail?.contains("unreachable") == true, "\(got[1].base)")
        // Killing the harness either fails (other user) or kills only that worker, which restarts.
        #expect(got[2].label == .tn && got[2].base.status == .error)
        // kill(-1): in the sandbox it reaches only the candidate's own processes.
        #expect(got[3].label == .tp || got[3].base.status == .error)
        #expect(got[4].label == .tp)
        // Nothing the fork bomb started outlives the run.
        #expect(leftovers(ofRun: r.pid).isEmpty)
    }

    @Test(.enabled(if: bwrapWorks, "needs a working bubblewrap (Scripts/setup installs it)"))
    func filesOutsideTheFolderAreNeitherReadNorChanged() throws {
        let home = tempFolder()
        write(home + "/secret.txt", "secret")
        let keep = home + "/keep.txt"
        write(keep, "keep")
        let repoFile = root + "/fluke-hostile-test-\(UUID().uuidString.prefix(8)).txt"
        let (r, got) = try run([
            "def f(x):\n    return open(\(pyString(home + "/secret.txt"))).read()\n",
            "import os\ndef f(x):\n    os.remove(\(pyString(keep)))\n    return x + 1\n",
            "def f(x):\n    open(\(pyString(home + "/new.txt")), 'w').write('pwned')\n    return x + 1\n",
            "def f(x):\n    open(\(pyString(repoFile)), 'w').write('pwned')\n    return x + 1\n",
            "import os\ndef f(x):\n    return len(os.listdir(\(pyString(root))))\n",
            "import os\ndef f(x):\n    open('here.txt', 'w').write('ok')\n    return x + 1 if os.path.exists('here.txt') else 0\n",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        for g in got[0..<5] {
            #expect(g.base.status == .error && g.base.exception == "FileNotFoundError", "\(g.base)")
        }
        #expect(got[5].label == .tp)  // its own folder is writable
        #expect((try? String(contentsOfFile: keep, encoding: .utf8)) == "keep")
        #expect((try? String(contentsOfFile: home + "/secret.txt", encoding: .utf8)) == "secret")
        #expect(!FileManager.default.fileExists(atPath: home + "/new.txt"))
        #expect(!FileManager.default.fileExists(atPath: repoFile))
        #expect(!FileManager.default.fileExists(atPath: "here.txt"))
    }

    func pyString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'" }
}

@Suite struct RecordTests {
    @Test func labelsFollowBaseAndPlus() {
        #expect(Label(passesWeak: true, passesStrong: true) == .tp)
        #expect(Label(passesWeak: true, passesStrong: false) == .fp)
        #expect(Label(passesWeak: false, passesStrong: false) == .tn)
        #expect(Label(passesWeak: false, passesStrong: true) == .fn)
    }

    /// Resuming must not depend on how the samples' path is spelled (a rerun from another folder,
    /// or through `..`, once re-ran every candidate and appended duplicates).
    @Test func recordKeysIgnoreHowThePathIsSpelled() {
        func id(_ path: String) -> CandidateID { CandidateID(taskID: "T/1", completionID: 3, model: "m", path: path) }
        #expect(LabelRecord.key(id("/work/main/../shared/s.jsonl")) == LabelRecord.key(id("/work/shared/s.jsonl")))
        #expect(LabelRecord.key(id("/work/./shared//s.jsonl")) == LabelRecord.key(id("/work/shared/s.jsonl")))
        let cwd = FileManager.default.currentDirectoryPath
        #expect(LabelRecord.key(id("s.jsonl")) == LabelRecord.key(id(cwd + "/s.jsonl")))
        #expect(LabelRecord.key(id("/work/shared/s.jsonl")) != LabelRecord.key(id("/work/other/s.jsonl")))
        #expect(LabelRecord.key(id("<stdin>")).hasPrefix("<stdin>"))
    }

    @Test func rawElementKeepsTheInputsText() {
        let line = Array(#"{"task_id": "X/1", "base_input": [[1, "a,]\"b"], [NaN, {"k": [2]}], [Infinity]], "plus_input": []}"#.utf8)
        #expect(rawElement(line, key: "base_input", index: 0) == #"[1, "a,]\"b"]"#)
        #expect(rawElement(line, key: "base_input", index: 1) == #"[NaN, {"k": [2]}]"#)
        #expect(rawElement(line, key: "base_input", index: 2) == "[Infinity]")
        #expect(rawElement(line, key: "base_input", index: 3) == nil)
        #expect(rawElement(line, key: "plus_input", index: 0) == nil)
    }

    @Test func tornLastLineIsDroppedOnResume() throws {
        let path = tempFolder() + "/l.jsonl"
        let r = LabelRecord(id: CandidateID(taskID: "T/0", completionID: 0, path: "s.jsonl", line: 1),
                            base: PartResult(status: .pass), plus: PartResult(status: .fail, inputIndex: 2),
                            solution: "x", sandbox: "bwrap")
        let line = r.jsonLine()
        write(path, line + "\n" + line.prefix(30))
        let (read, valid) = try readLabels(path: path)
        #expect(read.count == 1 && read[0].label == .fp && read[0].plus.inputIndex == 2)
        #expect(valid == line.utf8.count + 1)
    }

    @Test func evalResultsRoundTrip() throws {
        let dir = tempFolder()
        let records = [
            LabelRecord(id: CandidateID(taskID: "HumanEval/10", completionID: 0, path: "s"), base: PartResult(status: .pass),
                        plus: PartResult(status: .fail, inputIndex: 1), solution: "a", sandbox: "bwrap"),
            LabelRecord(id: CandidateID(taskID: "HumanEval/9", completionID: 0, path: "s"),
                        base: PartResult(status: .timeout, evalplusStatus: "timeout", inputIndex: 0, killed: true),
                        plus: PartResult(status: .pass), solution: "b", sandbox: "bwrap"),
        ]
        let path = dir + "/eval_results.json"
        try EvalResults.write(records, hash: "h", sandbox: "bwrap", to: path) { _, part, i in "[\"\(part)\", \(i)]" }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        #expect(object["hash"] as? String == "h" && object["sandbox"] as? String == "bwrap")
        let eval = object["eval"] as! [String: [[String: Any]]]
        #expect((eval["HumanEval/10"]![0]["plus_fail_tests"] as! [[Any]]).count == 1)
        #expect((eval["HumanEval/9"]![0]["base_fail_tests"] as! [Any]).isEmpty)  // killed on its first input
        let back = try EvalResults.read(path: path)
        #expect(back.map(\.taskID) == ["HumanEval/9", "HumanEval/10"])
        #expect(back.map(\.label) == [.fn, .fp])
        #expect(back[0].base.status == .timeout && back[0].solution == "b")
    }
}

/// EvalPlus's comparisons on the real benchmarks (skipped without ../shared/data).
@Suite struct EvalPlusSemanticsTests {
    static let data = ProcessInfo.processInfo.environment["FLUKE_DATA"] ?? (root + "/../shared/data")

    /// A problem file with only `tasks`, and samples: each task's canonical solution, and
    /// variants that wrap its entry point (`transform` maps the canonical result `r`).
    func run(dataset: String, tasks: [String], variants: [(String, String)]) throws -> [String: Label] {
        let dir = tempFolder()
        var problems = "", samples = ""
        try ProblemSet.forEachRecord(path: Self.data + "/" + dataset) { p, line in
            guard tasks.contains(p.taskID) else { return }
            problems += String(decoding: line, as: UTF8.self) + "\n"
            let code = p.prompt + (p.canonicalSolution ?? "")
            var items = [("canonical", code)]
            for (name, transform) in variants where name.hasPrefix(p.taskID + " ") {
                items.append((name, code + "\n_fluke_original = \(p.entryPoint)\n\ndef \(p.entryPoint)(*args):\n"
                              + "    r = _fluke_original(*args)\n    return \(transform)\n"))
            }
            for (name, solution) in items {
                let data = try JSONSerialization.data(withJSONObject: ["task_id": p.taskID, "solution": solution,
                                                                       "model": name == "canonical" ? "canonical" : name])
                samples += String(decoding: data, as: UTF8.self) + "\n"
            }
        }
        write(dir + "/problems.jsonl", problems)
        write(dir + "/samples.jsonl", samples)
        let r = try fluke(["verify", "--dataset", dir + "/problems.jsonl", "--no-sanitize", "--cache-dir", dir + "/cache",
                           dir + "/samples.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        var labels: [String: Label] = [:]
        for rec in try records(r.stdout) {
            labels[rec.model == "canonical" ? "\(rec.taskID!) canonical" : rec.model!] = rec.label
        }
        return labels
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: data + "/HumanEvalPlus.jsonl.gz"),
                   "needs ../shared/data/HumanEvalPlus.jsonl.gz (or FLUKE_DATA)"))
    func humanEvalFloatsAndFindZero() throws {
        let labels = try run(dataset: "HumanEvalPlus.jsonl.gz", tasks: ["HumanEval/4", "HumanEval/32", "HumanEval/0"], variants: [
            ("HumanEval/4 within-1e-6", "r + 1e-9"),      // floats: numpy.allclose with atol 1e-6
            ("HumanEval/4 off-by-1e-3", "r + 1e-3"),
            ("HumanEval/32 not-a-root", "r + 1.0"),       // find_zero: is |poly(x)| <= atol?
            ("HumanEval/0 int-for-bool", "int(r)"),       // 1 == True: equal, as EvalPlus compares
        ])
        #expect(labels["HumanEval/4 canonical"] == .tp && labels["HumanEval/32 canonical"] == .tp)
        #expect(labels["HumanEval/0 canonical"] == .tp)
        #expect(labels["HumanEval/4 within-1e-6"] == .tp)
        #expect(labels["HumanEval/4 off-by-1e-3"] == .tn)
        #expect(labels["HumanEval/32 not-a-root"] == .tn)
        #expect(labels["HumanEval/0 int-for-bool"] == .tp)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: data + "/MbppPlus.jsonl.gz"),
                   "needs ../shared/data/MbppPlus.jsonl.gz (or FLUKE_DATA)"))
    func mbppSpecialOraclesAndInputConversions() throws {
        let labels = try run(dataset: "MbppPlus.jsonl.gz", tasks: ["Mbpp/2", "Mbpp/124", "Mbpp/581", "Mbpp/252", "Mbpp/3"], variants: [
            ("Mbpp/2 reordered", "list(r)[::-1]"),         // similar_elements: compared as sets
            ("Mbpp/3 negated", "not r"),
        ])
        for t in ["Mbpp/2", "Mbpp/124", "Mbpp/581", "Mbpp/252", "Mbpp/3"] {
            #expect(labels["\(t) canonical"] == .tp, "\(t)")  // tuples, complex numbers as EvalPlus builds them
        }
        #expect(labels["Mbpp/2 reordered"] == .tp)
        #expect(labels["Mbpp/3 negated"] == .tn)
    }
}
