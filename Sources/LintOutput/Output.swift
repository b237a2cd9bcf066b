import Candidates
import Foundation
import Lint
import Rules

/// How `fluke lint` writes what it found.
public enum LintFormat: String, Sendable, CaseIterable {
    /// `path:line:col: CODE message`, as Ruff's concise output.
    case text
    /// One JSON array, one object per finding (Ruff's field names, and the candidate's identity).
    case json
    /// One JSON object per candidate: findings, adherence per rule and profile, score.
    case jsonl
    /// SARIF 2.1.0, for code-scanning tools.
    case sarif
}

/// Writes lint results as they come (a candidate at a time), in one of the formats.
public final class LintWriter {
    private let format: LintFormat
    private let write: (String) -> Void
    /// Where text output goes as bytes, if the caller takes them (else as a string to `write`).
    private let writeBytes: (([UInt8]) -> Void)?
    private let rules: [Rule]
    private var first = true
    private var sarifResults: [[String: Any]] = []
    public private(set) var findingCount = 0
    public private(set) var candidateCount = 0
    public private(set) var cleanCount = 0

    /// Rule codes in catalogue order, for writing adherence without sorting it each time.
    private let codeOrder: [String]

    /// - Parameter writeBytes: takes text output as UTF-8 bytes, when given (no string is made).
    public init(format: LintFormat, rules: [Rule], writeBytes: (([UInt8]) -> Void)? = nil,
                write: @escaping (String) -> Void) {
        self.format = format
        self.rules = rules
        codeOrder = rules.map(\.code).sorted(by: RuleCatalog.codeOrder)
        self.write = write
        self.writeBytes = writeBytes
        if format == .json { write("[") }
    }

    /// The name a candidate goes by in text output: its file, and `[task#completion]` for a
    /// record of a samples file.
    public static func label(_ id: CandidateID) -> String {
        guard let task = id.taskID, id.line != nil || id.model != nil else { return id.path }
        var s = id.path + "[" + task
        if let c = id.completionID { s += "#\(c)" }
        return s + "]"
    }

    public func add(_ result: LintResult) {
        candidateCount += 1
        if format == .text {
            // (No array of the findings that count: walking them in place copies none.)
            var count = 0
            for i in result.findings.indices where result.includesPrompt || !result.findings[i].inPrompt { count += 1 }
            findingCount += count
            if count == 0 { cleanCount += 1 } else { addText(result, count: count) }
            return
        }
        let counted = result.counted
        findingCount += counted.count
        if counted.isEmpty { cleanCount += 1 }
        switch format {
        case .text:
            break
        case .json:
            var out = ""
            for f in counted {
                out += first ? "\n" : ",\n"
                LintWriter.appendFinding(f, result.candidate, to: &out)
                first = false
            }
            if !out.isEmpty { write(out) }
        case .jsonl:
            var out = ""
            LintWriter.appendResult(result, order: codeOrder, to: &out)
            write(out + "\n")
        case .sarif:
            for f in counted { sarifResults.append(sarifResult(f, result.candidate)) }
        }
    }

    /// `path:line:col: CODE message` for each of the `count` findings of `result` that count.
    private func addText(_ result: LintResult, count: Int) {
        // Made as bytes: string interpolation cost more than the rest of the output.
        let label = Array(LintWriter.label(result.candidate).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * (label.count + 60))
        let all = result.includesPrompt
        result.findings.withUnsafeBufferPointer { fs in
            // (Fields read in place: a finding copied out would retain its strings.)
            for i in fs.indices where all || !fs[i].inPrompt {
                out += label
                out.append(0x3A)  // :
                LintWriter.appendDecimal(fs[i].start.line, to: &out)
                out.append(0x3A)
                LintWriter.appendDecimal(fs[i].start.column, to: &out)
                out += [0x3A, 0x20]  // ": "
                out += fs[i].code.utf8
                out.append(0x20)
                out += fs[i].message.utf8
                out.append(0x0A)
            }
        }
        if let writeBytes { writeBytes(out) } else { write(String(decoding: out, as: UTF8.self)) }
    }

