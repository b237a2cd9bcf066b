import Foundation
import Scaling

/// `fluke scaling`'s report as a terminal table, Markdown, or one self-contained HTML page with
/// SVG charts (nothing loaded from the network).
public enum ScalingRender {
    // MARK: numbers

    static func estimate(_ e: Estimate) -> String {
        guard let x = e.estimate else { return "–" }
        guard let lo = e.lower, let hi = e.upper else { return Format.percent(x) }
        return "\(Format.percent(x)) [\(String(format: "%.1f", 100 * lo))–\(String(format: "%.1f", 100 * hi))]"
    }

    static func pooled(_ p: Pooled) -> String {
        Format.proportion(Proportion(successes: p.successes, total: p.total, estimate: p.estimate, lower: p.lower,
                                     upper: p.upper))
    }

    static func ratio(_ r: Double) -> String { r == r.rounded() ? String(Int(r)) : String(r) }

    static func optimum(_ c: RewardCurve) -> String {
        let k = c.optimalK == 0 ? "0 (abstain)" : "\(c.optimalK)"
        var s = "\(k), reward \(Format.number(c.optimalReward, 3))"
        if let i = c.optimalKInterval { s += " [k \(i[0])–\(i[1])]" }
        if c.optimalK > 0, c.nearOptimalK < c.optimalK { s += "; within tolerance from k \(c.nearOptimalK)" }
        return s
    }

    /// The rows of k to print: 1, 2, 5, 10, 20, 50…, the largest k, and every optimal k.
    static func shownKs(_ v: VerifierResult, also: [VerifierResult?] = []) -> [Int] {
        var ks = Set<Int>()
        var step = 1
        while step <= v.maxK {
            for m in [1, 2, 5] where m * step <= v.maxK { ks.insert(m * step) }
            step *= 10
        }
        if v.maxK > 0 { ks.insert(v.maxK) }
        for r in ([v] + also.compactMap { $0 }).flatMap(\.rewards) where r.optimalK > 0 { ks.insert(r.optimalK) }
        return ks.sorted()
    }

    static func header(_ r: ScalingReport) -> [String] {
        var lines = ["reward: +1 for a true positive, −r for a false positive, 0 for abstaining; r = "
                     + r.costRatios.map(ratio).joined(separator: ", ")]
        lines.append(r.bootstrap > 0
                     ? "intervals: \(Int((r.confidence * 100).rounded()))% bootstrap percentile over tasks "
                       + "(\(r.bootstrap) replicates, seed \(r.seed)); pooled rates: Wilson"
                     : "intervals: pooled rates only (Wilson); no bootstrap")
        lines.append("convention: \(r.convention)")
        let x = r.exclusion
        if !x.tasks.isEmpty {
            var why: [String] = []
            if x.paper { why.append("the paper's 14 HumanEval tasks") }
            if let fn = x.weakFalseNegatives { why.append("\(fn.count) with weak-test false negatives") }
            if !x.requested.isEmpty { why.append("\(x.requested.count) by name") }
            lines.append("excluded: \(x.tasks.count) tasks (\(why.joined(separator: ", "))): \(x.tasks.joined(separator: ", "))")
        }
        if !x.notFound.isEmpty { lines.append("not in the labels (nothing to exclude): \(x.notFound.joined(separator: ", "))") }
        if let g = r.gate {
            lines.append("gate: \(g.policy) (\(g.linted) candidates linted"
                         + (g.unlinted > 0 ? ", \(g.unlinted) without a lint result count as rejected" : "") + ")")
        }
        return lines
    }

