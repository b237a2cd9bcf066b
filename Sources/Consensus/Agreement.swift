/// Grouping candidates of one task by what they output, and scoring each by how far it is from
/// the others.

/// When a candidate is called an outlier.
public struct ConsensusPolicy: Sendable, Equatable, Codable {
    /// Accept a candidate whose output equals the plurality output on at least this share of
    /// the inputs that count.
    public var minAgreement: Double
    /// With fewer candidates (that pass the weak tests) in a task, there is no consensus to
    /// speak of: every candidate gets "no verdict" and is accepted.
    public var minCandidates: Int
    /// An input counts only if its plurality output is shared by at least this share of the
    /// task's candidates (0: every input counts). Inputs on which candidates scatter are often
    /// outside what the task defines, where right candidates may differ too.
    public var minSupport: Double

    public init(minAgreement: Double = 1.0, minCandidates: Int = 3, minSupport: Double = 0.5) {
        self.minAgreement = minAgreement
        self.minCandidates = minCandidates
        self.minSupport = minSupport
    }

    enum CodingKeys: String, CodingKey {
        case minAgreement = "min_agreement", minCandidates = "min_candidates", minSupport = "min_support"
    }
}

public enum Verdict: String, Sendable, Codable {
    /// Agrees with the plurality often enough.
    case accept
    /// An outlier.
    case reject
    /// Too few candidates in the task, or no input that counts: accepted, as if there were no gate.
    case noVerdict = "no-verdict"

    public var accepted: Bool { self != .reject }
}

/// One candidate's standing among its task's candidates.
public struct Standing: Sendable, Equatable, Codable {
    /// Its group of candidates with the same output on every input: 0 is the largest (ties:
    /// the group whose first member comes first), 1 the next, ….
    public var cluster: Int
    public var clusterSize: Int
    /// Candidates in the task (those compared).
    public var candidates: Int
    /// Share of the counted inputs on which its output is the plurality output (a tie for
    /// the most common output: each of the tied outputs is a plurality output). Nil when no
    /// input counts.
    public var agreement: Double?
    /// Share of the inputs on which its output differs from the largest group's (0 for its
    /// members).
    public var distance: Double?
    public var inputsCounted: Int
    public var verdict: Verdict

    enum CodingKeys: String, CodingKey {
        case cluster, clusterSize = "cluster_size", candidates, agreement, distance,
             inputsCounted = "inputs_counted", verdict
    }
}

public enum Consensus {
    /// The standing of each candidate of one task, from their output vectors (one canonical
    /// output text per input, the same inputs in the same order for all). Vectors of unequal
    /// length are compared on the inputs they all have.
    public static func judge(_ vectors: [[String]], policy: ConsensusPolicy) -> [Standing] {
        let m = vectors.count
        guard m > 0 else { return [] }
        let n = vectors.map(\.count).min() ?? 0

        // Groups of identical vectors, largest first.
        var groupOf: [[String]: Int] = [:]
        var members: [[Int]] = []
        for (c, v) in vectors.enumerated() {
            let key = Array(v.prefix(n))
            if let g = groupOf[key] { members[g].append(c) } else {
                groupOf[key] = members.count
                members.append([c])
            }
        }
        let order = members.indices.sorted { a, b in
            members[a].count != members[b].count ? members[a].count > members[b].count : members[a][0] < members[b][0]
        }
        var rank = [Int](repeating: 0, count: members.count)
        for (r, g) in order.enumerated() { rank[g] = r }
        let largest = Array(vectors[members[order[0]][0]].prefix(n))

        // Per input: the plurality outputs, and whether the input counts.
        var agreeing = [Int](repeating: 0, count: m)
        var counted = 0
        for i in 0..<n {
            var tally: [String: Int] = [:]
            for v in vectors { tally[v[i], default: 0] += 1 }
            let top = tally.values.max() ?? 0
            guard Double(top) >= policy.minSupport * Double(m) else { continue }
            counted += 1
            for (c, v) in vectors.enumerated() where tally[v[i]] == top { agreeing[c] += 1 }
        }

        return vectors.enumerated().map { c, v in
            let key = Array(v.prefix(n))
            let g = groupOf[key]!
            let agreement = counted > 0 ? Double(agreeing[c]) / Double(counted) : nil
            let distance = n > 0 ? Double(zip(key, largest).filter { $0 != $1 }.count) / Double(n) : nil
            let verdict: Verdict
            if m < policy.minCandidates || agreement == nil {
                verdict = .noVerdict
            } else {
                // A little slack for the binary fraction (29/30 against 0.9667).
                verdict = agreement! + 1e-9 >= policy.minAgreement ? .accept : .reject
            }
            return Standing(cluster: rank[g], clusterSize: members[g].count, candidates: m, agreement: agreement,
                            distance: distance, inputsCounted: counted, verdict: verdict)
        }
    }
}
