import Foundation
import SyntaxTree

/// What the sanitizer took out of a candidate, and why; lines are 1-based in the input.
public struct Removal: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Text outside the markdown fence that holds the code.
        case prose
        /// A markdown fence line (```` ```python ````, ```` ``` ````).
        case fence
        /// The benchmark's prompt, when the fenced code restates the whole function.
        case prompt
        /// Module-level code that exercises the solution: asserts, prints, calls, loops.
        case driver
        /// An `if __name__ == "__main__":` block.
        case mainBlock = "main-block"
        /// A test function left after the solution (`def check(candidate)`, `def test_...`).
        case testFunction = "test-function"
        /// The tail from the first line that keeps the code from parsing: usually a statement cut
        /// off by the token limit, sometimes junk after the solution that Python refuses.
        case truncated
        /// A later definition of the entry point, after the solution, that would replace it.
        case redefinition
        /// A definition the entry point does not need (only with entry-point pruning).
        case unused
    }
    public var kind: Kind
    /// First and last line removed (1-based, in the input).
    public var firstLine: Int
    public var lastLine: Int
    /// The first removed line, shortened.
    public var excerpt: String

    enum CodingKeys: String, CodingKey {
        case kind, firstLine = "first_line", lastLine = "last_line", excerpt
    }

    public var description: String {
        let lines = firstLine == lastLine ? "line \(firstLine)" : "lines \(firstLine)-\(lastLine)"
        return "\(lines): \(kind.rawValue): \(excerpt)"
    }
}

/// A sanitized candidate.
public struct Sanitized: Sendable {
    /// The code, ending with one line break (empty if nothing was left).
    public var code: String
    /// What was removed, in input order.
    public var removals: [Removal]
    /// How many leading bytes of `code` are still the benchmark's prompt (nil if unknown or if
    /// the prompt is no longer a prefix, e.g. when the model restated the function in a fence).
    public var promptByteCount: Int?
    /// Syntax errors left in `code` (none when it parses).
    public var syntaxErrors: [SyntaxError]
    /// Whether `code` defines the entry point (nil when there is none to look for).
    public var definesEntryPoint: Bool?
}

/// Extracts the code from a model's raw output: the code inside markdown fences (prose around
/// it dropped), without driver code left at module level (asserts, prints, calls of the entry
/// point, `if __name__ == "__main__":` blocks, test functions), without a last statement cut off
/// at the token limit, and, optionally, with only the entry point and what it depends on.
public struct Sanitizer {
    public struct Options: Sendable {
        /// Keep only imports, the entry point and the definitions it reaches (as EvalPlus's
        /// sanitizer does). Needs an entry point.
        public var keepOnlyEntryPointDependencies = false
        public init(keepOnlyEntryPointDependencies: Bool = false) {
            self.keepOnlyEntryPointDependencies = keepOnlyEntryPointDependencies
        }
    }

    public var options: Options
    private let parser: PythonParser

    public init(options: Options = Options()) throws {
        self.options = options
        parser = try PythonParser(timeoutMicroseconds: 10_000_000)
    }

