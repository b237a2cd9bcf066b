import Foundation

/// The report as Markdown: the counts, every convention (nothing cut), the scores, the groups.
public enum MarkdownReport {
    public static func render(_ r: Report) -> String {
        var out = "# Fluke report\n\n"
        out += counts(r.counts)
        if r.unmatched.unlabelled + r.unmatched.unlinted > 0 {
            out += "\nLeft out: \(r.unmatched.unlabelled) linted candidates without a label, "
                + "\(r.unmatched.unlinted) labelled candidates not linted.\n"
        }
        out += "\n## Adherence among candidates that pass the weak tests\n\n"
        out += "\(Int(r.confidence * 100))% Wilson intervals; diff = P(adheres | TP) − P(adheres | FP) in "
            + "percentage points (Newcombe interval); p: Fisher's exact test; q: Benjamini–Hochberg; within "
            + "task: Cochran–Mantel–Haenszel over tasks with both TP and FP (common odds ratio of adhering, TP "
            + "over FP). Findings in the benchmark's prompt \(r.includesPrompt ? "count" : "are left out").\n\n"
        out += table(r.conventions)
        if !r.neverFired.isEmpty {
            out += "\nNever broken by any candidate (\(r.neverFired.count)): "
                + r.neverFired.map { "`\($0)`" }.joined(separator: ", ") + "\n"
        }
        out += "\n## Scores\n\n" + scores(r.scores)
        for g in r.groups {
            out += "\n## \(g.kind == .model ? "Model" : "Dataset") `\(g.name)`\n\n" + counts(g.counts) + "\n"
            out += table(g.conventions) + "\n" + scores(g.scores)
        }
        return out
    }

    static func counts(_ c: Counts) -> String {
        """
        | candidates | tasks | models | TP | FP | TN | FN | weak pass rate | strong pass rate | FP rate P(fails strong \\| passes weak) | tasks with TP and FP |
        |---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|
        | \(c.candidates) | \(c.tasks) | \(c.models) | \(c.tp) | \(c.fp) | \(c.tn) | \(c.fn) | \(Format.proportion(c.weakPassRate)) | \(Format.proportion(c.strongPassRate)) | \(Format.proportion(c.falsePositiveRate)) | \(c.tasksWithBoth) |

        """
    }

    static func table(_ rows: [Contrast]) -> String {
        var out = "| convention | name | P(adh \\| TP) | P(adh \\| FP) | P(adh \\| weak) | diff | p | q | tasks | within OR | within q | verdict |\n"
        out += "|---|---|---|---|---|---|---:|---:|---:|---|---:|---|\n"
        for c in rows {
            let code = c.kind == .profile ? "**\(c.code)**" : "`\(c.code)`"
            out += "| \(code) | \(c.name.replacingOccurrences(of: "|", with: "\\|")) | \(Format.proportion(c.tp)) | "
                + "\(Format.proportion(c.fp)) | \(Format.proportion(c.weak)) | \(Format.points(c.difference)) | "
                + "\(Format.pValue(c.pValue)) | \(Format.pValue(c.qValue)) | \(c.withinTask?.tasks ?? 0) | "
                + "\(Format.ratio(c.withinTask?.commonOddsRatio ?? Interval())) | \(Format.pValue(c.withinTask?.qValue)) | "
                + "\(c.verdict) |\n"
        }
        return out
    }

    static func scores(_ s: ScoreContrast) -> String {
        var out = "| | n | mean | median | Q1 | Q3 |\n|---|---:|---:|---:|---:|---:|\n"
        for (name, d) in [("TP", s.tp), ("FP", s.fp)] {
            out += "| \(name) | \(d.count) | \(Format.number(d.mean)) | \(Format.number(d.median)) | "
                + "\(Format.number(d.lowerQuartile)) | \(Format.number(d.upperQuartile)) |\n"
        }
        out += "\nMann–Whitney U \(Format.number(s.u, 1)), p \(Format.pValue(s.pValue)); AUC P(TP score > FP score) "
            + "\(Format.number(s.auc, 3)); Cliff's delta \(Format.number(s.cliffsDelta, 3)).\n"
        if let w = s.withinTask { out += "\n" + w.sentence + ".\n" }
        return out
    }
}

/// The report as CSV: one row per convention and group (`all`, `model:NAME`, `dataset:NAME`),
/// every figure in its own column, for spreadsheets and pandas.
public enum CSVReport {
    static let header = [
        "group", "kind", "code", "name", "category",
        "tp_adhere", "tp_total", "tp_rate", "tp_lower", "tp_upper",
        "fp_adhere", "fp_total", "fp_rate", "fp_lower", "fp_upper",
        "weak_adhere", "weak_total", "weak_rate", "weak_lower", "weak_upper",
        "difference", "difference_lower", "difference_upper", "odds_ratio", "p_value", "q_value",
        "within_tasks", "cmh_statistic", "within_p_value", "within_q_value",
        "common_odds_ratio", "common_odds_ratio_lower", "common_odds_ratio_upper",
        "mean_task_difference", "mean_task_difference_lower", "mean_task_difference_upper", "verdict",
    ]

    public static func render(_ r: Report) -> String {
        var out = header.joined(separator: ",") + "\n"
        func rows(_ group: String, _ list: [Contrast]) {
            for c in list {
                let w = c.withinTask
                var cells: [String] = [group, c.kind.rawValue, c.code, c.name, c.category]
                for p in [c.tp, c.fp, c.weak] {
                    cells += ["\(p.successes)", "\(p.total)", num(p.estimate), num(p.lower), num(p.upper)]
                }
                cells += [num(c.difference.estimate), num(c.difference.lower), num(c.difference.upper),
                          num(c.oddsRatio), num(c.pValue), num(c.qValue),
                          w.map { "\($0.tasks)" } ?? "", num(w?.cmhStatistic), num(w?.pValue), num(w?.qValue),
                          num(w?.commonOddsRatio.estimate), num(w?.commonOddsRatio.lower), num(w?.commonOddsRatio.upper),
                          num(w?.meanDifference.estimate), num(w?.meanDifference.lower), num(w?.meanDifference.upper),
                          c.verdict]
                out += cells.map(quote).joined(separator: ",") + "\n"
            }
        }
        rows("all", r.conventions)
        for g in r.groups { rows("\(g.kind.rawValue):\(g.name)", g.conventions) }
        return out
    }

    /// Full precision, so that a spreadsheet sees the same numbers as the JSON.
    static func num(_ x: Double?) -> String {
        guard let x else { return "" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return x.isNaN ? "nan" : "\(x)"
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The report as JSON (schema `fluke.report/1`, docs/report-schema.md).
public enum JSONReport {
    public static func render(_ r: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Infinite odds ratios (a zero cell) are written as strings, as Python's json would not
        // read bare Infinity either.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(r), as: UTF8.self) + "\n"
    }
}
