import Foundation
import Testing

/// `fluke scaling` end to end, on labels `fluke verify` makes from Samples/.
@Suite struct ScalingCommandTests {
    static let problems = root + "/Samples/problems.jsonl"

    /// Samples/ verified once (two models, 8 tasks, 6 samples each; Samples/README.md has the labels).
    static let labels: String = {
        let out = NSTemporaryDirectory() + "fluke-scaling-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let path = out + "/labels.jsonl"
        let r = try! fluke(["verify", "--dataset", problems, "-o", path,
                            root + "/Samples/candidates/alpha-7b.jsonl", root + "/Samples/candidates/beta-13b.jsonl"])
        precondition(r.status == 0, r.stderr)
        return path
    }()

    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try fluke(["scaling", "--format", "json"] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    func group(_ report: [String: Any], _ model: String) throws -> [String: Any] {
        let groups = try #require(report["groups"] as? [[String: Any]])
        return try #require(groups.first { $0["model"] as? String == model })
    }

    @Test func figuresOnSamplesMatchTheirLabelsWorkedByHand() throws {
        let report = try json([Self.labels, "--bootstrap", "200", "--simulate", "400"])
        #expect(report["schema"] as? String == "fluke.scaling/1")
        let alpha = try group(report, "alpha-7b"), beta = try group(report, "beta-13b")
        #expect(alpha["dataset"] as? String == "Samples")
        #expect([alpha["tp"], alpha["fp"], alpha["tn"], alpha["fn"]].map { $0 as? Int } == [13, 24, 11, 0])
        #expect([beta["tp"], beta["fp"], beta["tn"], beta["fn"]].map { $0 as? Int } == [39, 8, 1, 0])
        // Samples/README.md: alpha's tasks have 1 TP in 4 weak passes (3 tasks) or 2 in 5 (5 tasks);
        // beta's 5 in 6, except Samples/5 with 4 in 5.
        func ceiling(_ g: [String: Any]) -> Double? { ((g["weak"] as? [String: Any])?["ceiling"] as? [String: Any])?["estimate"] as? Double }
        let alphaCeiling: Double = try #require(ceiling(alpha)), betaCeiling: Double = try #require(ceiling(beta))
        let alphaByHand: Double = (3 * 0.25 + 5 * 0.4) / 8, betaByHand: Double = (7 * 5.0 / 6 + 0.8) / 8
        #expect(abs(alphaCeiling - alphaByHand) < 1e-12)
        #expect(abs(betaCeiling - betaByHand) < 1e-12)
        let accuracy = try #require((alpha["single_sample_accuracy"] as? [String: Any])?["estimate"] as? Double)
        #expect(abs(accuracy - 13.0 / 48) < 1e-12)
        // Each reward curve runs k = 1…6, with its optimum and the simulation beside it.
        let rewards = try #require((alpha["weak"] as? [String: Any])?["rewards"] as? [[String: Any]])
        #expect(rewards.map { $0["cost_ratio"] as? Double } == [0, 1, 2, 4, 8])
        #expect(rewards.allSatisfy { ($0["reward"] as? [Double])?.count == 6 })
        #expect(rewards.allSatisfy { (($0["largest_deviation"] as? Double) ?? 99) < 4 })
        // alpha's weak passes are mostly FPs (each acceptance is worth (t − r·f)/a < 0 for every task
        // once r ≥ 1): abstaining is best; at r = 0, draw until every task has drawn all it can.
        #expect(rewards.map { $0["optimal_k"] as? Int } == [3, 0, 0, 0, 0])
        // Two models: no fit; alpha's ceiling is below beta's single-sample accuracy.
        let cross = try #require((report["cross_model"] as? [[String: Any]])?.first)
        #expect(cross["fit"] == nil && (cross["fit_note"] as? String)?.contains("at least 3 models") == true)
        #expect(cross["reference"] as? String == "beta-13b")
        #expect(cross["never_reach"] as? [String] == ["alpha-7b"])
    }

    @Test func textMarkdownAndAFolderOfFiles() throws {
        let out = NSTemporaryDirectory() + "fluke-scaling-out-" + UUID().uuidString
        let r = try fluke(["scaling", Self.labels, "--bootstrap", "50", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("alpha-7b on Samples: 8 tasks, 48 candidates (6 samples per task)"))
        #expect(r.stdout.contains("optimal k per cost ratio r"))
        for name in ["scaling.json", "scaling.md", "scaling.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
        let html = try String(contentsOfFile: out + "/scaling.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("aria-label=\"Reward against k\""))
        // Self-contained: no script, link, image or URL to fetch (the SVG namespace is a name, not a load).
        let loads = ["<script", "<link", "<img", "src=", "href=", "url(", "@import"]
        #expect(loads.allSatisfy { !html.contains($0) })
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http") == false)
        let md = try fluke(["scaling", Self.labels, "--bootstrap", "0", "--format", "markdown"])
        #expect(md.stdout.hasPrefix("# Fluke scaling"))
        #expect(md.stdout.contains("| optimal k, r = 1 |"))
    }

    @Test func theGateLintsTheLabelsOwnSolutions() throws {
        let report = try json([Self.labels, "--bootstrap", "0", "--isolated", "--dataset", Self.problems,
                               "--forbid", "N802,N806"])
        let gate = try #require(report["gate"] as? [String: Any])
        #expect(gate["linted"] as? Int == 96 && gate["unlinted"] as? Int == 0)
        #expect(gate["policy"] as? String == "forbid N802,N806")
        let gated = try #require(try group(report, "alpha-7b")["gated"] as? [String: Any])
        #expect(gated["verifier"] as? String == "weak tests + gate")
        // camelCase candidates (N802/N806) are gone: fewer accepted than the weak tests' 37.
        let accepted = try #require(gated["accepted"] as? Int)
        #expect(accepted < 37 && accepted > 0)
        #expect((gated["tp_kept"] as? [String: Any])?["total"] as? Int == 13)
    }

    @Test func excludingTasks() throws {
        let list = temp("exclude.txt", "Samples/2  # by name\nSamples/9\n")
        let report = try json([Self.labels, "--bootstrap", "0", "--exclude-tasks", "Samples/0,Samples/1",
                               "--exclude-tasks", "@" + list])
        let exclusion = try #require(report["exclusion"] as? [String: Any])
        #expect(exclusion["tasks"] as? [String] == ["Samples/0", "Samples/1", "Samples/2"])
        #expect(exclusion["not_found"] as? [String] == ["Samples/9"])
        #expect(try group(report, "alpha-7b")["tasks"] as? Int == 5)
        // No FN in Samples: the option excludes nothing.
        let none = try json([Self.labels, "--bootstrap", "0", "--exclude-weak-false-negatives"])
        #expect((none["exclusion"] as? [String: Any])?["weak_false_negatives"] as? [String] == [])
        #expect(try group(none, "alpha-7b")["tasks"] as? Int == 8)
    }

    @Test func badInputIsNamed() throws {
        let bad = temp("labels.jsonl", "{\"task_id\": \"T/0\", \"label\": \"TP\"}\nnot json\n")
        let r = try fluke(["scaling", bad])
        #expect(r.status == 2)
        #expect(r.stderr.contains("fluke: error: \(bad):2: not a JSON object"))
        #expect(r.stdout.isEmpty)
        #expect(try fluke(["scaling", Self.labels, "--cost-ratios", "1,x"]).status == 2)
        #expect(try fluke(["scaling", Self.labels, "--cost-ratios", "-1"]).status == 2)
        let reference = try fluke(["scaling", Self.labels, "--reference", "nobody"])
        #expect(reference.status == 2 && reference.stderr.contains("--reference nobody"))
        let lintAlone = try fluke(["scaling", Self.labels, "--lint", bad])
        #expect(lintAlone.status == 2 && lintAlone.stderr.contains("add a policy"))
        let twice = try fluke(["scaling", Self.labels, Self.labels])
        #expect(twice.status == 2 && twice.stderr.contains("labelled in"))
    }
}
