import Candidates
import Foundation

/// How candidates are matched between a lint run and a verification run: the task, the sample's
/// number within it, and the model where both sides name one.
public struct CandidateKey: Hashable, Sendable, CustomStringConvertible {
    public var model: String?
    public var taskID: String
    public var completionID: Int

    public init(model: String?, taskID: String, completionID: Int) {
        self.model = model
        self.taskID = taskID
        self.completionID = completionID
    }

    var withoutModel: CandidateKey { CandidateKey(model: nil, taskID: taskID, completionID: completionID) }

    public var description: String { (model.map { "\($0):" } ?? "") + "\(taskID)#\(completionID)" }
}

/// One candidate as the report sees it: its label, and how it fared against the style rules.
public struct Observation: Sendable {
    public var key: CandidateKey
    public var label: Label
    /// Adherence per rule code and per profile (true: no finding in what the model wrote).
    public var adherence: [String: Bool]
    public var profiles: [String: Bool]
    /// The Pylint-style 0–10 score.
    public var score: Double
    public var parses: Bool

    public init(key: CandidateKey, label: Label, adherence: [String: Bool], profiles: [String: Bool],
                score: Double, parses: Bool) {
        self.key = key
        self.label = label
        self.adherence = adherence
        self.profiles = profiles
        self.score = score
        self.parses = parses
    }

    /// The benchmark the task belongs to: the part of its id before the last `/`
    /// (`HumanEval/12` → `HumanEval`, `Mbpp/2` → `Mbpp`).
    public var dataset: String { TaskID.dataset(of: key.taskID) }
}

/// Labels by candidate, read from Fluke's labels (JSONL from `fluke verify`) or from an EvalPlus
/// `eval_results.json`.
public struct LabelSet: Sendable {
    public private(set) var labels: [CandidateKey: Label] = [:]
    /// Whether some label names its model (then lint records are matched by model too).
    public private(set) var namesModels = false

    public init() {}

    public var count: Int { labels.count }

    public mutating func set(_ key: CandidateKey, _ label: Label) {
        if key.model != nil { namesModels = true }
        labels[key] = label
    }

    /// The label of a linted candidate, and the key it is stored under: by model, task and
    /// number; or by task and number when the labels name no model.
    public func match(_ key: CandidateKey) -> (CandidateKey, Label)? {
        if let l = labels[key] { return (key, l) }
        if !namesModels, let l = labels[key.withoutModel] { return (key.withoutModel, l) }
        return nil
    }

    public var keys: Dictionary<CandidateKey, Label>.Keys { labels.keys }

    /// Reads labels from `path`: an EvalPlus `eval_results.json` (an object with `eval`), or
    /// JSON Lines with `task_id`, `completion_id` (else numbered per task in order), `model`
    /// (else `model` given here), and `label` (TP, FP, TN, FN) or `base_status` and
    /// `plus_status` ("pass" or anything else).
    public static func load(path: String, model: String? = nil) throws(InputIssue) -> LabelSet {
        let reader = try JSONLinesReader(path: path)
        guard let first = try reader.next() else { throw InputIssue(path: path, message: "holds no labels") }
        // eval_results.json is one JSON object (EvalPlus indents it over many lines).
        let object = (try? JSONSerialization.jsonObject(with: Data(first.bytes))) as? [String: Any]
        if object?["eval"] != nil || (object == nil && first.bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == 0x7B
                                      && path.hasSuffix(".json")) {
            return try fromEvalPlus(path: path, model: model)
        }
        var set = LabelSet()
        var next: [String: Int] = [:]
        var item: (line: Int, bytes: [UInt8])? = first
        while let (line, bytes) = item {
            guard let record = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
                throw InputIssue(path: path, line: line, message: "not a JSON object")
            }
            guard let task = record["task_id"] as? String else {
                throw InputIssue(path: path, line: line, message: "no `task_id`")
            }
            let number = (record["completion_id"] as? Int) ?? next[task, default: 0]
            next[task] = max(next[task, default: 0], number + 1)
            guard let label = Self.label(of: record) else {
                throw InputIssue(path: path, line: line,
                                 message: "no `label` (TP, FP, TN, FN) and no `base_status`/`plus_status`")
            }
            set.set(CandidateKey(model: (record["model"] as? String) ?? model, taskID: task, completionID: number), label)
            item = try reader.next()
        }
        return set
    }

    static func label(of record: [String: Any]) -> Label? {
        if let text = record["label"] as? String { return Label(rawValue: text.uppercased()) }
        guard let base = record["base_status"] as? String, let plus = record["plus_status"] as? String else {
            return nil
        }
        return Label(passesWeak: base == "pass", passesStrong: plus == "pass")
    }

    /// EvalPlus's `eval_results.json`: per task, one entry per sample in the order of the samples
    /// file (that order is the sample's number), with `base_status` and `plus_status`.
    static func fromEvalPlus(path: String, model: String?) throws(InputIssue) -> LabelSet {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputIssue(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let eval = root["eval"] as? [String: Any] else {
            throw InputIssue(path: path, message: "not an EvalPlus eval_results.json (no `eval` object)")
        }
        var set = LabelSet()
        for (task, value) in eval {
            guard let entries = value as? [[String: Any]] else {
                throw InputIssue(path: path, message: "`eval.\(task)` is not a list of results")
            }
            for (i, entry) in entries.enumerated() {
                guard let label = Self.label(of: entry) else {
                    throw InputIssue(path: path, message: "`eval.\(task)[\(i)]` has no `base_status`/`plus_status` "
                                     + "(was EvalPlus run with --base-only?)")
                }
                set.set(CandidateKey(model: model, taskID: task, completionID: i), label)
            }
        }
        return set
    }
}

