/// What separates false positives from true positives: the report's content, independent of its
/// format. Encoded as JSON it is the documented, versioned `fluke.report/1` schema
/// (docs/report-schema.md); every other format renders this value.
public struct Report: Sendable, Codable {
    /// The JSON schema's name and version.
    public var schema = "fluke.report/1"
    /// The confidence level of every interval.
    public var confidence: Double
    /// The significance level used to call a difference (after Benjamini–Hochberg correction).
    public var alpha: Double
    /// Whether findings in the benchmark's prompt counted against adherence.
    public var includesPrompt: Bool
    public var counts: Counts
    /// One row per rule that fired at least once, then one per profile.
    public var conventions: [Contrast]
    /// Rules that no candidate broke: listed, not hidden (they separate nothing).
    public var neverFired: [String]
    public var scores: ScoreContrast
    /// Per model (when there are several), then per dataset (when there are several).
    public var groups: [Group]
    /// Candidates that could not be joined: linted without a label, labelled without a lint.
    public var unmatched: Unmatched

    enum CodingKeys: String, CodingKey {
        case schema, confidence, alpha, includesPrompt = "includes_prompt", counts, conventions,
             neverFired = "never_fired", scores, groups, unmatched
    }
}

/// A proportion with its Wilson score interval.
public struct Proportion: Sendable, Codable, Equatable {
    public var successes: Int
    public var total: Int
    /// nil when `total` is 0.
    public var estimate: Double?
    public var lower: Double?
    public var upper: Double?
}

/// An estimate with a confidence interval.
public struct Interval: Sendable, Codable, Equatable {
    public var estimate: Double?
    public var lower: Double?
    public var upper: Double?
}

public struct Counts: Sendable, Codable {
    public var candidates: Int
    public var tasks: Int
    public var models: Int
    public var tp: Int
    public var fp: Int
    public var tn: Int
    public var fn: Int
    /// Share of candidates that pass the weak (original) tests.
    public var weakPassRate: Proportion
    /// Share of candidates that pass the strong (EvalPlus) tests.
    public var strongPassRate: Proportion
    /// P(fails strong | passes weak) = FP / (TP + FP).
    public var falsePositiveRate: Proportion
    /// Tasks with at least one TP and one FP: the strata of the within-task comparison.
    public var tasksWithBoth: Int

    enum CodingKeys: String, CodingKey {
        case candidates, tasks, models, tp, fp, tn, fn, weakPassRate = "weak_pass_rate",
             strongPassRate = "strong_pass_rate", falsePositiveRate = "false_positive_rate",
             tasksWithBoth = "tasks_with_tp_and_fp"
    }
}

/// One convention (a rule or a profile): how often TPs, FPs and all weak-passing candidates
/// adhere to it, and whether the difference holds up pooled and within tasks.
public struct Contrast: Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case rule, profile }
    public var kind: Kind
    /// The rule code, or the profile's name.
    public var code: String
    public var name: String
    public var category: String
    /// P(adheres | TP), P(adheres | FP), P(adheres | passes weak tests).
    public var tp: Proportion
    public var fp: Proportion
    public var weak: Proportion
    /// P(adheres | TP) − P(adheres | FP), with Newcombe's hybrid score interval. Positive:
    /// false positives break the convention more often.
    public var difference: Interval
    /// Fisher's exact test on adherence × (TP, FP), pooled over tasks.
    public var oddsRatio: Double?
    public var pValue: Double?
    /// `pValue` after Benjamini–Hochberg correction across the rows of the same kind.
    public var qValue: Double?
    public var withinTask: WithinTask?
    /// How pooled and within-task answers relate: "agree", "pooled only", "within-task only",
    /// "opposite directions", or "neither".
    public var verdict: String

    enum CodingKeys: String, CodingKey {
        case kind, code, name, category, tp, fp, weak, difference, oddsRatio = "odds_ratio",
             pValue = "p_value", qValue = "q_value", withinTask = "within_task", verdict
    }
}

