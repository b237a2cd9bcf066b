/// pycodestyle's continuation-line checks (E121–E131): how the physical lines of a logical line
/// that spans several are indented, against the brackets they are in.
///
/// The rules, as pycodestyle applies them (`continued_indentation`): a continuation line is
/// either *hanging* (nothing after the opening bracket on its line; the next lines indented by
/// one step, 4, from the line of the bracket) or *visual* (aligned with the first token after
/// the opening bracket). What a line may line up with is collected as the tokens go by
/// ("indent chances"): the first token after a bracket, strings and comments, operators, the
/// column after `assert`/`raise`/`with`/`if` on the first line. A closing bracket that starts a
/// line lines up with the visual indent (E124) or with the start of the opening bracket's line
/// (E123 when it has the hanging indent instead). A block header whose last line has the
/// indentation of the block below gets E125 (E129 when visually indented).
extension PycodestyleAnalysis {
    /// What a column offers to a continuation line that starts there.
    private enum Chance: Equatable {
        /// a visual indent (after a bracket, after `assert`/`raise`/`with`/`if`)
        case visual
        /// a string or comment starts there (a string concatenated over lines)
        case string
        /// an operator starts there: a line starting with the same operator may line up with it
        case token(ShortText)
    }

    mutating func continuedIndentation() {
        let tokens = lineTokens
        guard let first = tokens.first, let last = tokens.last else { return }
        let firstRow = first.start.row
        let rowCount = 1 + last.start.row - firstRow
        if rowCount == 1 { return }

        let indentSize = 4
        // A block header: its last line must not be indented as the block below.
        let indentNext = logical.last == ":"
        // Most logical lines of several rows are one multi-line string (a docstring): with no
        // token that starts a continuation line, and no block below, there is nothing to check.
        if !indentNext {
            var continues = false
            var previous = first
            for token in tokens.dropFirst() {
                if token.start.row > previous.end.row && token.kind != .nl && token.kind != .newline {
                    continues = true
                    break
                }
                previous = token
            }
            if !continues { return }
        }
        let tabs = indentChar == "\t"
        func isValidHang(_ h: Int) -> Bool { h == indentSize || (tabs && h == 2 * indentSize) }

        var row = 0, depth = 0
        var parens = [Int](repeating: 0, count: rowCount)  // brackets opened on each row
        var relIndent = [Int](repeating: 0, count: rowCount)  // indentation relative to the first row
        var openRows: [[Int]] = [[0]]  // per depth, the rows that opened it
        var hangs: [Int?] = [nil]  // per depth, the hanging indent seen
        var chances: [Int: Chance] = [:]
        var lastIndent = first.start
        var visualIndent: Chance? = nil
        var lastMultiline = false
        var indent = [lastIndent.col]  // per depth, the visual indent column (0: none)
        var hang = 0

        func lineIndent(_ token: PyToken) -> Int {
            guard !token.lineRows.isEmpty else { return 0 }
            return Self.expandIndent(line(token.start.row - 1))
        }

        for token in tokens {
            let text = token.short
            let isOp = token.kind == .op
            var newline = row < token.start.row - firstRow
            if newline {
                row = token.start.row - firstRow
                newline = !lastMultiline && token.kind != .nl && token.kind != .newline
            }
            if newline {
                // The first token of a continuation line.
                lastIndent = token.start
                relIndent[row] = lineIndent(token) - indentLevel
                let closeBracket = isOp && (text == ")" || text == "]" || text == "}")
                var hanging = false
                for openRow in openRows[depth].reversed() {
                    hang = relIndent[row] - relIndent[openRow]
                    hanging = isValidHang(hang)
                    if hanging { break }
                }
                if let h = hangs[depth], h != 0 { hanging = hang == h }
                visualIndent = !closeBracket && hang > 0 ? chances[token.start.col] : nil
                let col = token.start.col
                if closeBracket && indent[depth] != 0 {
                    if col != indent[depth] { add("E124", token.start) }
                } else if closeBracket && hang == 0 {
                    // lines up with the opening bracket's line (E133 only with hang-closing)
                } else if indent[depth] != 0 && col < indent[depth] {
                    if visualIndent != .visual { add("E128", token.start) }
                } else if hanging || (indentNext && relIndent[row] == 2 * indentSize) {
                    if closeBracket { add("E123", token.start) }
                    hangs[depth] = hang
                } else if visualIndent == .visual {
                    indent[depth] = col
                } else if visualIndent == .string || visualIndent == .token(text) {
                    // lined up with a string, a comment or the same operator on an earlier line
                } else if hang <= 0 {
                    add("E122", token.start)
                } else if indent[depth] != 0 {
                    add("E127", token.start)
                } else if !closeBracket, let h = hangs[depth], h != 0 {
                    add("E131", token.start)
                } else {
                    hangs[depth] = hang
                    add(hang > indentSize ? "E126" : "E121", token.start)
                }
            }

            // What later lines may line up with.
            if parens[row] != 0 && token.kind != .nl && token.kind != .comment && indent[depth] == 0 {
                indent[depth] = token.start.col
                chances[token.start.col] = .visual
            } else if token.kind == .string || token.kind == .comment {
                chances[token.start.col] = .string
            } else if row == 0 && depth == 0 && (text == "assert" || text == "raise" || text == "with") {
                chances[token.end.col + 1] = .visual
            } else if chances.isEmpty && row == 0 && depth == 0 && text == "if" {
                chances[token.end.col + 1] = .visual  // len("if (") == 4
            } else if text == ":" && endsLine(token) {
                openRows[depth].append(row)
            }

            if isOp {
                if text == "(" || text == "[" || text == "{" {
                    depth += 1
                    indent.append(0)
                    hangs.append(nil)
                    if openRows.count == depth { openRows.append([]) }
                    openRows[depth].append(row)
                    parens[row] += 1
                } else if (text == ")" || text == "]" || text == "}") && depth > 0 {
                    // The enclosing brackets' indents may not lie right of this one's.
                    let popped = indent.removeLast()
                    let previous = popped != 0 ? popped : lastIndent.col
                    hangs.removeLast()
                    for d in 0..<depth where indent[d] > previous { indent[d] = 0 }
                    chances = chances.filter { $0.key < previous }
                    if openRows.count > depth + 1 { openRows.removeSubrange((depth + 1)...) }
                    depth -= 1
                    if depth != 0 { chances[indent[depth]] = .visual }
                    var r = row
                    while r >= 0 {
                        if parens[r] != 0 { parens[r] -= 1; break }
                        r -= 1
                    }
                }
                if chances[token.start.col] == nil { chances[token.start.col] = .token(text) }
            }

            lastMultiline = token.start.row != token.end.row
            if lastMultiline {
                let endRow = token.end.row - firstRow
                if endRow < rowCount { relIndent[endRow] = relIndent[row] }
            }
        }

        if indentNext && lineIndent(last) == indentLevel + indentSize {
            let place = (row: last.start.row, col: indent[0] + indentSize)
            add(visualIndent != nil ? "E129" : "E125", place)
        }
    }

    /// Whether only white space follows `token` on its line (Python's `str.isspace`, which is
    /// false for nothing).
    private func endsLine(_ token: PyToken) -> Bool {
        let text = line(token.end.row - 1)
        guard token.end.col < text.count else { return false }
        return text[(text.startIndex + token.end.col)...].allSatisfy(Self.isSpace)
    }
}
