import Candidates
import Foundation
import Statistics

/// One labelled sample, as the scaling analysis needs it.
public struct LabelledSample: Sendable, Equatable {
    public var model: String
    public var taskID: String
    public var label: Label
    /// The sample's number within its task (to match it with other results).
    public var completionID: Int
    /// Whether the style gate accepts it (nil when there is no gate).
    public var gateAccepts: Bool?

    public init(model: String, taskID: String, label: Label, completionID: Int = 0, gateAccepts: Bool? = nil) {
        self.model = model
        self.taskID = taskID
        self.label = label
        self.completionID = completionID
        self.gateAccepts = gateAccepts
    }
}

/// One model's samples for one task, counted.
public struct TaskCounts: Sendable, Equatable {
    public var taskID: String
    public var tp = 0, fp = 0, tn = 0, fn = 0
    /// Of the true and false positives, those the gate accepts.
    public var gatedTP = 0, gatedFP = 0

    public init(taskID: String, tp: Int = 0, fp: Int = 0, tn: Int = 0, fn: Int = 0, gatedTP: Int = 0, gatedFP: Int = 0) {
        self.taskID = taskID
        self.tp = tp; self.fp = fp; self.tn = tn; self.fn = fn
        self.gatedTP = gatedTP; self.gatedFP = gatedFP
    }

    public var samples: Int { tp + fp + tn + fn }
    /// The loop with the weak tests as verifier, and with the weak tests and the gate.
    public var weak: VerifiedTask { VerifiedTask(samples: samples, accepted: tp + fp, correct: tp) }
    public var gated: VerifiedTask { VerifiedTask(samples: samples, accepted: gatedTP + gatedFP, correct: gatedTP) }
}

/// Which tasks to leave out.
public struct TaskFilter: Sendable {
    public var tasks: Set<String> = []
    public var paper = false
    public var weakFalseNegatives = false

    public init(tasks: Set<String> = [], paper: Bool = false, weakFalseNegatives: Bool = false) {
        self.tasks = tasks
        self.paper = paper
        self.weakFalseNegatives = weakFalseNegatives
    }

    /// The 14 HumanEval tasks the paper left out because some model passed the strong tests
    /// more often than the weak ones (false negatives of the weak tests).
    public static let paperTasks: [String] = [6, 9, 20, 62, 83, 88, 92, 107, 114, 116, 126, 136, 141, 142]
        .map { "HumanEval/\($0)" }
}

/// `fluke scaling`: what resampling against the tests can buy, per model and dataset.
public struct ScalingAnalysis: Sendable {
    public var costRatios: [Double] = [0, 1, 2, 4, 8]
    public var confidence = 0.95
    /// Bootstrap replicates over tasks (0: no intervals for means and the optimal k).
    public var bootstrap = 1000
    public var seed: UInt64 = 1
    /// Shuffles per task for the simulation (0: none).
    public var simulate = 0
    public var tolerance = 0.001
    public var filter = TaskFilter()
    /// The reference model of the cross-model comparison (default: the most accurate one).
    public var reference: String?
    /// The gate, when samples carry its decisions.
    public var gate: GateInfo?

    public init() {}

    public func run(_ samples: [LabelledSample]) -> ScalingReport {
        // Exclusions apply to a task in every model.
        let present = Set(samples.map(\.taskID))
        var excluded = filter.tasks
        if filter.paper { excluded.formUnion(TaskFilter.paperTasks) }
        var falseNegatives: [String]? = nil
        if filter.weakFalseNegatives {
            let fn = Set(samples.filter { $0.label == .fn }.map(\.taskID))
            falseNegatives = fn.sorted(by: TaskID.precedes)
            excluded.formUnion(fn)
        }
        let exclusion = Exclusion(tasks: excluded.intersection(present).sorted(by: TaskID.precedes),
                                  requested: filter.tasks.sorted(by: TaskID.precedes), paper: filter.paper,
                                  weakFalseNegatives: falseNegatives,
                                  notFound: filter.tasks.subtracting(present).sorted(by: TaskID.precedes))

        // Count per (dataset, model, task).
        struct GroupKey: Hashable { var dataset: String; var model: String }
        var counts: [GroupKey: [String: TaskCounts]] = [:]
        for s in samples where !excluded.contains(s.taskID) {
            let key = GroupKey(dataset: TaskID.dataset(of: s.taskID), model: s.model)
            var c = counts[key]?[s.taskID] ?? TaskCounts(taskID: s.taskID)
            switch s.label {
            case .tp: c.tp += 1; if s.gateAccepts == true { c.gatedTP += 1 }
            case .fp: c.fp += 1; if s.gateAccepts == true { c.gatedFP += 1 }
            case .tn: c.tn += 1
            case .fn: c.fn += 1
            }
            counts[key, default: [:]][s.taskID] = c
        }
        let keys = counts.keys.sorted { ($0.dataset, $0.model) < ($1.dataset, $1.model) }
        let groups = keys.map { key in
            group(model: key.model, dataset: key.dataset,
                  tasks: counts[key]!.values.sorted { TaskID.precedes($0.taskID, $1.taskID) })
        }
        let datasets = Array(Set(keys.map(\.dataset))).sorted()
        let cross = datasets.map { d in crossModel(dataset: d, groups.filter { $0.dataset == d }) }
        return ScalingReport(costRatios: costRatios, confidence: confidence, bootstrap: bootstrap, seed: seed,
                             simulated: simulate, tolerance: tolerance, exclusion: exclusion, gate: gate,
                             groups: groups, crossModel: cross)
    }

