import Candidates
import Foundation
import Testing
@testable import Report
import Candidates

/// Observations for one task: `tp` and `fp` candidates, of which the first `tpAdhere`/`fpAdhere`
/// adhere to rule X (and all to rule Y).
func task(_ id: String, tp: Int, tpAdhere: Int, fp: Int, fpAdhere: Int, tn: Int = 0, model: String? = nil,
          first: Int = 0) -> [Observation] {
    var out: [Observation] = []
    var n = first
    func add(_ label: Label, _ adheres: Bool) {
        out.append(Observation(key: CandidateKey(model: model, taskID: id, completionID: n), label: label,
                               adherence: ["X1": adheres, "Y1": true], profiles: ["pep8": adheres],
                               score: adheres ? 10 : 5, parses: true))
        n += 1
    }
    for i in 0..<tp { add(.tp, i < tpAdhere) }
    for i in 0..<fp { add(.fp, i < fpAdhere) }
    for _ in 0..<tn { add(.tn, false) }
    return out
}

func temporaryFile(_ name: String, _ text: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fluke-report-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

@Suite struct LabelTests {
    @Test func labelsFromStatusesAndLabels() throws {
        let path = try temporaryFile("labels.jsonl", """
            {"task_id": "T/0", "completion_id": 3, "label": "fp"}
            {"task_id": "T/0", "base_status": "pass", "plus_status": "fail"}
            {"task_id": "T/1", "base_status": "fail", "plus_status": "pass", "model": "m"}

            {"task_id": "T/1", "base_status": "pass", "plus_status": "pass"}
            """)
        let set = try LabelSet.load(path: path, model: "given")
        #expect(set.count == 4)
        #expect(set.match(CandidateKey(model: "given", taskID: "T/0", completionID: 3))?.1 == .fp)
        // Without completion_id, records are numbered per task after the highest seen.
        #expect(set.match(CandidateKey(model: "given", taskID: "T/0", completionID: 4))?.1 == .fp)
        #expect(set.match(CandidateKey(model: "m", taskID: "T/1", completionID: 0))?.1 == .fn)
        #expect(set.match(CandidateKey(model: "given", taskID: "T/1", completionID: 1))?.1 == .tp)
        // Labels name models, so a key with another model does not match.
        #expect(set.match(CandidateKey(model: "other", taskID: "T/1", completionID: 1)) == nil)
    }

    @Test func labelsWithoutModelsMatchAnyModel() throws {
        let path = try temporaryFile("labels.jsonl", #"{"task_id": "T/0", "completion_id": 0, "label": "TN"}"#)
        let set = try LabelSet.load(path: path)
        #expect(set.match(CandidateKey(model: "m", taskID: "T/0", completionID: 0))?.1 == .tn)
    }

    @Test func evalPlusResults() throws {
        let path = try temporaryFile("eval_results.json", """
            {"date": "2024-01-01 00:00", "hash": "x", "eval": {
              "HumanEval/0": [
                {"task_id": "HumanEval/0", "solution": "", "base_status": "pass", "plus_status": "fail", "base_fail_tests": [], "plus_fail_tests": [[1]]},
                {"task_id": "HumanEval/0", "solution": "", "base_status": "fail", "plus_status": "fail", "base_fail_tests": [[0]], "plus_fail_tests": [[1]]}],
              "HumanEval/1": [
                {"task_id": "HumanEval/1", "solution": "", "base_status": "pass", "plus_status": "pass", "base_fail_tests": [], "plus_fail_tests": []}]}}
            """)
        let set = try LabelSet.load(path: path)
        #expect(set.count == 3)
        #expect(set.match(CandidateKey(model: nil, taskID: "HumanEval/0", completionID: 0))?.1 == .fp)
        #expect(set.match(CandidateKey(model: nil, taskID: "HumanEval/0", completionID: 1))?.1 == .tn)
        #expect(set.match(CandidateKey(model: nil, taskID: "HumanEval/1", completionID: 0))?.1 == .tp)
    }

    @Test func badLabelNamesFileAndLine() throws {
        let path = try temporaryFile("labels.jsonl", """
            {"task_id": "T/0", "label": "TP"}
            {"task_id": "T/0", "label": "maybe"}
            """)
        #expect {
            _ = try LabelSet.load(path: path)
        } throws: { error in
            "\(error)".hasPrefix("\(path):2:")
        }
    }
}

@Suite struct AnalysisTests {
    @Test func countsAndRates() {
        let obs = task("T/0", tp: 6, tpAdhere: 6, fp: 2, fpAdhere: 0, tn: 2)
            + task("T/1", tp: 2, tpAdhere: 1, fp: 0, fpAdhere: 0, tn: 1)
        let r = Analysis().report(obs, unmatched: Unmatched())
        #expect(r.counts.candidates == 13)
        #expect(r.counts.tasks == 2)
        #expect((r.counts.tp, r.counts.fp, r.counts.tn, r.counts.fn) == (8, 2, 3, 0))
        #expect(r.counts.falsePositiveRate.successes == 2 && r.counts.falsePositiveRate.total == 10)
        #expect(r.counts.weakPassRate.estimate == 10.0 / 13)
        #expect(r.counts.tasksWithBoth == 1)
        let x = r.conventions.first { $0.code == "X1" }!
        #expect(x.tp.successes == 7 && x.tp.total == 8)
        #expect(x.fp.successes == 0 && x.fp.total == 2)
        #expect(x.weak.successes == 7 && x.weak.total == 10)
        #expect(x.difference.estimate == 7.0 / 8)
        // Only T/0 has both TP and FP.
        #expect(x.withinTask?.tasks == 1)
        // Y1 never fires: listed apart, not as a row.
        #expect(r.neverFired == ["Y1"])
        #expect(!r.conventions.contains { $0.code == "Y1" })
        #expect(r.conventions.first?.kind == .profile)
    }

    /// Simpson's paradox: within every task TPs and FPs adhere equally often, but FP-prone tasks
    /// are the ones where everyone breaks the rule. Pooled, FPs look worse; within task, there
    /// is no difference, and the verdict must say so.
    @Test func pooledDifferenceThatTaskMixExplains() {
        var obs: [Observation] = []
        for t in 0..<12 {  // 75% adhere in easy tasks, 25% in hard ones, whatever the label
            obs += task("Easy/\(t)", tp: 16, tpAdhere: 12, fp: 4, fpAdhere: 3)
            obs += task("Hard/\(t)", tp: 4, tpAdhere: 1, fp: 16, fpAdhere: 4)
        }
        let r = Analysis().report(obs, unmatched: Unmatched())
        let x = r.conventions.first { $0.code == "X1" }!
        #expect((x.qValue ?? 1) < 0.05)
        #expect(abs((x.difference.estimate ?? 0) - 0.3) < 1e-12)  // 65% against 35%
        #expect(abs((x.withinTask?.commonOddsRatio.estimate ?? 0) - 1) < 1e-12)
        #expect((x.withinTask?.qValue ?? 0) > 0.05)
        #expect(x.verdict.contains("pooled only"))
        // Scores tell the same story: FPs score lower pooled, but not within a task.
        #expect((r.scores.auc ?? 0) > 0.6)
        #expect(abs((r.scores.withinTask?.auc ?? 0) - 0.5) < 1e-12)
        #expect(abs(r.scores.withinTask?.meanDifference.estimate ?? 1) < 1e-12)
    }

    @Test func realWithinTaskDifference() throws {
        var obs: [Observation] = []
        for t in 0..<10 { obs += task("T/\(t)", tp: 10, tpAdhere: 9, fp: 10, fpAdhere: 2) }
        let r = Analysis().report(obs, unmatched: Unmatched())
        let x = r.conventions.first { $0.code == "X1" }!
        #expect(x.verdict == "FPs break it more, pooled and within task")
        #expect((x.withinTask?.commonOddsRatio.estimate ?? 0) > 1)
        #expect(abs((x.withinTask?.meanDifference.estimate ?? 0) - 0.7) < 1e-12)
        #expect(r.scores.tp.mean! > r.scores.fp.mean!)
        #expect((r.scores.auc ?? 0) > 0.5)
        #expect(abs((r.scores.cliffsDelta ?? 0) - (2 * r.scores.auc! - 1)) < 1e-12)
        // Within each task: P(TP 10 > FP 5) + ½P(tie) = .9·.8 + ½(.9·.2 + .1·.8) = .85;
        // mean scores 9.5 against 6.0 in every task; 10 equal positive differences → p = 2/2¹⁰.
        let w = try #require(r.scores.withinTask)
        #expect(w.tasks == 10)
        #expect(abs((w.auc ?? 0) - 0.85) < 1e-12)
        #expect(abs((w.meanDifference.estimate ?? 0) - 3.5) < 1e-12)
        #expect(abs((w.pValue ?? 1) - 2.0 / 1024) < 1e-12)
    }

    @Test func noDifferenceIsReportedAsSuch() {
        var obs: [Observation] = []
        for t in 0..<10 { obs += task("T/\(t)", tp: 10, tpAdhere: 5, fp: 10, fpAdhere: 5) }
        let x = Analysis().report(obs, unmatched: Unmatched()).conventions.first { $0.code == "X1" }!
        #expect(x.difference.estimate == 0)
        #expect(x.verdict == "no difference shown")
        #expect((x.pValue ?? 0) > 0.9)
    }

    /// Within every task, either everyone keeps the rule or everyone breaks it: the tasks carry
    /// no within-task information, so there is no within-task test (not p = 0).
    @Test func noWithinTaskTestWithoutVariationInsideTasks() {
        var obs: [Observation] = []
        for t in 0..<5 {
            obs += task("Keep/\(t)", tp: 3, tpAdhere: 3, fp: 2, fpAdhere: 2)
            obs += task("Break/\(t)", tp: 1, tpAdhere: 0, fp: 4, fpAdhere: 0)
        }
        let x = Analysis().report(obs, unmatched: Unmatched()).conventions.first { $0.code == "X1" }!
        #expect(x.withinTask?.tasks == 10)
        #expect(x.withinTask?.pValue == nil && x.withinTask?.qValue == nil)
        #expect(!x.verdict.contains("within task only"))
    }

    @Test func groupsPerModelAndDataset() {
        let obs = task("HumanEval/0", tp: 3, tpAdhere: 3, fp: 1, fpAdhere: 0, model: "a")
            + task("Mbpp/2", tp: 1, tpAdhere: 0, fp: 3, fpAdhere: 1, model: "b")
        let r = Analysis().report(obs, unmatched: Unmatched())
        #expect(r.groups.map(\.name) == ["a", "b", "HumanEval", "Mbpp"])
        #expect(r.groups.map(\.kind) == [.model, .model, .dataset, .dataset])
        #expect(r.groups[1].counts.fp == 3)
    }
}

@Suite struct RenderTests {
    static let report: Report = {
        var obs: [Observation] = []
        for t in 0..<5 { obs += task("T/\(t)", tp: 6, tpAdhere: 5, fp: 4, fpAdhere: 1, tn: 1, model: t < 3 ? "m1" : "m2") }
        return Analysis().report(obs, unmatched: Unmatched(unlabelled: 2, unlinted: 1, examples: ["x"]))
    }()

    @Test func jsonRoundTrips() throws {
        let text = try JSONReport.render(Self.report)
        let decoded = try JSONDecoder().decode(Report.self, from: Data(text.utf8))
        #expect(decoded.schema == "fluke.report/1")
        #expect(decoded.counts.candidates == 55)
        #expect(decoded.conventions.count == Self.report.conventions.count)
        #expect(text.contains("\"tasks_with_tp_and_fp\""))
    }

    @Test func csvHasOneRowPerConventionAndGroup() {
        let lines = CSVReport.render(Self.report).split(separator: "\n")
        let expected = Self.report.conventions.count + Self.report.groups.reduce(0) { $0 + $1.conventions.count }
        #expect(lines.count == 1 + expected)
        /// Fields of a CSV line (RFC 4180 quoting).
        func fields(_ line: Substring) -> [String] {
            var out = [""], quoted = false
            var chars = Array(line)[...]
            while let c = chars.popFirst() {
                if c == "\"" {
                    if quoted, chars.first == "\"" { out[out.count - 1].append(c); chars.removeFirst() } else { quoted.toggle() }
                } else if c == ",", !quoted { out.append("") } else { out[out.count - 1].append(c) }
            }
            return out
        }
        let header = fields(lines[0])
        #expect(header.first == "group" && header.last == "verdict")
        for line in lines.dropFirst() {
            let f = fields(line)
            #expect(f.count == header.count)
            #expect(["no difference shown", "FPs break it more, pooled and within task"].contains(f.last!))
        }
    }

    @Test func htmlIsSelfContained() {
        let html = HTMLReport.render(Self.report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        // Nothing loads from elsewhere: no scripts, stylesheets or images by URL.
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("<link"))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)
        #expect(html.contains("Per model"))
    }

    @Test func textAndMarkdownShowTheHeadline() {
        let text = TextReport().render(Self.report)
        #expect(text.contains("TP 30   FP 20   TN 5   FN 0"))
        #expect(text.contains("left out: 2 linted without a label, 1 labelled but not linted"))
        #expect(!text.contains("\u{1B}["))
        #expect(TextReport(colour: true).render(Self.report).contains("\u{1B}[1m"))
        let md = MarkdownReport.render(Self.report)
        #expect(md.contains("| `X1` |"))
        #expect(md.contains("## Model `m1`"))
    }
}

