import Candidates
import Report
import Statistics

/// One labelled candidate that passes the weak tests, as the gate sees it.
public struct GatedCandidate: Sendable {
    public var taskID: String
    public var label: Label
    public var score: Double
    public var accepted: Bool
    public init(taskID: String, label: Label, score: Double, accepted: Bool) {
        self.taskID = taskID
        self.label = label
        self.score = score
        self.accepted = accepted
    }
}

/// How well the gate catches false positives among candidates that pass the weak tests.
public struct GateEvaluation: Sendable, Codable {
    public struct Rate: Sendable, Codable {
        public var count: Int
        public var total: Int
        public var rate: Double?
        public var lower: Double?
        public var upper: Double?
    }

    public struct Threshold: Sendable, Codable {
        public var minScore: Double
        public var accepted: Int
        /// FP / accepted among those at or above the threshold.
        public var fpRateAccepted: Rate
        /// TPs below the threshold / all TPs.
        public var tpLost: Rate
        /// Of the rejected, how many are FPs (precision of the gate as an FP detector).
        public var precision: Double?
        /// Of the FPs, how many are rejected (recall).
        public var recall: Double?

        enum CodingKeys: String, CodingKey {
            case minScore = "min_score", accepted, fpRateAccepted = "fp_rate_accepted", tpLost = "tp_lost", precision, recall
        }
    }

    public struct BestOfK: Sendable, Codable {
        public var k: Int
        /// P(the pick is a TP) picking at random among k weak-passing samples, averaged over tasks.
        public var random: Double
        /// The same, picking the highest score (ties at random).
        public var styleRanked: Double
        enum CodingKeys: String, CodingKey { case k, random, styleRanked = "style_ranked" }
    }

    public struct RocPoint: Sendable, Codable {
        /// Share of TPs rejected (false alarms) and of FPs rejected (detections) when rejecting
        /// scores below `threshold`.
        public var threshold: Double
        public var falseAlarmRate: Double
        public var detectionRate: Double
        enum CodingKeys: String, CodingKey {
            case threshold, falseAlarmRate = "tp_rejected", detectionRate = "fp_rejected"
        }
    }

    public var schema = "fluke.gate-evaluation/1"
    public var tp: Int
    public var fp: Int
    /// FP / (TP + FP) with no gate.
    public var fpRateWithoutGate: Rate
    /// The policy as configured.
    public var policy: Threshold
    /// The score alone as an FP detector: AUC = P(TP score > FP score) + ½ P(equal).
    public var auc: Double?
    /// The same over pairs of a TP and an FP of the same task (Σ U_task / Σ n_TP·n_FP): whether
    /// the score tells a task's FPs from its TPs, which is what resampling needs; the pooled AUC
    /// also rewards telling hard tasks from easy ones.
    public var aucWithinTask: Double?
    /// Tasks with both TP and FP candidates (those `aucWithinTask` is over).
    public var tasksWithBoth: Int
    public var roc: [RocPoint]
    public var thresholds: [Threshold]
    public var bestOfK: [BestOfK]
    /// Tasks with at least one weak-passing candidate (the best-of-k averages are over them).
    public var tasks: Int
    public var maxFPRate: Double?
    /// The lowest score threshold whose FP rate among accepted candidates is at most `maxFPRate`
    /// with 95% confidence (the upper end of its Wilson interval), so that a handful of
    /// accepted candidates cannot make a threshold look safe.
    public var recommendedMinScore: Double?

    enum CodingKeys: String, CodingKey {
        case schema, tp, fp, fpRateWithoutGate = "fp_rate_without_gate", policy, auc, roc, thresholds,
             bestOfK = "best_of_k", tasks, aucWithinTask = "auc_within_task", tasksWithBoth = "tasks_with_both", maxFPRate = "max_fp_rate", recommendedMinScore = "recommended_min_score"
    }

    static func rate(_ count: Int, _ total: Int) -> Rate {
        guard total > 0 else { return Rate(count: count, total: total) }
        let p = Proportion(successes: count, trials: total)
        return Rate(count: count, total: total, rate: p.estimate, lower: p.interval.lower, upper: p.interval.upper)
    }

