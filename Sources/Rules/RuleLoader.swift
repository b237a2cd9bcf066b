import Foundation
import SyntaxTree
import Yams

/// A rule file (or configuration) that cannot be used, with the file and line to fix.
public struct RuleError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Reads rule files (YAML).
enum RuleLoader {
    static let keys: Set<String> = [
        "code", "name", "origin", "severity", "profiles", "default", "message", "summary",
        "rationale", "options", "references", "check", "examples",
    ]

    /// Yams's resolver with only the implicit types rule files use (booleans, integers,
    /// floats; everything else is a string): each plain scalar is matched against every
    /// pattern of the resolver, and the default one has seven, dates among them.
    static let resolver = Resolver.basic.appending(.bool).appending(.int).appending(.float)

    /// `^[A-Z]+[0-9]+$`, without compiling a regular expression for every file.
    static func isCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        var i = 0
        while i < bytes.count, bytes[i] >= 0x41, bytes[i] <= 0x5A { i += 1 }
        let letters = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        return letters > 0 && i > letters && i == bytes.count
    }

    /// Reads one rule file. `category` is the folder it is in.
    static func load(file: String, category: String) throws(RuleError) -> Rule {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RuleError(file: file, message: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let root: Yams.Node
        do {
            // UTF-8 said outright: Yams's default reads the whole environment on every call.
            guard let node = try Yams.compose(yaml: text, resolver, .default, .utf8) else {
                throw RuleError(file: file, message: "the file is empty")
            }
            root = node
        } catch let e as RuleError {
            throw e
        } catch let e as YamlError {
            throw RuleError(file: file, line: yamlLine(e), message: "not valid YAML: \(yamlProblem(e))")
        } catch {
            throw RuleError(file: file, message: "not valid YAML: \(error)")
        }
        let r = Reader(file: file)
        let map = try r.mapping(root, "the rule")
        try r.onlyKeys(map, keys, in: "a rule", at: root)

        let code = try r.string(map, "code", at: root)
        guard isCode(code) else {
            throw r.error(map["code"] ?? root, "code `\(code)` must be capital letters then digits, as E501 or N802")
        }
        let severityText = try r.string(map, "severity", at: root)
        guard let severity = Severity(rawValue: severityText) else {
            throw r.error(map["severity"]!, "severity must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var options: [RuleOption] = []
        if let node = map["options"] {
            let optionMap = try r.orderedMapping(node, "options")
            for (name, value) in optionMap {
                let spec = try r.mapping(value, "option `\(name)`")
                try r.onlyKeys(spec, ["default", "description"], in: "option `\(name)`", at: value)
                guard let d = spec["default"] else { throw r.error(value, "option `\(name)` needs a `default`") }
                options.append(RuleOption(name: name, defaultValue: try r.optionValue(d),
                                          description: try r.optionalString(spec, "description") ?? ""))
            }
        }
        let checkNode = try r.required(map, "check", at: root)
        let checkMap = try r.mapping(checkNode, "check")
        try r.onlyKeys(checkMap, ["query", "checker", "with"], in: "check", at: checkNode)
        let check: Check
        var queryLine: Int? = nil
        if let q = checkMap["query"] {
            guard checkMap["checker"] == nil else { throw r.error(checkNode, "a check is a `query` or a `checker`, not both") }
            // Compiled when a linter is made (all queries at once: compiling each here too would
            // double the start-up time); a broken one is reported there, with this line.
            check = .query(try r.scalar(q, "query"))
            queryLine = q.mark?.line
        } else if let c = checkMap["checker"] {
            var parameters: [String: OptionValue] = [:]
            if let w = checkMap["with"] {
                for (k, v) in try r.orderedMapping(w, "with") { parameters[k] = try r.optionValue(v) }
            }
            check = .checker(name: try r.scalar(c, "checker"), parameters: parameters)
        } else {
            throw r.error(checkNode, "a check needs a `query` or a `checker`")
        }
        var passing: [RuleExample] = [], failing: [RuleExample] = []
        let examplesNode = try r.required(map, "examples", at: root)
        let examples = try r.mapping(examplesNode, "examples")
        try r.onlyKeys(examples, ["pass", "fail"], in: "examples", at: examplesNode)
        for (key, into) in [("pass", 0), ("fail", 1)] {
            guard let list = examples[key] else { throw r.error(examplesNode, "examples need a `\(key)` list") }
            guard let items = list.sequence, !items.isEmpty else {
                throw r.error(list, "examples `\(key)` must be a non-empty list")
            }
            for item in items {
                let example = RuleExample(try r.scalar(item, "an example"), line: (item.mark?.line ?? 0))
                if into == 0 { passing.append(example) } else { failing.append(example) }
            }
        }
        for e in passing where !e.markers.isEmpty {
            throw RuleError(file: file, line: e.line, message: "a passing example has a ↓ marker")
        }
        for e in failing where e.markers.isEmpty {
            throw RuleError(file: file, line: e.line, message: "a failing example needs a ↓ where each finding starts")
        }
        return Rule(
            code: code, name: try r.string(map, "name", at: root), category: category,
            origin: try r.string(map, "origin", at: root), severity: severity,
            profiles: try r.strings(map, "profiles") ?? [],
            enabledByDefault: try r.bool(map, "default") ?? true,
            message: try r.string(map, "message", at: root),
            summary: try r.string(map, "summary", at: root),
            rationale: try r.string(map, "rationale", at: root),
            options: options, references: try r.strings(map, "references") ?? [],
            check: check, passing: passing, failing: failing, file: file, checkLine: queryLine)
    }

    static func yamlLine(_ e: YamlError) -> Int? {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default: return nil
        }
    }

    static func yamlProblem(_ e: YamlError) -> String {
        switch e {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return "\(e)"
        }
    }
}

/// Reads YAML nodes with errors that name the file and line.
struct Reader {
    let file: String

    func error(_ node: Yams.Node, _ message: String) -> RuleError {
        RuleError(file: file, line: node.mark?.line, message: message)
    }

    func mapping(_ node: Yams.Node, _ what: String) throws(RuleError) -> [String: Yams.Node] {
        Dictionary(try orderedMapping(node, what), uniquingKeysWith: { a, _ in a })
    }

    func orderedMapping(_ node: Yams.Node, _ what: String) throws(RuleError) -> [(String, Yams.Node)] {
        guard let m = node.mapping else { throw error(node, "\(what) must be a mapping") }
        var out: [(String, Yams.Node)] = []
        var seen = Set<String>()
        for (k, v) in m {
            guard let key = k.string else { throw error(k, "keys must be strings") }
            guard seen.insert(key).inserted else { throw error(k, "`\(key)` appears twice") }
            out.append((key, v))
        }
        return out
    }

    func onlyKeys(_ map: [String: Yams.Node], _ allowed: Set<String>, in what: String, at node: Yams.Node) throws(RuleError) {
        for key in map.keys.sorted() where !allowed.contains(key) {
            throw error(map[key]!, "unknown key `\(key)` in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func required(_ map: [String: Yams.Node], _ key: String, at node: Yams.Node) throws(RuleError) -> Yams.Node {
        guard let v = map[key] else { throw error(node, "missing `\(key)`") }
        return v
    }

    func scalar(_ node: Yams.Node, _ what: String) throws(RuleError) -> String {
        guard let s = node.scalar?.string else { throw error(node, "\(what) must be a string") }
        return s
    }

    func string(_ map: [String: Yams.Node], _ key: String, at node: Yams.Node) throws(RuleError) -> String {
        let s = try scalar(try required(map, key, at: node), "`\(key)`")
        // (Scalars, not Characters: rationales are long, and these run for every rule file.)
        guard s.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw error(map[key]!, "`\(key)` is empty")
        }
        return s.hasSuffix("\n") && !s.utf8.dropLast().contains(0x0A) ? String(s.dropLast()) : s
    }

    func optionalString(_ map: [String: Yams.Node], _ key: String) throws(RuleError) -> String? {
        guard let v = map[key] else { return nil }
        return try scalar(v, "`\(key)`")
    }

    func strings(_ map: [String: Yams.Node], _ key: String) throws(RuleError) -> [String]? {
        guard let v = map[key] else { return nil }
        guard let items = v.sequence else { throw error(v, "`\(key)` must be a list") }
        var out: [String] = []
        for item in items { out.append(try scalar(item, "an item of `\(key)`")) }
        return out
    }

    func bool(_ map: [String: Yams.Node], _ key: String) throws(RuleError) -> Bool? {
        guard let v = map[key] else { return nil }
        guard let b = v.bool else { throw error(v, "`\(key)` must be true or false") }
        return b
    }

    func optionValue(_ node: Yams.Node) throws(RuleError) -> OptionValue {
        if let items = node.sequence {
            var out: [String] = []
            for item in items { out.append(try scalar(item, "a list item")) }
            return .strings(out)
        }
        guard let scalar = node.scalar else { throw error(node, "an option value must be a scalar or a list") }
        if scalar.style == .plain {
            if let i = node.int { return .int(i) }
            if let d = node.float { return .double(d) }
            if let b = node.bool { return .bool(b) }
        }
        return .string(scalar.string)
    }
}
