import Foundation
import Rules
import TOMLKit

/// Fluke's configuration, as Ruff's: `[tool.fluke]` in `pyproject.toml`, or the same keys at
/// the top of `fluke.toml`, found by walking up from the file being linted.
///
/// ```toml
/// [tool.fluke]
/// select = ["E", "W", "F", "N", "paper"]   # codes, prefixes, profiles, or "ALL"
/// extend-select = ["FLK"]
/// ignore = ["E501"]
/// rule-dirs = ["lint-rules"]               # more rule folders, relative to this file
/// include-prompt = false                   # count findings in the benchmark's prompt
///
/// [tool.fluke.options.E501]
/// max-line-length = 100
///
/// [tool.fluke.profiles.strict]             # a named profile: a selection
/// select = ["E", "W", "F"]
/// ```
public struct Configuration: Sendable, Equatable {
    /// The file it was read from (nil: built-in defaults).
    public var file: String?
    public var select: [String]?
    public var extendSelect: [String] = []
    public var ignore: [String] = []
    /// More rule folders (absolute paths).
    public var ruleDirectories: [String] = []
    /// Per rule code: option values.
    public var options: [String: [String: OptionValue]] = [:]
    /// Named profiles defined here: name → selectors.
    public var profiles: [String: [String]] = [:]
    public var includePrompt: Bool?
    /// `[tool.fluke.gate]`: what `fluke gate` accepts.
    public var gate: GatePolicy?

    public init(file: String? = nil) { self.file = file }

    static let keys: Set<String> = ["select", "extend-select", "ignore", "rule-dirs", "include-prompt", "options",
                                    "profiles", "gate"]

