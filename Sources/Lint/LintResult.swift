import Candidates
import Rules
import SyntaxTree

/// What linting one candidate gives: its findings, whether it adheres to each selected rule and
/// profile, and a 0–10 score with Pylint's formula.
public struct LintResult: Sendable, Codable {
    public var candidate: CandidateID
    /// Every finding, in the prompt or not.
    public var findings: [Finding]
    /// Per selected rule code: true when the candidate has no finding of it (counting only what
    /// the model wrote, unless the prompt was included).
    public var adherence: [String: Bool]
    /// Per profile: true when it adheres to every selected rule of the profile.
    public var profiles: [String: Bool]
    /// 10 − 10·(5·errors + warnings + refactors + conventions) / statements, floored at 0.
    public var score: Double
    /// Statements in the candidate (the score's denominator).
    public var statements: Int
    /// Whether the candidate parses.
    public var parses: Bool
    /// Whether findings in the prompt counted.
    public var includesPrompt: Bool

    public init(candidate: CandidateID, findings: [Finding], adherence: [String: Bool], profiles: [String: Bool],
                score: Double, statements: Int, parses: Bool, includesPrompt: Bool) {
        self.candidate = candidate
        self.findings = findings
        self.adherence = adherence
        self.profiles = profiles
        self.score = score
        self.statements = statements
        self.parses = parses
        self.includesPrompt = includesPrompt
    }

    enum CodingKeys: String, CodingKey {
        case candidate, findings, adherence, profiles, score, statements, parses, includesPrompt = "includes_prompt"
    }

    /// The findings that count: those in what the model wrote, unless the prompt is included.
    public var counted: [Finding] { includesPrompt ? findings : findings.filter { !$0.inPrompt } }
}

extension Linter {
    /// Lints one candidate (already parsed).
    ///
    /// - Parameter verdicts: whether to fill in `adherence` and `profiles` (left empty when
    ///   false: an output that shows only findings need not make two dictionaries of every
    ///   rule and profile per candidate).
    public func lint(_ candidate: Candidate, tree: Tree, includePrompt: Bool = false, verdicts: Bool = true) -> LintResult {
        let findings = self.findings(in: tree, firstModelLine: candidate.firstModelLine)
        // (The findings that count are only filtered out when some do not: a filtered copy
        // retains each finding's strings.)
        let counted = includePrompt || !findings.contains(where: \.inPrompt) ? findings : findings.filter { !$0.inPrompt }
        // Every rule and profile adheres but those with a finding that counts.
        let (adherence, profiles) = verdicts ? self.verdicts(failing: counted) : ([:], [:])
        let statements = Scoring.statements(in: tree)
        return LintResult(candidate: candidate.id, findings: findings, adherence: adherence, profiles: profiles,
                          score: Scoring.score(counted, statements: statements), statements: statements,
                          parses: !tree.hasSyntaxErrors, includesPrompt: includePrompt)
    }
}

extension Linter {
    /// `adherence` and `profiles` when `counted` are the findings that count.
    func verdicts(failing counted: [Finding]) -> (adherence: [String: Bool], profiles: [String: Bool]) {
        if counted.isEmpty { return (adherenceWhenClean, profilesWhenClean) }
        // The distinct codes (few per candidate: a linear search beats hashing each finding's).
        var codes: [String] = []
        codes.reserveCapacity(8)
        for f in counted where !codes.contains(f.code) { codes.append(f.code) }
        codes.sort()
        return verdicts.value(codes) {
            var adherence = adherenceWhenClean
            var profiles = profilesWhenClean
            for code in codes where adherence[code] != nil {
                adherence[code] = false
                for p in profilesOfCode[code] ?? [] { profiles[p] = false }
            }
            return (adherence, profiles)
        }
    }
}

/// Pylint's score.
public enum Scoring {
    /// 10 − 10·(5·errors + warnings + refactors + conventions) / statements, floored at 0 (and 10
    /// when there are no statements and no findings, 0 when there are findings but no
    /// statements).
    public static func score(_ findings: [Finding], statements: Int) -> Double {
        let weighted = findings.reduce(0) { $0 + $1.severity.weight }
        guard statements > 0 else { return weighted == 0 ? 10 : 0 }
        return max(0, 10 - 10 * Double(weighted) / Double(statements))
    }

    static let statementKinds: Set<String> = [
        "expression_statement", "return_statement", "pass_statement", "break_statement",
        "continue_statement", "raise_statement", "assert_statement", "delete_statement",
        "global_statement", "nonlocal_statement", "import_statement", "import_from_statement",
        "future_import_statement", "print_statement", "exec_statement", "type_alias_statement",
        "if_statement", "for_statement", "while_statement", "try_statement", "with_statement",
        "match_statement", "function_definition", "class_definition",
    ]

    static let statementSymbols = SymbolSet(named: Array(statementKinds))

    /// Statements as Pylint counts them (every statement node, compound ones and definitions
    /// included).
    public static func statements(in tree: Tree) -> Int {
        tree.count(of: statementSymbols)
    }
}
