import Candidates
import Rules

/// What a convention is called in a report.
public struct ConventionInfo: Sendable {
    public var name: String
    public var category: String
    public init(name: String, category: String) {
        self.name = name
        self.category = category
    }
}

/// Builds a `Report` from joined observations.
public struct Analysis: Sendable {
    /// Confidence level of the intervals.
    public var confidence = 0.95
    /// Significance level for calling a difference (on Benjamini–Hochberg q-values).
    public var alpha = 0.05
    /// Whether prompt findings counted in the lint results (recorded in the report).
    public var includesPrompt = false
    /// Names and categories of rule codes (from the rule catalogue).
    public var rules: [String: ConventionInfo] = [:]
    /// The score histogram's bin edges.
    public var binEdges: [Double] = Array(stride(from: 0.0, through: 10.0, by: 1.0))

    public init() {}

    /// Names rules after a catalogue.
    public init(catalog: RuleCatalog) {
        for r in catalog.rules { rules[r.code] = ConventionInfo(name: r.name, category: r.category) }
    }

    /// Profiles in the order reports list them.
    static let profileOrder = ["paper", "pep8", "naming", "pyflakes", "complexity", "docs", "llm"]

    public func report(_ observations: [Observation], unmatched: Unmatched) -> Report {
        let (counts, conventions, neverFired, scores) = analyze(observations)
        var groups: [Group] = []
        let models = Dictionary(grouping: observations) { $0.key.model ?? "(unnamed)" }
        if models.count > 1 {
            for name in models.keys.sorted() {
                let (c, rows, _, s) = analyze(models[name]!)
                groups.append(Group(kind: .model, name: name, counts: c, conventions: rows, scores: s))
            }
        }
        let datasets = Dictionary(grouping: observations) { $0.dataset }
        if datasets.count > 1 {
            for name in datasets.keys.sorted() {
                let (c, rows, _, s) = analyze(datasets[name]!)
                groups.append(Group(kind: .dataset, name: name, counts: c, conventions: rows, scores: s))
            }
        }
        return Report(confidence: confidence, alpha: alpha, includesPrompt: includesPrompt, counts: counts,
                      conventions: conventions, neverFired: neverFired, scores: scores, groups: groups,
                      unmatched: unmatched)
    }

