import Candidates
import Checkers
import Configuration
import Lint
import Report
import Rules

/// Whether a candidate gets through, and why not.
public struct GateDecision: Sendable {
    public var candidate: CandidateID
    public var accepted: Bool
    public var score: Double
    /// One line per broken requirement ("score 6.20 is below 7.00", "forbidden E999: 1 finding").
    public var reasons: [String]
    /// The findings that broke a requirement (for annotations and SARIF).
    public var violations: [Finding]
    /// Every counted finding (what the model wrote, unless the prompt counts).
    public var findingCount: Int
}

/// Applies a `GatePolicy` to lint results.
public struct Gate: Sendable {
    public let policy: GatePolicy
    /// Per rule code, the profiles it belongs to (to name the findings that break a profile).
    let profilesOf: [String: [String]]
    /// Per code or prefix of the policy, the codes it stands for (prefixes read as `select` reads them).
    let codesOf: [String: Set<String>]

    public init(policy: GatePolicy, rules: [Rule]) {
        self.policy = policy
        profilesOf = Dictionary(rules.map { ($0.code, $0.profiles) }, uniquingKeysWith: { a, _ in a })
        var codes: [String: Set<String>] = [:]
        for selector in policy.forbid + policy.maxCount.keys {
            codes[selector] = Set(RuleCatalog.matching(selector, in: rules).map(\.code)).union([selector])
        }
        codesOf = codes
    }

    /// Profiles that some selected rule belongs to (the only ones a policy can require).
    public var knownProfiles: Set<String> { Set(profilesOf.values.joined()) }

    public func decide(_ result: LintResult) -> GateDecision {
        let counted = result.counted
        var reasons: [String] = []
        var violations: [Finding] = []
        var seen = Set<Int>()
        func flag(_ indices: [Int]) {
            for i in indices where seen.insert(i).inserted { violations.append(counted[i]) }
        }
        func plural(_ n: Int) -> String { n == 1 ? "1 finding" : "\(n) findings" }
        for code in policy.forbid {
            let hits = counted.indices.filter { codesOf[code]?.contains(counted[$0].code) == true }
            if !hits.isEmpty {
                reasons.append("forbidden \(code): \(plural(hits.count))")
                flag(hits)
            }
        }
        for (code, limit) in policy.maxCount.sorted(by: { $0.key < $1.key }) {
            let hits = counted.indices.filter { codesOf[code]?.contains(counted[$0].code) == true }
            if hits.count > limit {
                reasons.append("\(code): \(plural(hits.count)), at most \(limit) allowed")
                flag(hits)
            }
        }
        for p in policy.requireProfiles where result.profiles[p] == false {
            let hits = counted.indices.filter { profilesOf[counted[$0].code]?.contains(p) == true }
            reasons.append("breaks profile \(p) (\(plural(hits.count)))")
            flag(hits)
        }
        if let min = policy.minScore, result.score < min {
            reasons.append("score \(Gate.format(result.score)) is below \(Gate.format(min))")
        }
        violations.sort { ($0.start, $0.code) < ($1.start, $1.code) }
        return GateDecision(candidate: result.candidate, accepted: reasons.isEmpty, score: result.score,
                            reasons: reasons, violations: violations, findingCount: counted.count)
    }

    /// The decision on a saved lint result (a record of `fluke lint --format jsonl`), as on the
    /// result it was written from (its score is rounded to three decimals there).
    public func decide(_ record: LintRecord) -> GateDecision {
        let findings = record.findings.map { f in
            Finding(code: f.code, message: f.message, severity: Severity(rawValue: f.severity) ?? .convention,
                    start: Location(line: f.line, column: f.column), end: Location(line: f.endLine, column: f.endColumn),
                    inPrompt: f.inPrompt)
        }
        let id = CandidateID(taskID: record.key.taskID, completionID: record.key.completionID, model: record.key.model,
                             path: record.path)
        return decide(LintResult(candidate: id, findings: findings, adherence: record.adherence, profiles: record.profiles,
                                 score: record.score, statements: 0, parses: record.parses,
                                 includesPrompt: record.includesPrompt))
    }

    /// A score with at most two decimals.
    public static func format(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return String(r)
    }
}

/// Picks, among candidates for one task that the tests cannot tell apart, the one to keep:
/// accepted by the gate first, then the higher score, then fewer findings, then the earlier
/// sample (so that the choice is deterministic).
public enum Selection {
    public static func better(_ a: GateDecision, _ b: GateDecision) -> Bool {
        if a.accepted != b.accepted { return a.accepted }
        if a.score != b.score { return a.score > b.score }
        if a.findingCount != b.findingCount { return a.findingCount < b.findingCount }
        return order(a.candidate, b.candidate)
    }

    static func order(_ a: CandidateID, _ b: CandidateID) -> Bool {
        ((a.model ?? ""), (a.completionID ?? -1), a.path, (a.line ?? 0))
            < ((b.model ?? ""), (b.completionID ?? -1), b.path, (b.line ?? 0))
    }

    /// The reason the best one won over the runner-up, in words.
    public static func reason(best: GateDecision, runnerUp: GateDecision?) -> String {
        guard let r = runnerUp else { return "the only candidate" }
        if best.accepted != r.accepted { return "the gate accepts it and rejects the next best" }
        if best.score != r.score {
            return "highest score: \(Gate.format(best.score)) against \(Gate.format(r.score))"
        }
        if best.findingCount != r.findingCount {
            return "same score; fewer findings: \(best.findingCount) against \(r.findingCount)"
        }
        return "tied with the next best on gate, score and findings; the earliest sample wins"
    }
}
