import Foundation
import Testing

/// `fluke gate`, `fluke select`, `fluke report` and `fluke analyze` end to end.
@Suite struct GateReportCommandTests {
    static let clean = "def add(a, b):\n    \"\"\"Add.\"\"\"\n    return a + b\n"
    static let messy = "def addThem(a,b):\n    return a+b\nprint(addThem(1,2))\n"

    @Test func gateExitCodesAndFormats() throws {
        let good = temp("good.py", Self.clean), bad = temp("bad.py", Self.messy)
        let accepted = try fluke(["gate", "--isolated", "--min-score", "3", "--forbid", "E999,F", good])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("accepted"))
        let rejected = try fluke(["gate", "--isolated", "--forbid", "N802,E231", good, bad])
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("bad.py: rejected"))
        #expect(rejected.stdout.contains("forbidden N802: 1 finding"))
        // No policy, a bad option, a missing file: usage or input errors.
        #expect(try fluke(["gate", "--isolated", good]).status == 2)
        #expect(try fluke(["gate", "--isolated", "--max-count", "E501", good]).status == 2)
        #expect(try fluke(["gate", "--isolated", "--forbid", "NOPE1", good]).status == 2)

        let json = try fluke(["gate", "--isolated", "--forbid", "N802", "--format", "json", good, bad])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["accepted"] as? Bool } == [true, false])
        #expect((list[1]["violations"] as? [[String: Any]])?.first?["code"] as? String == "N802")

        let sarif = try fluke(["gate", "--isolated", "--forbid", "N802", "--format", "sarif", good, bad])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let results = ((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        #expect(results.map { $0["ruleId"] as? String } == ["N802"])
        // SARIF 2.1.0 wants each rule's tags unique (Scripts/validate-sarif checks the schema).
        let rules = ((log["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])
            .flatMap { ($0["driver"] as? [String: Any])?["rules"] as? [[String: Any]] } ?? []
        #expect(!rules.isEmpty)
        for rule in rules {
            let tags = (rule["properties"] as? [String: Any])?["tags"] as? [String] ?? []
            #expect(Set(tags).count == tags.count, "\(rule["id"] ?? "")")
        }
        // A rejection for the score has no finding to show: one result per candidate names it
        // (both score below 9.5 with the default rules).
        let byScore = try fluke(["gate", "--isolated", "--min-score", "9.5", "--format", "sarif", good, bad])
        #expect(byScore.status == 1)
        let scoreLog = try #require(try JSONSerialization.jsonObject(with: Data(byScore.stdout.utf8)) as? [String: Any])
        let run = try #require((scoreLog["runs"] as? [[String: Any]])?.first)
        let scoreResults = (run["results"] as? [[String: Any]]) ?? []
        let gateResults = scoreResults.filter { $0["ruleId"] as? String == "fluke-gate" }
        #expect(gateResults.count == 2)
        #expect(gateResults.allSatisfy { (($0["message"] as? [String: Any])?["text"] as? String)?.contains("score") == true })
        let driverRules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        let index = try #require(gateResults.first?["ruleIndex"] as? Int)
        #expect(driverRules[index]["id"] as? String == "fluke-gate")

        let github = try fluke(["gate", "--isolated", "--forbid", "N802", "--format", "github", good, bad])
        #expect(github.stdout.hasPrefix("::error file=\(bad),line=1,col=5,"))
        #expect(github.stdout.contains("title=Fluke gate%3A N802::"))
    }

    @Test func policyFromPyproject() throws {
        let path = temp("bad.py", Self.messy)
        let dir = (path as NSString).deletingLastPathComponent
        try "[tool.fluke.gate]\nforbid = [\"FLK\"]\n".write(toFile: dir + "/pyproject.toml", atomically: false, encoding: .utf8)
        let r = try fluke(["gate", path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("forbidden FLK: "))
    }

    @Test func reportAndAnalyzeOnSamples() throws {
        let out = NSTemporaryDirectory() + "fluke-analyze-" + UUID().uuidString
        let problems = root + "/Samples/problems.jsonl"
        let samples = [root + "/Samples/candidates/alpha-7b.jsonl", root + "/Samples/candidates/beta-13b.jsonl"]
        let r = try fluke(["analyze", "--isolated", "--dataset", problems, "-o", out] + samples)
        #expect(r.status == 0, "\(r.stderr)")
        // The intended labels of Samples/README.md.
        #expect(r.stdout.contains("TP 52   FP 32   TN 12   FN 0"))
        for name in ["labels.jsonl", "eval_results.json", "lint.jsonl", "report.md", "report.json", "report.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
        // Run again: labels resume (nothing re-run), lint results are up to date.
        let again = try fluke(["analyze", "--isolated", "--dataset", problems, "-o", out] + samples)
        #expect(again.status == 0)
        #expect(again.stderr.contains("lint results are up to date"))
        #expect(again.stdout == r.stdout)

        // fluke report on the files analyze wrote, with EvalPlus's eval_results.json as labels.
        let json = try fluke(["report", "--labels", out + "/eval_results.json", "--lint", out + "/lint.jsonl",
                              "--model", "alpha-7b", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["schema"] as? String == "fluke.report/1")

        let select = try fluke(["select", "--isolated", "--labels", out + "/labels.jsonl", "--dataset", problems] + samples)
        #expect(select.status == 0, "\(select.stderr)")
        #expect(select.stdout.split(separator: "\n").count == 8)  // one pick per task
    }
}
