import Candidates
import Foundation
import Testing
@testable import Consensus

@Suite struct AgreementTests {
    let strict = ConsensusPolicy(minAgreement: 1.0, minCandidates: 3, minSupport: 0)

    @Test func anOutlierOnOneInputOfTen() {
        let right = (0..<10).map { "\($0)" }
        var wrong = right
        wrong[7] = "raise:IndexError"
        let s = Consensus.judge([right, right, wrong, right, right], policy: strict)
        #expect(s.map(\.cluster) == [0, 0, 1, 0, 0])
        #expect(s.map(\.clusterSize) == [4, 4, 1, 4, 4])
        #expect(s.map(\.verdict) == [.accept, .accept, .reject, .accept, .accept])
        #expect(s[2].agreement == 0.9 && s[2].distance == 0.1 && s[0].agreement == 1 && s[0].distance == 0)
        #expect(s.allSatisfy { $0.candidates == 5 && $0.inputsCounted == 10 })
        // With a 90% policy, it passes.
        let lenient = Consensus.judge([right, right, wrong, right, right],
                                      policy: ConsensusPolicy(minAgreement: 0.9, minCandidates: 3, minSupport: 0))
        #expect(lenient.allSatisfy { $0.verdict == .accept })
    }

    /// Per-input plurality: a candidate can agree with the plurality everywhere without being
    /// in the largest cluster (every other candidate differs somewhere else).
    @Test func perInputPluralityIsNotTheLargestCluster() {
        let a = ["1", "2", "3", "4"]
        let vectors = [a, ["x", "2", "3", "4"], ["1", "y", "3", "4"], ["1", "2", "z", "4"], a]
        let s = Consensus.judge(vectors, policy: strict)
        #expect(s[0].cluster == 0 && s[0].clusterSize == 2 && s[4].cluster == 0)
        #expect(s[1].agreement == 0.75 && s[1].clusterSize == 1 && s[1].distance == 0.25)
        #expect(s.map(\.verdict) == [.accept, .reject, .reject, .reject, .accept])
    }

    @Test func tiesForThePluralityCountForEveryTiedOutput() {
        let s = Consensus.judge([["a", "p"], ["a", "q"], ["b", "p"], ["b", "q"]], policy: strict)
        #expect(s.allSatisfy { $0.agreement == 1 && $0.verdict == .accept })
        // Clusters of equal size: the one whose first member comes first is 0.
        #expect(s.map(\.cluster) == [0, 1, 2, 3])
    }

    @Test func tooFewCandidatesGiveNoVerdict() {
        let s = Consensus.judge([["1"], ["2"]], policy: strict)
        #expect(s.allSatisfy { $0.verdict == .noVerdict && $0.verdict.accepted })
        let none = Consensus.judge([[], [], []], policy: strict)  // no inputs
        #expect(none.allSatisfy { $0.verdict == .noVerdict && $0.agreement == nil && $0.inputsCounted == 0 })
        #expect(Consensus.judge([], policy: strict).isEmpty)
    }

    @Test func contestedInputsAreLeftOutWithMinSupport() {
        // Input 0: five candidates, five outputs (out of the task's domain, say); input 1:
        // all agree but one.
        let vectors = [["a", "1"], ["b", "1"], ["c", "1"], ["d", "1"], ["e", "2"]]
        let all = Consensus.judge(vectors, policy: strict)
        #expect(all.allSatisfy { $0.inputsCounted == 2 })
        #expect(all.map(\.verdict) == [.accept, .accept, .accept, .accept, .reject])
        let supported = Consensus.judge(vectors, policy: ConsensusPolicy(minAgreement: 1, minCandidates: 3, minSupport: 0.5))
        #expect(supported.allSatisfy { $0.inputsCounted == 1 })
        #expect(supported[0].agreement == 1 && supported[4].agreement == 0)
        // If no input has enough support, there is no verdict.
        let scattered = Consensus.judge([["a"], ["b"], ["c"]], policy: ConsensusPolicy(minAgreement: 1, minCandidates: 3, minSupport: 0.5))
        #expect(scattered.allSatisfy { $0.verdict == .noVerdict })
    }

