import Candidates
import Foundation
import Testing
@testable import Scaling

/// Samples of one model for one task: labels in order, with the gate's decisions (true: accepted).
func samples(_ model: String, _ task: String, _ labels: [Label], gate: [Bool]? = nil) -> [LabelledSample] {
    labels.enumerated().map { i, l in
        LabelledSample(model: model, taskID: task, label: l, gateAccepts: gate?[i])
    }
}

/// T/0: TP, FP, TN, TN (the gate keeps the TP only); T/1: TN, TN (nothing passes the weak tests);
/// T/2: four TPs (the gate keeps two).
let handMade = samples("m", "T/0", [.tp, .fp, .tn, .tn], gate: [true, false, false, true])
    + samples("m", "T/1", [.tn, .tn], gate: [true, true])
    + samples("m", "T/2", [.tp, .tp, .tp, .tp], gate: [true, false, true, false])

@Suite struct AnalysisTests {
    func analysis(gate: Bool = false) -> ScalingAnalysis {
        var a = ScalingAnalysis()
        a.bootstrap = 0
        if gate { a.gate = GateInfo(policy: "test") }
        return a
    }

    @Test func ceilingAccuracyAndTheTaskWhereNothingPasses() throws {
        let report = analysis().run(handMade)
        let g = try #require(report.groups.first)
        #expect(report.groups.count == 1 && g.dataset == "T" && g.model == "m")
        #expect((g.tasks, g.candidates, g.tp, g.fp, g.tn, g.fn) == (3, 10, 5, 1, 4, 0))
        #expect(close(g.singleSampleAccuracy.estimate!, (0.25 + 0 + 1) / 3))
        #expect(close(g.weakPassRate.estimate!, (0.5 + 0 + 1) / 3))
        // Ceiling over the tasks where something passes: (1/2 + 1)/2; bounded over all three
        // tasks by counting T/1 as 0 and as 1.
        #expect(close(g.weak.ceiling.estimate!, 0.75))
        #expect(g.weak.tasksAccepting == 2 && g.weak.tasksAcceptingNone == ["T/1"])
        #expect(close(g.weak.ceilingBounds.lower!, 0.5) && close(g.weak.ceilingBounds.upper!, 2.5 / 3))
        #expect(close(g.weak.fpRate.estimate!, 0.25))
        #expect(g.weak.pooledFpRate.successes == 1 && g.weak.pooledFpRate.total == 6)
        #expect(g.gated == nil)
    }

    @Test func curvesAndOptimalKWorkedByHand() throws {
        let g = try #require(analysis().run(handMade).groups.first)
        #expect(g.weak.maxK == 4)
        // k = 1: T/0 returns its TP with 1/4 and its FP with 1/4, T/2 always a TP.
        #expect(close(g.weak.accuracy[0], 5.0 / 12) && close(g.weak.falsePositive[0], 1.0 / 12))
        #expect(close(g.weak.accuracy[1], 17.0 / 36) && close(g.weak.falsePositive[1], 5.0 / 36))
        #expect(close(g.weak.accuracy[2], 0.5) && close(g.weak.accuracy[3], 0.5))
        #expect(close(g.weak.abstain[0], 1 - 5.0 / 12 - 1.0 / 12))
        let byRatio = Dictionary(uniqueKeysWithValues: g.weak.rewards.map { ($0.costRatio, $0) })
        #expect(byRatio[0]!.optimalK == 3)  // accuracy stops growing at k = 3
        #expect(byRatio[1]!.optimalK == 1)  // 1/3 at every k: the smallest wins
        #expect(close(byRatio[1]!.optimalReward, 1.0 / 3))
        #expect(byRatio[4]!.optimalK == 1 && close(byRatio[4]!.optimalReward, 1.0 / 12))
        #expect(close(byRatio[4]!.reward[1], -3.0 / 36))
        #expect(byRatio[8]!.optimalK == 0 && byRatio[8]!.optimalReward == 0)  // abstain
    }

    @Test func theGateAsASecondVerifier() throws {
        let g = try #require(analysis(gate: true).run(handMade).groups.first)
        let gated = try #require(g.gated)
        // The gate keeps T/0's TP and two of T/2's: no FP is accepted any more.
        #expect((gated.accepted, gated.tp, gated.fp) == (3, 3, 0))
        #expect(gated.ceiling.estimate == 1 && gated.fpRate.estimate == 0)
        #expect(gated.tpKept?.successes == 3 && gated.tpKept?.total == 5)
        #expect(gated.fpKept?.successes == 0 && gated.fpKept?.total == 1)
        // k = 1: T/0 has 1 accepted of 4, T/2 2 of 4.
        #expect(close(gated.accuracy[0], (0.25 + 0 + 0.5) / 3))
        // No false positive left: for every r the best is to draw until T/0's last chance (k = 4).
        #expect(gated.rewards.allSatisfy { $0.optimalK == 4 })
        #expect(close(gated.rewards[0].optimalReward, 2.0 / 3))
        // The weak tests alone are unchanged by the gate.
        #expect(close(g.weak.ceiling.estimate!, 0.75))
    }

