import Foundation
import Testing
@testable import Report
@testable import Scaling

@Suite struct ScalingRenderTests {
    func report() -> ScalingReport {
        var a = ScalingAnalysis()
        a.bootstrap = 0
        a.gate = GateInfo(policy: "min-score 8.0", linted: 10)
        return a.run(handMade)
    }

    @Test func textShowsBothVerifiersAndTheOptima() {
        let text = ScalingRender.text(report())
        #expect(text.contains("m on T: 3 tasks, 10 candidates (2–4 samples per task)"))
        #expect(text.contains("weak tests + gate"))
        // The hand-worked optima: weak tests k = 3, 1, 1, 1, 0; with the gate 4 throughout.
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("  0     ") || $0.hasPrefix("  8     ") }
        #expect(rows.contains { $0.split(separator: " ").map(String.init) == ["0", "3", "0.500", "–", "3", "4", "0.667", "–", "4"] })
        #expect(rows.contains { $0.split(separator: " ").map(String.init) == ["8", "0", "0.000", "–", "0", "4", "0.667", "–", "4"] })
        #expect(text.contains("tasks where the weak tests accept nothing (1): T/1"))
        #expect(!text.contains(" \n"))  // no trailing blanks
    }

    @Test func htmlIsSelfContained() {
        let html = ScalingRender.html(report())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count == 3)  // reward chart, cross-model chart
        #expect(html.contains("stroke-dasharray=\"6 4\""))  // the gated curves
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
    }

    @Test func theFitLineIsClippedToTheChart() throws {
        let (a, b) = try #require(ScalingRender.insideUnitSquare(slope: 0.52, intercept: 0.574))
        #expect(a == 0 && abs(b - 0.426 / 0.52) < 1e-12)
        #expect(ScalingRender.insideUnitSquare(slope: 0.22, intercept: 0.72).map { [$0.0, $0.1] } == [0, 1])
        #expect(ScalingRender.insideUnitSquare(slope: 0, intercept: 1.5) == nil)
        #expect(ScalingRender.insideUnitSquare(slope: 1, intercept: -2) == nil)
    }
}