    /// The figures of one verifier, as (label, value) rows.
    static func verifierRows(_ v: VerifierResult, tasks: Int, optima: Bool = true) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("ceiling (mean over tasks of TP/accepted)", estimate(v.ceiling)),
            ("tasks where something is accepted", "\(v.tasksAccepting) of \(tasks)"),
            ("ceiling bounds over all tasks",
             v.ceilingBounds.lower.map { "\(Format.percent($0)) – \(Format.percent(v.ceilingBounds.upper))" } ?? "–"),
            ("FP rate (1 − ceiling)", estimate(v.fpRate)),
            ("FP share of accepted, pooled", pooled(v.pooledFpRate)),
        ]
        if optima { for c in v.rewards { rows.append(("optimal k, r = \(ratio(c.costRatio))", optimum(c))) } }
        return rows
    }

    static func simulationLine(_ v: VerifierResult, shuffles: Int) -> String? {
        let worst = v.rewards.compactMap { c in c.largestDeviation.map { ($0, c.costRatio) } }.max { $0.0 < $1.0 }
        guard let worst else { return nil }
        return "simulation, \(v.verifier) (\(shuffles) shuffles per task): exact and simulated rewards differ by at most "
            + "\(Format.number(worst.0, 2)) standard errors (r = \(ratio(worst.1)))"
    }

    // MARK: text

    public static func text(_ r: ScalingReport) -> String {
        var out = "Fluke scaling: resample until the verifier accepts a candidate, abstain after k\n"
        for line in header(r) { out += "  \(line)\n" }
        for g in r.groups {
            out += "\n\(g.model) on \(g.dataset): \(g.tasks) tasks, \(g.candidates) candidates ("
                + (g.minSamples == g.maxSamples ? "\(g.maxSamples)" : "\(g.minSamples)–\(g.maxSamples)") + " samples per task)\n"
            out += "  TP \(g.tp)   FP \(g.fp)   TN \(g.tn)   FN \(g.fn)\n"
            out += "  single-sample accuracy (strong tests)  \(estimate(g.singleSampleAccuracy))   pooled \(pooled(g.pooledStrongPassRate))\n"
            out += "  weak-test pass rate                    \(estimate(g.weakPassRate))   pooled \(pooled(g.pooledWeakPassRate))\n"
            let verifiers = [g.weak] + (g.gated.map { [$0] } ?? [])
            var rows = verifiers.map { verifierRows($0, tasks: g.tasks, optima: false) }
            if let gated = g.gated, let tp = gated.tpKept, let fp = gated.fpKept {
                rows[0] += [("TPs the gate keeps", ""), ("FPs the gate keeps", "")]
                rows[1] += [("TPs the gate keeps", pooled(tp)), ("FPs the gate keeps", pooled(fp))]
            }
            out += "\n" + line(["", verifiers[0].verifier] + verifiers.dropFirst().map(\.verifier), widths: [44, 32])
            for (i, row) in rows[0].enumerated() {
                out += line([row.0] + rows.map { $0[i].1 }, widths: [44, 32])
            }
            for v in verifiers where !v.tasksAcceptingNone.isEmpty {
                out += "  tasks where the \(v.verifier) accept nothing (\(v.tasksAcceptingNone.count)): "
                    + v.tasksAcceptingNone.joined(separator: ", ") + "\n"
            }
            out += "\n  optimal k per cost ratio r (0: abstain); interval: of k, bootstrap over tasks; "
                + "near: the smallest k within \(Format.number(r.tolerance, 4)) of the best reward\n"
            out += line(["", verifiers[0].verifier] + verifiers.dropFirst().map(\.verifier), widths: [6, 32])
            let widths = [6] + verifiers.flatMap { _ in [6, 8, 10, 8] }
            out += line(["r"] + verifiers.flatMap { _ in ["k", "reward", "interval", "near"] }, widths: widths)
            for (j, c) in g.weak.rewards.enumerated() {
                var cells = [ratio(c.costRatio)]
                for v in verifiers {
                    let c = v.rewards[j]
                    cells += ["\(c.optimalK)", Format.number(c.optimalReward, 3),
                              c.optimalKInterval.map { "\($0[0])–\($0[1])" } ?? "–", "\(c.nearOptimalK)"]
                }
                out += line(cells, widths: widths)
            }
            for v in verifiers {
                out += "\n  \(v.verifier): mean over tasks at k draws\n"
                let widths = [7, 10, 8, 9, 8]
                out += line(["k", "accuracy", "FP", "abstain"] + v.rewards.map { "r=\(ratio($0.costRatio))" }, widths: widths)
                for k in shownKs(v, also: verifiers) {
                    out += line(["\(k)", Format.percent(v.accuracy[k - 1]), Format.percent(v.falsePositive[k - 1]),
                                 Format.percent(v.abstain[k - 1])] + v.rewards.map { Format.number($0.reward[k - 1], 3) },
                                widths: widths)
                }
                if let line = simulationLine(v, shuffles: r.simulated) { out += "  \(line)\n" }
            }
        }
        for c in r.crossModel { out += "\n" + crossModelText(c) }
        return out
    }

    static func crossModelText(_ c: CrossModel) -> String {
        let gated = c.points.contains { $0.gatedCeiling != nil }
        var out = "Ceiling against single-sample accuracy on \(c.dataset)\n"
        let widths = [max(34, (c.points.map(\.model.count).max() ?? 0) + 2), 10, 9, 23]
        out += line(["model", "accuracy", "ceiling", "ceiling ≤ (none as 1)"] + (gated ? ["ceiling with gate"] : []), widths: widths)
        for p in c.points {
            out += line([p.model, Format.percent(p.accuracy), Format.percent(p.ceiling), Format.percent(p.ceilingUpper)]
                        + (gated ? [Format.percent(p.gatedCeiling)] : []), widths: widths)
        }
        for line in crossModelLines(c) { out += "  \(line)\n" }
        return out
    }

    /// One indented row of cells, each padded to its width (the last width repeats), without
    /// trailing blanks.
    static func line(_ cells: [String], widths: [Int]) -> String {
        var s = "  "
        for (i, cell) in cells.enumerated() {
            let w = widths[min(i, widths.count - 1)]
            s += i == cells.count - 1 ? cell : cell.padding(toLength: max(w, cell.count + 1), withPad: " ", startingAt: 0)
        }
        while s.hasSuffix(" ") { s.removeLast() }
        return s + "\n"
    }

    static func crossModelLines(_ c: CrossModel) -> [String] {
        var lines: [String] = []
        if let f = c.fit {
            lines.append("fit: ceiling = \(Format.number(f.slope, 3)) · accuracy + \(Format.number(f.intercept, 3)), "
                         + "R² = \(Format.number(f.rSquared, 3)) (\(f.models) models)")
        }
        if let note = c.fitNote { lines.append("no fit: \(note)") }
        if let ref = c.reference, let acc = c.referenceAccuracy {
            lines.append("reference: \(ref), single-sample accuracy \(Format.percent(acc)); "
                         + (c.points.count == 1 ? "no other model to compare"
                            : c.neverReach.isEmpty ? "every other model's ceiling reaches it"
                            : "ceiling below it (no amount of resampling reaches it): \(c.neverReach.joined(separator: ", "))"))
        }
        return lines
    }

    // MARK: Markdown

    public static func markdown(_ r: ScalingReport) -> String {
        var out = "# Fluke scaling: resample until the verifier accepts, abstain after k\n\n"
        for line in header(r) { out += "- \(line)\n" }
        for g in r.groups {
            out += "\n## \(g.model) on \(g.dataset)\n\n"
            out += "\(g.tasks) tasks, \(g.candidates) candidates; TP \(g.tp), FP \(g.fp), TN \(g.tn), FN \(g.fn). "
                + "Single-sample accuracy (strong tests) \(estimate(g.singleSampleAccuracy)), pooled "
                + "\(pooled(g.pooledStrongPassRate)); weak-test pass rate \(estimate(g.weakPassRate)), pooled "
                + "\(pooled(g.pooledWeakPassRate)).\n\n"
            let verifiers = [g.weak] + (g.gated.map { [$0] } ?? [])
            out += "| | " + verifiers.map(\.verifier).joined(separator: " | ") + " |\n|---|"
                + verifiers.map { _ in "---|" }.joined() + "\n"
            let columns = verifiers.map { verifierRows($0, tasks: g.tasks) }
            for (i, row) in columns[0].enumerated() {
                out += "| \(row.0) | " + columns.map { i < $0.count ? $0[i].1 : "" }.joined(separator: " | ") + " |\n"
            }
            if let gated = g.gated, let tp = gated.tpKept, let fp = gated.fpKept {
                out += "| TPs the gate keeps | | \(pooled(tp)) |\n| FPs the gate keeps | | \(pooled(fp)) |\n"
            }
            for v in verifiers where !v.tasksAcceptingNone.isEmpty {
                out += "\nTasks where the \(v.verifier) accept nothing (\(v.tasksAcceptingNone.count)): "
                    + v.tasksAcceptingNone.joined(separator: ", ") + ".\n"
            }
            for v in verifiers {
                out += "\n**\(v.verifier)**, mean over tasks at k draws:\n\n| k | accuracy | FP | abstain | "
                    + v.rewards.map { "reward r=\(ratio($0.costRatio))" }.joined(separator: " | ") + " |\n|---|---|---|---|"
                    + v.rewards.map { _ in "---|" }.joined() + "\n"
                for k in shownKs(v, also: verifiers) {
                    out += "| \(k) | \(Format.percent(v.accuracy[k - 1])) | \(Format.percent(v.falsePositive[k - 1])) | "
                        + "\(Format.percent(v.abstain[k - 1])) | "
                        + v.rewards.map { Format.number($0.reward[k - 1], 3) }.joined(separator: " | ") + " |\n"
                }
                if let line = simulationLine(v, shuffles: r.simulated) { out += "\n\(line).\n" }
            }
        }
        for c in r.crossModel {
            out += "\n## Ceiling against single-sample accuracy on \(c.dataset)\n\n| model | accuracy | ceiling | ceiling ≤ (none as 1) | ceiling with gate |\n|---|---|---|---|---|\n"
            for p in c.points {
                out += "| \(p.model) | \(Format.percent(p.accuracy)) | \(Format.percent(p.ceiling)) | "
                    + "\(Format.percent(p.ceilingUpper)) | \(Format.percent(p.gatedCeiling)) |\n"
            }
            out += "\n" + crossModelLines(c).map { "- \($0)\n" }.joined()
        }
        return out
    }

    // MARK: HTML

    /// One colour per cost ratio (Okabe–Ito, colour-blind safe).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public static func html(_ r: ScalingReport, title: String = "Fluke scaling") -> String {
        typealias H = HTMLReport
        var body = "<h1>\(H.escape(title))</h1>\n<ul>" + header(r).map { "<li>\(H.escape($0))</li>" }.joined() + "</ul>\n"
        for g in r.groups {
            body += "<h2>\(H.escape(g.model)) on \(H.escape(g.dataset))</h2>\n"
            body += "<p>\(g.tasks) tasks, \(g.candidates) candidates; TP \(g.tp), FP \(g.fp), TN \(g.tn), FN \(g.fn). "
                + "Single-sample accuracy (strong tests) \(H.escape(estimate(g.singleSampleAccuracy))); "
                + "weak-test pass rate \(H.escape(estimate(g.weakPassRate))).</p>\n"
            let verifiers = [g.weak] + (g.gated.map { [$0] } ?? [])
            let columns = verifiers.map { verifierRows($0, tasks: g.tasks) }
            body += "<table><tr><th class=\"l\"></th>" + verifiers.map { "<th>\(H.escape($0.verifier))</th>" }.joined() + "</tr>\n"
            for (i, row) in columns[0].enumerated() {
                body += "<tr><td class=\"l\">\(H.escape(row.0))</td>"
                    + columns.map { "<td>\(H.escape(i < $0.count ? $0[i].1 : ""))</td>" }.joined() + "</tr>\n"
            }
            if let gated = g.gated, let tp = gated.tpKept, let fp = gated.fpKept {
                body += "<tr><td class=\"l\">TPs the gate keeps</td><td></td><td>\(H.escape(pooled(tp)))</td></tr>\n"
                    + "<tr><td class=\"l\">FPs the gate keeps</td><td></td><td>\(H.escape(pooled(fp)))</td></tr>\n"
            }
            body += "</table>\n"
            for v in verifiers where !v.tasksAcceptingNone.isEmpty {
                body += "<p>Tasks where the \(H.escape(v.verifier)) accept nothing (\(v.tasksAcceptingNone.count)): "
                    + H.escape(v.tasksAcceptingNone.joined(separator: ", ")) + ".</p>\n"
            }
            body += "<p>Expected reward against the number of draws k (log scale); "
                + (g.gated == nil ? "" : "solid: \(H.escape(g.weak.verifier)), dashed: \(H.escape(g.gated!.verifier)); ")
                + "dots: the optimal k. r = 0 is the accuracy.</p>\n"
            body += rewardChart(verifiers)
            for v in verifiers {
                if let line = simulationLine(v, shuffles: r.simulated) { body += "<p>\(H.escape(line)).</p>\n" }
            }
        }
        for c in r.crossModel {
            body += "<h2>Ceiling against single-sample accuracy on \(H.escape(c.dataset))</h2>\n"
            body += "<p>One dot per model: its single-sample accuracy (strong tests) against its resampling ceiling"
                + (c.points.contains { $0.gatedCeiling != nil } ? " (hollow: with the gate)" : "")
                + "; grey line: the least-squares fit; dotted: ceiling = accuracy; dashed: the reference model's "
                + "single-sample accuracy (a model whose ceiling lies below it never reaches it by resampling).</p>\n"
            body += crossModelChart(c)
            body += "<ul>" + crossModelLines(c).map { "<li>\(H.escape($0))</li>" }.joined() + "</ul>\n"
        }
        return H.page(title: title, body: body)
    }

    /// Reward against k on a log axis, a line per cost ratio (dashed for the second verifier),
    /// with a dot at each optimal k.
    static func rewardChart(_ verifiers: [VerifierResult]) -> String {
        guard let maxK = verifiers.first?.maxK, maxK > 0 else { return "<p>No samples.</p>\n" }
        let left = 56.0, right = 20.0, top = 14.0, bottom = 40.0, plotW = 620.0, plotH = 300.0
        let all: [Double] = verifiers.flatMap { v in v.rewards.flatMap { $0.reward } } + [0]
        let lo = (all.min()! * 10).rounded(.down) / 10, hi = max(lo + 0.1, (all.max()! * 10).rounded(.up) / 10)
        let logMax = log10(Double(max(maxK, 2)))
        func x(_ k: Int) -> Double { left + plotW * log10(Double(k)) / logMax }
        func y(_ v: Double) -> Double { top + plotH * (hi - v) / (hi - lo) }
        let width = left + plotW + right, height = top + plotH + bottom
        var s = "<p class=\"legend\">"
        for (i, c) in verifiers[0].rewards.enumerated() {
            s += "<span><i class=\"swatch\" style=\"background:\(palette[i % palette.count])\"></i>r = \(ratio(c.costRatio))</span>"
        }
        s += "</p>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" "
            + "aria-label=\"Reward against k\">\n"
        let step = (hi - lo) > 1 ? 0.2 : 0.1
        for v in stride(from: lo, through: hi + 1e-9, by: step) {
            s += "<line x1=\"\(left)\" y1=\(q(y(v))) x2=\"\(left + plotW)\" y2=\(q(y(v))) stroke=\"\(abs(v) < 1e-9 ? "#999" : "#e4e4e4")\"/>"
                + "<text x=\"\(left - 6)\" y=\(q(y(v) + 4)) text-anchor=\"end\">\(Format.number(v, 1))</text>\n"
        }
        var tick = 1
        while tick <= maxK {
            for m in [1, 2, 5] where m * tick <= maxK {
                s += "<line x1=\(q(x(m * tick))) y1=\"\(top)\" x2=\(q(x(m * tick))) y2=\"\(top + plotH)\" stroke=\"#eee\"/>"
                    + "<text x=\(q(x(m * tick))) y=\"\(top + plotH + 16)\" text-anchor=\"middle\">\(m * tick)</text>\n"
            }
            tick *= 10
        }
        s += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">k (samples drawn at most)</text>\n"
        for (n, v) in verifiers.enumerated() {
            for (i, c) in v.rewards.enumerated() {
                let colour = palette[i % palette.count]
                let path = c.reward.enumerated().map { k, value in "\(k == 0 ? "M" : "L")\(f(x(k + 1))),\(f(y(value)))" }
                    .joined(separator: " ")
                s += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\""
                    + (n > 0 ? " stroke-dasharray=\"6 4\"" : "") + "><title>\(HTMLReport.escape(v.verifier)), r = \(ratio(c.costRatio))"
                    + "</title></path>\n"
                if c.optimalK > 0 {
                    s += "<circle cx=\(q(x(c.optimalK))) cy=\(q(y(c.optimalReward))) r=\"4\" fill=\"\(n > 0 ? "#fff" : colour)\" "
                        + "stroke=\"\(colour)\" stroke-width=\"1.5\"><title>\(HTMLReport.escape(v.verifier)), r = \(ratio(c.costRatio)): "
                        + "optimal k \(c.optimalK), reward \(Format.number(c.optimalReward, 3))</title></circle>\n"
                }
            }
        }
        return s + "</svg>\n"
    }

    /// One point per model: single-sample accuracy against ceiling, with the fitted line, the
    /// diagonal, and the reference model's accuracy.
    static func crossModelChart(_ c: CrossModel) -> String {
        let left = 60.0, top = 14.0, bottom = 40.0, side = 380.0, labels = 220.0
        func x(_ v: Double) -> Double { left + side * v }
        func y(_ v: Double) -> Double { top + side * (1 - v) }
        let width = left + side + labels, height = top + side + bottom
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" "
            + "aria-label=\"Ceiling against single-sample accuracy\">\n"
        for t in stride(from: 0.0, through: 1.0001, by: 0.2) {
            s += "<line x1=\(q(x(t))) y1=\(q(y(0))) x2=\(q(x(t))) y2=\(q(y(1))) stroke=\"#eee\"/>"
                + "<line x1=\(q(x(0))) y1=\(q(y(t))) x2=\(q(x(1))) y2=\(q(y(t))) stroke=\"#eee\"/>"
                + "<text x=\(q(x(t))) y=\(q(y(0) + 16)) text-anchor=\"middle\">\(Int((t * 100).rounded()))%</text>"
                + "<text x=\(q(x(0) - 6)) y=\(q(y(t) + 4)) text-anchor=\"end\">\(Int((t * 100).rounded()))%</text>\n"
        }
        s += "<line x1=\(q(x(0))) y1=\(q(y(0))) x2=\(q(x(1))) y2=\(q(y(1))) stroke=\"#bbb\" stroke-dasharray=\"2 3\"><title>ceiling = accuracy</title></line>\n"
        if let fit = c.fit, let (x0, x1) = Self.insideUnitSquare(slope: fit.slope, intercept: fit.intercept) {
            s += "<line x1=\(q(x(x0))) y1=\(q(y(fit.slope * x0 + fit.intercept))) x2=\(q(x(x1))) "
                + "y2=\(q(y(fit.slope * x1 + fit.intercept))) "
                + "stroke=\"\(HTMLReport.colours.weak)\" stroke-width=\"1.5\"><title>fit: \(Format.number(fit.slope, 3)) · accuracy + "
                + "\(Format.number(fit.intercept, 3)), R² \(Format.number(fit.rSquared, 3))</title></line>\n"
        }
        if let acc = c.referenceAccuracy, let ref = c.reference {
            s += "<line x1=\(q(x(0))) y1=\(q(y(acc))) x2=\(q(x(1))) y2=\(q(y(acc))) stroke=\"\(HTMLReport.colours.fp)\" "
                + "stroke-dasharray=\"6 4\"><title>\(HTMLReport.escape(ref))'s single-sample accuracy</title></line>\n"
        }
        for p in c.points {
            guard let ceiling = p.ceiling else { continue }
            s += "<circle cx=\(q(x(p.accuracy))) cy=\(q(y(ceiling))) r=\"4.5\" fill=\"\(HTMLReport.colours.tp)\">"
                + "<title>\(HTMLReport.escape(p.model)): accuracy \(Format.percent(p.accuracy)), ceiling \(Format.percent(ceiling))</title></circle>"
            if let g = p.gatedCeiling {
                s += "<circle cx=\(q(x(p.accuracy))) cy=\(q(y(g))) r=\"4.5\" fill=\"#fff\" stroke=\"\(HTMLReport.colours.tp)\" "
                    + "stroke-width=\"1.5\"><title>\(HTMLReport.escape(p.model)) with the gate: ceiling \(Format.percent(g))</title></circle>"
            }
            s += "<text x=\(q(x(p.accuracy) + 7)) y=\(q(y(ceiling) + 4))>\(HTMLReport.escape(p.model))</text>\n"
        }
        s += "<text x=\(q(x(0.5))) y=\"\(height - 6)\" text-anchor=\"middle\">single-sample accuracy</text>"
            + "<text transform=\"translate(14 \(f(y(0.5)))) rotate(-90)\" text-anchor=\"middle\">resampling ceiling</text>\n"
        return s + "</svg>\n"
    }

    /// The x range over which the line y = slope·x + intercept stays in the unit square (nil when
    /// it misses it).
    static func insideUnitSquare(slope: Double, intercept: Double) -> (Double, Double)? {
        var lo = 0.0, hi = 1.0
        if slope == 0 { return (0...1).contains(intercept) ? (0, 1) : nil }
        let a = (0 - intercept) / slope, b = (1 - intercept) / slope
        lo = max(lo, min(a, b))
        hi = min(hi, max(a, b))
        return lo <= hi ? (lo, hi) : nil
    }

    /// A coordinate, quoted for an attribute.
    static func q(_ v: Double) -> String { "\"\(f(v))\"" }
    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
