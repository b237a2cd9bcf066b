import Foundation

/// Midranks (1-based, ties get the average of their ranks) and the sizes of the groups of ties.
func midranks(_ values: [Double]) -> (ranks: [Double], tieSizes: [Int]) {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var sizes: [Int] = []
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
        let rank = Double(i + j + 2) / 2  // average of ranks i+1 … j+1
        for k in i...j { ranks[order[k]] = rank }
        sizes.append(j - i + 1)
        i = j + 1
    }
    return (ranks, sizes)
}

/// min(p, 1), keeping NaN (Swift's `min(1, .nan)` is 1).
func cappedAtOne(_ p: Double) -> Double { p.isNaN ? p : min(p, 1) }

/// How a rank test computes its p-value.
public enum RankTestMethod: String, Sendable {
    /// scipy's `method='auto'` choice (see each test).
    case automatic = "auto"
    /// The normal approximation with tie correction.
    case asymptotic
    /// The exact null distribution (meant for samples without ties; with ties the statistic is
    /// rounded conservatively as scipy does).
    case exact
}

/// The Mann–Whitney U test of two independent samples (two-sided), with effect sizes.
///
/// Matches `scipy.stats.mannwhitneyu(x, y, use_continuity, alternative="two-sided", method)`:
/// - `u` is U₁ = R₁ − n₁(n₁+1)/2 (R₁ the sum of x's midranks in the pooled sample), the
///   statistic scipy returns.
/// - asymptotic: z = (max(U₁, U₂) − n₁n₂/2 − ½)/σ with σ² = n₁n₂/12·((n+1) − Σ(t³ − t)/(n(n−1)))
///   (tie correction; the ½ only with `useContinuity`), p = 2·P(Z > z), capped at 1. When every
///   value ties, σ = 0 and, as in scipy, p is 1 with the continuity correction (z = −∞) and NaN
///   without (z = 0/0).
/// - exact: p = 2·P(U ≥ max(U₁, U₂)) under the null distribution of U without ties, capped at 1.
/// - automatic (scipy's default): exact when there are no ties and either sample has at most 8
///   values, asymptotic otherwise.
///
/// Effect sizes: `auc` = U₁/(n₁n₂) = P(X > Y) + ½P(X = Y) (the common-language effect size) and
/// Cliff's δ = P(X > Y) − P(X < Y) = 2·auc − 1. An empty sample gives NaN everywhere.
public struct MannWhitneyU: Sendable, Equatable {
    public let n1: Int
    public let n2: Int
    /// U₁, the statistic for the first sample.
    public let u: Double
    public let pValue: Double
    /// The method actually used (never `.automatic`).
    public let method: RankTestMethod
    /// U₁/(n₁n₂).
    public let auc: Double
    /// P(X > Y) − P(X < Y).
    public let cliffsDelta: Double

    public init(_ x: [Double], _ y: [Double], useContinuity: Bool = true, method: RankTestMethod = .automatic) {
        n1 = x.count; n2 = y.count
        guard n1 > 0 && n2 > 0 else {
            u = .nan; pValue = .nan; self.method = method == .automatic ? .asymptotic : method
            auc = .nan; cliffsDelta = .nan
            return
        }
        let (ranks, ties) = midranks(x + y)
        let m1 = Double(n1), m2 = Double(n2)
        var r1 = 0.0
        for i in 0..<n1 { r1 += ranks[i] }
        let u1 = r1 - m1 * (m1 + 1) / 2
        let u2 = m1 * m2 - u1
        u = u1
        auc = u1 / (m1 * m2)
        cliffsDelta = (u1 - u2) / (m1 * m2)
        let big = max(u1, u2)
        var chosen = method
        if chosen == .automatic {
            chosen = (n1 > 8 && n2 > 8) || ties.contains(where: { $0 > 1 }) ? .asymptotic : .exact
        }
        self.method = chosen
        if chosen == .exact {
            pValue = min(1, 2 * MannWhitneyU.exactUpperTail(Int(big.rounded(.down)), n1, n2))
        } else {
            let n = m1 + m2
            let tieTerm = ties.reduce(0.0) { $0 + pow(Double($1), 3) - Double($1) }
            let sigma = (m1 * m2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
            var numerator = big - m1 * m2 / 2
            if useContinuity { numerator -= 0.5 }
            let z = numerator / sigma
            pValue = cappedAtOne(2 * Normal.survival(z))
        }
    }

    /// P(U ≥ k) for samples of sizes m and n without ties. The frequencies of U are the
    /// coefficients of the Gaussian binomial [m+n choose m]_q, built as
    /// Π_{i=1}^{min} (1 − q^{max+i})/(1 − q^i); the smaller tail is summed.
    static func exactUpperTail(_ k: Int, _ m: Int, _ n: Int) -> Double {
        let small = min(m, n), large = max(m, n)
        let top = small * large
        var f = [Double](repeating: 0, count: top + 1)
        f[0] = 1
        var degree = 0
        for i in 1...max(small, 1) where small > 0 {
            // Multiply by (1 − q^{large+i}).
            let shift = large + i
            degree += shift
            for e in stride(from: min(degree, top), through: shift, by: -1) { f[e] -= f[e - shift] }
            // Divide by (1 − q^i): running sum with stride i.
            if i <= top { for e in i...top { f[e] += f[e - i] } }
        }
        let total = f.reduce(0, +)
        if k <= 0 { return 1 }
        if k > top { return 0 }
        // P(U ≥ k) = P(U ≤ top − k) by symmetry; sum the side with fewer terms.
        let complement = top - k
        if complement < k {
            return f[0...complement].reduce(0, +) / total
        }
        return 1 - f[0..<k].reduce(0, +) / total
    }
}

/// The Wilcoxon signed-rank test of paired differences (two-sided), zeros dropped
/// (`zero_method="wilcox"`).
///
/// Matches `scipy.stats.wilcoxon(d, zero_method="wilcox", correction, alternative="two-sided",
/// method)`:
/// - `statistic` = min(R⁺, R⁻), the ranks being midranks of |d| over the non-zero differences.
/// - asymptotic: z = (R⁺ − m(m+1)/4)/σ, σ² = (m(m+1)(2m+1) − Σ(t³ − t)/2)/24 over the m non-zero
///   differences (tie correction), minus sign(z)·½/σ with `continuityCorrection`;
///   p = 2·P(Z > |z|).
/// - exact: 2·min(P(R⁺ ≥ ⌊R⁺⌋), P(R⁺ ≤ ⌈R⁺⌉)) under the exact null distribution, capped at 1.
/// - permutation: with ties or zeros and at most 13 differences, scipy's default is an exact
///   permutation test over all 2ⁿ sign flips; it is done here by enumeration, with scipy's
///   comparison tolerance (100·ε relative).
/// - automatic (scipy's default): more than 50 differences (zeros included) → asymptotic; else no
///   ties and no zeros → exact; else at most 13 → permutation; else asymptotic.
/// No differences at all → NaN. All differences zero → p = 1 by permutation (n ≤ 13) or NaN
/// (asymptotic: σ = 0), as scipy.
public struct WilcoxonSignedRank: Sendable, Equatable {
    public enum Method: String, Sendable { case asymptotic, exact, permutation }
    public let count: Int
    /// How many differences were zero (and dropped).
    public let zeros: Int
    /// R⁺, the sum of the ranks of the positive differences.
    public let rPlus: Double
    /// R⁻.
    public let rMinus: Double
    /// min(R⁺, R⁻), the statistic scipy returns for the two-sided test.
    public var statistic: Double { min(rPlus, rMinus) }
    public let pValue: Double
    public let method: Method