/// A lint result as `fluke lint --format jsonl` writes it, reduced to what a report and a gate
/// need.
public struct LintRecord: Sendable {
    public var key: CandidateKey
    /// The file the candidate was read from.
    public var path: String
    public var adherence: [String: Bool]
    public var profiles: [String: Bool]
    public var score: Double
    public var parses: Bool
    /// Whether findings in the prompt counted.
    public var includesPrompt: Bool
    /// Every finding, in the prompt or not.
    public var findings: [SavedFinding]

    /// A finding as the JSONL record holds it.
    public struct SavedFinding: Sendable, Equatable {
        public var code: String
        public var message: String
        /// `error`, `warning`, `refactor` or `convention`.
        public var severity: String
        public var line: Int, column: Int, endLine: Int, endColumn: Int
        public var inPrompt: Bool

        init?(_ f: [String: Any]) {
            guard let code = f["code"] as? String else { return nil }
            let start = f["location"] as? [String: Any], end = f["end_location"] as? [String: Any]
            self.code = code
            message = (f["message"] as? String) ?? ""
            severity = (f["severity"] as? String) ?? "convention"
            line = (start?["row"] as? Int) ?? 1
            column = (start?["column"] as? Int) ?? 1
            endLine = (end?["row"] as? Int) ?? line
            endColumn = (end?["column"] as? Int) ?? column
            inPrompt = (f["in_prompt"] as? Bool) ?? false
        }
    }

    /// Reads the records of a `fluke lint --format jsonl` file, one at a time.
    public static func forEach(path: String, _ body: (LintRecord) throws -> Void) throws {
        let reader = try JSONLinesReader(path: path)
        var next: [String: Int] = [:]
        while let (line, bytes) = try reader.next() {
            guard let r = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
                  let adherence = r["adherence"] as? [String: Bool] else {
                throw InputIssue(path: path, line: line, message: "not a record of `fluke lint --format jsonl`")
            }
            guard let task = r["task_id"] as? String else {
                throw InputIssue(path: path, line: line,
                                 message: "the candidate has no task id (lint benchmark samples, not loose files)")
            }
            let number = (r["completion_id"] as? Int) ?? next[task, default: 0]
            next[task] = max(next[task, default: 0], number + 1)
            let findings = ((r["findings"] as? [[String: Any]]) ?? []).compactMap(SavedFinding.init)
            try body(LintRecord(key: CandidateKey(model: r["model"] as? String, taskID: task, completionID: number),
                                path: (r["path"] as? String) ?? path,
                                adherence: adherence, profiles: (r["profiles"] as? [String: Bool]) ?? [:],
                                score: (r["score"] as? Double) ?? Double((r["score"] as? Int) ?? 0),
                                parses: (r["parses"] as? Bool) ?? true,
                                includesPrompt: (r["includes_prompt"] as? Bool) ?? false, findings: findings))
        }
    }
}
