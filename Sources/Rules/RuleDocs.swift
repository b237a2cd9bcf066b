/// A rule's documentation, generated from its file as Ruff's pages are: what it does, why it
/// matters, an example, options and references.
public enum RuleDocs {
    /// One rule as Markdown.
    public static func markdown(_ rule: Rule) -> String {
        var s = "## \(rule.code) `\(rule.name)`\n\n"
        s += "*\(rule.category)* · from \(rule.origin) · \(rule.severity.rawValue)"
        if !rule.profiles.isEmpty { s += " · profiles: " + rule.profiles.joined(separator: ", ") }
        if !rule.enabledByDefault { s += " · not selected by default" }
        s += "\n\n"
        s += "**What it does.** \(rule.summary)\n\n"
        s += "**Why is this bad?** \(rule.rationale.trimmingTrailingNewlines)\n\n"
        s += "**Message.** `\(rule.message)`\n\n"
        s += "**Example** (↓ marks where Fluke reports):\n\n```python\n"
        s += marked(rule.failing[0]).trimmingTrailingNewlines + "\n```\n\n"
        s += "**Use instead:**\n\n```python\n" + rule.passing[0].code.trimmingTrailingNewlines + "\n```\n\n"
        if !rule.options.isEmpty {
            s += "**Options** (`[tool.fluke.options.\(rule.code)]`):\n\n"
            for o in rule.options {
                s += "- `\(o.name)` (default `\(o.defaultValue)`): \(o.description)\n"
            }
            s += "\n"
        }
        switch rule.check {
        case .query: s += "**Check:** a tree-sitter query (see the rule file).\n\n"
        case .checker(let name, _): s += "**Check:** the `\(name)` checker.\n\n"
        }
        if !rule.references.isEmpty {
            s += "**References:**\n\n" + rule.references.map { "- \($0)\n" }.joined() + "\n"
        }
        return s
    }

    /// The whole catalogue as one Markdown page, by category.
    public static func reference(_ catalog: RuleCatalog) -> String {
        var s = "# Fluke rule reference\n\n"
        s += "Generated from the rule files in `Rules/` by `fluke rules --format markdown`; do not edit by hand.\n\n"
        let categories = Dictionary(grouping: catalog.rules, by: \.category)
        s += "| code | name | category | severity | profiles | summary |\n| --- | --- | --- | --- | --- | --- |\n"
        for rule in catalog.rules {
            s += "| [\(rule.code)](#\(rule.code.lowercased())-\(rule.name)) | `\(rule.name)` | \(rule.category) | "
                + "\(rule.severity.rawValue) | \(rule.profiles.joined(separator: ", ")) | \(rule.summary) |\n"
        }
        s += "\n"
        for category in categories.keys.sorted() {
            s += "# \(category)\n\n"
            for rule in categories[category]!.sorted(by: { RuleCatalog.codeOrder($0.code, $1.code) }) {
                s += markdown(rule)
            }
        }
        return s
    }

    /// An example with its ↓ markers put back.
    public static func marked(_ example: RuleExample) -> String {
        var lines = example.code.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        for m in example.markers.sorted().reversed() where m.line - 1 < lines.count {
            let col = min(m.column - 1, lines[m.line - 1].count)
            lines[m.line - 1].insert("↓", at: col)
        }
        return lines.map { String($0) }.joined(separator: "\n")
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