    /// A TOML file's table; errors name the file and line.
    /// (Key errors of its tables are made by `TOMLKeys`.)
    static func readTOML(_ file: String) throws(RuleError) -> TOMLTable {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RuleError(file: file, message: "cannot read the configuration file")
        }
        do { return try TOMLTable(string: String(decoding: data, as: UTF8.self)) } catch let e as TOMLParseError {
            throw RuleError(file: file, line: e.source.begin.line, message: "not valid TOML: \(e.description)")
        } catch {
            throw RuleError(file: file, message: "not valid TOML: \(error)")
        }
    }

    /// Reads a `pyproject.toml` (its `[tool.fluke]` table; nil if it has none) or a `fluke.toml`.
    public static func load(file: String) throws(RuleError) -> Configuration? {
        let table = try readTOML(file)
        let settings: TOMLTable
        if (file as NSString).lastPathComponent == "pyproject.toml" {
            guard let tool = table["tool"]?.table, let fluke = tool["fluke"] else { return nil }
            guard let t = fluke.table else { throw RuleError(file: file, message: "`tool.fluke` must be a table") }
            settings = t
        } else {
            settings = table
        }
        let prefix = (file as NSString).lastPathComponent == "pyproject.toml" ? "tool.fluke." : ""
        let dir = (file as NSString).deletingLastPathComponent
        var config = Configuration(file: file)
        let reader = TOMLKeys(file: file, prefix: prefix)
        let fail = reader.fail, strings = reader.strings
        for key in settings.keys.sorted() {
            let value = settings[key]!
            switch key {
            case "select": config.select = try strings(key, value)
            case "extend-select": config.extendSelect = try strings(key, value)
            case "ignore": config.ignore = try strings(key, value)
            case "rule-dirs":
                config.ruleDirectories = try strings(key, value).map {
                    $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: dir).appendingPathComponent($0).standardized.path
                }
            case "include-prompt":
                guard let b = value.bool else { throw fail(key, "must be true or false") }
                config.includePrompt = b
            case "options":
                guard let t = value.table else { throw fail(key, "must be a table of rule codes") }
                for code in t.keys.sorted() {
                    guard let opts = t[code]?.table else { throw fail("\(key).\(code)", "must be a table of options") }
                    var values: [String: OptionValue] = [:]
                    for name in opts.keys.sorted() {
                        guard let v = optionValue(opts[name]!) else {
                            throw fail("\(key).\(code).\(name)", "must be a number, string, boolean or list of strings")
                        }
                        values[name] = v
                    }
                    config.options[code] = values
                }
            case "gate":
                guard let t = value.table else { throw fail(key, "must be a table") }
                config.gate = try GatePolicy.parse(t, file: file, prefix: prefix + "gate.")
            case "profiles":
                guard let t = value.table else { throw fail(key, "must be a table of profiles") }
                for name in t.keys.sorted() {
                    guard let p = t[name]?.table else { throw fail("\(key).\(name)", "must be a table with `select`") }
                    for k in p.keys where k != "select" { throw fail("\(key).\(name).\(k)", "unknown key (a profile has `select`)") }
                    guard let s = p["select"] else { throw fail("\(key).\(name)", "needs `select`") }
                    config.profiles[name] = try strings("\(key).\(name).select", s)
                }
            default:
                throw fail(key, "unknown key (known: \(keys.sorted().joined(separator: ", ")))")
            }
        }
        return config
    }

    static func optionValue(_ v: TOMLValueConvertible) -> OptionValue? {
        if let i = v.int { return .int(i) }
        if let d = v.double { return .double(d) }
        if let b = v.bool { return .bool(b) }
        if let s = v.string { return .string(s) }
        if let a = v.array {
            var out: [String] = []
            for item in a {
                guard let s = item.string else { return nil }
                out.append(s)
            }
            return .strings(out)
        }
        return nil
    }

    /// The configuration that applies in `directory`: the nearest `fluke.toml`, or
    /// `pyproject.toml` with a `[tool.fluke]` table, in it or above it (nil: none).
    public static func discover(from directory: String) throws(RuleError) -> Configuration? {
        var dir = URL(fileURLWithPath: directory).standardized
        let fm = FileManager.default
        while true {
            for name in ["fluke.toml", "pyproject.toml"] {
                let path = dir.appendingPathComponent(name).path
                if fm.fileExists(atPath: path), let config = try load(file: path) { return config }
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The rules to run and their options, checked against the catalogue: an unknown code,
    /// profile or option is an error that names the key and the file.
    public func resolve(_ catalog: RuleCatalog) throws(RuleError) -> (rules: [Rule], options: [String: [String: OptionValue]]) {
        let where_ = file ?? "the command line"
        func expand(_ selectors: [String], key: String) throws(RuleError) -> [(String, [Rule])] {
            var out: [(String, [Rule])] = []
            for s in selectors {
                if let profile = profiles[s] {
                    out += try expand(profile, key: "profiles.\(s).select").map { (s, $0.1) }
                    continue
                }
                let rules = catalog.matching(s)
                guard !rules.isEmpty else {
                    throw RuleError(file: where_, message: "`\(key)`: unknown rule code, prefix or profile `\(s)`")
                }
                out.append((s, rules))
            }
            return out
        }
        // As Ruff: the most specific selector decides (a code beats a prefix beats a profile),
        // and `ignore` wins a tie.
        func specificity(_ selector: String, _ rule: Rule) -> Int {
            if selector == rule.code { return 1000 }
            if rule.code.hasPrefix(selector) { return selector.count * 10 }
            if selector == "ALL" { return 0 }
            return 5  // a profile
        }
        let selected = try expand(select ?? [], key: "select") + (try expand(extendSelect, key: "extend-select"))
        let ignored = try expand(ignore, key: "ignore")
        var rules: [Rule] = []
        for rule in catalog.rules {
            var best = select == nil && rule.enabledByDefault ? 0 : -1
            for (s, list) in selected where list.contains(where: { $0.code == rule.code }) {
                // A rule off by default is selected by its code, ALL, or a profile only.
                if !rule.enabledByDefault && s != rule.code && s != "ALL" && !rule.profiles.contains(s)
                    && profiles[s] == nil { continue }
                best = max(best, specificity(s, rule))
            }
            var worst = -1
            for (s, list) in ignored where list.contains(where: { $0.code == rule.code }) {
                worst = max(worst, specificity(s, rule))
            }
            if best >= 0 && best > worst { rules.append(rule) }
        }
        for code in options.keys.sorted() {
            guard let rule = catalog[code] else {
                throw RuleError(file: where_, message: "`options.\(code)`: unknown rule code `\(code)`")
            }
            for (name, value) in options[code]!.sorted(by: { $0.key < $1.key }) {
                guard let option = rule.option(name) else {
                    let known = rule.options.map(\.name)
                    throw RuleError(file: where_, message: "`options.\(code).\(name)`: \(code) has no option `\(name)`"
                        + (known.isEmpty ? " (it has none)" : " (it has: \(known.joined(separator: ", ")))"))
                }
                guard option.defaultValue.sameKind(as: value) else {
                    throw RuleError(file: where_, message: "`options.\(code).\(name)`: expected a value like `\(option.defaultValue)`")
                }
            }
        }
        return (rules, options)
    }

    /// This configuration with the command line's selection on top (as Ruff: `--select`
    /// replaces, `--extend-select` and `--ignore` add).
    public func overriding(select: [String]?, extendSelect: [String], ignore: [String]) -> Configuration {
        var c = self
        if let select { c.select = select; c.extendSelect = [] }
        c.extendSelect += extendSelect
        c.ignore += ignore
        return c
    }
}

/// Reading the keys of one TOML table, with errors that name the file and the full key
/// (`tool.fluke.gate.forbid`).
struct TOMLKeys {
    let file: String
    /// How the table's keys are spelled from the top of the file (`tool.fluke.`).
    let prefix: String

    func fail(_ key: String, _ message: String) -> RuleError {
        RuleError(file: file, message: "`\(prefix)\(key)`: \(message)")
    }

    func strings(_ key: String, _ value: TOMLValueConvertible) throws(RuleError) -> [String] {
        guard let array = value.array else { throw fail(key, "must be a list of strings") }
        var out: [String] = []
        for item in array {
            guard let s = item.string else { throw fail(key, "must be a list of strings") }
            out.append(s)
        }
        return out
    }
}