    /// The analysis of one model on one dataset.
    public func group(model: String, dataset: String, tasks: [TaskCounts]) -> ScalingGroup {
        let maxK = tasks.map(\.samples).max() ?? 0
        let accuracy = tasks.map { Double($0.tp + $0.fn) / Double($0.samples) }
        let weakPass = tasks.map { Double($0.tp + $0.fp) / Double($0.samples) }
        var weak = VerifierLoop(name: "weak tests", tasks: tasks.map(\.weak), ids: tasks.map(\.taskID), maxK: maxK,
                            costRatios: costRatios)
        var gated = gate == nil ? nil
            : VerifierLoop(name: "weak tests + gate", tasks: tasks.map(\.gated), ids: tasks.map(\.taskID), maxK: maxK,
                       costRatios: costRatios)

        // One set of bootstrap replicates (tasks drawn with replacement) for every statistic, so
        // that the weak and the gated figures are paired.
        var accuracyReplicates: [Double] = [], weakPassReplicates: [Double] = []
        if bootstrap > 0, !tasks.isEmpty {
            var rng = SeededGenerator(seed: seed ^ Self.hash(model + "\u{1F}" + dataset))
            var weights = [Int](repeating: 0, count: tasks.count)
            for _ in 0..<bootstrap {
                for i in weights.indices { weights[i] = 0 }
                for _ in tasks.indices { weights[rng.below(tasks.count)] += 1 }
                accuracyReplicates.append(Self.weightedMean(accuracy, weights))
                weakPassReplicates.append(Self.weightedMean(weakPass, weights))
                weak.addReplicate(weights)
                gated?.addReplicate(weights)
            }
        }
        let total = tasks.reduce(TaskCounts(taskID: "")) {
            TaskCounts(taskID: "", tp: $0.tp + $1.tp, fp: $0.fp + $1.fp, tn: $0.tn + $1.tn, fn: $0.fn + $1.fn,
                       gatedTP: $0.gatedTP + $1.gatedTP, gatedFP: $0.gatedFP + $1.gatedFP)
        }
        var weakResult = weak.result(self, replicates: bootstrap)
        var gatedResult = gated?.result(self, replicates: bootstrap)
        if gatedResult != nil {
            gatedResult!.tpKept = pooled(total.gatedTP, total.tp)
            gatedResult!.fpKept = pooled(total.gatedFP, total.fp)
        }
        if simulate > 0 {
            weakResult = simulated(weakResult, tasks.map(\.weak), salt: model + "\u{1F}" + dataset)
            gatedResult = gatedResult.map { simulated($0, tasks.map(\.gated), salt: model + "\u{1F}" + dataset + "\u{1F}gate") }
        }
        return ScalingGroup(model: model, dataset: dataset, tasks: tasks.count, candidates: total.samples,
                     minSamples: tasks.map(\.samples).min() ?? 0, maxSamples: maxK,
                     tp: total.tp, fp: total.fp, tn: total.tn, fn: total.fn,
                     singleSampleAccuracy: interval(Statistics.mean(accuracy), accuracyReplicates),
                     weakPassRate: interval(Statistics.mean(weakPass), weakPassReplicates),
                     pooledStrongPassRate: pooled(total.tp + total.fn, total.samples),
                     pooledWeakPassRate: pooled(total.tp + total.fp, total.samples),
                     weak: weakResult, gated: gatedResult)
    }

