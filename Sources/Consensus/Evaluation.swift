import Candidates
import Foundation
import Statistics

/// A candidate as an evaluation of gates sees it: its label (from the strong tests, used only
/// here, after the fact) and whether each gate accepts it.
public struct JudgedCandidate: Sendable {
    public var taskID: String
    public var label: Label
    /// Per gate name, whether the gate accepts it.
    public var accepted: [String: Bool]
    public var agreement: Double?
    public var styleScore: Double?

    public init(taskID: String, label: Label, accepted: [String: Bool], agreement: Double? = nil, styleScore: Double? = nil) {
        self.taskID = taskID
        self.label = label
        self.accepted = accepted
        self.agreement = agreement
        self.styleScore = styleScore
    }
}

/// A proportion with its Wilson interval.
public struct Rate: Sendable, Codable, Equatable {
    public var count: Int
    public var total: Int
    public var rate: Double?
    public var lower: Double?
    public var upper: Double?

    public init(_ count: Int, _ total: Int) {
        self.count = count
        self.total = total
        guard total > 0 else { return }
        let p = Proportion(successes: count, trials: total)
        rate = p.estimate
        lower = p.interval.lower
        upper = p.interval.upper
    }
}

/// What a gate does to candidates that pass the weak tests, and to resampling with it.
public struct GateOutcome: Sendable, Codable {
    public struct Optimum: Sendable, Codable {
        /// Cost of a false positive relative to the benefit of a true positive (the paper's r).
        public var cost: Double
        /// The number of samples that maximizes the expected reward (0: better never to answer).
        public var k: Int
        public var reward: Double
    }

    public var gate: String
    public var accepted: Int
    /// FP / accepted.
    public var fpRate: Rate
    /// Accepted TPs / TPs.
    public var tpKept: Rate
    /// Rejected FPs / FPs.
    public var fpCaught: Rate
    /// Tasks with at least one accepted candidate.
    public var tasksAnswered: Int
    /// The resampling ceiling (accept the first sample the gate and the weak tests pass, with
    /// unlimited samples): per task TP / accepted, averaged over the tasks answered.
    public var ceiling: Double?
    /// The same over every task with a weak-passing candidate, a task the gate empties counted
    /// as 0 and as 1 (the paper's bounds for undefined tasks).
    public var ceilingLower: Double?
    public var ceilingUpper: Double?
    /// Expected accuracy with k = 1, 10, 100 samples (reward with r = 0).
    public var accuracyAt: [String: Double]
    public var optima: [Optimum]

    enum CodingKeys: String, CodingKey {
        case gate, accepted, fpRate = "fp_rate", tpKept = "tp_kept", fpCaught = "fp_caught",
             tasksAnswered = "tasks_answered", ceiling, ceilingLower = "ceiling_lower", ceilingUpper = "ceiling_upper",
             accuracyAt = "accuracy_at", optima
    }
}

public enum GateComparison {
    /// The paper's costs of a false positive (Section 4).
    public static let costs: [Double] = [0, 1, 2, 4, 8]

