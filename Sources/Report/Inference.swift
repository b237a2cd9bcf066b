import Statistics

/// The statistics a report uses, from the `Statistics` module, turned into the report's
/// (Codable, optional where undefined) values.
enum Inference {
    static func finite(_ x: Double) -> Double? { x.isNaN ? nil : x }

    /// A proportion with its Wilson score interval.
    static func proportion(_ successes: Int, _ total: Int, _ confidence: Double) -> Proportion {
        guard total > 0 else { return Proportion(successes: successes, total: total) }
        let p = Statistics.Proportion(successes: successes, trials: total, confidence: confidence)
        return Proportion(successes: successes, total: total, estimate: p.estimate,
                          lower: p.interval.lower, upper: p.interval.upper)
    }

    /// p1 − p2 with Newcombe's hybrid score interval.
    static func difference(_ s1: Int, _ n1: Int, _ s2: Int, _ n2: Int, _ confidence: Double) -> Interval {
        guard n1 > 0, n2 > 0 else { return Interval() }
        let d = ProportionDifference(successes1: s1, trials1: n1, successes2: s2, trials2: n2, confidence: confidence)
        return Interval(estimate: d.estimate, lower: d.interval.lower, upper: d.interval.upper)
    }

    /// Fisher's exact test on adherence (columns) × TP/FP (rows): the odds of adhering, TP over FP.
    static func fisher(_ t: Table) -> (oddsRatio: Double?, pValue: Double) {
        let test = FisherExactTest(Table2x2(a: t.tpAdhere, b: t.tpBreak, c: t.fpAdhere, d: t.fpBreak))
        return (finite(test.oddsRatio), test.pValue)
    }

    /// Benjamini–Hochberg over the values present; nil stays nil.
    static func benjaminiHochberg(_ p: [Double?]) -> [Double?] {
        let present = p.indices.filter { p[$0] != nil }
        let q = Statistics.benjaminiHochberg(present.map { p[$0]! })
        var out = [Double?](repeating: nil, count: p.count)
        for (k, i) in present.enumerated() { out[i] = q[k] }
        return out
    }

    /// Cochran–Mantel–Haenszel across tasks, and the mean of the per-task differences.
    static func withinTask(_ strata: [Table], _ confidence: Double) -> WithinTask {
        let tables = strata.map { Table2x2(a: $0.tpAdhere, b: $0.tpBreak, c: $0.fpAdhere, d: $0.fpBreak) }
        // A task tells TP from FP apart only where some candidates keep the convention and
        // some break it; when no task does, the CMH variance is 0 and there is no test (not p = 0).
        let informative = strata.contains { $0.tpAdhere + $0.fpAdhere > 0 && $0.tpBreak + $0.fpBreak > 0 }
        let mh = MantelHaenszel(tables, confidence: confidence)
        let differences = strata.map {
            Double($0.tpAdhere) / Double($0.tpTotal) - Double($0.fpAdhere) / Double($0.fpTotal)
        }
        let mean: Interval
        if differences.count >= 2 {
            let paired = PairedDifference(differences: differences, confidence: confidence)
            mean = Interval(estimate: paired.mean, lower: finite(paired.interval.lower), upper: finite(paired.interval.upper))
        } else {
            mean = Interval(estimate: differences.first, lower: nil, upper: nil)
        }
        guard informative else {
            return WithinTask(tasks: strata.count, cmhStatistic: nil, pValue: nil, qValue: nil,
                              commonOddsRatio: Interval(), meanDifference: mean)
        }
        return WithinTask(tasks: strata.count, cmhStatistic: finite(mh.correctedStatistic),
                          pValue: finite(mh.correctedPValue), qValue: nil,
                          commonOddsRatio: Interval(estimate: finite(mh.oddsRatio), lower: finite(mh.oddsRatioInterval.lower),
                                                    upper: finite(mh.oddsRatioInterval.upper)),
                          meanDifference: mean)
    }

    /// Mann–Whitney U of TP scores against FP scores (nil unless both have some).
    static func mannWhitney(_ tp: [Double], _ fp: [Double]) -> (u: Double, pValue: Double, auc: Double)? {
        guard !tp.isEmpty, !fp.isEmpty else { return nil }
        let test = MannWhitneyU(tp, fp, method: .asymptotic)
        return (test.u, test.pValue, test.auc)
    }

    /// TP against FP scores task by task: the pooled within-task AUC, and the mean per-task
    /// difference of mean scores with a t interval and a Wilcoxon signed-rank test.
    static func scoresWithinTask(_ strata: [(tp: [Double], fp: [Double])], _ confidence: Double) -> ScoresWithinTask {
        var u = 0.0, pairs = 0.0
        for s in strata {
            u += MannWhitneyU(s.tp, s.fp, method: .asymptotic).u
            pairs += Double(s.tp.count * s.fp.count)
        }
        let differences = strata.map { Statistics.mean($0.tp) - Statistics.mean($0.fp) }
        let mean: Interval
        var p: Double?
        if differences.count >= 2 {
            let paired = PairedDifference(differences: differences, confidence: confidence)
            mean = Interval(estimate: paired.mean, lower: finite(paired.interval.lower), upper: finite(paired.interval.upper))
            p = finite(WilcoxonSignedRank(differences).pValue)
        } else {
            mean = Interval(estimate: differences.first, lower: nil, upper: nil)
        }
        return ScoresWithinTask(tasks: strata.count, auc: pairs > 0 ? u / pairs : nil, meanDifference: mean, pValue: p)
    }

    static func distribution(_ values: [Double], _ edges: [Double]) -> Distribution {
        guard !values.isEmpty else {
            return Distribution(count: 0, histogram: Array(repeating: 0, count: max(0, edges.count - 1)))
        }
        let s = Summary(values)
        return Distribution(count: values.count, mean: s.mean, median: s.median, lowerQuartile: s.firstQuartile,
                            upperQuartile: s.thirdQuartile, histogram: histogram(values, edges: edges))
    }
}
