import Foundation

/// A closed interval [lower, upper].
public struct Interval: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public init(lower: Double, upper: Double) { self.lower = lower; self.upper = upper }
}

/// The two-sided critical value z with P(|Z| > z) = 1 − confidence, e.g. 1.959963984540054 for
/// confidence 0.95.
public func normalCriticalValue(confidence: Double) -> Double {
    Normal.quantile(1 - (1 - confidence) / 2)
}

/// A proportion `successes / trials` with its Wilson score interval.
///
/// Matches `statsmodels.stats.proportion.proportion_confint(count, nobs, alpha, method="wilson")`,
/// including the clipping of the bounds to [0, 1]. With zero trials the estimate and the interval
/// are NaN.
public struct Proportion: Sendable, Equatable {
    public let successes: Int
    public let trials: Int
    public let confidence: Double
    /// successes / trials.
    public let estimate: Double
    /// The Wilson score interval at `confidence`.
    public let interval: Interval

    /// - Parameters:
    ///   - successes: the count of successes, 0 ≤ successes ≤ trials.
    ///   - trials: the count of trials.
    ///   - confidence: the two-sided confidence level, 0.95 by default.
    public init(successes: Int, trials: Int, confidence: Double = 0.95) {
        precondition(successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials")
        if trials == 0 {
            self.successes = 0; self.trials = 0; self.confidence = confidence
            estimate = .nan; interval = Interval(lower: .nan, upper: .nan)
            return
        }
        self.successes = successes
        self.trials = trials
        self.confidence = confidence
        let n = Double(trials)
        let p = Double(successes) / n
        estimate = p
        let z = normalCriticalValue(confidence: confidence)
        let z2 = z * z
        // centre = (p + z²/2n)/(1 + z²/n); half-width = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n).
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        // At the ends the bounds are exactly 0 and 1 (centre − half cancels to ±1 ulp otherwise).
        interval = Interval(lower: successes == 0 ? 0 : clip01(centre - half),
                            upper: successes == trials ? 1 : clip01(centre + half))
    }
}

/// The difference of two independent proportions p₁ − p₂ with Newcombe's hybrid score interval
/// (Newcombe 1998, "Interval estimation for the difference between independent proportions",
/// method 10): with the Wilson intervals (l₁, u₁) and (l₂, u₂) of each proportion at the same
/// confidence,
///
///     lower = (p₁ − p₂) − √((p₁ − l₁)² + (u₂ − p₂)²)
///     upper = (p₁ − p₂) + √((u₁ − p₁)² + (p₂ − l₂)²)
///
/// Matches `statsmodels.stats.proportion.confint_proportions_2indep(count1, nobs1, count2, nobs2,
/// method="newcomb", compare="diff", alpha)`.
public struct ProportionDifference: Sendable, Equatable {
    public let first: Proportion
    public let second: Proportion
    /// p₁ − p₂.
    public let estimate: Double
    /// Newcombe's hybrid score interval for p₁ − p₂.
    public let interval: Interval

    public init(first: Proportion, second: Proportion) {
        precondition(first.confidence == second.confidence, "both proportions need the same confidence")
        self.first = first
        self.second = second
        let p1 = first.estimate, p2 = second.estimate
        let (l1, u1) = (first.interval.lower, first.interval.upper)
        let (l2, u2) = (second.interval.lower, second.interval.upper)
        estimate = p1 - p2
        let dLow = ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
        let dUp = ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
        interval = Interval(lower: estimate - dLow, upper: estimate + dUp)
    }

    /// The difference successes1/trials1 − successes2/trials2 at `confidence`.
    public init(successes1: Int, trials1: Int, successes2: Int, trials2: Int, confidence: Double = 0.95) {
        self.init(first: Proportion(successes: successes1, trials: trials1, confidence: confidence),
                  second: Proportion(successes: successes2, trials: trials2, confidence: confidence))
    }
}

func clip01(_ x: Double) -> Double { x.isNaN ? x : min(max(x, 0), 1) }
