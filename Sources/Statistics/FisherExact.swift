import Foundation

/// A 2×2 table of counts:
///
///                 column 1   column 2
///     row 1           a          b
///     row 2           c          d
///
/// In Fluke's use the rows are usually TP/FP and the columns adheres/violates.
public struct Table2x2: Sendable, Equatable, Hashable {
    public var a: Int, b: Int, c: Int, d: Int
    public init(a: Int, b: Int, c: Int, d: Int) {
        precondition(a >= 0 && b >= 0 && c >= 0 && d >= 0, "counts must be non-negative")
        self.a = a; self.b = b; self.c = c; self.d = d
    }
    /// `[[a, b], [c, d]]`.
    public init(_ rows: [[Int]]) {
        precondition(rows.count == 2 && rows[0].count == 2 && rows[1].count == 2, "need a 2×2 table")
        self.init(a: rows[0][0], b: rows[0][1], c: rows[1][0], d: rows[1][1])
    }
    public var total: Int { a + b + c + d }
    public var row1: Int { a + b }
    public var row2: Int { c + d }
    public var column1: Int { a + c }
    public var column2: Int { b + d }

    /// The sample (unconditional maximum-likelihood) odds ratio a·d/(b·c), as scipy's
    /// `fisher_exact` reports it: +∞ when b or c is 0, NaN when a row or column sums to 0.
    public var sampleOddsRatio: Double {
        if row1 == 0 || row2 == 0 || column1 == 0 || column2 == 0 { return .nan }
        if b > 0 && c > 0 { return (Double(a) * Double(d)) / (Double(b) * Double(c)) }
        return .infinity
    }
}

/// Which way a test looks.
public enum Alternative: String, Sendable, CaseIterable {
    case twoSided = "two-sided"
    /// The first group's parameter (odds ratio, location) is less than under the null.
    case less
    /// … greater than under the null.
    case greater
}

/// Fisher's exact test on a 2×2 table.
///
/// Matches `scipy.stats.fisher_exact(table, alternative)`: the statistic is the sample odds ratio
/// (`Table2x2.sampleOddsRatio`) and, for the two-sided test, the p-value is the sum of the
/// hypergeometric probabilities of all tables with the observed margins whose probability is at
/// most the observed table's times (1 + 10⁻¹⁴) (scipy's relative tolerance for ties); a table
/// whose probability equals the mode's (same tolerance) gets p = 1. A row or column of zeros
/// gives odds ratio NaN and p = 1.
///
/// Computation: the probabilities are formed relative to the mode from the exact ratio of
/// neighbouring hypergeometric terms, accumulated in log space with compensated summation, so
/// there is no factorial or `lgamma` of large counts, the relative error is about 1e-13 even for
/// counts in the tens of thousands, and p-values far below 1e-300 come out right until they
/// underflow the Double range (≈ 5e-324).
public struct FisherExactTest: Sendable, Equatable {
    public let table: Table2x2
    public let alternative: Alternative
    /// The sample odds ratio a·d/(b·c).
    public let oddsRatio: Double
    public let pValue: Double

    /// scipy's relative tolerance when comparing table probabilities.
    public static let relativeTolerance = 1e-14

    public init(_ table: Table2x2, alternative: Alternative = .twoSided) {
        self.table = table
        self.alternative = alternative
        oddsRatio = table.sampleOddsRatio
        if table.row1 == 0 || table.row2 == 0 || table.column1 == 0 || table.column2 == 0 {
            pValue = 1
            return
        }
        let h = Hypergeometric(population: table.total, successes: table.row1, draws: table.column1)
        let x = table.a
        switch alternative {
        case .less:
            pValue = min(1, h.probability(where: { $0 <= x }))
        case .greater:
            pValue = min(1, h.probability(where: { $0 >= x }))
        case .twoSided:
            let observed = h.logWeight(x)
            // Probability equal to the mode's (relative tolerance): p = 1.
            if -expm1(observed) <= FisherExactTest.relativeTolerance {
                pValue = 1
                return
            }
            let threshold = observed + log1p(FisherExactTest.relativeTolerance)
            pValue = min(1, h.probability(whereLogWeight: { _, w in w <= threshold }))
        }
    }

    /// Fisher's test on `[[a, b], [c, d]]`.
    public init(a: Int, b: Int, c: Int, d: Int, alternative: Alternative = .twoSided) {
        self.init(Table2x2(a: a, b: b, c: c, d: d), alternative: alternative)
    }
}

/// The hypergeometric distribution of the top-left cell given the margins: `draws` items from a
/// population of `population` of which `successes` are successes. Stores log-probabilities
/// relative to the mode (the mode has log-weight 0).
struct Hypergeometric {
    let low: Int, high: Int, mode: Int
    /// logWeights[x − low] = log(pmf(x)/pmf(mode)).
    let logWeights: [Double]
    /// log Σ exp(logWeights) = −log pmf(mode).
    let logTotal: Double

    init(population N: Int, successes K: Int, draws n: Int) {
        low = max(0, n - (N - K))
        high = min(n, K)
        mode = min(max((n + 1) * (K + 1) / (N + 2), low), high)
        var w = [Double](repeating: 0, count: high - low + 1)
        // pmf(x+1)/pmf(x) = (K − x)(n − x) / ((x + 1)(N − K − n + x + 1)), exact integers in
        // Double. Its log is taken as ±log1p(|num − den|/min(num, den)) (num − den is exact), which
        // is antisymmetric: log(num/den) = −log(den/num) bit for bit, so tables that tie exactly
        // (mirror images) get bit-identical weights and scipy's 1e-14 tie rule sees the tie.
        func logRatioUp(_ x: Int) -> Double {
            let num = Double(K - x) * Double(n - x)
            let den = Double(x + 1) * Double(N - K - n + x + 1)
            return num >= den ? log1p((num - den) / den) : -log1p((den - num) / num)
        }
        var sum = 0.0, comp = 0.0  // Neumaier summation
        func add(_ v: Double) {
            let t = sum + v
            if abs(sum) >= abs(v) { comp += (sum - t) + v } else { comp += (v - t) + sum }
            sum = t
        }
        if mode < high {
            sum = 0; comp = 0
            for x in mode..<high {
                add(logRatioUp(x))
                w[x + 1 - low] = sum + comp
            }
        }
        if mode > low {
            sum = 0; comp = 0
            for x in stride(from: mode - 1, through: low, by: -1) {
                add(-logRatioUp(x))
                w[x - low] = sum + comp
            }
        }
        logWeights = w
        logTotal = Hypergeometric.logSumExp(w[...])
    }

    func logWeight(_ x: Int) -> Double {
        (x < low || x > high) ? -.infinity : logWeights[x - low]
    }

    /// P(X in the set chosen by `include`).
    func probability(where include: (Int) -> Bool) -> Double {
        probability(whereLogWeight: { x, _ in include(x) })
    }

    func probability(whereLogWeight include: (Int, Double) -> Bool) -> Double {
        var chosen: [Double] = []
        for (i, w) in logWeights.enumerated() where include(low + i, w) { chosen.append(w) }
        if chosen.isEmpty { return 0 }
        return exp(Hypergeometric.logSumExp(chosen[...]) - logTotal)
    }

    static func logSumExp(_ values: ArraySlice<Double>) -> Double {
        guard let m = values.max(), m.isFinite else { return values.max() ?? -.infinity }
        // Sum from the smallest terms up for accuracy.
        var s = 0.0
        for v in values.sorted() { s += exp(v - m) }
        return m + log(s)
    }
}
