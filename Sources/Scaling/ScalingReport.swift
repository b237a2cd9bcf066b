import Foundation

/// What resampling against the tests can and cannot buy, per model and dataset: the content of
/// `fluke scaling`, independent of its format. Encoded as JSON it is the `fluke.scaling/1`
/// schema (docs/scaling-schema.md): keys in snake_case, fractions (0–1) rather than
/// percentages, null for what is undefined.
public struct ScalingReport: Sendable, Codable {
    public var schema = "fluke.scaling/1"
    /// The cost ratios r: reward +1 for a true positive, −r for a false positive, 0 to abstain.
    public var costRatios: [Double]
    /// The confidence level of every interval.
    public var confidence: Double
    /// Bootstrap replicates over tasks behind the intervals of means (0: no intervals), and the
    /// seed of them and of the simulation.
    public var bootstrap: Int
    public var seed: UInt64
    /// Shuffles per task of the simulation (0: not simulated).
    public var simulated: Int
    /// `near_optimal_k` is the smallest k whose reward is within this of the best.
    public var tolerance: Double
    /// How a task with fewer samples than k counts.
    public var convention: String
    public var exclusion: Exclusion
    /// The style gate added to the weak tests, when one was.
    public var gate: GateInfo?
    /// One per model and dataset, by dataset then model.
    public var groups: [ScalingGroup]
    /// Per dataset: every model's ceiling against its single-sample accuracy.
    public var crossModel: [CrossModel]

    public init(costRatios: [Double], confidence: Double, bootstrap: Int, seed: UInt64, simulated: Int,
                tolerance: Double, exclusion: Exclusion, gate: GateInfo?, groups: [ScalingGroup], crossModel: [CrossModel]) {
        self.costRatios = costRatios
        self.confidence = confidence
        self.bootstrap = bootstrap
        self.seed = seed
        self.simulated = simulated
        self.tolerance = tolerance
        self.convention = Self.conventionText
        self.exclusion = exclusion
        self.gate = gate
        self.groups = groups
        self.crossModel = crossModel
    }

    public static let conventionText = "k runs from 1 to the most samples any task has; a task with fewer samples "
        + "than k has drawn all of them, so its values at k are those at its own number of samples"

    /// The report as JSON (pretty-printed, sorted keys, snake_case), with a final newline.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads a report back from its JSON.
    public static func decode(_ data: Data) throws -> ScalingReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ScalingReport.self, from: data)
    }
}

/// Which tasks were left out, and why.
public struct Exclusion: Sendable, Codable, Equatable {
    /// Every task left out (present in the labels), in natural order.
    public var tasks: [String]
    /// Asked for by name (`--exclude-tasks`).
    public var requested: [String]
    /// Whether the paper's 14 HumanEval tasks were left out (`--exclude-paper-tasks`).
    public var paper: Bool
    /// With `--exclude-weak-false-negatives`: the tasks where some candidate of some model fails
    /// the weak tests and passes the strong ones; nil when not asked.
    public var weakFalseNegatives: [String]?
    /// Tasks asked for that no label mentions.
    public var notFound: [String]

    public init(tasks: [String] = [], requested: [String] = [], paper: Bool = false,
                weakFalseNegatives: [String]? = nil, notFound: [String] = []) {
        self.tasks = tasks
        self.requested = requested
        self.paper = paper
        self.weakFalseNegatives = weakFalseNegatives
        self.notFound = notFound
    }
}

/// The style gate used as a second verifier.
public struct GateInfo: Sendable, Codable, Equatable {
    /// The policy in words (`min-score 8.0, forbid E999`).
    public var policy: String
    /// Labelled candidates with a lint result (the gate decided on them).
    public var linted: Int
    /// Labelled candidates without one: the gate cannot vouch for them, so they count as rejected.
    public var unlinted: Int

    public init(policy: String, linted: Int = 0, unlinted: Int = 0) {
        self.policy = policy
        self.linted = linted
        self.unlinted = unlinted
    }
}

/// An estimate with an interval: for a mean over tasks, the bootstrap percentile interval
/// (tasks resampled); for `ceiling_bounds`, the bounds. nil where undefined.
public struct Estimate: Sendable, Codable, Equatable {
    public var estimate: Double?
    public var lower: Double?
    public var upper: Double?

    public init(estimate: Double?, lower: Double? = nil, upper: Double? = nil) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
    }
}

/// A pooled proportion (successes of total) with its Wilson score interval.
public struct Pooled: Sendable, Codable, Equatable {
    public var successes: Int
    public var total: Int
    public var estimate: Double?
    public var lower: Double?
    public var upper: Double?
}

