/// What the verifier concluded about a candidate: the weak tests (the benchmark's originals) and
/// the strong ones (EvalPlus's) against each other.
public enum Label: String, Sendable, Codable, CaseIterable {
    /// Passes the weak and the strong tests.
    case tp = "TP"
    /// Passes the weak tests and fails the strong ones: the resampling loop would accept it.
    case fp = "FP"
    /// Fails both.
    case tn = "TN"
    /// Fails the weak tests and passes the strong ones.
    case fn = "FN"

    /// From whether the candidate passes the weak (base) and the strong (plus) tests.
    public init(passesWeak: Bool, passesStrong: Bool) {
        switch (passesWeak, passesStrong) {
        case (true, true): self = .tp
        case (true, false): self = .fp
        case (false, false): self = .tn
        case (false, true): self = .fn
        }
    }

    public var passesWeak: Bool { self == .tp || self == .fp }
    public var passesStrong: Bool { self == .tp || self == .fn }
}
