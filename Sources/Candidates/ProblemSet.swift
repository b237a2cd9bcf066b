import Foundation

/// One benchmark problem in EvalPlus's format (HumanEval+, MBPP+, or a user's own set such as
/// `Samples/problems.jsonl`). The inputs are left in the file: the verifier reads them there.
public struct Problem: Sendable, Decodable {
    public var taskID: String
    /// What the model is shown: imports, the signature and the docstring (HumanEval), or the
    /// task as a docstring (MBPP).
    public var prompt: String
    /// The function under test.
    public var entryPoint: String
    public var canonicalSolution: String?
    /// Float tolerance for comparing outputs (0: exact).
    public var atol: Double

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", prompt, entryPoint = "entry_point",
             canonicalSolution = "canonical_solution", atol
    }

    public init(taskID: String, prompt: String, entryPoint: String,
                canonicalSolution: String? = nil, atol: Double = 0) {
        self.taskID = taskID
        self.prompt = prompt
        self.entryPoint = entryPoint
        self.canonicalSolution = canonicalSolution
        self.atol = atol
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskID = try c.decode(String.self, forKey: .taskID)
        prompt = try c.decode(String.self, forKey: .prompt)
        entryPoint = try c.decode(String.self, forKey: .entryPoint)
        canonicalSolution = try c.decodeIfPresent(String.self, forKey: .canonicalSolution)
        // EvalPlus writes atol as a number or as a string.
        if let d = try? c.decodeIfPresent(Double.self, forKey: .atol) {
            atol = d
        } else if let s = try? c.decodeIfPresent(String.self, forKey: .atol), let d = Double(s) {
            atol = d
        } else {
            atol = 0
        }
    }
}

extension Problem {
    /// How many leading bytes of `text` are this problem's prompt (nil: none).
    ///
    /// The whole prompt when the text starts with it. Otherwise the longest run of leading lines
    /// that each equal a prompt line (trailing blanks aside), in the prompt's order, prompt lines
    /// may be skipped, provided the run reaches the line that defines the entry point: released
    /// samples often carry the prompt with its docstring examples removed (EvalPlus's CodeGen
    /// samples do, all but 400 of 16,400), and what the model wrote starts after it.
    public func promptLength(in text: [UInt8]) -> Int? {
        let prompt = Array(self.prompt.utf8)
        guard !prompt.isEmpty else { return nil }
        if text.starts(with: prompt) { return prompt.count }
        let promptLines = Self.lines(prompt)
        let definitions = ["def \(entryPoint)(", "async def \(entryPoint)("]
        guard let definition = promptLines.lastIndex(where: { r in
            let line = prompt[r].drop { $0 == 0x20 || $0 == 0x09 }
            return definitions.contains { line.starts(with: Array($0.utf8)) }
        }) else { return nil }
        var j = 0, matched = 0, sawDefinition = false
        for r in Self.lines(text) {
            let line = Self.trimmed(text[r])
            guard let k = promptLines[j...].firstIndex(where: { Self.trimmed(prompt[$0]).elementsEqual(line) }) else { break }
            if k == definition { sawDefinition = true }
            matched = r.upperBound
            j = k + 1
            if j == promptLines.count { break }
        }
        guard sawDefinition else { return nil }
        // Take the line break that ends the last matched line too.
        if matched < text.count, text[matched] == 0x0A { matched += 1 }
        return matched
    }

    /// Line ranges without their line breaks.
    static func lines(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = [], start = 0
        for (i, c) in b.enumerated() where c == 0x0A {
            out.append(start..<i)
            start = i + 1
        }
        if start < b.count { out.append(start..<b.count) }
        return out
    }

    static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let c = s.last, c == 0x20 || c == 0x09 || c == 0x0D { s = s.dropLast() }
        return s
    }
}

/// A benchmark's problems, by task id, in file order.
public struct ProblemSet: Sendable {
    public private(set) var problems: [Problem] = []
    private var index: [String: Int] = [:]
    /// Where the set was read from.
    public let path: String

    public init(problems: [Problem], path: String = "<memory>") {
        self.path = path
        for p in problems { add(p) }
    }

    private mutating func add(_ p: Problem) {
        if let i = index[p.taskID] { problems[i] = p } else {
            index[p.taskID] = problems.count
            problems.append(p)
        }
    }

    public subscript(taskID: String) -> Problem? { index[taskID].map { problems[$0] } }

    /// Reads an EvalPlus dataset (`.jsonl` or `.jsonl.gz`). A malformed line is an error that
    /// names the file and line: a problem set must be whole to be trusted.
    public static func load(path: String) throws(InputIssue) -> ProblemSet {
        let reader = LineReader(try ChunkReader(path: path))
        var set = ProblemSet(problems: [], path: path)
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true  // EvalPlus writes Infinity and NaN in some inputs
        while let line = try reader.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                set.add(try decoder.decode(Problem.self, from: Data(line)))
            } catch {
                throw InputIssue(path: path, line: reader.lineNumber,
                                 message: "not a problem in EvalPlus format: \(describe(error))")
            }
        }
        if set.problems.isEmpty { throw InputIssue(path: path, message: "holds no problems") }
        return set
    }

    /// Streams an EvalPlus dataset a problem at a time: each problem with its record as it is in
    /// the file (one JSON line, inputs included), for stages that need the fields `Problem` leaves
    /// out (`base_input`, `plus_input`). Errors as `load`'s.
    public static func forEachRecord(path: String,
                                      _ body: (Problem, [UInt8]) throws -> Void) throws {
        let reader = LineReader(try ChunkReader(path: path))
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        var count = 0
        while let line = try reader.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let problem: Problem
            do {
                problem = try decoder.decode(Problem.self, from: Data(line))
            } catch {
                throw InputIssue(path: path, line: reader.lineNumber,
                                 message: "not a problem in EvalPlus format: \(describe(error))")
            }
            count += 1
            try body(problem, line.last == 0x0D ? Array(line.dropLast()) : line)
        }
        if count == 0 { throw InputIssue(path: path, message: "holds no problems") }
    }
}

/// A short, readable account of a decoding error.
func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _):
        return "no field `\(key.stringValue)`"
    case DecodingError.typeMismatch(let type, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return "field `\(path)` is not \(type == String.self ? "a string" : "a \(type)")"
    case DecodingError.valueNotFound(_, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return "field `\(path)` is null"
    case DecodingError.dataCorrupted(let context):
        if let underlying = context.underlyingError as NSError?,
           let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
            return "invalid JSON (\(detail))"
        }
        return "invalid JSON"
    default:
        return "\(error)"
    }
}
