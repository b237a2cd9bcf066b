import Candidates
import Configuration
import Foundation
import Lint
import LintOutput
import Rules
import Testing
@testable import Gate
@testable import Report

func finding(_ code: String, line: Int = 1, inPrompt: Bool = false) -> Finding {
    Finding(code: code, message: "m", severity: .warning, start: Location(line: line, column: 1),
            end: Location(line: line, column: 2), inPrompt: inPrompt)
}

func result(_ findings: [Finding], score: Double, profiles: [String: Bool] = [:]) -> LintResult {
    LintResult(candidate: CandidateID(taskID: "T/0", completionID: 0, path: "x.jsonl", line: 1), findings: findings,
               adherence: [:], profiles: profiles, score: score, statements: 10, parses: true, includesPrompt: false)
}

@Suite struct GatePolicyTests {
    @Test func decisionsNameEveryBrokenRequirement() throws {
        let rulesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rules").path
        let catalog = try RuleCatalog.load(directories: [rulesDir])
        #expect(catalog["E501"]!.profiles.contains("pep8"))
        let gate = Gate(policy: GatePolicy(minScore: 8, forbid: ["F"], maxCount: ["E5": 1], requireProfiles: ["pep8"]),
                        rules: catalog.rules)
        let ok = gate.decide(result([finding("E501", inPrompt: false), finding("F401", line: 1, inPrompt: true)], score: 9,
                                    profiles: ["pep8": true]))
        #expect(ok.accepted)  // the F401 is in the prompt, so it does not count
        let bad = gate.decide(result([finding("E501", line: 3), finding("E501", line: 2), finding("F841", line: 5)],
                                     score: 7.5, profiles: ["pep8": false]))
        #expect(!bad.accepted)
        #expect(bad.reasons == ["forbidden F: 1 finding", "E5: 2 findings, at most 1 allowed",
                                "breaks profile pep8 (2 findings)", "score 7.5 is below 8.0"])
        #expect(bad.violations.map(\.start.line) == [2, 3, 5])  // each once, in order
        // `F` names pyflakes, not Fluke's own FLK rules (as `select` reads prefixes).
        #expect(gate.decide(result([finding("FLK001")], score: 9, profiles: ["pep8": true])).accepted)
    }

    @Test func savedLintResultsGetTheSameDecisions() throws {
        let rulesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rules").path
        let catalog = try RuleCatalog.load(directories: [rulesDir])
        let gate = Gate(policy: GatePolicy(minScore: 8, forbid: ["F"], maxCount: ["E5": 1], requireProfiles: ["pep8"]),
                        rules: catalog.rules)
        let results = [
            result([finding("E501"), finding("F401", inPrompt: true)], score: 9, profiles: ["pep8": true]),
            result([finding("E501", line: 3), finding("E501", line: 2), finding("F841", line: 5)], score: 7.5,
                   profiles: ["pep8": false]),
            result([finding("FLK001")], score: 8, profiles: ["pep8": true]),
        ].enumerated().map { i, r in
            var r = r
            r.candidate.completionID = i
            return r
        }
        // Written as `fluke lint --format jsonl` writes them, read back as the reporter reads them.
        var text = ""
        let writer = LintWriter(format: .jsonl, rules: catalog.rules) { text += $0 }
        for r in results { writer.add(r) }
        writer.finish()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fluke-gate-\(UUID().uuidString).jsonl").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        var saved: [GateDecision] = []
        try LintRecord.forEach(path: path) { saved.append(gate.decide($0)) }
        let direct = results.map(gate.decide)
        #expect(saved.map(\.accepted) == [true, false, true])
        #expect(saved.map(\.accepted) == direct.map(\.accepted))
        #expect(saved.map(\.reasons) == direct.map(\.reasons))
        #expect(saved.map { $0.violations.map(\.code) } == direct.map { $0.violations.map(\.code) })
    }

    @Test func policyFromPyprojectAndErrorsNameTheKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fluke-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("pyproject.toml").path
        try """
            [tool.fluke.gate]
            min-score = 7
            forbid = ["E999"]
            [tool.fluke.gate.max-count]
            E501 = 2
            """.write(toFile: path, atomically: false, encoding: .utf8)
        let config = try #require(try Configuration.load(file: path))
        #expect(config.gate == GatePolicy(minScore: 7, forbid: ["E999"], maxCount: ["E501": 2], file: path))
        #expect(try GatePolicy.load(file: path) == config.gate)
        try "[tool.fluke.gate]\nmin-scor = 7\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect { _ = try Configuration.load(file: path) } throws: { "\($0)".contains("`tool.fluke.gate.min-scor`: unknown key") && "\($0)".hasPrefix(path) }
        try "[tool.fluke.gate]\nmin-score = 11\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect { _ = try Configuration.load(file: path) } throws: { "\($0)".contains("from 0 to 10") }
    }

    @Test func selectionPrefersAcceptedThenScoreThenFewerFindingsThenEarlier() {
        func d(_ n: Int, _ accepted: Bool, _ score: Double, _ findings: Int) -> GateDecision {
            GateDecision(candidate: CandidateID(taskID: "T/0", completionID: n, path: "x"), accepted: accepted,
                         score: score, reasons: [], violations: [], findingCount: findings)
        }
        let ranked = [d(0, false, 10, 0), d(1, true, 8, 3), d(2, true, 9, 5), d(3, true, 9, 2), d(4, true, 9, 2)]
            .sorted(by: Selection.better)
        #expect(ranked.map { $0.candidate.completionID! } == [3, 4, 2, 1, 0])
        #expect(Selection.reason(best: ranked[0], runnerUp: ranked[1]).contains("earliest"))
        #expect(Selection.reason(best: ranked[2], runnerUp: ranked[3]).contains("highest score"))
    }
}

