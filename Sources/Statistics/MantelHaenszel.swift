import Foundation

/// The Cochran–Mantel–Haenszel analysis of a set of 2×2 tables, one per stratum (in Fluke, one
/// per task): a test that the common odds ratio is 1 and the Mantel–Haenszel estimate of that
/// common odds ratio with a confidence interval.
///
/// Matches `statsmodels.stats.contingency_tables.StratifiedTable(tables)`:
/// - `statistic` / `correctedStatistic` = `test_null_odds(correction=False/True).statistic`:
///   (|Σₖ(aₖ − E aₖ)| − c)² / Σₖ Var aₖ with E aₖ = r₁ₖc₁ₖ/nₖ,
///   Var aₖ = r₁ₖr₂ₖc₁ₖc₂ₖ/(nₖ²(nₖ − 1)), and c = 0 or ½. Like statsmodels (and unlike R's
///   `mantelhaen.test`, which drops the correction when |Σ(a − E a)| < ½), the ½ is subtracted
///   whatever the size of the difference.
/// - `pValue` / `correctedPValue`: the chi-square (1 df) survival at the statistic. statsmodels
///   computes `1 - chi2.cdf(...)`, which is 0 below about 1e-16; here the survival function is
///   used, so tiny p-values keep their relative precision (they agree with statsmodels to 1e-16
///   absolute).
/// - `oddsRatio` = `oddsratio_pooled`: Σ aₖdₖ/nₖ / Σ bₖcₖ/nₖ.
/// - `oddsRatioInterval` = `oddsratio_pooled_confint(alpha)`: exp(log OR ± z·SE) with the
///   Robins–Breslow–Greenland (1986) variance of log OR.
///
/// Degenerate strata: a stratum with fewer than 2 observations (nₖ < 2) is left out. It carries
/// no information (for nₖ = 1, aₖ − E aₖ = 0 and aₖdₖ = bₖcₖ = 0), but statsmodels divides by
/// nₖ − 1 or nₖ and returns NaN for the whole analysis; leaving it out equals statsmodels on the
/// remaining strata. Strata with a zero margin stay in: they contribute zero to every sum. When
/// nothing is left (or every variance is 0) the statistics are NaN, and the odds ratio is
/// NaN/∞/0 as the sums dictate (0/0, x/0, 0/x).
public struct MantelHaenszel: Sendable, Equatable {
    /// The strata as given.
    public let tables: [Table2x2]
    /// How many strata were used (nₖ ≥ 2).
    public let strataUsed: Int
    public let confidence: Double
    /// The CMH chi-square statistic without continuity correction.
    public let statistic: Double
    public let pValue: Double
    /// The CMH chi-square statistic with the continuity correction ½.
    public let correctedStatistic: Double
    public let correctedPValue: Double
    /// The Mantel–Haenszel common odds ratio.
    public let oddsRatio: Double
    /// The Robins–Breslow–Greenland standard error of log(oddsRatio).
    public let logOddsRatioStandardError: Double
    /// exp(log OR ± z·SE) at `confidence`.
    public let oddsRatioInterval: Interval

    public init(_ tables: [Table2x2], confidence: Double = 0.95) {
        self.tables = tables
        self.confidence = confidence
        let used = tables.filter { $0.total >= 2 }
        strataUsed = used.count
        var deviation = 0.0, variance = 0.0
        var r = 0.0, s = 0.0            // Σ ad/n, Σ bc/n
        // Robins–Breslow–Greenland sums, with Pₖ = (aₖ + dₖ)/nₖ, Qₖ = 1 − Pₖ, Rₖ = aₖdₖ/nₖ,
        // Sₖ = bₖcₖ/nₖ: Σ PR, Σ (PS + QR), Σ QS.
        var pr = 0.0, psqr = 0.0, qs = 0.0
        for t in used {
            let (a, b, c, d) = (Double(t.a), Double(t.b), Double(t.c), Double(t.d))
            let n = Double(t.total)
            let r1 = a + b, r2 = c + d, c1 = a + c, c2 = b + d
            deviation += a - r1 * c1 / n
            variance += r1 * r2 * c1 * c2 / (n * n * (n - 1))
            let rk = a * d / n, sk = b * c / n
            let pk = (a + d) / n, qk = 1 - (a + d) / n
            r += rk; s += sk
            pr += pk * rk
            psqr += pk * sk + qk * rk
            qs += qk * sk
        }
        let dev = abs(deviation)
        statistic = used.isEmpty ? .nan : dev * dev / variance
        correctedStatistic = used.isEmpty ? .nan : (dev - 0.5) * (dev - 0.5) / variance
        pValue = ChiSquared1.survival(statistic)
        correctedPValue = ChiSquared1.survival(correctedStatistic)
        oddsRatio = r / s
        // Var(log OR) = Σ PR/(2R²) + Σ(PS + QR)/(2RS) + Σ QS/(2S²).
        let v = pr / (r * r) / 2 + psqr / (r * s) / 2 + qs / (s * s) / 2
        logOddsRatioStandardError = v.squareRoot()
        let z = normalCriticalValue(confidence: confidence)
        let lor = log(oddsRatio)
        oddsRatioInterval = Interval(lower: exp(lor - z * logOddsRatioStandardError),
                                     upper: exp(lor + z * logOddsRatioStandardError))
    }
}