    /// Adds the shuffling simulation's curves next to the exact ones.
    func simulated(_ result: VerifierResult, _ tasks: [VerifiedTask], salt: String) -> VerifierResult {
        var out = result
        let sim = SimulatedCurves(tasks, maxK: result.maxK, shuffles: simulate, seed: seed ^ Self.hash(salt))
        for i in out.rewards.indices {
            let r = out.rewards[i].costRatio
            let values = sim.reward(costRatio: r), errors = sim.standardError(costRatio: r)
            out.rewards[i].simulated = values
            out.rewards[i].standardError = errors
            var largest = 0.0
            for k in values.indices where errors[k] > 0 {
                largest = max(largest, abs(out.rewards[i].reward[k] - values[k]) / errors[k])
            }
            out.rewards[i].largestDeviation = largest
        }
        return out
    }

    /// The point estimate with the bootstrap percentile interval of its replicates.
    func interval(_ estimate: Double?, _ replicates: [Double]) -> Estimate {
        guard let estimate, estimate.isFinite else { return Estimate(estimate: nil) }
        guard !replicates.isEmpty else { return Estimate(estimate: estimate) }
        let sorted = replicates.sorted()
        let alpha = 1 - confidence
        return Estimate(estimate: estimate, lower: quantile(sorted: sorted, alpha / 2),
                        upper: quantile(sorted: sorted, 1 - alpha / 2))
    }

    func pooled(_ successes: Int, _ total: Int) -> Pooled {
        guard total > 0 else { return Pooled(successes: successes, total: total) }
        let p = Proportion(successes: successes, trials: total, confidence: confidence)
        return Pooled(successes: successes, total: total, estimate: p.estimate, lower: p.interval.lower,
                      upper: p.interval.upper)
    }

    static func weightedMean(_ values: [Double], _ weights: [Int]) -> Double {
        var sum = 0.0, n = 0
        for i in values.indices where weights[i] > 0 {
            sum += Double(weights[i]) * values[i]
            n += weights[i]
        }
        return sum / Double(n)
    }

    /// FNV-1a of a string: a seed per group that does not depend on the order of the groups.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// Ceiling against single-sample accuracy across the models of one dataset.
    func crossModel(dataset: String, _ groups: [ScalingGroup]) -> CrossModel {
        let points = groups.map {
            CrossModel.Point(model: $0.model, accuracy: $0.singleSampleAccuracy.estimate ?? 0,
                             ceiling: $0.weak.ceiling.estimate, ceilingUpper: $0.weak.ceilingBounds.upper,
                             gatedCeiling: $0.gated?.ceiling.estimate)
        }
        var result = CrossModel(dataset: dataset, points: points, neverReach: [])
        let fitted = points.compactMap { p in p.ceiling.map { (p.accuracy, $0) } }
        if fitted.count >= 3 {
            if let fit = Self.leastSquares(fitted) { result.fit = fit } else {
                result.fitNote = "every model has the same single-sample accuracy: no line to fit"
            }
        } else {
            result.fitNote = "a fit of ceiling against accuracy needs at least 3 models (\(fitted.count) here)"
        }
        // The reference: the one named, else the most accurate model.
        let reference = self.reference.map { name in points.first { $0.model == name } }
            ?? points.max { $0.accuracy < $1.accuracy }
        if let reference {
            result.reference = reference.model
            result.referenceAccuracy = reference.accuracy
            result.neverReach = points.filter { $0.model != reference.model && ($0.ceiling ?? 0) < reference.accuracy }
                .map(\.model)
        }
        return result
    }

    /// Ordinary least squares of y on x, with R² (nil when every x is the same).
    public static func leastSquares(_ points: [(x: Double, y: Double)]) -> CrossModel.Fit? {
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.x } / n, my = points.reduce(0) { $0 + $1.y } / n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for p in points {
            sxx += (p.x - mx) * (p.x - mx)
            sxy += (p.x - mx) * (p.y - my)
            syy += (p.y - my) * (p.y - my)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        // R² = 1 − SSres/SStot; a perfect fit when every y is the same (SStot = 0).
        let r2 = syy == 0 ? 1 : (sxy * sxy) / (sxx * syy)
        return CrossModel.Fit(slope: slope, intercept: my - slope * mx, rSquared: r2, models: points.count)
    }
}

/// One verifier's loop over a group's tasks: the exact curves, and bootstrap replicates of the
/// ceiling and of the optimal k per cost ratio.
struct VerifierLoop {
    let name: String
    let tasks: [VerifiedTask]
    let ids: [String]
    let maxK: Int
    let costRatios: [Double]
    /// Per task, for k = 1…maxK: P(TP returned), P(FP returned).
    let correct: [[Double]]
    let wrong: [[Double]]
    var ceilingReplicates: [Double] = []
    var optimalKReplicates: [[Int]]

