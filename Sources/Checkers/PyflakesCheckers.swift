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

    /// Whether string `i` is an f-string: its prefix (in `string_start`) has an `f`.
    static func isFString(_ list: NodeList, _ i: Int, _ bytes: [UInt8]) -> Bool {
        guard let start = list.children(i, namedOnly: true).first, list.symbol(start) == stringStart else { return false }
        return bytes[list.startByte(start)..<list.endByte(start)].contains { $0 == 0x66 || $0 == 0x46 }
    }

    static func hasPlaceholder(_ list: NodeList, _ i: Int) -> Bool {
        var j = i + 1
        let end = list.subtreeEnd(i)
        while j < end {
            if list.symbol(j) == interpolation { return true }
            j = list.subtreeEnd(j)
        }
        return false
    }

    func check(_ context: CheckContext, rules: [ActiveRule], report: (Finding) -> Void) {
        // Over the tree's node list: strings are found by symbol, without a Node each.
        let list = context.tree.nodes
        let bytes = context.source.bytes
        let string = Self.string, concatenated = Self.concatenated
        var found: [Int] = []
        for i in 0..<list.count {
            let sym = list.symbol(i)
            if sym == concatenated {
                let parts = list.children(i, namedOnly: true).filter { list.symbol($0) == string }
                if !parts.contains(where: { Self.isFString(list, $0, bytes) && Self.hasPlaceholder(list, $0) }) {
                    found += parts.filter { Self.isFString(list, $0, bytes) }
                }
            } else if sym == string, Self.isFString(list, i, bytes), !Self.hasPlaceholder(list, i),
                      list.parent(i).map(list.symbol) != concatenated {
                found.append(i)
            }
        }
        guard !found.isEmpty else { return }
        let nodes = found.map(list.node)
        for rule in rules {
            for n in nodes { report(rule.finding(n)) }
        }
    }
}