    /// Evaluates gate `name` on `candidates` (all of them: those failing the weak tests count
    /// as samples that the loop rejects). `samples` gives each task's pool size when it differs
    /// from the candidates' count.
    public static func outcome(_ name: String, _ candidates: [JudgedCandidate], samples: [String: Int]? = nil) -> GateOutcome {
        var pool: [String: (n: Int, tp: Int, fp: Int, weak: Int)] = [:]
        var tp = 0, fp = 0, tpKept = 0, fpKept = 0
        for c in candidates {
            var t = pool[c.taskID] ?? (0, 0, 0, 0)
            t.n += 1
            if c.label.passesWeak {
                t.weak += 1
                let ok = c.accepted[name] ?? true
                if c.label == .tp { tp += 1; if ok { tpKept += 1; t.tp += 1 } }
                if c.label == .fp { fp += 1; if ok { fpKept += 1; t.fp += 1 } }
            }
            pool[c.taskID] = t
        }
        if let samples { for (task, n) in samples where pool[task] != nil { pool[task]!.n = max(pool[task]!.n, n) } }
        let tasks = pool.values
        let answered = tasks.filter { $0.tp + $0.fp > 0 }
        let withWeak = tasks.filter { $0.weak > 0 }
        let ceiling = answered.isEmpty ? nil
            : answered.map { Double($0.tp) / Double($0.tp + $0.fp) }.reduce(0, +) / Double(answered.count)
        var lower: Double? = nil, upper: Double? = nil
        if !withWeak.isEmpty {
            let sum = answered.map { Double($0.tp) / Double($0.tp + $0.fp) }.reduce(0, +)
            lower = sum / Double(withWeak.count)
            upper = (sum + Double(withWeak.count - answered.count)) / Double(withWeak.count)
        }
        let table = tasks.map { (n: $0.n, a: $0.tp + $0.fp, tp: $0.tp, fp: $0.fp) }
        let kMax = tasks.map(\.n).max() ?? 0
        var accuracy: [String: Double] = [:]
        for k in [1, 10, 100] where k <= kMax { accuracy["\(k)"] = reward(table, k: k, cost: 0) }
        let optima = costs.map { r -> GateOutcome.Optimum in
            var best = (k: 0, reward: 0.0)
            if kMax > 0 {
                for k in 1...kMax {
                    let v = reward(table, k: k, cost: r)
                    if v > best.reward + 1e-12 { best = (k, v) }
                }
            }
            return GateOutcome.Optimum(cost: r, k: best.k, reward: best.reward)
        }
        return GateOutcome(gate: name, accepted: tpKept + fpKept, fpRate: Rate(fpKept, tpKept + fpKept),
                           tpKept: Rate(tpKept, tp), fpCaught: Rate(fp - fpKept, fp), tasksAnswered: answered.count,
                           ceiling: ceiling, ceilingLower: lower, ceilingUpper: upper, accuracyAt: accuracy, optima: optima)
    }

    /// The paper's expected reward of resampling up to k times and keeping the first sample the
    /// loop accepts (+1 for a TP, −cost for an FP, 0 when none is accepted), averaged over
    /// tasks, computed exactly rather than by shuffling: with n samples of which a are
    /// accepted, some accepted sample is among the first k with probability 1 − C(n−a, k)/C(n, k),
    /// and the first one is a TP with probability tp/a.
    public static func reward(_ tasks: [(n: Int, a: Int, tp: Int, fp: Int)], k: Int, cost: Double) -> Double {
        guard !tasks.isEmpty else { return 0 }
        var total = 0.0
        for t in tasks where t.a > 0 {
            let none = k >= t.n ? 0 : exp(logChoose(t.n - t.a, k) - logChoose(t.n, k))
            total += (1 - none) * (Double(t.tp) - cost * Double(t.fp)) / Double(t.a)
        }
        return total / Double(tasks.count)
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        return lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// P(a TP's score > an FP's) + ½ P(equal), over all TP–FP pairs (pooled), and over the
    /// pairs within the same task only (which holds the task fixed: FP-prone tasks differ).
    public static func auc(_ items: [(task: String, label: Label, score: Double)]) -> (pooled: Double?, withinTask: Double?, pairs: Int) {
        let tps = items.filter { $0.label == .tp }.map(\.score), fps = items.filter { $0.label == .fp }.map(\.score)
        let pooled = tps.isEmpty || fps.isEmpty ? nil : MannWhitneyU(tps, fps, method: .asymptotic).auc
        var wins = 0.0, pairs = 0
        for (_, group) in Dictionary(grouping: items, by: \.task) {
            let t = group.filter { $0.label == .tp }.map(\.score), f = group.filter { $0.label == .fp }.map(\.score)
            for x in t {
                for y in f {
                    pairs += 1
                    wins += x > y ? 1 : x == y ? 0.5 : 0
                }
            }
        }
        return (pooled, pairs > 0 ? wins / Double(pairs) : nil, pairs)
    }
}
