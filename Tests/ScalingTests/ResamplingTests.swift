import Candidates
import Foundation
import Testing
@testable import Scaling

func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance }

/// The exact formulas against small cases worked out by hand.
@Suite struct ExactFormulaTests {
    @Test func oneAcceptedAmongThree() {
        // n = 3, a = 1: the accepted sample is equally likely at each position.
        for j in 1...3 { #expect(close(Resampling.firstAcceptance(samples: 3, accepted: 1, at: j), 1.0 / 3)) }
        #expect(Resampling.firstAcceptance(samples: 3, accepted: 1, at: 4) == 0)
        #expect(Resampling.noAcceptanceCurve(samples: 3, accepted: 1, upTo: 3).enumerated().allSatisfy { k, q in
            close(q, [1, 2.0 / 3, 1.0 / 3, 0][k])
        })
    }

    @Test func twoAcceptedAmongFour() {
        // n = 4, a = 2: of the 6 position pairs, 3 start at 1 ({1,2},{1,3},{1,4}), 2 at 2, 1 at 3.
        let expected = [0.5, 1.0 / 3, 1.0 / 6, 0]
        for j in 1...4 { #expect(close(Resampling.firstAcceptance(samples: 4, accepted: 2, at: j), expected[j - 1])) }
        // P(K > k) = C(2, k)/C(4, k): 1/2, 1/6, 0.
        #expect(close(Resampling.noAcceptance(samples: 4, accepted: 2, within: 1), 0.5))
        #expect(close(Resampling.noAcceptance(samples: 4, accepted: 2, within: 2), 1.0 / 6))
        #expect(Resampling.noAcceptance(samples: 4, accepted: 2, within: 3) == 0)
    }

    @Test func rewardAndAccuracyOfOneTask() {
        // n = 4, a = 2 (one TP, one FP), r = 2: each acceptance is worth (1 − 2)/2 = −1/2.
        let task = VerifiedTask(samples: 4, accepted: 2, correct: 1)
        #expect(close(Resampling.expectedReward(task, within: 1, costRatio: 2), -0.25))
        #expect(close(Resampling.expectedReward(task, within: 2, costRatio: 2), -5.0 / 12))
        #expect(close(Resampling.accuracy(task, within: 2), 5.0 / 12))
        #expect(close(Resampling.accuracy(task, within: 3), 0.5))  // the ceiling t/a
        // Nothing accepted: always abstain.
        let none = VerifiedTask(samples: 5, accepted: 0, correct: 0)
        #expect(Resampling.expectedReward(none, within: 5, costRatio: 1) == 0)
        #expect(Resampling.noAcceptance(samples: 5, accepted: 0, within: 5) == 1)
        // Everything accepted: decided at the first draw.
        #expect(Resampling.noAcceptance(samples: 5, accepted: 5, within: 1) == 0)
    }

    @Test func productFormAgreesWithBinomialsForLargePools() {
        // 1 − P(K > k) = Σ_{j ≤ k} P(K = j), the product against the log-gamma binomials, up to n = 200.
        for (n, a) in [(10, 3), (100, 1), (100, 37), (200, 2), (200, 150), (200, 200)] {
            let q = Resampling.noAcceptanceCurve(samples: n, accepted: a, upTo: n)
            var cumulative = 0.0
            for k in 1...n {
                cumulative += Resampling.firstAcceptance(samples: n, accepted: a, at: k)
                #expect(close(1 - q[k], cumulative, 1e-9), "n \(n) a \(a) k \(k)")
            }
            #expect(close(cumulative, 1, 1e-9))
        }
        // n = 200, a = 1: P(K > k) = (200 − k)/200 exactly.
        #expect(close(Resampling.noAcceptance(samples: 200, accepted: 1, within: 100), 0.5))
    }

    @Test func aTaskWithFewerSamplesThanKHasDrawnThemAll() {
        let task = VerifiedTask(samples: 3, accepted: 1, correct: 1)
        #expect(Resampling.noAcceptance(samples: 3, accepted: 1, within: 10) == 0)
        let curves = Resampling.taskCurves(task, maxK: 6)
        #expect(curves.correct.count == 6)
        #expect(curves.correct[2...].allSatisfy { $0 == 1 })
        #expect(close(curves.correct[0], 1.0 / 3))
    }

    @Test func optimalK() {
        #expect(Resampling.optimalK([-0.25, -0.1]) == 0)  // abstain: every reward is below 0
        #expect(Resampling.optimalK([0.1, 0.3, 0.3]) == 2)  // the smallest k on a tie
        #expect(Resampling.optimalK([0.3, 0.3 - 1e-15, 0.2]) == 1)  // rounding is a tie
        #expect(Resampling.optimalK([0, 0]) == 1)  // 0 is not below 0
        #expect(Resampling.nearOptimalK([0.1, 0.2995, 0.3], tolerance: 0.001) == 2)
        #expect(Resampling.nearOptimalK([-0.1, -0.2], tolerance: 0.001) == 0)
    }
}