    func analyze(_ obs: [Observation]) -> (Counts, [Contrast], [String], ScoreContrast) {
        let counts = self.counts(obs)
        // Conventions: every rule any candidate was checked against, and every profile.
        var codes = Set<String>(), profiles = Set<String>()
        var fired = Set<String>()
        for o in obs {
            for (code, adheres) in o.adherence {
                codes.insert(code)
                if !adheres { fired.insert(code) }
            }
            profiles.formUnion(o.profiles.keys)
        }
        var ruleRows = codes.filter(fired.contains).map { code in
            contrast(.rule, code, obs) { $0.adherence[code] }
        }
        var profileRows = profiles.map { p in contrast(.profile, p, obs) { $0.profiles[p] } }
        Self.correct(&ruleRows, alpha: alpha)
        Self.correct(&profileRows, alpha: alpha)
        ruleRows.sort { a, b in
            switch (a.pValue, b.pValue) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return RuleCatalog.codeOrder(a.code, b.code)
            }
        }
        profileRows.sort { a, b in
            let i = Self.profileOrder.firstIndex(of: a.code) ?? Int.max, j = Self.profileOrder.firstIndex(of: b.code) ?? Int.max
            return i != j ? i < j : a.code < b.code
        }
        let neverFired = codes.subtracting(fired).sorted(by: RuleCatalog.codeOrder)
        return (counts, profileRows + ruleRows, neverFired, scores(obs))
    }

    func counts(_ obs: [Observation]) -> Counts {
        var by: [Label: Int] = [:]
        for o in obs { by[o.label, default: 0] += 1 }
        let tp = by[.tp] ?? 0, fp = by[.fp] ?? 0, tn = by[.tn] ?? 0, fn = by[.fn] ?? 0
        let n = obs.count
        let tasks = Dictionary(grouping: obs, by: \.key.taskID)
        let both = tasks.values.filter { g in g.contains { $0.label == .tp } && g.contains { $0.label == .fp } }.count
        return Counts(candidates: n, tasks: tasks.count, models: Set(obs.map { $0.key.model ?? "" }).count,
                      tp: tp, fp: fp, tn: tn, fn: fn,
                      weakPassRate: Inference.proportion(tp + fp, n, confidence),
                      strongPassRate: Inference.proportion(tp + fn, n, confidence),
                      falsePositiveRate: Inference.proportion(fp, tp + fp, confidence),
                      tasksWithBoth: both)
    }

    /// The contrast for one convention; `adheres` is nil where a candidate was not checked.
    func contrast(_ kind: Contrast.Kind, _ code: String, _ obs: [Observation],
                  _ adheres: (Observation) -> Bool?) -> Contrast {
        var t = Table()
        var byTask: [String: Table] = [:]
        for o in obs where o.label.passesWeak {
            guard let a = adheres(o) else { continue }
            t.add(o.label, a)
            byTask[o.key.taskID, default: Table()].add(o.label, a)
        }
        let tp = Inference.proportion(t.tpAdhere, t.tpTotal, confidence)
        let fp = Inference.proportion(t.fpAdhere, t.fpTotal, confidence)
        let weak = Inference.proportion(t.tpAdhere + t.fpAdhere, t.tpTotal + t.fpTotal, confidence)
        let difference = Inference.difference(t.tpAdhere, t.tpTotal, t.fpAdhere, t.fpTotal, confidence)
        let fisher = t.tpTotal > 0 && t.fpTotal > 0 ? Inference.fisher(t) : nil
        let strata = byTask.keys.sorted().map { byTask[$0]! }.filter { $0.tpTotal > 0 && $0.fpTotal > 0 }
        let within: WithinTask? = strata.isEmpty ? nil : Inference.withinTask(strata, confidence)
        let info: ConventionInfo
        if kind == .rule {
            info = rules[code] ?? ConventionInfo(name: code, category: "")
        } else {
            info = ConventionInfo(name: "adheres to every selected \(code) rule", category: code)
        }
        return Contrast(kind: kind, code: code, name: info.name, category: info.category, tp: tp, fp: fp, weak: weak,
                        difference: difference, oddsRatio: fisher?.oddsRatio, pValue: fisher?.pValue, qValue: nil,
                        withinTask: within, verdict: "")
    }

    /// Benjamini–Hochberg across the rows (pooled, and within task separately), then verdicts.
    static func correct(_ rows: inout [Contrast], alpha: Double) {
        let pooled = Inference.benjaminiHochberg(rows.map(\.pValue))
        let within = Inference.benjaminiHochberg(rows.map { $0.withinTask?.pValue })
        for i in rows.indices {
            rows[i].qValue = pooled[i]
            rows[i].withinTask?.qValue = within[i]
            rows[i].verdict = verdict(rows[i], alpha: alpha)
        }
    }

    /// How the pooled and the within-task answers relate.
    static func verdict(_ c: Contrast, alpha: Double) -> String {
        let pooled = (c.qValue ?? 1) < alpha
        let within = (c.withinTask?.qValue ?? 1) < alpha
        let pooledSign = (c.difference.estimate ?? 0).sign
        let withinSign: FloatingPointSign? = c.withinTask?.commonOddsRatio.estimate.map { $0 >= 1 ? .plus : .minus }
        func who(_ s: FloatingPointSign) -> String { s == .plus ? "FPs break it more" : "TPs break it more" }
        switch (pooled, within) {
        case (true, true):
            if let w = withinSign, w != pooledSign { return "opposite directions pooled and within task" }
            return "\(who(pooledSign)), pooled and within task"
        case (true, false):
            return c.withinTask == nil ? "\(who(pooledSign)) pooled; no task has both TP and FP"
                : "\(who(pooledSign)) pooled only: not within task (task mix)"
        case (false, true):
            return "\(who(withinSign ?? pooledSign)) within task only"
        case (false, false):
            return "no difference shown"
        }
    }

    func scores(_ obs: [Observation]) -> ScoreContrast {
        let tp = obs.filter { $0.label == .tp }.map(\.score)
        let fp = obs.filter { $0.label == .fp }.map(\.score)
        let test = Inference.mannWhitney(tp, fp)
        var byTask: [String: (tp: [Double], fp: [Double])] = [:]
        for o in obs where o.label.passesWeak {
            if o.label == .tp { byTask[o.key.taskID, default: ([], [])].tp.append(o.score) }
            else { byTask[o.key.taskID, default: ([], [])].fp.append(o.score) }
        }
        let strata = byTask.keys.sorted().map { byTask[$0]! }.filter { !$0.tp.isEmpty && !$0.fp.isEmpty }
        return ScoreContrast(binEdges: binEdges, tp: Inference.distribution(tp, binEdges),
                             fp: Inference.distribution(fp, binEdges), u: test?.u, pValue: test?.pValue,
                             auc: test?.auc, cliffsDelta: test.map { 2 * $0.auc - 1 },
                             withinTask: strata.isEmpty ? nil : Inference.scoresWithinTask(strata, confidence))
    }
}

/// Adherence × label among candidates that pass the weak tests.
struct Table: Sendable {
    var tpAdhere = 0, tpBreak = 0, fpAdhere = 0, fpBreak = 0
    var tpTotal: Int { tpAdhere + tpBreak }
    var fpTotal: Int { fpAdhere + fpBreak }

    mutating func add(_ label: Label, _ adheres: Bool) {
        switch (label, adheres) {
        case (.tp, true): tpAdhere += 1
        case (.tp, false): tpBreak += 1
        case (.fp, true): fpAdhere += 1
        case (.fp, false): fpBreak += 1
        default: break
        }
    }
}
