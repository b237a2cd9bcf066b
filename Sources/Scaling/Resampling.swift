import Foundation
import Statistics

/// One task as the resampling loop sees it: `samples` candidates (n), of which `accepted` (a)
/// pass the verifier (the weak tests, or the weak tests and a style gate) and `correct` (t) of
/// those are correct (pass the strong tests too: true positives). The other a − t accepted
/// ones are false positives.
public struct VerifiedTask: Sendable, Equatable {
    public var samples: Int
    public var accepted: Int
    public var correct: Int

    public init(samples: Int, accepted: Int, correct: Int) {
        precondition(samples >= 0 && accepted >= 0 && accepted <= samples && correct >= 0 && correct <= accepted,
                     "need 0 ≤ correct ≤ accepted ≤ samples")
        self.samples = samples
        self.accepted = accepted
        self.correct = correct
    }

    public var falsePositives: Int { accepted - correct }

    /// P(the accepted candidate is correct) = t/a, or nil when nothing is accepted.
    public var precision: Double? { accepted == 0 ? nil : Double(correct) / Double(accepted) }
}

/// "Resample until the verifier accepts, abstain after k", computed exactly.
///
/// The loop draws the task's n samples in a uniformly random order, without replacement, and
/// stops at the first one the verifier accepts. With a of the n accepted, the first acceptance
/// comes at position j with probability
///
///     P(K = j) = C(n − j, a − 1) / C(n, a),   1 ≤ j ≤ n − a + 1
///
/// (the a accepted samples take a random set of a positions; the smallest is j when the other
/// a − 1 lie among the n − j positions after it), so no acceptance within k draws has
/// probability
///
///     P(K > k) = C(n − a, k) / C(n, k) = ∏_{i<k} (n − a − i)/(n − i).
///
/// Which accepted sample comes first is independent of when (every order is equally likely), so
/// it is correct with probability t/a. Hence, with reward +1 for a true positive, −r for a false
/// positive and 0 for abstaining,
///
///     E[accuracy(k)] = (1 − P(K > k)) · t/a
///     E[reward(k)]   = (1 − P(K > k)) · (t − r·(a − t))/a.
///
/// A task has only n samples: for k > n the loop has drawn all of them, so its values at k are
/// those at n (the curve stays flat).
public enum Resampling {
    /// P(K > k) = C(n − a, k)/C(n, k): no accepted sample among the first k drawn (k capped at n).
    public static func noAcceptance(samples n: Int, accepted a: Int, within k: Int) -> Double {
        noAcceptanceCurve(samples: n, accepted: a, upTo: min(max(k, 0), n)).last!
    }

    /// P(K > k) for k = 0, 1, …, `maxK` (k capped at n), as the running product
    /// ∏_{i<k} (n − a − i)/(n − i): no factorials, no overflow for any n, and exactly 0 once
    /// k > n − a.
    public static func noAcceptanceCurve(samples n: Int, accepted a: Int, upTo maxK: Int) -> [Double] {
        var out = [Double](repeating: 0, count: maxK + 1)
        var q = 1.0
        out[0] = 1
        if maxK == 0 { return out }
        for k in 1...maxK {
            if k <= n {
                let i = k - 1
                q = n - a - i <= 0 ? 0 : q * Double(n - a - i) / Double(n - i)
            }
            out[k] = q
        }
        return out
    }

    /// P(K = j) = C(n − j, a − 1)/C(n, a): the first accepted sample is the j-th drawn (0 when
    /// a = 0 or j is out of range).
    public static func firstAcceptance(samples n: Int, accepted a: Int, at j: Int) -> Double {
        guard a > 0, j >= 1, j <= n - a + 1 else { return 0 }
        return exp(logChoose(n - j, a - 1) - logChoose(n, a))
    }

    /// E[accuracy] of the loop on one task with at most k draws: P(K ≤ k) · t/a.
    public static func accuracy(_ task: VerifiedTask, within k: Int) -> Double {
        guard let p = task.precision else { return 0 }
        return (1 - noAcceptance(samples: task.samples, accepted: task.accepted, within: k)) * p
    }

    /// E[reward] on one task with at most k draws and cost ratio r: P(K ≤ k) · (t − r·f)/a.
    public static func expectedReward(_ task: VerifiedTask, within k: Int, costRatio r: Double) -> Double {
        guard task.accepted > 0 else { return 0 }
        let perAcceptance = (Double(task.correct) - r * Double(task.falsePositives)) / Double(task.accepted)
        return (1 - noAcceptance(samples: task.samples, accepted: task.accepted, within: k)) * perAcceptance
    }

    /// Per task, for k = 1…`maxK`: P(a true positive is accepted within k) and P(a false
    /// positive is); the reward at cost ratio r is the first minus r times the second.
    public static func taskCurves(_ task: VerifiedTask, maxK: Int) -> (correct: [Double], wrong: [Double]) {
        guard maxK > 0 else { return ([], []) }
        guard task.accepted > 0 else {
            return ([Double](repeating: 0, count: maxK), [Double](repeating: 0, count: maxK))
        }
        let q = noAcceptanceCurve(samples: task.samples, accepted: task.accepted, upTo: maxK)
        let t = Double(task.correct) / Double(task.accepted), f = Double(task.falsePositives) / Double(task.accepted)
        return ((1...maxK).map { (1 - q[$0]) * t }, (1...maxK).map { (1 - q[$0]) * f })
    }

    /// The best number of draws for a reward curve (`reward[k − 1]` is the reward at k): the
    /// smallest k with the highest reward (rewards within `ties` of each other are equal, so
    /// that rounding cannot pick a later k), or 0 — abstain, draw nothing — when even the best
    /// reward is below 0.
    public static func optimalK(_ reward: [Double], ties: Double = 1e-12) -> Int {
        guard let best = reward.max(), best >= 0 else { return 0 }
        return reward.firstIndex { $0 >= best - ties }! + 1
    }

    /// The smallest k whose reward is within `tolerance` of the best (0 when the best is below 0).
    public static func nearOptimalK(_ reward: [Double], tolerance: Double) -> Int {
        optimalK(reward, ties: max(tolerance, 1e-12))
    }
}
