import SyntaxTree

/// A markdown code block in a model's reply.
struct FenceBlock {
    /// 0-based document lines of the opening fence and of the closing one (nil: the reply ended
    /// inside the block, as when the token limit cut it).
    var open: Int
    var close: Int?
    var language: String
    /// 0-based document lines of the code between the fences.
    var content: Range<Int>
    /// Whether the block continues the prompt's function (its code is indented).
    var continuesPrompt = false

    func keepsPrompt(promptLines: Int) -> Bool { continuesPrompt && promptLines > 0 }

    /// The document that remains: the block's code, after the prompt when the block continues
    /// it, or after the prompt's import lines the block lacks (a model that restates the
    /// function often drops them).
    func extract(from doc: Document, promptLines: Int) -> (Document, [Removal]) {
        var lines: [Substring] = []
        var origin: [Int] = []
        if continuesPrompt && promptLines > 0 {
            lines += doc.lines[0..<promptLines]
            origin += doc.origin[0..<promptLines]
        } else if promptLines > 0 {
            let body = Set(doc.lines[content].map(trimmed))
            for k in 0..<promptLines {
                let line = doc.lines[k]
                if (line.hasPrefix("import ") || line.hasPrefix("from ")) && !body.contains(trimmed(line)) {
                    lines.append(line)
                    origin.append(doc.origin[k])
                }
            }
        }
        lines += doc.lines[content]
        origin += doc.origin[content]
        // Report what goes: the fences, the prompt the block restates, and the prose.
        let kept = Set(origin)
        var fence: Set<Int> = [open]
        if let close { fence.insert(close) }
        var gone: [Int: Removal.Kind] = [:]
        for k in doc.lines.indices where !kept.contains(doc.origin[k]) {
            gone[k] = fence.contains(k) ? .fence : k < promptLines ? .prompt : .prose
        }
        var copy = doc
        return (Document(lines: lines, origin: origin), copy.remove(gone))
    }
}

enum FenceExtractor {
    static let pythonTags: Set<String> = ["", "python", "py", "python3", "py3", "ipython", "pycon", "python2"]

    /// The block that holds the code, if the reply has fenced Python blocks: among them, the
    /// longest that defines the entry point, else the longest. Fences inside the prompt are
    /// not looked at.
    static func choose(in doc: Document, entryPoint: String?, promptLines: Int = 0) -> FenceBlock? {
        let blocks = find(in: doc, from: promptLines).filter { pythonTags.contains($0.language) }
        guard !blocks.isEmpty else { return nil }
        func size(_ b: FenceBlock) -> Int { doc.lines[b.content].filter { !trimmed($0).isEmpty }.count }
        var best = blocks.max { size($0) < size($1) }!
        if let entryPoint {
            let defining = blocks.filter { b in
                doc.lines[b.content].contains { line in
                    let t = trimmed(line)
                    return t.hasPrefix("def \(entryPoint)(") || t.hasPrefix("async def \(entryPoint)(")
                        || t.hasPrefix("def \(entryPoint) (")
                }
            }
            if let b = defining.max(by: { size($0) < size($1) }) { best = b }
        }
        guard size(best) > 0 else { return nil }
        // Code that starts indented continues the prompt's function body.
        if let first = doc.lines[best.content].first(where: { !trimmed($0).isEmpty }),
           first.first == " " || first.first == "\t" {
            best.continuesPrompt = true
        }
        return best
    }

    /// Every fenced block (``` or ~~~, three or more) after line `from`.
    static func find(in doc: Document, from: Int) -> [FenceBlock] {
        var blocks: [FenceBlock] = []
        var k = from
        while k < doc.lines.count {
            guard let (marker, count, language) = opening(doc.lines[k]) else { k += 1; continue }
            var close: Int? = nil
            var j = k + 1
            while j < doc.lines.count {
                let t = trimmed(doc.lines[j])
                if t.count >= count, t.allSatisfy({ $0 == marker }) { close = j; break }
                j += 1
            }
            blocks.append(FenceBlock(open: k, close: close, language: language,
                                     content: (k + 1)..<(close ?? doc.lines.count)))
            k = (close ?? doc.lines.count) + 1
        }
        return blocks
    }

    /// A fence opening: its character, how many, and the language tag (lowercased).
    static func opening(_ line: Substring) -> (Character, Int, String)? {
        let t = trimmed(line)
        guard let marker = t.first, marker == "`" || marker == "~" else { return nil }
        let count = t.prefix { $0 == marker }.count
        guard count >= 3 else { return nil }
        let info = trimmed(t.dropFirst(count)[...])
        if marker == "`" && info.contains("`") { return nil }  // inline code, not a fence
        let language = info.split(separator: " ").first.map { String($0).lowercased() } ?? ""
        return (marker, count, language.trimmingPrefix("{").trimmingSuffix("}"))
    }
}

extension String {
    func trimmingPrefix(_ p: String) -> String { hasPrefix(p) ? String(dropFirst(p.count)) : self }
    func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}

/// Finds lines of prose (a model's chatter) that the parser could not place.
enum ProseFinder {
    /// Lines at or after `after` (0-based) that are not indented, read like a sentence, and lie
    /// in a top-level statement the parser marked as an error.
    static func proseLines(in tree: Tree, doc: Document, after: Int) -> Set<Int> {
        var errorLines = Set<Int>()
        for child in tree.root.children where child.hasError || child.isError {
            let first = doc.lineIndex(ofTreeLine: child.start.line)
            let last = doc.lineIndex(ofTreeLine: child.end.line)
            errorLines.formUnion(first...max(first, last))
        }
        if tree.root.isError { errorLines.formUnion(doc.lines.indices) }
        return Set(errorLines.filter { $0 >= after && $0 < doc.lines.count && looksLikeProse(doc.lines[$0]) })
    }

    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "case", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
        "import", "in", "is", "lambda", "match", "nonlocal", "not", "or", "pass", "print", "raise",
        "return", "try", "type", "while", "with", "yield",
    ]

    /// A sentence: not indented, starts with a word that is not a Python keyword, and has at
    /// least three words, or ends like a sentence or a lead-in (`.`, `:`, `!`, `?`).
    static func looksLikeProse(_ line: Substring) -> Bool {
        guard let first = line.first, first.isLetter else { return false }
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let head = words.first else { return false }
        let firstWord = String(head.prefix { $0.isLetter || $0 == "'" || $0 == "’" })
        if keywords.contains(firstWord) { return false }
        // Code has an operator right after its first name: `x = 1`, `f(x)`, `a.b`, `x[0]`;
        // `x: int = 1` and `a, b = t` are code too, `Note: ...` and `Hello, world` are not.
        if let after = head.dropFirst(firstWord.count).first {
            if "=(.[".contains(after) { return false }
            if ":,".contains(after) { return !line.contains(" = ") }
        }
        if words.count > 1, let op = words[1].first, "=+-*/%<>!&|^@".contains(op) { return false }
        if words.count >= 3 { return true }
        if let last = trimmed(line).last, ".:!?".contains(last) { return true }
        return false
    }
}