    /// Ends the output (closes the JSON array, writes the SARIF log, the text summary).
    /// A SARIF result for a candidate the gate rejected for something no finding shows (its
    /// score), at the candidate's first line, under the `fluke-gate` rule.
    public func addRejection(_ id: CandidateID, message: String) {
        guard format == .sarif else { return }
        let rejection = Finding(code: LintWriter.gateRule, message: message, severity: .error,
                                start: Location(line: 1, column: 1), end: Location(line: 1, column: 1))
        sarifResults.append(sarifResult(rejection, id))
        gateRejections = true
    }
    private var gateRejections = false
    static let gateRule = "fluke-gate"

    public func finish(summary: Bool = true) {
        switch format {
        case .text:
            if summary {
                write(findingCount == 0 ? "All checks passed (\(candidateCount) candidates).\n"
                      : "Found \(findingCount) findings in \(candidateCount - cleanCount) of \(candidateCount) candidates.\n")
            }
        case .json:
            write(first ? "]\n" : "\n]\n")
        case .jsonl:
            break
        case .sarif:
            write(LintWriter.json(sarifLog(), pretty: true) + "\n")
        }
    }

    /// The decimal digits of `n` (not negative).
    static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        var v = max(n, 0), width = 1
        while v >= 10 { v /= 10; width += 1 }
        out.append(contentsOf: repeatElement(0x30, count: width))
        var i = out.count - 1
        v = max(n, 0)
        repeat {
            out[i] = 0x30 + UInt8(v % 10)
            v /= 10
            i -= 1
        } while v > 0
    }

    // MARK: objects

    /// A JSON string literal.
    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        var plain = true
        for u in s.utf8 where u < 0x20 || u == 0x22 || u == 0x5C { plain = false; break }
        if plain {
            out += s
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out += "\""
    }

    static func appendLocation(_ l: Location, to out: inout String) {
        out += "{\"column\":\(l.column),\"row\":\(l.line)}"
    }

    public static func appendIdentity(_ id: CandidateID, to out: inout String) {
        if let c = id.completionID { out += ",\"completion_id\":\(c)" }
        if let m = id.model { out += ",\"model\":"; appendString(m, to: &out) }
        if let l = id.line { out += ",\"record_line\":\(l)" }
        if let t = id.taskID { out += ",\"task_id\":"; appendString(t, to: &out) }
    }

    /// One finding as JSON; with the candidate's identity (file and record) when `id` is given,
    /// as `--format json` writes it, or without, inside a JSONL record that carries it.
    public static func appendFinding(_ f: Finding, _ id: CandidateID?, to out: inout String) {
        out += "{\"code\":"
        appendString(f.code, to: &out)
        out += ",\"end_location\":"
        appendLocation(f.end, to: &out)
        if let id {
            out += ",\"filename\":"
            appendString(id.path, to: &out)
        }
        out += ",\"in_prompt\":\(f.inPrompt),\"location\":"
        appendLocation(f.start, to: &out)
        out += ",\"message\":"
        appendString(f.message, to: &out)
        out += ",\"severity\":\"\(f.severity.rawValue)\""
        if let id { appendIdentity(id, to: &out) }
        out += "}"
    }

    /// One candidate's result as a JSON object on one line.
    static func appendResult(_ r: LintResult, order: [String], to out: inout String) {
        out += "{\"adherence\":{"
        var first = true
        // The writer's rule order when it covers the result's rules (it does when one
        // configuration applies), else sorted codes.
        let keys = order.count == r.adherence.count ? order : r.adherence.keys.sorted(by: RuleCatalog.codeOrder)
        for key in keys {
            guard let value = r.adherence[key] else { continue }
            if !first { out += "," }
            first = false
            out += "\"\(key)\":\(value)"
        }
        out += "},\"findings\":["
        for (i, f) in r.findings.enumerated() {
            if i > 0 { out += "," }
            appendFinding(f, nil, to: &out)
        }
        out += "],\"includes_prompt\":\(r.includesPrompt),\"parses\":\(r.parses),\"path\":"
        appendString(r.candidate.path, to: &out)
        out += ",\"profiles\":{"
        for (i, key) in r.profiles.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            appendString(key, to: &out)
            out += ":\(r.profiles[key]!)"
        }
        let score = (r.score * 1000).rounded() / 1000
        out += "},\"score\":\(score == score.rounded() ? String(Int(score)) : String(score)),\"statements\":\(r.statements)"
        appendIdentity(r.candidate, to: &out)
        out += "}"
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .refactor, .convention: return "note"
        }
    }

    func sarifResult(_ f: Finding, _ id: CandidateID) -> [String: Any] {
        var region: [String: Any] = ["startLine": f.start.line, "startColumn": f.start.column,
                                     "endLine": f.end.line, "endColumn": max(f.end.column, 1)]
        if f.end < f.start { region["endLine"] = f.start.line; region["endColumn"] = f.start.column }
        var result: [String: Any] = [
            "ruleId": f.code,
            "level": LintWriter.level(f.severity),
            "message": ["text": f.message],
            "locations": [[
                "physicalLocation": ["artifactLocation": ["uri": LintWriter.uri(id.path)], "region": region],
            ] as [String: Any]],
        ]
        if let i = rules.firstIndex(where: { $0.code == f.code }) { result["ruleIndex"] = i }
        if f.code == LintWriter.gateRule { result["ruleIndex"] = rules.count }
        if id.taskID != nil {
            // A record of a samples file: its lines are lines of the record's code.
            var props: [String: Any] = ["task_id": id.taskID!]
            if let c = id.completionID { props["completion_id"] = c }
            if let m = id.model { props["model"] = m }
            if let l = id.line { props["record_line"] = l }
            result["properties"] = props
            var locations = result["locations"] as! [[String: Any]]
            locations[0]["logicalLocations"] = [["fullyQualifiedName": LintWriter.label(id), "kind": "module"]]
            result["locations"] = locations
        }
        return result
    }

    static func uri(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    }

    func sarifLog() -> [String: Any] {
        let driver: [String: Any] = [
            "name": "fluke",
            "informationUri": "https://arxiv.org/abs/2411.17501",
            "version": "0.1.0",
            "rules": rules.map { r -> [String: Any] in
                // SARIF wants the tags unique; a rule's category is often one of its profiles.
                var tags: [String] = []
                for t in [r.category, r.origin] + r.profiles where !tags.contains(t) { tags.append(t) }
                return [
                    "id": r.code, "name": r.name,
                    "shortDescription": ["text": r.summary],
                    "fullDescription": ["text": r.rationale.trimmingCharacters(in: .whitespacesAndNewlines)],
                    "help": ["text": r.rationale.trimmingCharacters(in: .whitespacesAndNewlines)],
                    "defaultConfiguration": ["level": LintWriter.level(r.severity)],
                    "properties": ["tags": tags],
                ]
            } + (gateRejections ? [[
                "id": LintWriter.gateRule, "name": "gate-rejected",
                "shortDescription": ["text": "The candidate breaks the gate's policy (such as its min-score)."],
                "fullDescription": ["text": "fluke gate rejected the candidate for a reason that no single "
                                    + "finding shows, such as an adherence score below the policy's min-score."],
                "defaultConfiguration": ["level": "error"],
                "properties": ["tags": ["gate"]],
            ]] : []),
        ]
        return [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [["tool": ["driver": driver], "results": sarifResults] as [String: Any]],
        ]
    }

    static func json(_ object: Any, pretty: Bool = false) -> String {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