    /// Sanitizes `text`. `prompt`, when known, is the benchmark prompt that `text` starts with
    /// (it is never cut into); `entryPoint` is the function under test.
    public func sanitize(_ text: String, prompt: String? = nil, entryPoint: String? = nil) throws -> Sanitized {
        var doc = Document(text)
        var removals: [Removal] = []
        var promptLines = 0
        if let prompt, !prompt.isEmpty, text.hasPrefix(prompt) {
            // Lines wholly inside the prompt (a last line it shares with the model is not).
            promptLines = Document(prompt).lines.count - (Document.endsWithLineBreak(prompt) ? 0 : 1)
        }

        // 1. Markdown fences: keep the block that holds the code. (Text that parses as Python
        // has no fences: a line of ``` or ~~~ there is inside a string.)
        var tree = try parser.parse(doc.joined)
        if tree.hasSyntaxErrors,
           let block = FenceExtractor.choose(in: doc, entryPoint: entryPoint, promptLines: promptLines) {
            let (extracted, removed) = block.extract(from: doc, promptLines: promptLines)
            doc = extracted
            removals += removed
            promptLines = block.keepsPrompt(promptLines: promptLines) ? promptLines : 0
            tree = try parser.parse(doc.joined)
        }

        // 2. Prose lines that the parser cannot place, and a tail cut off by the token limit.
        if tree.hasSyntaxErrors {
            let prose = ProseFinder.proseLines(in: tree, doc: doc, after: promptLines)
            if !prose.isEmpty {
                removals += doc.remove(prose, as: .prose)
                tree = try parser.parse(doc.joined)
            }
        }
        if tree.hasSyntaxErrors, let (kept, cutTree) = try trimTail(doc, tree: tree, promptLines: promptLines) {
            removals += doc.remove(Set(kept..<doc.lines.count), as: .truncated)
            tree = cutTree
        }

        // 3. Driver code and test functions at module level; 4. unused definitions.
        let plan = ModulePlan(tree: tree, doc: doc, entryPoint: entryPoint)
        var drop = plan.driverCode()
        if options.keepOnlyEntryPointDependencies, entryPoint != nil {
            drop.merge(plan.unusedDefinitions(keeping: drop)) { a, _ in a }
        }
        removals += doc.remove(drop)

        let code = doc.trimmedCode
        let finalTree = try parser.parse(code)
        var promptBytes: Int? = nil
        if let prompt, !prompt.isEmpty, code.hasPrefix(prompt) { promptBytes = prompt.utf8.count }
        var defines: Bool? = nil
        if let entryPoint {
            defines = ModulePlan.definedNames(finalTree.root).contains(entryPoint)
        }
        return Sanitized(code: code, removals: removals.sorted { $0.firstLine < $1.firstLine },
                         promptByteCount: promptBytes, syntaxErrors: finalTree.syntaxErrors,
                         definesEntryPoint: defines)
    }

    /// Drops lines from the end, never into the prompt, until the code parses: the tail that the
    /// token limit cut off, or junk after the solution that does not parse. Returns how many
    /// lines are kept and their tree; nil when no such cut exists.
    ///
    /// The longest prefix that parses wins, so a complete function followed by a cut-off
    /// assert keeps the function even when the parser places the error's start earlier. The
    /// search is bounded: from the end line by line while it has parsed less than four times the
    /// document, then from the first error's line down, at top-level statement starts only
    /// after the first 40 lines.
    private func trimTail(_ doc: Document, tree: Tree, promptLines: Int) throws -> (Int, Tree)? {
        guard let firstError = tree.syntaxErrors.first else { return nil }
        let n = doc.lines.count
        let floor = max(promptLines, 1)
        var budget = 4 * doc.byteCount + 1_000_000
        var k = n - 1
        while k >= floor && budget > 0 {
            let prefix = doc.prefix(k)
            budget -= prefix.utf8.count
            let t = try parser.parse(prefix)
            if !t.hasSyntaxErrors { return (k, t) }
            k -= 1
        }
        if k < floor { return nil }
        // Out of budget (a long document): cut at the first error, or further down when the
        // parser placed the error's start in the prompt although the model's text caused it.
        let errorLine = doc.lineIndex(ofTreeLine: firstError.start.line)
        k = min(k, max(min(errorLine, n), min(promptLines, n)))
        budget = 4 * doc.byteCount + 1_000_000
        var tries = 0
        while k >= floor && budget > 0 {
            if tries < 40 || doc.startsTopLevelStatement(k) {
                let prefix = doc.prefix(k)
                budget -= prefix.utf8.count
                tries += 1
                let t = try parser.parse(prefix)
                if !t.hasSyntaxErrors { return (k, t) }
            }
            k -= 1
        }
        return nil
    }
}
