import Foundation

/// The report as one self-contained HTML page: inline CSS and SVG charts, nothing loaded from
/// the network.
public enum HTMLReport {
    /// Colours of the three groups in every chart (colour-blind safe: Okabe–Ito).
    static let colours = (tp: "#0072B2", fp: "#D55E00", weak: "#999999")

    public static func render(_ r: Report, title: String = "Fluke report", maxChartRules: Int = 25) -> String {
        var body = "<h1>\(escape(title))</h1>\n"
        body += countsTable(r.counts, unmatched: r.unmatched)
        body += "<h2>Adherence: true positives against false positives</h2>\n"
        body += "<p>Among candidates that pass the weak tests: how often each group adheres to a convention "
            + "(\(Int(r.confidence * 100))% Wilson intervals as whiskers). Profiles first, then the \(maxChartRules) rules "
            + "with the smallest p-values. Findings in the benchmark's prompt "
            + "\(r.includesPrompt ? "count" : "are left out").</p>\n"
        let charted = r.conventions.filter { $0.kind == .profile }
            + r.conventions.filter { $0.kind == .rule }.prefix(maxChartRules)
        body += barChart(charted)
        body += "<h2>Scores</h2>\n<p>0–10 adherence score (Pylint's formula): share of each group per bin. "
            + "Mann–Whitney U \(Format.number(r.scores.u, 1)), p = \(Format.pValue(r.scores.pValue)); "
            + "AUC P(TP score &gt; FP score) = \(Format.number(r.scores.auc, 3)); "
            + "Cliff's delta = \(Format.number(r.scores.cliffsDelta, 3)).</p>\n"
            + (r.scores.withinTask.map { "<p>" + escape($0.sentence) + ".</p>\n" } ?? "")
        body += histogram(r.scores)
        let models = r.groups.filter { $0.kind == .model }, datasets = r.groups.filter { $0.kind == .dataset }
        if !models.isEmpty { body += "<h2>Per model</h2>\n" + groupTable(models) }
        if !datasets.isEmpty { body += "<h2>Per dataset</h2>\n" + groupTable(datasets) }
        body += "<h2>Every convention</h2>\n" + conventionTable(r.conventions)
        if !r.neverFired.isEmpty {
            body += "<p>Never broken by any candidate (\(r.neverFired.count)): <code>"
                + r.neverFired.map(escape).joined(separator: "</code> <code>") + "</code></p>\n"
        }
        return page(title: title, body: body)
    }