    @Test func recordsAreJudgedPerTaskAndModel() throws {
        func record(_ task: String, _ n: Int, _ model: String, _ outputs: [String]) -> ConsensusRecord {
            ConsensusRecord(id: CandidateID(taskID: task, completionID: n, model: model, path: "s.jsonl", line: n + 1),
                            sandbox: "bwrap", seconds: 0.01, inputs: "d", outputs: outputs)
        }
        let records = [record("T/0", 0, "m", ["1"]), record("T/0", 1, "m", ["1"]), record("T/0", 2, "m", ["2"]),
                       record("T/1", 0, "m", ["5"]), record("T/0", 0, "other", ["9"])]
        let judged = ConsensusRecord.judge(records, policy: strict)
        #expect(judged.map { $0.standing?.candidates } == [3, 3, 3, 1, 1])
        #expect(judged.map { $0.standing?.verdict } == [.accept, .accept, .reject, .noVerdict, .noVerdict])
        // A record survives JSON with its standing, flattened.
        let line = judged[2].jsonLine()
        #expect(line.contains(#""verdict":"reject""#) && line.contains(#""agreement":0"#) && line.contains(#""cluster_size":1"#))
        let back = try JSONDecoder().decode(ConsensusRecord.self, from: Data(line.utf8))
        #expect(back.standing == judged[2].standing && back.outputs == ["2"] && back.id == judged[2].id)
        // Without a standing (as written while running).
        var bare = judged[0]
        bare.standing = nil
        #expect(try JSONDecoder().decode(ConsensusRecord.self, from: Data(bare.jsonLine().utf8)).standing == nil)
    }
}

@Suite struct EvaluationTests {
    @Test func rewardAndCeilingFollowThePaper() {
        // One task, 4 samples: 2 TP, 1 FP, 1 failing the weak tests.
        let c = [JudgedCandidate(taskID: "T", label: .tp, accepted: ["g": true]),
                 JudgedCandidate(taskID: "T", label: .tp, accepted: ["g": true]),
                 JudgedCandidate(taskID: "T", label: .fp, accepted: ["g": false]),
                 JudgedCandidate(taskID: "T", label: .tn, accepted: ["g": true])]
        let none = GateComparison.outcome("none", c)
        #expect(none.accepted == 3 && none.fpRate.count == 1 && abs(none.ceiling! - 2.0 / 3) < 1e-12)
        let gated = GateComparison.outcome("g", c)
        #expect(gated.accepted == 2 && gated.fpRate.count == 0 && gated.ceiling == 1 && gated.fpCaught.rate == 1)
        // k = 1: P(the first sample is accepted) × P(TP | accepted) = 3/4 × 2/3 with no gate.
        #expect(abs(none.accuracyAt["1"]! - 0.5) < 1e-12 && none.accuracyAt["10"] == nil)  // only k ≤ 4 samples
        let table = [(n: 4, a: 3, tp: 2, fp: 1)]
        #expect(abs(GateComparison.reward(table, k: 1, cost: 0) - 0.5) < 1e-12)
        #expect(abs(GateComparison.reward(table, k: 2, cost: 0) - 2.0 / 3) < 1e-12)  // 1 − C(1,2)/C(4,2) = 1
        #expect(abs(GateComparison.reward(table, k: 1, cost: 4) - 0.75 * (2 - 4) / 3) < 1e-12)
        // With r = 4 no gate loses (reward < 0: answer never, k = 0); with the gate, 3 samples
        // always reach an accepted one (only 1 of 4 is left out), and more add nothing.
        #expect(none.optima.first { $0.cost == 4 }?.k == 0)
        #expect(gated.optima.first { $0.cost == 4 }.map { ($0.k, $0.reward) } ?? (0, 0) == (3, 1.0))
    }

    @Test func withinTaskAUCHoldsTheTaskFixed() {
        // Pooled, TPs score higher (task A is easy and scores high); within each task, no difference.
        let items: [(task: String, label: Label, score: Double)] = [
            ("A", .tp, 9), ("A", .tp, 9), ("A", .fp, 9), ("B", .tp, 2), ("B", .fp, 2), ("B", .fp, 2),
        ]
        let (pooled, within, pairs) = GateComparison.auc(items)
        #expect(pooled! > 0.5 && within == 0.5 && pairs == 4)
    }
}
