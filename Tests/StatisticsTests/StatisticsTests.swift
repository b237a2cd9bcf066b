import Foundation
import Testing
@testable import Statistics

// Every statistic against scipy/statsmodels (Fixtures/statistics.json, made by
// Scripts/reference/statistics_fixtures.py). Tolerance: 1e-9 relative everywhere (1e-12 for the
// normal quantile and the chi-square survival). An absolute tolerance is added only
// - where the value is a difference that can be 0 or tiny by cancellation (Wilson and Newcombe
//   bounds, means, Cliff's δ, quantiles): 1e-12 on quantities of order 1;
// - for the t distribution and the incomplete beta function: 1e-300, so a value that scipy
//   underflows to 0 and we give as a subnormal (e.g. 5e-322) counts as equal.
// Test p-values (Fisher, CMH, Mann–Whitney, Wilcoxon, t-test, BH) get no absolute tolerance: they
// match relatively down to the smallest (Fisher's include 7.4e-300).

@Suite struct DistributionTests {
    @Test func normal() {
        var c = Comparison("normal cdf/sf")
        for f in Fixture.cases("normal") {
            let x = f.double("x")
            c.check(Normal.cdf(x), f.double("cdf"), "cdf(\(x))")
            c.check(Normal.survival(x), f.double("sf"), "sf(\(x))")
        }
        c.report()
    }

    @Test func normalQuantile() {
        var c = Comparison("normal quantile", relative: 1e-12)
        for f in Fixture.cases("normal_quantile") {
            let p = f.double("p")
            c.check(Normal.quantile(p), f.double("x"), "quantile(\(p))")
        }
        c.report()
    }

    @Test func chiSquared() {
        var c = Comparison("chi2(1) sf", relative: 1e-12)
        for f in Fixture.cases("chi2_1") {
            c.check(ChiSquared1.survival(f.double("x")), f.double("sf"), "sf(\(f.double("x")))")
        }
        c.report()
    }

    @Test func studentT() {
        var c = Comparison("t cdf/sf", absolute: 1e-300)
        for f in Fixture.cases("t") {
            let t = StudentT(degreesOfFreedom: f.double("df"))
            let x = f.double("t")
            c.check(t.cdf(x), f.double("cdf"), "cdf(\(x); \(t.degreesOfFreedom))")
            c.check(t.survival(x), f.double("sf"), "sf(\(x); \(t.degreesOfFreedom))")
        }
        c.report()
    }

    @Test func studentTQuantile() {
        var c = Comparison("t quantile")
        for f in Fixture.cases("t_quantile") {
            let t = StudentT(degreesOfFreedom: f.double("df"))
            let p = f.double("p")
            c.check(t.quantile(p), f.double("q"), "quantile(\(p); \(t.degreesOfFreedom))")
        }
        c.report()
    }

    @Test func incompleteBeta() {
        var c = Comparison("incomplete beta", absolute: 1e-300)
        for f in Fixture.cases("incomplete_beta") {
            let (a, b, x) = (f.double("a"), f.double("b"), f.double("x"))
            c.check(regularizedIncompleteBeta(a: a, b: b, x: x), f.double("value"), "I(\(x); \(a), \(b))")
        }
        c.report()
    }
}

@Suite struct ProportionTests {
    @Test func wilson() {
        var c = Comparison("Wilson", absolute: 1e-12)
        for f in Fixture.cases("wilson") {
            let p = Proportion(successes: f.int("successes"), trials: f.int("trials"),
                               confidence: f.double("confidence"))
            let what = "\(p.successes)/\(p.trials) at \(p.confidence)"
            c.check(p.estimate, f.double("estimate"), "estimate \(what)")
            c.check(p.interval.lower, f.double("lower"), "lower \(what)")
            c.check(p.interval.upper, f.double("upper"), "upper \(what)")
        }
        c.report()
    }

    @Test func newcombe() {
        var c = Comparison("Newcombe", absolute: 1e-12)
        for f in Fixture.cases("newcombe") {
            let d = ProportionDifference(successes1: f.int("successes1"), trials1: f.int("trials1"),
                                         successes2: f.int("successes2"), trials2: f.int("trials2"),
                                         confidence: f.double("confidence"))
            let what = "\(f.int("successes1"))/\(f.int("trials1")) − \(f.int("successes2"))/\(f.int("trials2"))"
            c.check(d.estimate, f.double("estimate"), "estimate \(what)")
            c.check(d.interval.lower, f.double("lower"), "lower \(what)")
            c.check(d.interval.upper, f.double("upper"), "upper \(what)")
        }
        c.report()
    }
}