    /// A self-contained page: the shared style sheet, the title, the body.
    static func page(title: String, body: String, style: String = "") -> String {
        """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; font-size: 12.5px; }
            th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; vertical-align: top; }
            th { background: #f6f6f6; } td.l, th.l { text-align: left; }
            tr.fp td { background: #fdf0e8; } tr.tp td { background: #e8f1f8; }
            svg text { font: 12px system-ui, sans-serif; fill: #222; }
            .legend span { display: inline-block; margin-right: 1.5em; }
            .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
            \(style)</style></head><body>
            \(body)
            </body></html>

            """
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func legend() -> String {
        "<p class=\"legend\"><span><i class=\"swatch\" style=\"background:\(colours.tp)\"></i>true positives (TP)</span>"
            + "<span><i class=\"swatch\" style=\"background:\(colours.fp)\"></i>false positives (FP)</span>"
            + "<span><i class=\"swatch\" style=\"background:\(colours.weak)\"></i>all that pass the weak tests</span></p>\n"
    }

    static func countsTable(_ c: Counts, unmatched: Unmatched) -> String {
        var s = "<table><tr><th>candidates</th><th>tasks</th><th>models</th><th>TP</th><th>FP</th><th>TN</th><th>FN</th>"
            + "<th>weak pass rate</th><th>strong pass rate</th><th>false-positive rate<br>P(fails strong | passes weak)</th>"
            + "<th>tasks with TP and FP</th></tr>\n"
        s += "<tr><td>\(c.candidates)</td><td>\(c.tasks)</td><td>\(c.models)</td><td>\(c.tp)</td><td>\(c.fp)</td>"
            + "<td>\(c.tn)</td><td>\(c.fn)</td><td>\(escape(Format.proportion(c.weakPassRate)))</td>"
            + "<td>\(escape(Format.proportion(c.strongPassRate)))</td><td>\(escape(Format.proportion(c.falsePositiveRate)))</td>"
            + "<td>\(c.tasksWithBoth)</td></tr></table>\n"
        if unmatched.unlabelled + unmatched.unlinted > 0 {
            s += "<p>Left out: \(unmatched.unlabelled) linted candidates without a label, \(unmatched.unlinted) "
                + "labelled candidates not linted.</p>\n"
        }
        return s
    }

    /// Horizontal grouped bars: one group per convention, three bars (TP, FP, weak) with
    /// interval whiskers; labels on the left so that long names never overlap.
    static func barChart(_ rows: [Contrast]) -> String {
        guard !rows.isEmpty else { return "<p>No convention was broken.</p>\n" }
        let labelWidth = 310.0, plotWidth = 520.0, right = 70.0
        let bar = 9.0, gap = 14.0, top = 28.0
        let groupHeight = 3 * bar + gap
        let height = top + Double(rows.count) * groupHeight + 10
        let width = labelWidth + plotWidth + right
        var s = legend()
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "role=\"img\" aria-label=\"Adherence by group\">\n"
        for tick in stride(from: 0, through: 100, by: 20) {
            let x = labelWidth + plotWidth * Double(tick) / 100
            s += "<line x1=\"\(x)\" y1=\"\(top - 6)\" x2=\"\(x)\" y2=\"\(height - 10)\" stroke=\"#e4e4e4\"/>"
            s += "<text x=\"\(x)\" y=\"\(top - 10)\" text-anchor=\"middle\">\(tick)%</text>\n"
        }
        for (i, c) in rows.enumerated() {
            let y0 = top + Double(i) * groupHeight
            let label = c.kind == .profile ? "profile \(c.code)" : "\(c.code) \(c.name)"
            let shown = label.count > 44 ? String(label.prefix(43)) + "…" : label
            s += "<text x=\"\(labelWidth - 8)\" y=\"\(y0 + 1.5 * bar + 4)\" text-anchor=\"end\""
                + (c.kind == .profile ? " font-weight=\"bold\"" : "") + "><title>\(escape(label)): \(escape(c.verdict))</title>"
                + "\(escape(shown))</text>\n"
            for (k, (p, colour)) in [(c.tp, colours.tp), (c.fp, colours.fp), (c.weak, colours.weak)].enumerated() {
                let y = y0 + Double(k) * bar
                guard let e = p.estimate else { continue }
                s += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(plotWidth * e)\" height=\"\(bar - 1)\" fill=\"\(colour)\">"
                    + "<title>\(escape(Format.proportion(p)))</title></rect>"
                if let lo = p.lower, let hi = p.upper {
                    let ym = y + (bar - 1) / 2
                    s += "<line x1=\"\(labelWidth + plotWidth * lo)\" y1=\"\(ym)\" x2=\"\(labelWidth + plotWidth * hi)\" "
                        + "y2=\"\(ym)\" stroke=\"#222\" stroke-width=\"1\"/>"
                }
                s += "\n"
            }
            if (c.qValue ?? 1) < 0.05 {
                s += "<text x=\"\(labelWidth + plotWidth + 8)\" y=\"\(y0 + 1.5 * bar + 4)\">q \(Format.pValue(c.qValue))</text>\n"
            }
        }
        return s + "</svg>\n"
    }

    /// Score histogram: for each bin, the share of TPs and of FPs that fall in it.
    static func histogram(_ scores: ScoreContrast) -> String {
        let edges = scores.binEdges
        let bins = max(0, edges.count - 1)
        guard bins > 0, scores.tp.count + scores.fp.count > 0 else { return "<p>No TP or FP candidates.</p>\n" }
        let left = 50.0, bottom = 40.0, top = 16.0, plotHeight = 220.0, binWidth = 64.0
        let width = left + Double(bins) * binWidth + 20, height = top + plotHeight + bottom
        func shares(_ d: Distribution) -> [Double] {
            d.count == 0 ? Array(repeating: 0, count: bins) : d.histogram.map { Double($0) / Double(d.count) }
        }
        let tp = shares(scores.tp), fp = shares(scores.fp)
        let top1 = max(tp.max() ?? 0, fp.max() ?? 0)
        let scale = top1 <= 0 ? 1 : (top1 * 10).rounded(.up) / 10
        var s = "<p class=\"legend\"><span><i class=\"swatch\" style=\"background:\(colours.tp)\"></i>TP (n = \(scores.tp.count))</span>"
            + "<span><i class=\"swatch\" style=\"background:\(colours.fp)\"></i>FP (n = \(scores.fp.count))</span></p>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" "
            + "aria-label=\"Score histogram\">\n"
        let ticks = 5
        for t in 0...ticks {
            let v = scale * Double(t) / Double(ticks)
            let y = top + plotHeight * (1 - v / scale)
            s += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 20)\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>"
            s += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(Int((v * 100).rounded()))%</text>\n"
        }
        for b in 0..<bins {
            let x = left + Double(b) * binWidth
            for (k, (share, colour)) in [(tp[b], colours.tp), (fp[b], colours.fp)].enumerated() {
                let h = plotHeight * share / scale
                s += "<rect x=\"\(x + 6 + Double(k) * 26)\" y=\"\(top + plotHeight - h)\" width=\"24\" height=\"\(h)\" "
                    + "fill=\"\(colour)\"><title>\(Format.percent(share))</title></rect>"
            }
            let lo = Format.number(edges[b], 0), hi = Format.number(edges[b + 1], 0)
            s += "<text x=\"\(x + binWidth / 2)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\">\(lo)–\(hi)</text>\n"
        }
        s += "<text x=\"\(left + Double(bins) * binWidth / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">score</text>\n"
        return s + "</svg>\n"
    }