/// The same comparison, only within tasks that have both TPs and FPs, so that task difficulty
/// cannot masquerade as a style difference.
public struct WithinTask: Sendable, Codable {
    /// Tasks that contribute (both TP and FP candidates).
    public var tasks: Int
    /// Cochran–Mantel–Haenszel test across tasks (with continuity correction).
    public var cmhStatistic: Double?
    public var pValue: Double?
    public var qValue: Double?
    /// The Mantel–Haenszel common odds ratio (adherence odds, TP over FP) with its interval.
    public var commonOddsRatio: Interval
    /// Mean over tasks of P(adheres | TP) − P(adheres | FP) within the task, with a t interval.
    public var meanDifference: Interval

    enum CodingKeys: String, CodingKey {
        case tasks, cmhStatistic = "cmh_statistic", pValue = "p_value", qValue = "q_value",
             commonOddsRatio = "common_odds_ratio", meanDifference = "mean_task_difference"
    }
}

/// Summary of a sample of scores.
public struct Distribution: Sendable, Codable {
    public var count: Int
    public var mean: Double?
    public var median: Double?
    public var lowerQuartile: Double?
    public var upperQuartile: Double?
    /// Counts per bin of `ScoreContrast.binEdges`.
    public var histogram: [Int]

    enum CodingKeys: String, CodingKey {
        case count, mean, median, lowerQuartile = "q1", upperQuartile = "q3", histogram
    }
}

/// The 0–10 adherence scores of TPs against FPs.
public struct ScoreContrast: Sendable, Codable {
    public var binEdges: [Double]
    public var tp: Distribution
    public var fp: Distribution
    /// Mann–Whitney U (TP sample first), two-sided, with tie and continuity correction.
    public var u: Double?
    public var pValue: Double?
    /// P(score of a TP > score of an FP) + ½ P(equal): the common-language effect size (AUC).
    public var auc: Double?
    /// Cliff's delta = 2·AUC − 1.
    public var cliffsDelta: Double?
    /// The same comparison within tasks that have both TP and FP candidates (nil when none
    /// does): pooled scores mix tasks, and easy tasks differ from hard ones in both style and
    /// FP rate.
    public var withinTask: ScoresWithinTask?

    enum CodingKeys: String, CodingKey {
        case binEdges = "bin_edges", tp, fp, u = "mann_whitney_u", pValue = "p_value", auc,
             cliffsDelta = "cliffs_delta", withinTask = "within_task"
    }
}

/// TP scores against FP scores of the same task.
public struct ScoresWithinTask: Sendable, Codable {
    /// Tasks with both TP and FP candidates.
    public var tasks: Int
    /// Over all (TP, FP) pairs from the same task: P(TP score > FP score) + ½P(equal), i.e.
    /// Σ U_task / Σ n_TP·n_FP. 0.5: scores do not tell a task's TPs from its FPs.
    public var auc: Double?
    /// Mean over tasks of (mean TP score − mean FP score), with a Student t interval.
    public var meanDifference: Interval
    /// Wilcoxon signed-rank test of the per-task differences (two-sided).
    public var pValue: Double?

    enum CodingKeys: String, CodingKey {
        case tasks, auc, meanDifference = "mean_task_difference", pValue = "p_value"
    }
}

/// The same analysis for one model or one dataset.
public struct Group: Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case model, dataset }
    public var kind: Kind
    public var name: String
    public var counts: Counts
    public var conventions: [Contrast]
    public var scores: ScoreContrast
}

public struct Unmatched: Sendable, Codable {
    /// Linted candidates without a label (left out).
    public var unlabelled: Int
    /// Labelled candidates that were not linted (left out).
    public var unlinted: Int
    /// A few of each, to find the cause.
    public var examples: [String]

    public init(unlabelled: Int = 0, unlinted: Int = 0, examples: [String] = []) {
        self.unlabelled = unlabelled
        self.unlinted = unlinted
        self.examples = examples
    }
}