@Suite struct TestTests {
    @Test func fisher() {
        var c = Comparison("Fisher exact")
        for f in Fixture.cases("fisher") {
            let t = f.ints("table")
            let alternative = Alternative(rawValue: f.string("alternative"))!
            let r = FisherExactTest(a: t[0], b: t[1], c: t[2], d: t[3], alternative: alternative)
            c.check(r.oddsRatio, f.double("odds_ratio"), "odds ratio \(t)")
            c.check(r.pValue, f.double("p_value"), "p \(t) \(alternative)")
            c.check(r.pValue, f.double("p_exact"), "exact p \(t) \(alternative)")
        }
        c.report()
    }

    @Test func benjaminiHochbergMatches() {
        var c = Comparison("Benjamini-Hochberg")
        for f in Fixture.cases("benjamini_hochberg") {
            let adjusted = benjaminiHochberg(f.doubles("p"))
            let expected = f.doubles("adjusted")
            #expect(adjusted.count == expected.count)
            for (i, (a, e)) in zip(adjusted, expected).enumerated() { c.check(a, e, "BH[\(i)] of \(expected.count)") }
        }
        c.report()
    }

    @Test func benjaminiHochbergNaN() {
        let adjusted = benjaminiHochberg([0.01, .nan, 0.04])
        #expect(adjusted[1].isNaN)
        #expect(abs(adjusted[0] - 0.02) < 1e-15 && abs(adjusted[2] - 0.04) < 1e-15)
        #expect(benjaminiHochberg([]).isEmpty)
    }

    @Test func cochranMantelHaenszel() {
        var c = Comparison("CMH")
        for f in Fixture.cases("cmh") {
            let tables = (f["tables"] as! [[Any]]).map { row in
                let v = ["t": row].ints("t")
                return Table2x2(a: v[0], b: v[1], c: v[2], d: v[3])
            }
            let r = MantelHaenszel(tables, confidence: f.double("confidence"))
            let what = "\(tables.count) strata"
            c.check(r.statistic, f.double("statistic"), "statistic \(what)")
            c.check(r.pValue, f.double("p_value"), "p \(what)")
            c.check(r.correctedStatistic, f.double("statistic_corrected"), "corrected statistic \(what)")
            c.check(r.correctedPValue, f.double("p_value_corrected"), "corrected p \(what)")
            c.check(r.oddsRatio, f.double("odds_ratio"), "odds ratio \(what)")
            c.check(r.logOddsRatioStandardError, f.double("log_odds_ratio_se"), "se \(what)")
            c.check(r.oddsRatioInterval.lower, f.double("lower"), "lower \(what)")
            c.check(r.oddsRatioInterval.upper, f.double("upper"), "upper \(what)")
        }
        c.report()
    }

    @Test func mannWhitney() {
        var c = Comparison("Mann-Whitney", absolute: 1e-12)
        for f in Fixture.cases("mann_whitney") {
            let x = f.doubles("x"), y = f.doubles("y")
            let method: RankTestMethod = switch f.string("method") {
            case "exact": .exact
            case "asymptotic": .asymptotic
            default: .automatic
            }
            let r = MannWhitneyU(x, y, useContinuity: f.bool("use_continuity"), method: method)
            let what = "n=\(x.count),\(y.count) \(method) continuity=\(f.bool("use_continuity"))"
            c.check(r.u, f.double("u"), "U \(what)")
            c.check(r.pValue, f.double("p_value"), "p \(what)")
            c.check(r.auc, f.double("auc"), "AUC \(what)")
            c.check(r.cliffsDelta, f.double("cliffs_delta"), "Cliff's delta \(what)")
        }
        c.report()
    }

    @Test func wilcoxon() {
        var c = Comparison("Wilcoxon signed-rank")
        for f in Fixture.cases("wilcoxon") {
            let d = f.doubles("d")
            let method: RankTestMethod = switch f.string("method") {
            case "exact": .exact
            case "asymptotic": .asymptotic
            default: .automatic
            }
            let r = WilcoxonSignedRank(d, continuityCorrection: f.bool("correction"), method: method)
            let what = "n=\(d.count) \(method) → \(r.method) correction=\(f.bool("correction"))"
            c.check(r.statistic, f.double("statistic"), "statistic \(what)")
            c.check(r.pValue, f.double("p_value"), "p \(what)")
        }
        c.report()
    }