    init(name: String, tasks: [VerifiedTask], ids: [String], maxK: Int, costRatios: [Double]) {
        self.name = name
        self.tasks = tasks
        self.ids = ids
        self.maxK = maxK
        self.costRatios = costRatios
        let curves = tasks.map { Resampling.taskCurves($0, maxK: maxK) }
        correct = curves.map(\.correct)
        wrong = curves.map(\.wrong)
        optimalKReplicates = costRatios.map { _ in [] }
    }

    /// Mean over tasks (weighted by how often each was drawn) of a per-task curve.
    static func meanCurve(_ curves: [[Double]], _ weights: [Int]?, maxK: Int) -> [Double] {
        var sum = [Double](repeating: 0, count: maxK)
        var n = 0
        for i in curves.indices {
            let w = weights?[i] ?? 1
            guard w > 0 else { continue }
            n += w
            let c = curves[i], dw = Double(w)
            for k in 0..<maxK { sum[k] += dw * c[k] }
        }
        return n == 0 ? sum : sum.map { $0 / Double(n) }
    }

    mutating func addReplicate(_ weights: [Int]) {
        var sum = 0.0, n = 0
        for i in tasks.indices where weights[i] > 0 {
            guard let p = tasks[i].precision else { continue }
            sum += Double(weights[i]) * p
            n += weights[i]
        }
        if n > 0 { ceilingReplicates.append(sum / Double(n)) }
        let c = Self.meanCurve(correct, weights, maxK: maxK), w = Self.meanCurve(wrong, weights, maxK: maxK)
        for (j, r) in costRatios.enumerated() {
            optimalKReplicates[j].append(Resampling.optimalK((0..<maxK).map { c[$0] - r * w[$0] }))
        }
    }

    func result(_ a: ScalingAnalysis, replicates: Int) -> VerifierResult {
        let accepting = tasks.indices.filter { tasks[$0].accepted > 0 }
        let none = tasks.indices.filter { tasks[$0].accepted == 0 }.map { ids[$0] }
        let precisions = accepting.map { tasks[$0].precision! }
        let ceiling = precisions.isEmpty ? nil : Statistics.mean(precisions)
        let ceilingEstimate = a.interval(ceiling, ceilingReplicates)
        let sum = precisions.reduce(0, +), all = Double(tasks.count)
        let bounds = tasks.isEmpty ? Estimate(estimate: nil)
            : Estimate(estimate: ceiling, lower: sum / all, upper: (sum + Double(none.count)) / all)
        let fpRate = Estimate(estimate: ceilingEstimate.estimate.map { 1 - $0 }, lower: ceilingEstimate.upper.map { 1 - $0 },
                              upper: ceilingEstimate.lower.map { 1 - $0 })
        let tp = tasks.reduce(0) { $0 + $1.correct }, accepted = tasks.reduce(0) { $0 + $1.accepted }
        let accuracy = Self.meanCurve(correct, nil, maxK: maxK), falsePositive = Self.meanCurve(wrong, nil, maxK: maxK)
        let abstain = (0..<maxK).map { 1 - accuracy[$0] - falsePositive[$0] }
        let rewards = costRatios.enumerated().map { j, r -> RewardCurve in
            let reward = (0..<maxK).map { accuracy[$0] - r * falsePositive[$0] }
            let k = Resampling.optimalK(reward)
            var interval: [Int]? = nil
            if replicates > 0, !optimalKReplicates[j].isEmpty {
                let sorted = optimalKReplicates[j].map(Double.init).sorted()
                let alpha = 1 - a.confidence
                interval = [Int(quantile(sorted: sorted, alpha / 2).rounded(.down)),
                            Int(quantile(sorted: sorted, 1 - alpha / 2).rounded(.up))]
            }
            return RewardCurve(costRatio: r, reward: reward, optimalK: k, optimalReward: k == 0 ? 0 : reward[k - 1],
                               accuracyAtOptimum: k == 0 ? 0 : accuracy[k - 1],
                               falsePositiveAtOptimum: k == 0 ? 0 : falsePositive[k - 1],
                               nearOptimalK: Resampling.nearOptimalK(reward, tolerance: a.tolerance),
                               optimalKInterval: interval)
        }
        return VerifierResult(verifier: name, accepted: accepted, tp: tp, fp: accepted - tp,
                              tasksAccepting: accepting.count, tasksAcceptingNone: none, ceiling: ceilingEstimate,
                              ceilingBounds: bounds, fpRate: fpRate, pooledFpRate: a.pooled(accepted - tp, accepted),
                              maxK: maxK, accuracy: accuracy, falsePositive: falsePositive, abstain: abstain,
                              rewards: rewards)
    }
}