    static func groupTable(_ groups: [Group]) -> String {
        var s = "<table><tr><th class=\"l\">name</th><th>candidates</th><th>tasks</th><th>TP</th><th>FP</th><th>TN</th>"
            + "<th>FN</th><th>weak pass rate</th><th>strong pass rate</th><th>FP rate</th><th>mean score TP</th>"
            + "<th>mean score FP</th><th class=\"l\">profiles FPs break more (pooled q &lt; 0.05)</th></tr>\n"
        for g in groups {
            let c = g.counts
            let flagged = g.conventions.filter { $0.kind == .profile && $0.verdict.hasPrefix("FPs break it more") }
                .map(\.code).joined(separator: ", ")
            s += "<tr><td class=\"l\">\(escape(g.name))</td><td>\(c.candidates)</td><td>\(c.tasks)</td><td>\(c.tp)</td>"
                + "<td>\(c.fp)</td><td>\(c.tn)</td><td>\(c.fn)</td><td>\(escape(Format.proportion(c.weakPassRate)))</td>"
                + "<td>\(escape(Format.proportion(c.strongPassRate)))</td><td>\(escape(Format.proportion(c.falsePositiveRate)))</td>"
                + "<td>\(Format.number(g.scores.tp.mean))</td><td>\(Format.number(g.scores.fp.mean))</td>"
                + "<td class=\"l\">\(flagged.isEmpty ? "–" : escape(flagged))</td></tr>\n"
        }
        return s + "</table>\n"
    }

    static func conventionTable(_ rows: [Contrast]) -> String {
        var s = "<table><tr><th class=\"l\">convention</th><th class=\"l\">name</th><th>P(adh | TP)</th><th>P(adh | FP)</th>"
            + "<th>P(adh | weak)</th><th>diff (points)</th><th>p</th><th>q</th><th>tasks</th><th>within-task OR</th>"
            + "<th>within q</th><th class=\"l\">verdict</th></tr>\n"
        for c in rows {
            let cls = c.verdict.hasPrefix("FPs break it more") ? " class=\"fp\"" : c.verdict.hasPrefix("TPs break it more") ? " class=\"tp\"" : ""
            s += "<tr\(cls)><td class=\"l\">\(c.kind == .profile ? "<b>\(escape(c.code))</b>" : "<code>\(escape(c.code))</code>")</td>"
                + "<td class=\"l\">\(escape(c.name))</td><td>\(escape(Format.proportion(c.tp)))</td>"
                + "<td>\(escape(Format.proportion(c.fp)))</td><td>\(escape(Format.proportion(c.weak)))</td>"
                + "<td>\(escape(Format.points(c.difference)))</td><td>\(Format.pValue(c.pValue))</td><td>\(Format.pValue(c.qValue))</td>"
                + "<td>\(c.withinTask?.tasks ?? 0)</td><td>\(escape(Format.ratio(c.withinTask?.commonOddsRatio ?? Interval())))</td>"
                + "<td>\(Format.pValue(c.withinTask?.qValue))</td><td class=\"l\">\(escape(c.verdict))</td></tr>\n"
        }
        return s + "</table>\n"
    }
}