    @Test func pairedT() {
        var c = Comparison("paired t", absolute: 1e-12)
        for f in Fixture.cases("paired_t") {
            let d = f.doubles("d")
            let r = PairedDifference(differences: d, confidence: f.double("confidence"))
            let what = "n=\(d.count) at \(r.confidence)"
            c.check(r.mean, f.double("mean"), "mean \(what)")
            c.check(r.standardDeviation, f.double("sd"), "sd \(what)")
            c.check(r.interval.lower, f.double("lower"), "lower \(what)")
            c.check(r.interval.upper, f.double("upper"), "upper \(what)")
            c.check(r.tStatistic, f.double("t"), "t \(what)")
            c.check(r.pValue, f.double("p_value"), "p \(what)")
        }
        c.report()
    }
}

@Suite struct DescriptiveTests {
    @Test func summaries() {
        var c = Comparison("descriptive", absolute: 1e-12)
        for f in Fixture.cases("descriptive") {
            let x = f.doubles("values")
            let s = Summary(x)
            let what = "n=\(x.count)"
            #expect(s.count == x.count)
            c.check(s.mean, f.double("mean"), "mean \(what)")
            c.check(s.standardDeviation, f.double("sd"), "sd \(what)")
            c.check(s.minimum, f.double("min"), "min \(what)")
            c.check(s.maximum, f.double("max"), "max \(what)")
            c.check(s.median, f.double("median"), "median \(what)")
            c.check(median(x), f.double("median"), "median() \(what)")
            c.check(s.firstQuartile, f.double("q1"), "q1 \(what)")
            c.check(s.thirdQuartile, f.double("q3"), "q3 \(what)")
            for pair in f["quantiles"] as! [[Any]] {
                let q = ["q": pair[0]].double("q"), v = ["v": pair[1]].double("v")
                c.check(quantile(x, q), v, "quantile \(q) \(what)")
            }
        }
        c.report()
    }

    @Test func histograms() {
        for f in Fixture.cases("histogram") {
            #expect(histogram(f.doubles("values"), edges: f.doubles("edges")) == f.ints("counts"))
        }
    }
}

@Suite struct PropertyTests {
    /// Fisher's p-value is the same for a table, its transpose and its row swap (tie rule and
    /// log-space weights stay consistent), and large tables are quick.
    @Test func fisherSymmetries() {
        for t in [Table2x2(a: 396, b: 28, c: 28, d: 396), Table2x2(a: 12, b: 7, c: 3, d: 20),
                  Table2x2(a: 50_000, b: 49_000, c: 49_100, d: 50_200)] {
            let p = FisherExactTest(t).pValue
            let transposed = FisherExactTest(Table2x2(a: t.a, b: t.c, c: t.b, d: t.d)).pValue
            let swapped = FisherExactTest(Table2x2(a: t.c, b: t.d, c: t.a, d: t.b)).pValue
            #expect(abs(p - transposed) <= 1e-12 * p && abs(p - swapped) <= 1e-12 * p)
            #expect(p > 0 && p <= 1)
        }
    }

    @Test func proportionEdges() {
        let none = Proportion(successes: 0, trials: 0)
        #expect(none.estimate.isNaN && none.interval.lower.isNaN)
        let all = Proportion(successes: 7, trials: 7)
        #expect(all.interval.upper == 1 && all.interval.lower < 1)
    }

    @Test func mantelHaenszelSkipsTinyStrata() {
        let tables = [Table2x2(a: 3, b: 2, c: 1, d: 4), Table2x2(a: 2, b: 2, c: 2, d: 3)]
        let withTiny = MantelHaenszel(tables + [Table2x2(a: 0, b: 0, c: 0, d: 0), Table2x2(a: 1, b: 0, c: 0, d: 0)])
        let without = MantelHaenszel(tables)
        #expect(withTiny.strataUsed == 2)
        #expect(withTiny.statistic == without.statistic && withTiny.oddsRatio == without.oddsRatio)
    }
}