/// The exact curves against the paper's method: shuffling.
@Suite struct SimulationTests {
    static let tasks = [
        VerifiedTask(samples: 4, accepted: 2, correct: 1),
        VerifiedTask(samples: 10, accepted: 1, correct: 0),
        VerifiedTask(samples: 10, accepted: 3, correct: 2),
        VerifiedTask(samples: 30, accepted: 5, correct: 5),
        VerifiedTask(samples: 30, accepted: 0, correct: 0),
        VerifiedTask(samples: 50, accepted: 2, correct: 1),
        VerifiedTask(samples: 50, accepted: 49, correct: 20),
    ]

    static func exact(_ r: Double, maxK: Int) -> [Double] {
        (1...maxK).map { k in tasks.reduce(0) { $0 + Resampling.expectedReward($1, within: k, costRatio: r) } / Double(tasks.count) }
    }

    @Test func exactCurvesLieWithinFourStandardErrorsOfTheSimulation() {
        let sim = SimulatedCurves(Self.tasks, maxK: 50, shuffles: 4000, seed: 7)
        var checked = 0
        for r in [0.0, 1, 2, 4, 8] {
            let exact = Self.exact(r, maxK: 50), simulated = sim.reward(costRatio: r), se = sim.standardError(costRatio: r)
            for k in 0..<50 {
                if se[k] > 0 {
                    checked += 1
                    #expect(abs(exact[k] - simulated[k]) <= 4 * se[k], "r \(r) k \(k + 1): \(exact[k]) vs \(simulated[k]) ± \(se[k])")
                } else {
                    #expect(close(exact[k], simulated[k]), "r \(r) k \(k + 1)")
                }
            }
        }
        #expect(checked > 200)
    }

    @Test func theComparisonCanTellDrawingWithReplacementApart() {
        // Drawing with replacement, P(K > k) would be (1 − a/n)^k: the simulation must reject it.
        let sim = SimulatedCurves(Self.tasks, maxK: 50, shuffles: 4000, seed: 7)
        let simulated = sim.reward(costRatio: 0), se = sim.standardError(costRatio: 0)
        let withReplacement = (1...50).map { k in
            Self.tasks.reduce(0.0) { sum, t in
                guard t.accepted > 0 else { return sum }
                return sum + (1 - pow(1 - Double(t.accepted) / Double(t.samples), Double(k))) * Double(t.correct) / Double(t.accepted)
            } / Double(Self.tasks.count)
        }
        #expect((0..<50).contains { se[$0] > 0 && abs(withReplacement[$0] - simulated[$0]) > 4 * se[$0] })
    }

    @Test func seededRunsRepeat() {
        let a = SimulatedCurves(Self.tasks, maxK: 10, shuffles: 100, seed: 3).reward(costRatio: 1)
        let b = SimulatedCurves(Self.tasks, maxK: 10, shuffles: 100, seed: 3).reward(costRatio: 1)
        let c = SimulatedCurves(Self.tasks, maxK: 10, shuffles: 100, seed: 4).reward(costRatio: 1)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func boundedDrawsAreUniform() {
        var rng = SeededGenerator(seed: 11)
        var counts = [0, 0, 0]
        for _ in 0..<30_000 { counts[rng.below(3)] += 1 }
        // Each ≈ 10,000 with a standard deviation of about 82.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
    }
}