/// The within-task score contrast against scipy (Scripts/reference/report_fixtures.py made these
/// values with scipy 1.17.1: mannwhitneyu per task, ttest_1samp(...).confidence_interval, wilcoxon).
@Suite struct ScoreContrastReferenceTests {
    static let fixture = #"""
{"tasks": [{"tp": [6.74, 6.53, 4.5, 4.4, 8.12, 9.07, 4.18, 7.14, 6.26], "fp": [8.34, 8.91]}, {"tp": [6.99, 6.05, 10, 6.25, 9.66, 6.04, 10, 6.81, 8.68], "fp": [6.05, 5.93, 7.58, 9.43]}, {"tp": [5.67, 5.31, 6.21, 3.9], "fp": [5.81, 6.65, 4.18, 3.34, 6.15]}, {"tp": [10, 5.99, 9.27, 7.38, 10, 7.68, 5.89], "fp": [9.38, 4.94, 8.78, 5.87, 8.84]}, {"tp": [5.75, 8.44, 7.54], "fp": [5.53, 5.49]}, {"tp": [7.49, 3.09, 8.41, 4.09, 8.99, 10, 1.82, 3.87], "fp": [3.91, 5.24, 0.52]}, {"tp": [2.15, 6.75], "fp": [5.67, 4.93]}, {"tp": [4.73, 7.16, 4.09, 5.25, 3.17, 4.31], "fp": [7.67, 8.1, 6.72, 3.83, 10, 8.46]}, {"tp": [6.77, 3.84, 5.94, 5.62, 5.99, 3.58, 5.13], "fp": [5.56, 2.8, 2.1, 3.53, 2.78, 6.22]}, {"tp": [7.52, 7.38, 6.08], "fp": [10, 8.74, 7.45, 10, 8.05]}, {"tp": [5.47, 8.07, 6.64, 9.03, 6.54], "fp": [6.87]}, {"tp": [2.59, 4.98, 6.31, 5.21, 1.37, 5.32], "fp": [8.27, 2.04, 7.37, 4.64, 0.99, 3.93]}, {"tp": [8.49, 6.0, 7.09, 7.5], "fp": [6.6, 8.7, 4.97, 10]}, {"tp": [4.72, 4.17, 3.4, 7.26, 5.37, 7.93], "fp": [4.43, 4.86, 3.37, 5.28]}], "auc": 0.5220820189274448, "mean": 0.004387188208616515, "lower": -0.8871476193281014, "upper": 0.8959219957453344, "wilcoxon_p": 0.855224609375}
"""#

    @Test func withinTaskScoresMatchScipy() throws {
        struct Task: Decodable { var tp: [Double]; var fp: [Double] }
        struct Fixture: Decodable { var tasks: [Task]; var auc, mean, lower, upper: Double; var wilcoxon_p: Double }
        let f = try JSONDecoder().decode(Fixture.self, from: Data(Self.fixture.utf8))
        var obs: [Observation] = []
        var n = 0
        for (t, task) in f.tasks.enumerated() {
            for (label, scores) in [(Label.tp, task.tp), (Label.fp, task.fp)] {
                for s in scores {
                    obs.append(Observation(key: CandidateKey(model: nil, taskID: "T/\(t)", completionID: n), label: label,
                                           adherence: ["X1": true], profiles: [:], score: s, parses: true))
                    n += 1
                }
            }
        }
        let w = try #require(Analysis().report(obs, unmatched: Unmatched()).scores.withinTask)
        #expect(w.tasks == f.tasks.count)
        #expect(abs(w.auc! - f.auc) < 1e-9)
        #expect(abs(w.meanDifference.estimate! - f.mean) < 1e-9)
        #expect(abs(w.meanDifference.lower! - f.lower) < 1e-9)
        #expect(abs(w.meanDifference.upper! - f.upper) < 1e-9)
        #expect(abs(w.pValue! - f.wilcoxon_p) < 1e-9)
    }
}
