/// What a benchmark task id (`HumanEval/12`, `Mbpp/2`) says about itself.
public enum TaskID {
    /// The benchmark the task belongs to: the part of its id before the last `/`
    /// (`HumanEval/12` → `HumanEval`, `Mbpp/2` → `Mbpp`; an id without `/` is its own).
    public static func dataset(of id: String) -> String {
        split(id).prefix
    }

    /// Natural order: by benchmark, then by number (`HumanEval/9` before `HumanEval/10`), then
    /// by the text.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let (pa, na) = split(a), (pb, nb) = split(b)
        if pa != pb { return pa < pb }
        if let na, let nb, na != nb { return na < nb }
        return a < b
    }

    private static func split(_ s: String) -> (prefix: String, number: Int?) {
        guard let slash = s.lastIndex(of: "/") else { return (s, nil) }
        return (String(s[..<slash]), Int(s[s.index(after: slash)...]))
    }
}
