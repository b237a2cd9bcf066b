import Rules
import SyntaxTree

/// pyflakes' checks: the scope analysis (F401, F811, F821, F841) and F541.
let pyflakesCheckers: [any Checker.Type] = [PyflakesScopeChecker.self, FStringPlaceholderChecker.self]

final class PyflakesAnalysisBox {
    let analysis: PyflakesAnalysis
    init(_ a: PyflakesAnalysis) { analysis = a }
}

extension CheckContext {
    /// The pyflakes scope analysis of the candidate, computed once.
    var pyflakes: PyflakesAnalysis {
        shared(PyflakesAnalysisBox.self) { PyflakesAnalysisBox(PyflakesAnalysis(tree: tree)) }.analysis
    }
}

/// The findings of pyflakes' scope analysis (`PyflakesAnalysis`): F401 unused import, F811
/// redefinition of an unused name, F821 undefined name, F841 unused local variable. Each rule
/// file names the code it reports with `report`. A file that tree-sitter cannot parse is not
/// analysed (neither pyflakes nor Ruff reads it; E999 reports it).
struct PyflakesScopeChecker: Checker {
    static let name = "pyflakes-scopes"
    static let parameters = ["report": "the pyflakes code whose findings this rule reports (F401, F811, F821, F841)"]

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        let items = context.pyflakes.report.items
        guard !items.isEmpty else { return }
        for rule in rules {
            let code = rule.string("report") ?? rule.code
            for item in items where item.code == code {
                report(rule.finding(item.start, item.end, item.values))
            }
        }
    }
}

/// F541: an f-string without placeholders. A tree-sitter query cannot say it, as Ruff reads
/// it: an implicit concatenation (`f"{x}" f"abc"`) is one f-string, so its parts without
/// placeholders are fine when another part has one; when none has, each f-part is reported.
struct FStringPlaceholderChecker: Checker {
    static let name = "fstring-without-placeholders"
    static let parameters: [String: String] = [:]

    static let string = Symbols.named("string")
    static let stringStart = Symbols.named("string_start")
    static let concatenated = Symbols.named("concatenated_string")
    static let interpolation = Symbols.named("interpolation")

    static func isFString(_ s: Node) -> Bool {
        guard let start = s.namedChildren.first, start.symbol == stringStart else { return false }
        return start.text.contains { $0 == "f" || $0 == "F" }
    }

    static func hasPlaceholder(_ s: Node) -> Bool {
        s.namedChildren.contains { $0.symbol == interpolation }
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        var found: [Node] = []
        context.tree.forEachNode { node in
            let sym = node.symbol
            if sym == Self.concatenated {
                let parts = node.namedChildren.filter { $0.symbol == Self.string }
                if !parts.contains(where: { Self.isFString($0) && Self.hasPlaceholder($0) }) {
                    found += parts.filter { Self.isFString($0) }
                }
            } else if sym == Self.string, Self.isFString(node), !Self.hasPlaceholder(node),
                      node.parent?.symbol != Self.concatenated {
                found.append(node)
            }
            return true
        }
        for rule in rules {
            for n in found { report(rule.finding(n)) }
        }
    }
}
