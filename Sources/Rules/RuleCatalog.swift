import Foundation

/// Every rule Fluke knows: the built-in ones in `Rules/<category>/`, and any folders a user adds.
public struct RuleCatalog: Sendable {
    /// The rules, sorted by code.
    public private(set) var rules: [Rule] = []
    private var byCode: [String: Int] = [:]

    public init(rules: [Rule]) throws(RuleError) {
        for rule in rules.sorted(by: { RuleCatalog.codeOrder($0.code, $1.code) }) {
            if let i = byCode[rule.code] {
                throw RuleError(file: rule.file, message: "code \(rule.code) is also defined in \(self.rules[i].file)")
            }
            byCode[rule.code] = self.rules.count
            self.rules.append(rule)
        }
    }

    /// Reads every `*.yaml` / `*.yml` rule in `<directory>/<category>/` for each directory.
    public static func load(directories: [String]) throws(RuleError) -> RuleCatalog {
        var files: [(path: String, category: String)] = []
        let fm = FileManager.default
        for dir in directories {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw RuleError(file: dir, message: "no such rule folder")
            }
            let categories = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            for category in categories where !category.hasPrefix(".") {
                let path = dir + "/" + category
                guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { continue }
                for file in ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
                where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                    files.append((path + "/" + file, category))
                }
            }
        }
        // Read on every core (each file on its own); the first error in file order is thrown.
        let loaded = LoadedRules(count: files.count)
        let toLoad = files
        DispatchQueue.concurrentPerform(iterations: toLoad.count) { i in
            let result: Result<Rule, RuleError>
            do throws(RuleError) { result = .success(try RuleLoader.load(file: toLoad[i].path, category: toLoad[i].category)) }
            catch { result = .failure(error) }
            loaded.set(i, result)
        }
        var rules: [Rule] = []
        for r in loaded.results { rules.append(try r!.get()) }
        return try RuleCatalog(rules: rules)
    }

    /// Where the built-in rules are: `$FLUKE_RULES`; `share/fluke/Rules` or `Rules` beside the
    /// installed binary (Scripts/install puts them there); else the repository the binary was
    /// built from.
    public static func builtinDirectory(executable: String = CommandLine.arguments.first ?? "") -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["FLUKE_RULES"], !env.isEmpty { candidates.append(env) }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("../share/fluke/Rules").standardized.path)
        candidates.append(exe.appendingPathComponent("Rules").path)
        // The repository this was compiled in: Sources/Rules/RuleCatalog.swift → Rules/.
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rules").path
        candidates.append(repo)
        return candidates.first { fm.fileExists(atPath: $0) }
    }

    /// The built-in rules.
    public static func builtin() throws(RuleError) -> RuleCatalog {
        guard let dir = builtinDirectory() else {
            throw RuleError(file: "Rules", message: "cannot find Fluke's rules: set FLUKE_RULES to the Rules folder, or install with Scripts/install")
        }
        return try load(directories: [dir])
    }

    public subscript(code: String) -> Rule? { byCode[code].map { rules[$0] } }

    /// The rules a selector names: a code (`E501`), a prefix (`E5`, `E`, `FLK`), `ALL`, or a
    /// profile name (`pep8`, `paper`).
    public func matching(_ selector: String) -> [Rule] {
        if selector == "ALL" { return rules }
        if let rule = self[selector] { return [rule] }
        let byPrefix = RuleCatalog.matching(selector, in: rules)
        if !byPrefix.isEmpty { return byPrefix }
        return rules.filter { $0.profiles.contains(selector) }
    }

    /// The rules a code prefix selects, as Ruff reads prefixes: one with digits is a plain
    /// prefix (`E1` → E101, E111, …); one of letters only names a linter, so `F` selects F401
    /// but not Fluke's FLK001, while `FL` (no linter of its own) selects FLC, FLK and FLP.
    public static func matching(_ prefix: String, in rules: [Rule]) -> [Rule] {
        guard !prefix.isEmpty else { return [] }
        if prefix.contains(where: \.isNumber) { return rules.filter { $0.code.hasPrefix(prefix) } }
        let letters = { (code: String) in code.prefix { !$0.isNumber } }
        if rules.contains(where: { letters($0.code) == prefix }) {
            return rules.filter { letters($0.code) == prefix }
        }
        return rules.filter { $0.code.hasPrefix(prefix) }
    }

    /// Every profile named by some rule, with its rules' codes.
    public var profiles: [String: [String]] {
        var out: [String: [String]] = [:]
        for rule in rules { for p in rule.profiles { out[p, default: []].append(rule.code) } }
        return out
    }

    /// Codes compare by their letters, then by their number (E2 < E10 < E101).
    public static func codeOrder(_ a: String, _ b: String) -> Bool {
        let la = a.prefix { $0.isLetter }, lb = b.prefix { $0.isLetter }
        if la != lb { return la < lb }
        let na = Int(a.dropFirst(la.count)) ?? 0, nb = Int(b.dropFirst(lb.count)) ?? 0
        return na != nb ? na < nb : a < b
    }
}

/// Rule files read in parallel, by index.
private final class LoadedRules: @unchecked Sendable {  // (`results` is behind `lock`)
    private let lock = NSLock()
    private(set) var results: [Result<Rule, RuleError>?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<Rule, RuleError>) {
        lock.lock()
        results[i] = r
        lock.unlock()
    }
}
