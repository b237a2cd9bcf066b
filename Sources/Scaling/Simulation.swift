import Statistics

/// The simulation's and the bootstrap's generator: `SplitMix64` (Statistics), with uniform
/// integers drawn by Lemire's multiply-and-reject, so that a seeded run repeats exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var core: SplitMix64

    public init(seed: UInt64) { core = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { core.next() }

    /// A uniform integer in 0..<bound, without bias (Lemire's multiply-and-reject), by this
    /// file's own arithmetic rather than the standard library's (whose method may change).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "need a positive bound")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }
}

/// The resampling loop by shuffling, as the paper measured it: per task, `shuffles` random
/// orders of its samples; in each, the first accepted sample and its position K. The exact
/// values of `Resampling` are what these averages converge to.
public struct SimulatedCurves: Sendable {
    public let shuffles: Int
    public let maxK: Int
    /// Per task, for k = 1…maxK: the share of shuffles in which a true positive (`correct`) or
    /// a false positive (`wrong`) was accepted within k draws.
    let correct: [[Double]]
    let wrong: [[Double]]

    /// Shuffles `shuffles` times per task (a partial Fisher–Yates shuffle, stopped at the first
    /// accepted sample: the drawn prefix of a shuffle is a uniform draw without replacement).
    public init(_ tasks: [VerifiedTask], maxK: Int, shuffles: Int, seed: UInt64) {
        precondition(shuffles > 0, "need at least one shuffle")
        self.shuffles = shuffles
        self.maxK = maxK
        var rng = SeededGenerator(seed: seed)
        var correct: [[Double]] = [], wrong: [[Double]] = []
        for task in tasks {
            // 0: rejected, 1: accepted and correct, 2: accepted and wrong.
            var pool = [UInt8](repeating: 1, count: task.correct)
                + [UInt8](repeating: 2, count: task.falsePositives)
                + [UInt8](repeating: 0, count: task.samples - task.accepted)
            var firstCorrect = [Int](repeating: 0, count: maxK + 1), firstWrong = firstCorrect
            if task.accepted > 0 {
                for _ in 0..<shuffles {
                    var i = 0
                    while i < pool.count {
                        pool.swapAt(i, i + rng.below(pool.count - i))
                        if pool[i] != 0 { break }
                        i += 1
                    }
                    // Position K = i + 1; beyond maxK it counts as never (it cannot happen when
                    // maxK covers the task's samples).
                    if i + 1 <= maxK {
                        if pool[i] == 1 { firstCorrect[i + 1] += 1 } else { firstWrong[i + 1] += 1 }
                    }
                }
            }
            var c = [Double](repeating: 0, count: maxK), w = c
            var sumC = 0, sumW = 0
            for k in stride(from: 1, through: maxK, by: 1) {
                sumC += firstCorrect[k]
                sumW += firstWrong[k]
                c[k - 1] = Double(sumC) / Double(shuffles)
                w[k - 1] = Double(sumW) / Double(shuffles)
            }
            correct.append(c)
            wrong.append(w)
        }
        self.correct = correct
        self.wrong = wrong
    }

    /// The simulated mean reward over tasks at k = 1…maxK for cost ratio r.
    public func reward(costRatio r: Double) -> [Double] {
        guard !correct.isEmpty else { return [Double](repeating: 0, count: maxK) }
        return (0..<maxK).map { k in
            correct.indices.reduce(0.0) { $0 + correct[$1][k] - r * wrong[$1][k] } / Double(correct.count)
        }
    }

    /// The standard error of `reward(costRatio:)` at each k: per task, the outcome of a shuffle
    /// is 1, −r or 0, with sample variance (p + r²q − (p − rq)²)·N/(N − 1) for shares p and q
    /// over N shuffles; the task means are independent, so the variance of their mean is the sum
    /// of var/N over tasks, divided by the number of tasks squared.
    public func standardError(costRatio r: Double) -> [Double] {
        guard !correct.isEmpty, shuffles > 1 else { return [Double](repeating: 0, count: maxK) }
        let n = Double(shuffles), tasks = Double(correct.count)
        return (0..<maxK).map { k in
            var v = 0.0
            for i in correct.indices {
                let p = correct[i][k], q = wrong[i][k]
                let m = p - r * q
                v += max(0, p + r * r * q - m * m) / (n - 1)
            }
            return v.squareRoot() / tasks
        }
    }
}