/// One model on one dataset.
public struct ScalingGroup: Sendable, Codable {
    public var model: String
    public var dataset: String
    public var tasks: Int
    public var candidates: Int
    /// The fewest and the most samples of a task.
    public var minSamples: Int
    public var maxSamples: Int
    public var tp: Int
    public var fp: Int
    public var tn: Int
    public var fn: Int
    /// Mean over tasks of the share of samples that pass the strong tests (the paper's
    /// single-sample accuracy).
    public var singleSampleAccuracy: Estimate
    /// Mean over tasks of the share that pass the weak tests.
    public var weakPassRate: Estimate
    /// The same two pooled over candidates (Wilson intervals).
    public var pooledStrongPassRate: Pooled
    public var pooledWeakPassRate: Pooled
    /// The resampling loop with the weak tests as the verifier.
    public var weak: VerifierResult
    /// With the weak tests and the style gate (a candidate is accepted when it passes both).
    public var gated: VerifierResult?
}

/// The resampling loop with one verifier.
public struct VerifierResult: Sendable, Codable {
    /// "weak tests" or "weak tests + gate".
    public var verifier: String
    /// Candidates the verifier accepts; of them, true and false positives.
    public var accepted: Int
    public var tp: Int
    public var fp: Int
    /// Tasks where the verifier accepts some candidate.
    public var tasksAccepting: Int
    /// Tasks where it accepts none (the ceiling is undefined there).
    public var tasksAcceptingNone: [String]
    /// Mean over tasks that accept some candidate of TP/accepted: accuracy with unlimited samples.
    public var ceiling: Estimate
    /// The ceiling over all tasks, counting the tasks that accept none as 0 (lower) and as 1 (upper).
    public var ceilingBounds: Estimate
    /// 1 − ceiling: the share of accepted answers that are wrong, task by task.
    public var fpRate: Estimate
    /// FP / accepted, pooled over candidates.
    public var pooledFpRate: Pooled
    /// With a gate: the share of the weak tests' true positives (and false positives) it keeps.
    public var tpKept: Pooled?
    public var fpKept: Pooled?
    /// Mean over tasks, for k = 1…`max_k`: P(the loop returns a TP), P(it returns an FP),
    /// P(it abstains).
    public var maxK: Int
    public var accuracy: [Double]
    public var falsePositive: [Double]
    public var abstain: [Double]
    /// One per cost ratio.
    public var rewards: [RewardCurve]
}

/// Expected reward against k for one cost ratio r: accuracy(k) − r · falsePositive(k).
public struct RewardCurve: Sendable, Codable {
    public var costRatio: Double
    /// k = 1…max_k.
    public var reward: [Double]
    /// The smallest k with the highest reward; 0 (abstain) when the best reward is below 0.
    public var optimalK: Int
    /// The reward, accuracy and FP probability at `optimal_k` (0 when it is 0).
    public var optimalReward: Double
    public var accuracyAtOptimum: Double
    public var falsePositiveAtOptimum: Double
    /// The smallest k whose reward is within the report's tolerance of the best.
    public var nearOptimalK: Int
    /// Bootstrap percentile interval of the optimal k (tasks resampled), when bootstrapped.
    public var optimalKInterval: [Int]?
    /// The shuffling simulation's reward at each k and its standard error, when simulated; and
    /// the largest |exact − simulated| / standard error over k (where the error is not 0).
    public var simulated: [Double]?
    public var standardError: [Double]?
    public var largestDeviation: Double?
}

/// Every model's ceiling against its single-sample accuracy on one dataset.
public struct CrossModel: Sendable, Codable {
    public struct Point: Sendable, Codable, Equatable {
        public var model: String
        public var accuracy: Double
        public var ceiling: Double?
        /// The ceiling's bound over all tasks counting tasks where nothing passes as 1.
        public var ceilingUpper: Double?
        /// The ceiling with the style gate, when there is one.
        public var gatedCeiling: Double?
    }

    public struct Fit: Sendable, Codable, Equatable {
        /// Least squares: ceiling ≈ slope · accuracy + intercept.
        public var slope: Double
        public var intercept: Double
        public var rSquared: Double
        public var models: Int
    }

    public var dataset: String
    public var points: [Point]
    public var fit: Fit?
    /// Why there is no fit.
    public var fitNote: String?
    /// The model whose single-sample accuracy the others are held against.
    public var reference: String?
    public var referenceAccuracy: Double?
    /// Models whose ceiling is below the reference's single-sample accuracy: no amount of
    /// resampling against these tests brings them to it.
    public var neverReach: [String]
}
