import Foundation
import Rules
import TOMLKit

/// What `fluke gate` accepts: `[tool.fluke.gate]` in `pyproject.toml` (or `[gate]` in
/// `fluke.toml`), or a policy file given with `--policy` (the same keys at its top level).
///
/// ```toml
/// [tool.fluke.gate]
/// min-score = 7.0                  # Pylint-style 0–10 score, at least
/// forbid = ["F", "E999", "FLK004"] # no finding of these codes or prefixes
/// require-profiles = ["pyflakes"]  # adhere to every selected rule of these profiles
///
/// [tool.fluke.gate.max-count]      # at most this many findings of a code or prefix
/// E501 = 2
///
/// [tool.fluke.gate.consensus]      # with --consensus FILE (from fluke consensus)
/// min-agreement = 1.0              # agree with the plurality on this share of new inputs
/// min-candidates = 3               # fewer candidates in a task: no verdict (accepted)
/// min-support = 0.5                # count inputs whose plurality has this share
/// ```
public struct GatePolicy: Sendable, Equatable {
    public var minScore: Double?
    public var forbid: [String] = []
    public var maxCount: [String: Int] = [:]
    public var requireProfiles: [String] = []
    /// The consensus part of the policy: applies when the gate is given a consensus file.
    public var consensus = ConsensusSettings()

    public struct ConsensusSettings: Sendable, Equatable {
        public var minAgreement: Double?
        public var minCandidates: Int?
        public var minSupport: Double?
        public init(minAgreement: Double? = nil, minCandidates: Int? = nil, minSupport: Double? = nil) {
            self.minAgreement = minAgreement
            self.minCandidates = minCandidates
            self.minSupport = minSupport
        }
    }
    /// Where it was read from (nil: the command line or the default).
    public var file: String?

    public init(minScore: Double? = nil, forbid: [String] = [], maxCount: [String: Int] = [:],
                requireProfiles: [String] = [], file: String? = nil) {
        self.minScore = minScore
        self.forbid = forbid
        self.maxCount = maxCount
        self.requireProfiles = requireProfiles
        self.file = file
    }

    /// Whether the policy asks for anything at all.
    public var isEmpty: Bool { minScore == nil && forbid.isEmpty && maxCount.isEmpty && requireProfiles.isEmpty }

    static let keys = ["consensus", "forbid", "max-count", "min-score", "require-profiles"]

    /// Reads a policy table; `prefix` is how its keys are named in errors (`tool.fluke.gate.`).
    static func parse(_ table: TOMLTable, file: String, prefix: String) throws(RuleError) -> GatePolicy {
        var policy = GatePolicy(file: file)
        let reader = TOMLKeys(file: file, prefix: prefix)
        let fail = reader.fail, strings = reader.strings
        for key in table.keys.sorted() {
            let value = table[key]!
            switch key {
            case "min-score":
                guard let x = value.double ?? value.int.map(Double.init), (0...10).contains(x) else {
                    throw fail(key, "must be a number from 0 to 10")
                }
                policy.minScore = x
            case "forbid": policy.forbid = try strings(key, value)
            case "require-profiles": policy.requireProfiles = try strings(key, value)
            case "max-count":
                guard let t = value.table else { throw fail(key, "must be a table of codes and counts") }
                for code in t.keys.sorted() {
                    guard let n = t[code]?.int, n >= 0 else { throw fail("\(key).\(code)", "must be a count (0 or more)") }
                    policy.maxCount[code] = n
                }
            case "consensus":
                guard let t = value.table else { throw fail(key, "must be a table (min-agreement, min-candidates, min-support)") }
                for k in t.keys.sorted() {
                    let v = t[k]!
                    let share = v.double ?? v.int.map(Double.init)
                    switch k {
                    case "min-agreement", "min-support":
                        guard let x = share, (0...1).contains(x) else { throw fail("\(key).\(k)", "must be a share from 0 to 1") }
                        if k == "min-agreement" { policy.consensus.minAgreement = x } else { policy.consensus.minSupport = x }
                    case "min-candidates":
                        guard let n = v.int, n >= 1 else { throw fail("\(key).\(k)", "must be a count (1 or more)") }
                        policy.consensus.minCandidates = n
                    default:
                        throw fail("\(key).\(k)", "unknown key (known: min-agreement, min-candidates, min-support)")
                    }
                }
            default:
                throw fail(key, "unknown key (known: \(keys.joined(separator: ", ")))")
            }
        }
        return policy
    }

    /// Reads a policy file: `[tool.fluke.gate]` of a `pyproject.toml`, `[gate]` of a
    /// `fluke.toml`, or the keys at the top of any other TOML file.
    public static func load(file: String) throws(RuleError) -> GatePolicy {
        let table = try Configuration.readTOML(file)
        let name = (file as NSString).lastPathComponent
        if name == "pyproject.toml" {
            guard let gate = table["tool"]?.table?["fluke"]?.table?["gate"] else {
                throw RuleError(file: file, message: "has no [tool.fluke.gate] table")
            }
            guard let t = gate.table else { throw RuleError(file: file, message: "`tool.fluke.gate` must be a table") }
            return try parse(t, file: file, prefix: "tool.fluke.gate.")
        }
        if name == "fluke.toml" {
            guard let t = table["gate"]?.table else { throw RuleError(file: file, message: "has no [gate] table") }
            return try parse(t, file: file, prefix: "gate.")
        }
        return try parse(table, file: file, prefix: "")
    }

    /// Checks codes and profiles against the catalogue: an unknown one names the key and file.
    public func validate(_ catalog: RuleCatalog, profiles known: Set<String>) throws(RuleError) {
        let where_ = file ?? "the command line"
        for code in forbid + maxCount.keys.sorted() where catalog.matching(code).isEmpty || code == "ALL" {
            throw RuleError(file: where_, message: "gate: unknown rule code or prefix `\(code)`")
        }
        for p in requireProfiles where !known.contains(p) {
            throw RuleError(file: where_, message: "gate: unknown profile `\(p)` (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