    @Test func exclusions() throws {
        let data = samples("a", "HumanEval/6", [.tp, .fp]) + samples("a", "HumanEval/1", [.tp, .tn])
            + samples("a", "HumanEval/2", [.fp, .tn]) + samples("b", "HumanEval/1", [.fn, .tp])
            + samples("b", "HumanEval/2", [.tp, .tp]) + samples("b", "Mbpp/3", [.tp])
        var a = analysis()
        // Weak false negatives: model b's FN on HumanEval/1 removes the task for model a too.
        a.filter = TaskFilter(weakFalseNegatives: true)
        var r = a.run(data)
        #expect(r.exclusion.weakFalseNegatives == ["HumanEval/1"])
        #expect(r.groups.filter { $0.dataset == "HumanEval" }.map(\.tasks) == [2, 1])
        // The paper's list, and tasks by name (one of them unknown).
        a.filter = TaskFilter(tasks: ["HumanEval/2", "HumanEval/99"], paper: true)
        r = a.run(data)
        #expect(r.exclusion.tasks == ["HumanEval/2", "HumanEval/6"])
        #expect(r.exclusion.notFound == ["HumanEval/99"])
        let groupA = try #require(r.groups.first { $0.model == "a" })
        #expect(groupA.tasks == 1 && groupA.tp == 1)
        // Datasets are told apart by the task id.
        #expect(r.groups.map { "\($0.dataset) \($0.model)" } == ["HumanEval a", "HumanEval b", "Mbpp b"])
    }

    @Test func bootstrapIntervalsRepeatAndContainTheEstimate() throws {
        var data: [LabelledSample] = []
        for t in 0..<20 {
            data += samples("m", "T/\(t)", [.tp, .fp, .tn, t % 3 == 0 ? .tp : .tn, t % 2 == 0 ? .fp : .tn])
        }
        var a = ScalingAnalysis()
        a.bootstrap = 300
        let one = try #require(a.run(data).groups.first), two = try #require(a.run(data).groups.first)
        #expect(one.weak.ceiling == two.weak.ceiling)
        for e in [one.singleSampleAccuracy, one.weakPassRate, one.weak.ceiling] {
            let (lo, x, hi) = (try #require(e.lower), try #require(e.estimate), try #require(e.upper))
            #expect(lo < x && x < hi)
        }
        let interval = try #require(one.weak.rewards.first?.optimalKInterval)
        #expect(interval[0] <= interval[1])
        // The FP rate's interval is the ceiling's, turned over.
        #expect(close(one.weak.fpRate.lower!, 1 - one.weak.ceiling.upper!))
    }

    @Test func simulationAgreesInsideTheAnalysis() throws {
        var a = analysis(gate: true)
        a.simulate = 2000
        let g = try #require(a.run(handMade).groups.first)
        for curve in g.weak.rewards + g.gated!.rewards {
            #expect(curve.simulated?.count == 4)
            #expect(try #require(curve.largestDeviation) < 4)
        }
    }

    @Test func leastSquaresByHand() throws {
        // (0,0), (1,1), (2,1): slope 1/2, intercept 1/6, R² = 0.75.
        let fit = try #require(ScalingAnalysis.leastSquares([(0, 0), (1, 1), (2, 1)]))
        #expect(close(fit.slope, 0.5) && close(fit.intercept, 1.0 / 6) && close(fit.rSquared, 0.75))
        let line = try #require(ScalingAnalysis.leastSquares([(0.2, 0.764), (0.5, 0.83), (0.9, 0.918)]))
        #expect(close(line.slope, 0.22) && close(line.intercept, 0.72) && close(line.rSquared, 1))
        #expect(ScalingAnalysis.leastSquares([(0.5, 0.1), (0.5, 0.9)]) == nil)
    }

    @Test func crossModelNeedsThreeModelsAndNamesWhoCannotReachTheReference() throws {
        let one = analysis().run(handMade)
        #expect(one.crossModel.first?.fit == nil)
        #expect(one.crossModel.first?.fitNote?.contains("at least 3 models") == true)
        // Three models: strong (accuracy 1), middle (ceiling 2/3 < 1), weak.
        let data = samples("strong", "T/0", [.tp, .tp, .tp]) + samples("strong", "T/1", [.tp, .tp, .tp])
            + samples("middle", "T/0", [.tp, .fp, .tp]) + samples("middle", "T/1", [.tp, .tn, .tn])
            + samples("weak", "T/0", [.fp, .tp, .tn]) + samples("weak", "T/1", [.fp, .fp, .tn])
        var a = analysis()
        let cross = try #require(a.run(data).crossModel.first)
        #expect(cross.reference == "strong" && cross.referenceAccuracy == 1)
        #expect(cross.neverReach == ["middle", "weak"])
        #expect(cross.fit?.models == 3)
        // A weaker reference: only models whose ceiling is below its accuracy.
        a.reference = "weak"
        let againstWeak = try #require(a.run(data).crossModel.first)
        #expect(close(againstWeak.referenceAccuracy!, 1.0 / 6))
        #expect(againstWeak.neverReach.isEmpty)
    }

    @Test func jsonUsesSnakeCaseAndReadsBack() throws {
        var a = analysis(gate: true)
        a.simulate = 50
        let report = a.run(handMade)
        let text = try report.json()
        #expect(text.contains("\"schema\" : \"fluke.scaling/1\""))
        #expect(text.contains("\"single_sample_accuracy\""))
        #expect(text.contains("\"optimal_k\""))
        #expect(text.contains("\"tasks_accepting_none\""))
        let back = try ScalingReport.decode(Data(text.utf8))
        #expect(back.groups.first?.gated?.rewards.map(\.optimalK) == report.groups.first?.gated?.rewards.map(\.optimalK))
        #expect(back.groups.first?.weak.accuracy == report.groups.first?.weak.accuracy)
    }
}
