import Foundation

/// Numbers as reports print them.
enum Format {
    static func percent(_ x: Double?) -> String {
        guard let x else { return "–" }
        return String(format: "%.1f%%", 100 * x)
    }

    static func proportion(_ p: Proportion) -> String {
        guard p.total > 0 else { return "– (0)" }
        return "\(percent(p.estimate)) [\(String(format: "%.1f", 100 * (p.lower ?? 0)))–"
            + "\(String(format: "%.1f", 100 * (p.upper ?? 0)))] (\(p.successes)/\(p.total))"
    }

    /// A difference of proportions in percentage points, with its interval.
    static func points(_ i: Interval) -> String {
        guard let e = i.estimate else { return "–" }
        return String(format: "%+.1f [%+.1f, %+.1f]", 100 * e, 100 * (i.lower ?? .nan), 100 * (i.upper ?? .nan))
    }

    static func pValue(_ p: Double?) -> String {
        guard let p else { return "–" }
        if p < 1e-4 { return String(format: "%.1e", p) }
        return String(format: "%.4f", p)
    }

    static func number(_ x: Double?, _ digits: Int = 2) -> String {
        guard let x, x.isFinite else { return x.map { $0 > 0 ? "∞" : "–" } ?? "–" }
        return String(format: "%.\(digits)f", x)
    }

    static func ratio(_ i: Interval) -> String {
        guard i.estimate != nil else { return "–" }
        return "\(number(i.estimate)) [\(number(i.lower)), \(number(i.upper))]"
    }
}

/// The report as a terminal table (colour only when asked, i.e. on a terminal).
public struct TextReport {
    public var colour: Bool
    /// Rows of rules to show (profiles always show); the rest are counted.
    public var maxRules: Int

    public init(colour: Bool = false, maxRules: Int = 40) {
        self.colour = colour
        self.maxRules = maxRules
    }

    func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func render(_ r: Report) -> String {
        var out = ""
        let c = r.counts
        out += paint("Fluke report", "1") + ": \(c.candidates) candidates, \(c.tasks) tasks, \(c.models) model\(c.models == 1 ? "" : "s")\n"
        out += "  TP \(c.tp)   FP \(c.fp)   TN \(c.tn)   FN \(c.fn)\n"
        out += "  pass rate, weak tests    \(Format.proportion(c.weakPassRate))\n"
        out += "  pass rate, strong tests  \(Format.proportion(c.strongPassRate))\n"
        out += "  false-positive rate      \(Format.proportion(c.falsePositiveRate))   P(fails strong | passes weak)\n"
        out += "  tasks with both TP and FP: \(c.tasksWithBoth)\n"
        if r.unmatched.unlabelled + r.unmatched.unlinted > 0 {
            out += paint("  left out: \(r.unmatched.unlabelled) linted without a label, "
                         + "\(r.unmatched.unlinted) labelled but not linted", "33") + "\n"
        }
        out += "\n" + paint("Adherence among candidates that pass the weak tests", "1")
            + " (\(Int(r.confidence * 100))% intervals; diff = TP − FP in points; q: Benjamini–Hochberg; "
            + "within task: Mantel–Haenszel odds ratio over tasks with both TP and FP)\n"
        out += table(r.conventions, alpha: r.alpha)
        if !r.neverFired.isEmpty {
            out += "\nNever broken by any candidate (\(r.neverFired.count)): \(r.neverFired.joined(separator: " "))\n"
        }
        out += "\n" + scores(r.scores)
        for g in r.groups {
            out += "\n" + paint("\(g.kind == .model ? "Model" : "Dataset") \(g.name)", "1")
                + ": \(g.counts.candidates) candidates; weak pass \(Format.percent(g.counts.weakPassRate.estimate)), "
                + "strong pass \(Format.percent(g.counts.strongPassRate.estimate)), "
                + "FP rate \(Format.proportion(g.counts.falsePositiveRate))\n"
            out += table(g.conventions.filter { $0.kind == .profile }, alpha: r.alpha)
        }
        return out
    }

    func table(_ rows: [Contrast], alpha: Double) -> String {
        let shownRules = rows.filter { $0.kind == .rule }.prefix(maxRules)
        let shown = rows.filter { $0.kind == .profile } + shownRules
        let header = ["convention", "P(adh|TP)", "P(adh|FP)", "P(adh|weak)", "diff", "q", "within OR", "q", "verdict"]
        var lines: [[String]] = [header]
        for row in shown {
            lines.append([row.kind == .profile ? "[\(row.code)]" : row.code,
                          Format.percent(row.tp.estimate) + " (\(row.tp.total))",
                          Format.percent(row.fp.estimate) + " (\(row.fp.total))",
                          Format.percent(row.weak.estimate),
                          Format.points(row.difference),
                          Format.pValue(row.qValue),
                          Format.ratio(row.withinTask?.commonOddsRatio ?? Interval()),
                          Format.pValue(row.withinTask?.qValue),
                          row.verdict])
        }
        var widths = Array(repeating: 0, count: header.count)
        for l in lines { for (i, cell) in l.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for (n, l) in lines.enumerated() {
            var s = "  "
            for (i, cell) in l.enumerated() {
                let padded = i == l.count - 1 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
                s += padded
            }
            if n == 0 { s = paint(s, "2") } else if let v = shown[n - 1].verdictColour { s = paint(s, v) }
            out += s + "\n"
        }
        let hidden = rows.filter { $0.kind == .rule }.count - shownRules.count
        if hidden > 0 { out += "  … and \(hidden) more rules (all of them in --format json, csv, markdown, html)\n" }
        return out
    }

    func scores(_ s: ScoreContrast) -> String {
        var out = paint("Scores", "1") + " (0–10, Pylint's formula)\n"
        for (name, d) in [("TP", s.tp), ("FP", s.fp)] {
            out += "  \(name): n \(d.count), mean \(Format.number(d.mean)), median \(Format.number(d.median)), "
                + "quartiles \(Format.number(d.lowerQuartile))–\(Format.number(d.upperQuartile))\n"
        }
        out += "  Mann–Whitney U \(Format.number(s.u, 1)), p \(Format.pValue(s.pValue)); "
            + "AUC P(TP > FP) \(Format.number(s.auc, 3)), Cliff's delta \(Format.number(s.cliffsDelta, 3))\n"
        if let w = s.withinTask { out += "  " + w.sentence + "\n" }
        return out
    }
}

extension ScoresWithinTask {
    /// One plain-text sentence for every format.
    var sentence: String {
        let m = meanDifference
        let interval = m.lower.map { l in " [\(Format.number(l)), \(Format.number(m.upper))]" } ?? ""
        return "Within task (\(tasks) tasks with both TP and FP): AUC P(TP > FP, same task) \(Format.number(auc, 3)); "
            + "mean TP − FP score \(Format.number(m.estimate))\(interval); Wilcoxon signed-rank p \(Format.pValue(pValue))"
    }
}

extension Contrast {
    /// Terminal colour for a row: red where FPs break it more, green where TPs do.
    var verdictColour: String? {
        if verdict.hasPrefix("FPs break it more") { return "31" }
        if verdict.hasPrefix("TPs break it more") { return "32" }
        return nil
    }
}