    static func threshold(_ minScore: Double, _ c: [GatedCandidate], accept: (GatedCandidate) -> Bool) -> Threshold {
        let tp = c.filter { $0.label == .tp }, fp = c.filter { $0.label == .fp }
        let acceptedTP = tp.filter(accept).count, acceptedFP = fp.filter(accept).count
        let rejectedTP = tp.count - acceptedTP, rejectedFP = fp.count - acceptedFP
        return Threshold(minScore: minScore, accepted: acceptedTP + acceptedFP,
                         fpRateAccepted: rate(acceptedFP, acceptedTP + acceptedFP),
                         tpLost: rate(rejectedTP, tp.count),
                         precision: rejectedTP + rejectedFP == 0 ? nil : Double(rejectedFP) / Double(rejectedTP + rejectedFP),
                         recall: fp.isEmpty ? nil : Double(rejectedFP) / Double(fp.count))
    }

    /// Evaluates on candidates that pass the weak tests (others are ignored).
    public init(_ all: [GatedCandidate], policyMinScore: Double?, maxFPRate: Double?, ks: [Int] = [1, 2, 4, 8, 16, 32]) {
        let c = all.filter { $0.label == .tp || $0.label == .fp }
        tp = c.filter { $0.label == .tp }.count
        fp = c.count - tp
        fpRateWithoutGate = Self.rate(fp, c.count)
        policy = Self.threshold(policyMinScore ?? 0, c) { $0.accepted }
        let tpScores = c.filter { $0.label == .tp }.map(\.score), fpScores = c.filter { $0.label == .fp }.map(\.score)
        auc = tpScores.isEmpty || fpScores.isEmpty ? nil : MannWhitneyU(tpScores, fpScores, method: .asymptotic).auc
        var u = 0.0, pairs = 0, both = 0
        for group in Dictionary(grouping: c, by: \.taskID).values {
            let t = group.filter { $0.label == .tp }.map(\.score), f = group.filter { $0.label == .fp }.map(\.score)
            guard !t.isEmpty, !f.isEmpty else { continue }
            u += MannWhitneyU(t, f, method: .asymptotic).u
            pairs += t.count * f.count
            both += 1
        }
        aucWithinTask = pairs > 0 ? u / Double(pairs) : nil
        tasksWithBoth = both
        // ROC: reject below each distinct score (and above all of them).
        let cuts = Array(Set(c.map(\.score))).sorted() + [Double.infinity]
        roc = cuts.map { t in
            RocPoint(threshold: t,
                     falseAlarmRate: tpScores.isEmpty ? 0 : Double(tpScores.filter { $0 < t }.count) / Double(tpScores.count),
                     detectionRate: fpScores.isEmpty ? 0 : Double(fpScores.filter { $0 < t }.count) / Double(fpScores.count))
        }
        thresholds = stride(from: 0.0, through: 10.0, by: 0.5).map { t in Self.threshold(t, c) { $0.score >= t } }
        self.maxFPRate = maxFPRate
        if let maxFPRate {
            recommendedMinScore = thresholds.first { ($0.fpRateAccepted.upper ?? 1) <= maxFPRate && $0.accepted > 0 }?.minScore
        }
        let byTask = Dictionary(grouping: c, by: \.taskID)
        tasks = byTask.count
        let largest = byTask.values.map(\.count).max() ?? 0
        bestOfK = ks.filter { $0 <= max(1, largest) }.map { k in
            var random = 0.0, ranked = 0.0
            for group in byTask.values {
                random += Double(group.filter { $0.label == .tp }.count) / Double(group.count)
                ranked += Self.rankedPick(group, k: min(k, group.count))
            }
            let n = Double(max(1, byTask.count))
            return BestOfK(k: k, random: random / n, styleRanked: ranked / n)
        }
    }

    /// P(the highest-scoring of k samples drawn without replacement is a TP), ties broken at
    /// random, computed exactly: candidate c is picked when it is drawn (k/n), the other k − 1
    /// come from the a lower-scoring and e equal-scoring others, and c wins the tie among the
    /// j equal ones drawn with it (1/(j+1)).
    static func rankedPick(_ group: [GatedCandidate], k: Int) -> Double {
        let n = group.count
        guard n > 0, k > 0 else { return 0 }
        let total = logChoose(n - 1, k - 1)
        var p = 0.0
        for cand in group where cand.label == .tp {
            let a = group.filter { $0.score < cand.score }.count
            let e = group.filter { $0.score == cand.score }.count - 1
            var picked = 0.0
            for j in 0...min(e, k - 1) where k - 1 - j <= a {
                picked += exp(logChoose(e, j) + logChoose(a, k - 1 - j) - total) / Double(j + 1)
            }
            p += Double(k) / Double(n) * picked
        }
        return p
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
