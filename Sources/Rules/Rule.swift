/// How much a departure weighs, as Pylint's message categories do (and its score counts them:
/// 10 − 10·(5·errors + warnings + refactors + conventions) / statements).
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case error, warning, refactor, convention

    /// The weight of one finding in Pylint's score.
    public var weight: Int { self == .error ? 5 : 1 }

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The value of a rule option: a number, a string, a flag or a list of strings.
public enum OptionValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case strings([String])

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        case .bool(let v): return v ? "true" : "false"
        case .strings(let v): return v.joined(separator: ", ")
        }
    }

    public var intValue: Int? {
        switch self {
        case .int(let v): return v
        case .double(let v): return Int(exactly: v)
        case .string(let v): return Int(v)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .string(let v): return Double(v)
        default: return nil
        }
    }

    public var stringsValue: [String]? {
        switch self {
        case .strings(let v): return v
        case .string(let v): return [v]
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    /// Whether `other` can stand where this value's type is expected (an int where a double is).
    public func sameKind(as other: OptionValue) -> Bool {
        switch (self, other) {
        case (.int, .int), (.double, .double), (.double, .int), (.string, .string), (.bool, .bool),
             (.strings, .strings), (.strings, .string): return true
        default: return false
        }
    }
}

/// A rule option with its default.
public struct RuleOption: Sendable, Hashable {
    public var name: String
    public var defaultValue: OptionValue
    public var description: String

    public init(name: String, defaultValue: OptionValue, description: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.description = description
    }
}

/// What a rule runs.
public enum Check: Sendable, Hashable {
    /// A tree-sitter query; each match is a finding at the capture `@report` (or the match's
    /// first capture). `{option}` in the query is replaced with the option's value.
    case query(String)
    /// A named Swift checker, for what a query cannot say, with parameters (`{option}` in a
    /// string parameter is replaced with the option's value).
    case checker(name: String, parameters: [String: OptionValue])
}

/// An example from a rule file. In failing examples, `↓` marks where each finding must start.
public struct RuleExample: Sendable, Hashable {
    /// The code, with the markers removed.
    public var code: String
    /// Where findings must start: 1-based line and column (in characters).
    public var markers: [Marker]
    /// 1-based line of the example in the rule file.
    public var line: Int

    public struct Marker: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) { self.line = line; self.column = column }
        public static func < (a: Marker, b: Marker) -> Bool { (a.line, a.column) < (b.line, b.column) }
        public var description: String { "\(line):\(column)" }
    }

    /// Reads an example, taking out its `↓` markers.
    public init(_ text: String, line: Int) {
        self.line = line
        // Most examples are ASCII but for the markers (E2 86 93): read those byte by byte (every
        // rule file is loaded at start-up, and walking Characters was most of it).
        let bytes = Array(text.utf8)
        var plain = true
        var k = 0
        while k < bytes.count {
            let b = bytes[k]
            if b == 0xE2, k + 2 < bytes.count, bytes[k + 1] == 0x86, bytes[k + 2] == 0x93 { k += 3; continue }
            if b >= 0x80 || b == 0x0D { plain = false; break }
            k += 1
        }
        if plain {
            var code: [UInt8] = []
            code.reserveCapacity(bytes.count)
            var markers: [Marker] = []
            var row = 1, column = 1
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0xE2 {
                    markers.append(Marker(line: row, column: column))
                    i += 3
                    continue
                }
                code.append(bytes[i])
                if bytes[i] == 0x0A { row += 1; column = 1 } else { column += 1 }
                i += 1
            }
            self.code = String(decoding: code, as: UTF8.self)
            self.markers = markers
            return
        }
        var code = ""
        var markers: [Marker] = []
        var row = 1, column = 1
        for ch in text {
            if ch == "↓" {
                markers.append(Marker(line: row, column: column))
                continue
            }
            code.append(ch)
            if ch == "\n" || ch == "\r\n" { row += 1; column = 1 } else { column += 1 }
        }
        self.code = code
        self.markers = markers
    }
}

/// A rule: one file in `Rules/<category>/`, carrying what it checks, why, how it is tested and
/// how it is documented.
public struct Rule: Sendable, Hashable {
    /// The rule's code, such as `E501` or `N802` (the reference tool's where the meaning is the
    /// same; `FLK…` for Fluke's own).
    public var code: String
    /// A kebab-case name, such as `line-too-long`.
    public var name: String
    /// The folder it lives in: `pycodestyle`, `naming`, `pyflakes`, `complexity`, `docs`,
    /// `paper`, `llm`, …
    public var category: String
    /// Where the rule comes from: `pycodestyle`, `pep8-naming`, `pyflakes`, `mccabe`, `pylint`,
    /// `pydocstyle`, `paper`, `fluke`.
    public var origin: String
    public var severity: Severity
    /// The profiles the rule belongs to (`pep8`, `naming`, `paper`, …).
    public var profiles: [String]
    /// Whether the rule is selected when the configuration does not say.
    public var enabledByDefault: Bool
    /// The message, with `{capture}` and `{option}` placeholders.
    public var message: String
    /// What it does, in a sentence.
    public var summary: String
    /// Why it matters.
    public var rationale: String
    public var options: [RuleOption]
    public var references: [String]
    public var check: Check
    public var passing: [RuleExample]
    public var failing: [RuleExample]
    /// The file the rule was read from.
    public var file: String
    /// The line of the file where the check's query starts (for errors).
    public var checkLine: Int?

    public init(code: String, name: String, category: String, origin: String, severity: Severity,
                profiles: [String], enabledByDefault: Bool, message: String, summary: String,
                rationale: String, options: [RuleOption], references: [String], check: Check,
                passing: [RuleExample], failing: [RuleExample], file: String, checkLine: Int? = nil) {
        self.code = code
        self.name = name
        self.category = category
        self.origin = origin
        self.severity = severity
        self.profiles = profiles
        self.enabledByDefault = enabledByDefault
        self.message = message
        self.summary = summary
        self.rationale = rationale
        self.options = options
        self.references = references
        self.check = check
        self.passing = passing
        self.failing = failing
        self.file = file
        self.checkLine = checkLine
    }

    public func option(_ name: String) -> RuleOption? { options.first { $0.name == name } }
}