@Suite struct GateEvaluationTests {
    /// The exact best-of-k probability agrees with drawing k samples at random many times.
    @Test func rankedPickMatchesSimulation() {
        let group: [GatedCandidate] = [(Label.tp, 9.0), (.fp, 9.0), (.tp, 7.0), (.fp, 10.0), (.tp, 5.0), (.fp, 7.0), (.tp, 9.0)]
            .map { GatedCandidate(taskID: "T", label: $0.0, score: $0.1, accepted: true) }
        var rng = SystemRandomNumberGenerator()
        for k in 1...group.count {
            let exact = GateEvaluation.rankedPick(group, k: k)
            let trials = 40_000
            var hits = 0
            for _ in 0..<trials {
                let drawn = group.shuffled(using: &rng).prefix(k)
                let top = drawn.map(\.score).max()!
                let pick = drawn.filter { $0.score == top }.randomElement(using: &rng)!
                if pick.label == .tp { hits += 1 }
            }
            let p = Double(hits) / Double(trials)
            // Five standard errors of the simulation.
            #expect(abs(p - exact) < 5 * (exact * (1 - exact) / Double(trials)).squareRoot() + 1e-9, "k = \(k)")
        }
        #expect(abs(GateEvaluation.rankedPick(group, k: 1) - 4.0 / 7) < 1e-12)  // k = 1: a random pick
        #expect(GateEvaluation.rankedPick(group, k: 7) == 0)  // all drawn: the 10.0 FP always wins
    }

    @Test func thresholdsAndRecommendation() {
        var c: [GatedCandidate] = []
        for i in 0..<10 { c.append(GatedCandidate(taskID: "T/\(i % 3)", label: .tp, score: Double(5 + i % 6), accepted: true)) }
        for i in 0..<5 { c.append(GatedCandidate(taskID: "T/\(i % 3)", label: .fp, score: Double(i), accepted: i >= 3)) }
        c.append(GatedCandidate(taskID: "T/0", label: .tn, score: 0, accepted: false))  // ignored
        let e = GateEvaluation(c, policyMinScore: 3, maxFPRate: 0.1)
        #expect(e.tp == 10 && e.fp == 5)
        #expect(e.fpRateWithoutGate.count == 5 && e.fpRateWithoutGate.total == 15)
        #expect(e.policy.accepted == 12 && e.policy.fpRateAccepted.count == 2)
        #expect(e.policy.recall == 3.0 / 5 && e.policy.precision == 1)
        // Every FP scores below every TP: the score separates them perfectly, within tasks too.
        #expect(e.auc == 1 && e.aucWithinTask == 1 && e.tasksWithBoth == 3)
        let t5 = e.thresholds.first { $0.minScore == 5 }!
        #expect(t5.accepted == 10 && t5.fpRateAccepted.count == 0 && t5.tpLost.count == 0)
        // 0 FPs among 10 accepted still has an upper bound near 28%: too few to recommend.
        #expect(e.recommendedMinScore == nil)
        #expect(e.roc.first.map { ($0.falseAlarmRate, $0.detectionRate) }! == (0, 0))
        #expect(e.roc.last.map { ($0.falseAlarmRate, $0.detectionRate) }! == (1, 1))

        // Forty times as many: at 3.5, 40 FPs among 440 accepted is 9.1%, but its interval
        // reaches 12.1%; at 4.5 no FP is accepted among 400 (upper end 0.95%).
        let many = Array(repeating: c, count: 40).joined().map { $0 }
        let big = GateEvaluation(many, policyMinScore: nil, maxFPRate: 0.1)
        let t35 = big.thresholds.first { $0.minScore == 3.5 }!
        #expect(t35.fpRateAccepted.count == 40 && t35.fpRateAccepted.total == 440)
        #expect(abs(t35.fpRateAccepted.upper! - 0.1214) < 5e-4)
        #expect(big.recommendedMinScore == 4.5)
    }

    @Test func withinTaskAUCIgnoresTaskMix() {
        // Easy task: TPs and FPs all score 9; hard task: all score 1. Pooled, FPs (mostly in
        // the hard task) score lower; within each task the score says nothing.
        var c: [GatedCandidate] = []
        for _ in 0..<9 { c.append(GatedCandidate(taskID: "Easy", label: .tp, score: 9, accepted: true)) }
        c.append(GatedCandidate(taskID: "Easy", label: .fp, score: 9, accepted: true))
        c.append(GatedCandidate(taskID: "Hard", label: .tp, score: 1, accepted: false))
        for _ in 0..<9 { c.append(GatedCandidate(taskID: "Hard", label: .fp, score: 1, accepted: false)) }
        let e = GateEvaluation(c, policyMinScore: 5, maxFPRate: nil)
        #expect((e.auc ?? 0) > 0.8)
        #expect(e.aucWithinTask == 0.5 && e.tasksWithBoth == 2)
    }
}
