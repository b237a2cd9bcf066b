import Foundation

/// The arithmetic mean (NaN for no values).
public func mean(_ values: [Double]) -> Double {
    values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
}

/// The sample variance with `ddof` degrees of freedom subtracted (1: the unbiased sample
/// variance, as `numpy.var(x, ddof=1)`); NaN when count ≤ ddof. Two-pass for accuracy.
public func variance(_ values: [Double], ddof: Int = 1) -> Double {
    guard values.count > ddof else { return .nan }
    let m = mean(values)
    var s = 0.0
    for v in values { s += (v - m) * (v - m) }
    return s / Double(values.count - ddof)
}

/// √variance(values, ddof).
public func standardDeviation(_ values: [Double], ddof: Int = 1) -> Double {
    variance(values, ddof: ddof).squareRoot()
}

/// The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics: with the n
/// values sorted x₀ ≤ … ≤ x_{n−1}, h = (n − 1)·q, the result is x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋₊₁ − x_⌊h⌋).
/// This is numpy's default (`numpy.quantile(x, q, method="linear")`, Hyndman & Fan type 7,
/// R's default). NaN for no values.
public func quantile(_ values: [Double], _ q: Double) -> Double {
    quantile(sorted: values.sorted(), q)
}

/// `quantile` on values already sorted ascending.
public func quantile(sorted x: [Double], _ q: Double) -> Double {
    precondition(q >= 0 && q <= 1, "q must be in [0, 1]")
    guard !x.isEmpty else { return .nan }
    let h = Double(x.count - 1) * q
    let lo = Int(h.rounded(.down))
    if lo >= x.count - 1 { return x[x.count - 1] }
    let t = h - Double(lo)
    let a = x[lo], b = x[lo + 1]
    if t == 0 { return a }
    // numpy's lerp: a + t(b − a), or b − (1 − t)(b − a) for t ≥ ½ (exact at the ends).
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
}

/// The median: the ½-quantile (the mean of the two middle values for an even count).
public func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

/// A five-number summary with the mean and standard deviation.
public struct Summary: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// The sample standard deviation (ddof = 1); NaN for fewer than 2 values.
    public let standardDeviation: Double
    public let minimum: Double
    /// The quartiles by `quantile` (linear interpolation, numpy's default).
    public let firstQuartile: Double
    public let median: Double
    public let thirdQuartile: Double
    public let maximum: Double

    public init(_ values: [Double]) {
        let x = values.sorted()
        count = x.count
        mean = Statistics.mean(values)
        standardDeviation = Statistics.standardDeviation(values)
        minimum = x.first ?? .nan
        maximum = x.last ?? .nan
        firstQuartile = quantile(sorted: x, 0.25)
        median = quantile(sorted: x, 0.5)
        thirdQuartile = quantile(sorted: x, 0.75)
    }
}

/// Counts of `values` in the bins given by ascending `edges` (k + 1 edges make k bins), as
/// `numpy.histogram(values, bins=edges)[0]`: each bin is [eᵢ, eᵢ₊₁) except the last, which is
/// closed [e_{k−1}, e_k]. Values outside [e₀, e_k] and NaNs are not counted.
public func histogram(_ values: [Double], edges: [Double]) -> [Int] {
    precondition(edges.count >= 2, "need at least two edges")
    precondition(zip(edges, edges.dropFirst()).allSatisfy { $0 <= $1 }, "edges must be ascending")
    var counts = [Int](repeating: 0, count: edges.count - 1)
    let first = edges[0], last = edges[edges.count - 1]
    for v in values where v >= first && v <= last {
        if v == last { counts[counts.count - 1] += 1; continue }
        // The last edge ≤ v: binary search for the bin index.
        var lo = 0, hi = edges.count - 1  // edges[lo] ≤ v < edges[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if edges[mid] <= v { lo = mid } else { hi = mid }
        }
        counts[lo] += 1
    }
    return counts
}

/// A paired comparison summarised by the mean of the per-pair differences (in Fluke: per task),
/// with Student's t-interval and the one-sample t-test of mean 0.
///
/// Matches `scipy.stats.ttest_1samp(d, 0)` (statistic, two-sided p-value) and its
/// `confidence_interval(confidence)`: mean ± t_{1−α/2, n−1}·s/√n with s the sample standard
/// deviation. NaN with fewer than 2 differences; with all differences equal the standard error
/// is 0 and the statistic ±∞ or NaN, as in scipy.
public struct PairedDifference: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    public let standardDeviation: Double
    public let standardError: Double
    public let confidence: Double
    public let interval: Interval
    /// mean / standardError.
    public let tStatistic: Double
    /// 2·P(T_{n−1} > |t|).
    public let pValue: Double

    public init(differences d: [Double], confidence: Double = 0.95) {
        count = d.count
        self.confidence = confidence
        mean = Statistics.mean(d)
        standardDeviation = Statistics.standardDeviation(d)
        standardError = standardDeviation / Double(d.count).squareRoot()
        let t = StudentT(degreesOfFreedom: Double(d.count - 1))
        let critical = d.count >= 2 ? t.quantile(1 - (1 - confidence) / 2) : .nan
        interval = Interval(lower: mean - critical * standardError, upper: mean + critical * standardError)
        tStatistic = mean / standardError
        pValue = d.count >= 2 ? min(1, 2 * t.survival(abs(tStatistic))) : .nan
    }

    /// The differences first[i] − second[i].
    public init(_ first: [Double], _ second: [Double], confidence: Double = 0.95) {
        precondition(first.count == second.count, "paired samples need equal lengths")
        self.init(differences: zip(first, second).map { $0 - $1 }, confidence: confidence)
    }
}