    /// - Parameters:
    ///   - differences: the paired differences (e.g. per-task FP rate − TP rate).
    ///   - continuityCorrection: scipy's `correction` (asymptotic method only), false by default.
    ///   - method: `.automatic` (scipy's default), `.asymptotic` or `.exact`.
    public init(_ differences: [Double], continuityCorrection: Bool = false, method: RankTestMethod = .automatic) {
        count = differences.count
        let nonzero = differences.filter { $0 != 0 }
        zeros = count - nonzero.count
        let (ranks, ties) = midranks(nonzero.map(abs))
        var plus = 0.0, minus = 0.0
        for (i, d) in nonzero.enumerated() { if d > 0 { plus += ranks[i] } else { minus += ranks[i] } }
        rPlus = plus; rMinus = minus
        let hasTies = ties.contains { $0 > 1 }
        var chosen: Method
        switch method {
        case .asymptotic: chosen = .asymptotic
        case .exact: chosen = .exact
        case .automatic:
            if count > 50 { chosen = .asymptotic }
            else if !hasTies && zeros == 0 { chosen = .exact }
            else if count <= 13 { chosen = .permutation }
            else { chosen = .asymptotic }
        }
        self.method = chosen
        if count == 0 { pValue = .nan; return }
        let m = Double(nonzero.count)
        switch chosen {
        case .asymptotic:
            let mean = m * (m + 1) / 4
            let tieTerm = ties.reduce(0.0) { $0 + pow(Double($1), 3) - Double($1) }
            let se = ((m * (m + 1) * (2 * m + 1) - tieTerm / 2) / 24).squareRoot()
            var z = (plus - mean) / se
            if continuityCorrection { z -= (z > 0 ? 1 : (z < 0 ? -1 : 0)) * 0.5 / se }
            pValue = cappedAtOne(2 * Normal.survival(abs(z)))
        case .exact:
            let freq = WilcoxonSignedRank.exactFrequencies(nonzero.count)
            let total = freq.reduce(0, +)
            let floorK = Int(plus.rounded(.down)), ceilK = Int(plus.rounded(.up))
            let upper = freq[min(max(floorK, 0), freq.count)...].reduce(0, +) / total
            let lower = freq[0...min(max(ceilK, 0), freq.count - 1)].reduce(0, +) / total
            pValue = min(1, 2 * min(upper, lower))
        case .permutation:
            // Enumerate the 2^m sign patterns of the non-zero differences (flipping a zero changes
            // nothing, so the proportions equal scipy's over 2^n).
            let k = nonzero.count
            let gamma = abs(100 * Double.ulpOfOne * plus)
            var less = 0, greater = 0
            for mask in 0..<(1 << k) {
                var s = 0.0
                for i in 0..<k where mask & (1 << i) != 0 { s += ranks[i] }
                if s <= plus + gamma { less += 1 }
                if s >= plus - gamma { greater += 1 }
            }
            let n = Double(1 << k)
            pValue = min(1, 2 * min(Double(less) / n, Double(greater) / n))
        }
    }

    /// Frequencies of R⁺ = 0 … n(n+1)/2 for n differences without ties: the coefficients of
    /// Π_{i=1}^{n} (1 + q^i). Exact in Double up to n = 50 (total 2^50).
    static func exactFrequencies(_ n: Int) -> [Double] {
        let top = n * (n + 1) / 2
        var f = [Double](repeating: 0, count: top + 1)
        f[0] = 1
        var degree = 0
        for i in stride(from: 1, through: n, by: 1) {
            degree += i
            for e in stride(from: degree, through: i, by: -1) { f[e] += f[e - i] }
        }
        return f
    }
}
