import CTreeSitter

/// A query's patterns read from their text, so that they can be matched over a tree's node
/// list in Swift: tree-sitter's query cursor costs about 1,600 instructions a node (its tree
/// cursor works out each node's field and supertypes as it goes), where most nodes here cost
/// one table look-up (no pattern starts with their symbol). The reading also gives what
/// tree-sitter's compiled query would (capture names, pattern starts, predicates), so that a
/// query of Fluke's own need not be compiled by tree-sitter at all (`Query`).
///
/// Only what Fluke's rules use is read: node patterns (named, `(_)`, `_`, `"anonymous"`),
/// fields, negated fields (`!type`), alternations, anchors (`.`), captures, and predicates
/// (read here, evaluated by `Query`). A query with anything else (quantifiers, sibling
/// groups, supertypes, `MISSING`) is not read, and tree-sitter matches it. Matches are the ones
/// tree-sitter finds (`QueryPatternsTests` compares them on every pattern of every rule); they
/// come node by node in document order, then by pattern.
final class QueryPatterns {
    /// A step of a pattern: a node pattern or an alternation, with its captures.
    indirect enum Step {
        case node(Kind, captures: [Int], children: [Child], negatedFields: [UInt16], lastAnchored: Bool)
        case alternation([Step], captures: [Int])
    }

    enum Kind {
        /// A named node of this symbol, or an anonymous one.
        case symbol(UInt16, named: Bool)
        /// `(_)`: any named node.
        case anyNamed
        /// `_`: any node.
        case any
    }

    struct Child {
        var field: UInt16  // 0: any
        var step: Step
        /// An anchor (`.`) before it: no named sibling between it and the step before (or the
        /// parent's start).
        var immediate: Bool
    }

    // The patterns laid out flat for matching (indices, no reference counting on the way).
    private struct FlatStep {
        /// 0: a node of `symbol`; 1: any named node; 2: any node; 3: an alternation.
        var kind: UInt8
        var named: Bool
        var lastAnchored: Bool
        var symbol: UInt16
        /// Ranges in `flatCaptures`, `flatChildren`, `flatNegated`, `flatAlternatives`.
        var captures: Range<Int32>
        var children: Range<Int32>
        var negated: Range<Int32>
        var alternatives: Range<Int32>
    }
    private struct FlatChild {
        var field: UInt16
        var immediate: Bool
        var step: Int32
    }
    /// The flat layout, allocated once and freed with the patterns: walks read it through
    /// pointers, so that matching does no reference counting (it did, for every node, through
    /// arrays held by the class).
    private struct Tables {
        var steps: UnsafeBufferPointer<FlatStep>
        var captures: UnsafeBufferPointer<Int32>
        var children: UnsafeBufferPointer<FlatChild>
        var negated: UnsafeBufferPointer<UInt16>
        var alternatives: UnsafeBufferPointer<Int32>
        /// The step each pattern starts with.
        var patternSteps: UnsafeBufferPointer<Int32>
        /// Per symbol, a range in `rootList`: the patterns that can start at a node of it, in
        /// order.
        var rootRanges: UnsafeBufferPointer<Range<Int32>>
        var rootList: UnsafeBufferPointer<Int32>

        /// A copy of `array` that lives until `free`.
        static func copy<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
            let storage = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
            _ = storage.initialize(from: array)
            return UnsafeBufferPointer(rebasing: storage[0..<array.count])
        }

        static func free<T>(_ buffer: UnsafeBufferPointer<T>) {
            buffer.baseAddress.map { UnsafeMutablePointer(mutating: $0).deallocate() }
        }

        func free() {
            Tables.free(steps); Tables.free(captures); Tables.free(children); Tables.free(negated)
            Tables.free(alternatives); Tables.free(patternSteps); Tables.free(rootRanges); Tables.free(rootList)
        }
    }
    private let tables: Tables
    /// The patterns that can start at any named node, or at any node.
    private let anyNamedRoots: [Int32]
    private let anyRoots: [Int32]

    deinit { tables.free() }

    /// What reading a query's text gives besides its patterns: what tree-sitter's compiled
    /// query would tell (`QueryPatternsReaderTests` compares the two on every rule query).
    struct Read {
        let patterns: QueryPatterns
        /// Capture names by index, in the order they first appear.
        let captureNames: [String]
        /// Where each pattern starts in the text (a byte offset).
        let starts: [Int]
        /// Each pattern's predicates, each as its name (`match?`, without `#`) and arguments.
        let predicates: [[(name: String, arguments: [PredicateArgument])]]
    }

    /// An argument of a predicate: a capture (by index) or a string.
    enum PredicateArgument: Equatable {
        case capture(Int)
        case string(String)
    }

    /// Reads `source`: nil if it uses anything this does not read, or if something in it is
    /// wrong (an unknown node kind or field, a predicate on a capture not made before it):
    /// tree-sitter then compiles it and says what.
    static func read(_ source: String) -> Read? {
        var reader = Reader(bytes: Array(source.utf8))
        var patterns: [Step] = []
        var starts: [Int] = []
        var predicates: [[(name: String, arguments: [PredicateArgument])]] = []
        while true {
            reader.skipSpace()
            if reader.atEnd { break }
            starts.append(reader.i)
            reader.predicates = []
            guard let step = reader.topLevelPattern() else { return nil }
            patterns.append(step)
            predicates.append(reader.predicates)
        }
        guard !patterns.isEmpty else { return nil }
        return Read(patterns: QueryPatterns(patterns: patterns), captureNames: reader.captureNames,
                    starts: starts, predicates: predicates)
    }

    /// Lays out `patterns` flat for matching.
    private init(patterns: [Step]) {
        var steps: [FlatStep] = [], captures: [Int32] = [], children: [FlatChild] = []
        var negated: [UInt16] = [], alternatives: [Int32] = []
        func range(_ from: Int, _ to: Int) -> Range<Int32> { Int32(from)..<Int32(to) }
        func lay(_ step: Step) -> Int32 {
            let index = steps.count
            steps.append(FlatStep(kind: 0, named: false, lastAnchored: false, symbol: 0, captures: 0..<0,
                                  children: 0..<0, negated: 0..<0, alternatives: 0..<0))
            switch step {
            case .alternation(let list, let own):
                let laid = list.map(lay)
                steps[index].kind = 3
                steps[index].alternatives = range(alternatives.count, alternatives.count + laid.count)
                alternatives += laid
                steps[index].captures = range(captures.count, captures.count + own.count)
                captures += own.map(Int32.init)
            case .node(let kind, let own, let kids, let neg, let lastAnchored):
                switch kind {
                case .symbol(let s, let named):
                    steps[index].symbol = s
                    steps[index].named = named
                case .anyNamed: steps[index].kind = 1
                case .any: steps[index].kind = 2
                }
                steps[index].lastAnchored = lastAnchored
                steps[index].captures = range(captures.count, captures.count + own.count)
                captures += own.map(Int32.init)
                steps[index].negated = range(negated.count, negated.count + neg.count)
                negated += neg
                let laid = kids.map { FlatChild(field: $0.field, immediate: $0.immediate, step: lay($0.step)) }
                steps[index].children = range(children.count, children.count + laid.count)
                children += laid
            }
            return Int32(index)
        }
        let patternSteps = patterns.map(lay)

        let symbolCount = Int(ts_language_symbol_count(PythonParser.language)) + 1
        var bySymbol = [[Int32]](repeating: [], count: symbolCount)
        var anyNamed: [Int32] = [], any: [Int32] = []
        func roots(_ step: Int32, _ p: Int32) {
            let s = steps[Int(step)]
            switch s.kind {
            case 3: for a in alternatives[Int(s.alternatives.lowerBound)..<Int(s.alternatives.upperBound)] { roots(a, p) }
            case 1: if anyNamed.last != p { anyNamed.append(p) }
            case 2: if any.last != p { any.append(p) }
            default: if bySymbol[Int(s.symbol)].last != p { bySymbol[Int(s.symbol)].append(p) }
            }
        }
        for (p, step) in patternSteps.enumerated() { roots(step, Int32(p)) }
        var rootList: [Int32] = [], rootRanges: [Range<Int32>] = []
        for list in bySymbol {
            rootRanges.append(range(rootList.count, rootList.count + list.count))
            rootList += list
        }
        tables = Tables(steps: Tables.copy(steps), captures: Tables.copy(captures), children: Tables.copy(children),
                        negated: Tables.copy(negated), alternatives: Tables.copy(alternatives),
                        patternSteps: Tables.copy(patternSteps), rootRanges: Tables.copy(rootRanges),
                        rootList: Tables.copy(rootList))
        anyNamedRoots = anyNamed
        anyRoots = any
    }

    /// What a walk over one tree keeps: the captures of the match being made, and the captures
    /// of the alternations around the step being matched.
    private struct State {
        var captures: [(capture: Int, node: Int)] = []
        var extras: [Int32] = []
    }

    /// One match: its pattern, and its captures (capture index, node index) in the order
    /// tree-sitter gives them.
    typealias Found = (pattern: Int, captures: [(capture: Int, node: Int)])

    /// Every match in `list`, node by node in document order, then by pattern.
    func matches(in list: NodeList) -> [Found] {
        var found: [Found] = []
        var state = State()
        state.captures.reserveCapacity(8)
        let wildcards = !anyRoots.isEmpty || !anyNamedRoots.isEmpty
        let t = tables
        // Over the entries' storage: no reference counting on the way down.
        list.entries.withUnsafeBufferPointer { nodes in
            let walk = Walk(t: t, nodes: nodes)
            for i in 0..<nodes.count {
                let symbol = Int(nodes[i].symbol)
                let direct = symbol < t.rootRanges.count ? t.rootRanges[symbol] : 0..<0
                if !wildcards {
                    for r in direct {
                        let p = Int(t.rootList[Int(r)])
                        walk.match(t.patternSteps[p], i, extrasFrom: 0, &state) { state in found.append((p, state.captures)) }
                    }
                    continue
                }
                var candidates = Set(t.rootList[Int(direct.lowerBound)..<Int(direct.upperBound)]).union(anyRoots)
                if nodes[i].named { candidates.formUnion(anyNamedRoots) }
                for p in candidates.sorted().map(Int.init) {
                    walk.match(t.patternSteps[p], i, extrasFrom: 0, &state) { state in found.append((p, state.captures)) }
                }
            }
        }
        return found
    }

    private typealias Entries = UnsafeBufferPointer<NodeList.Entry>

    /// The patterns' tables and one tree's nodes, as a matching walk reads them.
    private struct Walk {
        let t: Tables
        let nodes: Entries

        /// Matches step `s` at node `i`, calling `then` once per way it matches (with the
        /// captures so far); `state.extras[extrasFrom...]` are captures of enclosing
        /// alternations, which belong to the node matched.
        func match(_ s: Int32, _ i: Int, extrasFrom: Int, _ state: inout State, then: (inout State) -> Void) {
            let step = t.steps[Int(s)]
            let entry = nodes[i]
            switch step.kind {
            case 3:
                let mark = state.extras.count
                for c in step.captures { state.extras.append(t.captures[Int(c)]) }
                for a in step.alternatives {
                    match(t.alternatives[Int(a)], i, extrasFrom: extrasFrom, &state, then: then)
                }
                state.extras.removeSubrange(mark...)
                return
            case 0: guard entry.symbol == step.symbol && entry.named == step.named else { return }
            case 1: guard entry.named else { return }
            default: break
            }
            for n in step.negated where NodeList.child(in: nodes, i, fieldID: t.negated[Int(n)]) != nil { return }
            let mark = state.captures.count
            for c in step.captures { state.captures.append((Int(t.captures[Int(c)]), i)) }
            // The alternations' captures, innermost first; they belong to this node alone, so
            // they are off the stack while its children and the steps after it are matched.
            if state.extras.count > extrasFrom {
                let enclosing = Array(state.extras[extrasFrom...])
                for c in enclosing.reversed() { state.captures.append((Int(c), i)) }
                state.extras.removeSubrange(extrasFrom...)
                matchChildren(step.children, Int(step.children.lowerBound), parent: i, from: i + 1,
                              lastAnchored: step.lastAnchored, extrasFrom: extrasFrom, &state, then: then)
                state.extras.append(contentsOf: enclosing)
            } else {
                matchChildren(step.children, Int(step.children.lowerBound), parent: i, from: i + 1,
                              lastAnchored: step.lastAnchored, extrasFrom: extrasFrom, &state, then: then)
            }
            state.captures.removeSubrange(mark...)
        }

        /// Matches the child steps `children[k...]` on the children of `parent` from node `from` on.
        func matchChildren(_ children: Range<Int32>, _ k: Int, parent: Int, from: Int, lastAnchored: Bool,
                           extrasFrom: Int, _ state: inout State, then: (inout State) -> Void) {
            guard k < Int(children.upperBound) else { return then(&state) }
            let child = t.children[k]
            let last = k == Int(children.upperBound) - 1
            let end = Int(nodes[parent].subtreeEnd)
            var c = from
            while c < end {
                let next = Int(nodes[c].subtreeEnd)
                let named = nodes[c].named
                if child.field == 0 || nodes[c].field == child.field,
                   !(last && lastAnchored && QueryPatterns.hasNamedSibling(nodes, from: next, before: end)) {
                    match(child.step, c, extrasFrom: extrasFrom, &state) { state in
                        matchChildren(children, k + 1, parent: parent, from: next, lastAnchored: lastAnchored,
                                      extrasFrom: extrasFrom, &state, then: then)
                    }
                }
                // After an anchor, a named sibling ends the search whether it matched or not.
                if child.immediate && named { break }
                c = next
            }
        }
    }

    /// Whether a named node starts a sibling from index `from` up to `end` (its parent's end).
    private static func hasNamedSibling(_ nodes: Entries, from: Int, before end: Int) -> Bool {
        var j = from
        while j < end {
            if nodes[j].named { return true }
            j = Int(nodes[j].subtreeEnd)
        }
        return false
    }

    /// Reads patterns from query text.
    private struct Reader {
        let bytes: [UInt8]
        /// Capture names met so far, in order (their indices are the captures').
        var captureNames: [String] = []
        /// The predicates of the pattern being read.
        var predicates: [(name: String, arguments: [PredicateArgument])] = []
        var i = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        var atEnd: Bool { i >= bytes.count }
        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipSpace() {
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                    i += 1
                } else if b == 0x3B {  // ; comment to the end of the line
                    while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                } else {
                    return
                }
            }
        }

        static func isNameByte(_ b: UInt8) -> Bool {
            (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
        }

        mutating func name() -> String? {
            let start = i
            while i < bytes.count && Reader.isNameByte(bytes[i]) { i += 1 }
            return i > start ? String(decoding: bytes[start..<i], as: UTF8.self) : nil
        }

        /// A `"…"` string (at its opening quote), unescaped.
        mutating func string() -> String? {
            guard peek == 0x22 else { return nil }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == 0x22 { return String(decoding: out, as: UTF8.self) }
                if b == 0x5C, i < bytes.count {
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case 0x6E: out.append(0x0A)
                    case 0x74: out.append(0x09)
                    case 0x72: out.append(0x0D)
                    case 0x30: out.append(0x00)
                    default: out.append(e)
                    }
                } else {
                    out.append(b)
                }
            }
            return nil
        }

        /// Whether `b` may be in the name of a predicate or a capture (as tree-sitter reads
        /// identifiers: also `.`, `?` and `!`).
        static func isIdentifierByte(_ b: UInt8) -> Bool {
            isNameByte(b) || b == 0x2E || b == 0x3F || b == 0x21 || b >= 0x80
        }

        mutating func identifier() -> String? {
            let start = i
            while i < bytes.count && Reader.isIdentifierByte(bytes[i]) { i += 1 }
            return i > start ? String(decoding: bytes[start..<i], as: UTF8.self) : nil
        }

        /// A predicate `(#name arguments…)`, at its `(`, added to `predicates`: its arguments
        /// are captures made before it (`@name`), strings, and bare words (read as strings).
        mutating func predicate() -> Bool {
            i += 2  // (#
            guard let name = identifier() else { return false }
            var arguments: [PredicateArgument] = []
            while true {
                skipSpace()
                guard let b = peek else { return false }
                if b == 0x29 { i += 1; break }
                if b == 0x40 {  // @capture
                    i += 1
                    guard let n = identifier(), let index = captureNames.firstIndex(of: n) else { return false }
                    arguments.append(.capture(index))
                } else if b == 0x22 {
                    guard let text = string() else { return false }
                    arguments.append(.string(text))
                } else if let word = identifier() {
                    arguments.append(.string(word))
                } else {
                    return false
                }
            }
            predicates.append((name, arguments))
            return true
        }

        /// Captures after a pattern; nil on a quantifier (not read). A name met for the first
        /// time gets the next index.
        mutating func captures() -> [Int]? {
            var out: [Int] = []
            while true {
                skipSpace()
                guard let b = peek else { return out }
                if b == 0x2A || b == 0x2B || b == 0x3F { return nil }  // * + ?
                guard b == 0x40 else { return out }  // @
                i += 1
                guard let n = identifier() else { return nil }
                if let index = captureNames.firstIndex(of: n) {
                    out.append(index)
                } else {
                    captureNames.append(n)
                    out.append(captureNames.count - 1)
                }
            }
        }

        /// A pattern at the top level: one pattern, or a group of one pattern and predicates.
        mutating func topLevelPattern() -> Step? {
            skipSpace()
            if peek == 0x28 {
                // `((…) @c (#pred …))`: a group, when what follows "(" is not a node's name.
                let save = i
                i += 1
                skipSpace()
                if let b = peek, b == 0x28 || b == 0x5B || b == 0x22 {
                    var found: Step? = nil
                    while true {
                        skipSpace()
                        guard let b = peek else { return nil }
                        if b == 0x29 { i += 1; break }
                        if b == 0x28, i + 1 < bytes.count, bytes[i + 1] == 0x23 {
                            guard predicate() else { return nil }
                            continue
                        }
                        guard found == nil, let step = pattern() else { return nil }  // one pattern only
                        found = step
                    }
                    guard let step = found, let after = captures(), after.isEmpty else { return nil }
                    return step
                }
                i = save
            }
            return pattern()
        }

        /// A pattern with its captures.
        mutating func pattern() -> Step? {
            skipSpace()
            guard let b = peek else { return nil }
            switch b {
            case 0x5B:  // [ alternation ]
                i += 1
                var alternatives: [Step] = []
                while true {
                    skipSpace()
                    guard let c = peek else { return nil }
                    if c == 0x5D { i += 1; break }
                    guard let a = pattern() else { return nil }
                    alternatives.append(a)
                }
                guard !alternatives.isEmpty, let own = captures() else { return nil }
                return .alternation(alternatives, captures: own)
            case 0x22:  // "anonymous"
                guard let text = string() else { return nil }
                let symbol = ts_language_symbol_for_name(PythonParser.language, text, UInt32(text.utf8.count), false)
                guard symbol != 0, ts_language_symbol_type(PythonParser.language, symbol) == TSSymbolTypeAnonymous,
                      let own = captures() else { return nil }
                return .node(.symbol(symbol, named: false), captures: own, children: [], negatedFields: [], lastAnchored: false)
            case 0x5F where i + 1 >= bytes.count || !Reader.isNameByte(bytes[i + 1]):  // _
                i += 1
                guard let own = captures() else { return nil }
                return .node(.any, captures: own, children: [], negatedFields: [], lastAnchored: false)
            case 0x28:
                return node()
            default:
                return nil
            }
        }

        /// `(type child…)` with its captures, at its `(`.
        mutating func node() -> Step? {
            i += 1
            skipSpace()
            let kind: Kind
            if peek == 0x5F && (i + 1 >= bytes.count || !Reader.isNameByte(bytes[i + 1])) {
                i += 1
                kind = .anyNamed
            } else {
                guard let type = name() else { return nil }
                let symbol = ts_language_symbol_for_name(PythonParser.language, type, UInt32(type.utf8.count), true)
                // Only visible node kinds (a supertype matches through its subtypes: not read).
                guard symbol != 0, ts_language_symbol_type(PythonParser.language, symbol) == TSSymbolTypeRegular else {
                    return nil
                }
                kind = .symbol(symbol, named: true)
            }
            var children: [Child] = []
            var negated: [UInt16] = []
            var anchored = false, lastAnchored = false
            while true {
                skipSpace()
                guard let b = peek else { return nil }
                if b == 0x29 {  // )
                    i += 1
                    lastAnchored = anchored
                    break
                }
                if b == 0x2E {  // . anchor
                    i += 1
                    anchored = true
                    continue
                }
                if b == 0x21 {  // !field
                    i += 1
                    guard let f = name(), let id = Fields.ids[f] else { return nil }
                    negated.append(id)
                    continue
                }
                if b == 0x28, i + 1 < bytes.count, bytes[i + 1] == 0x23 {  // (#predicate …)
                    guard predicate() else { return nil }
                    continue
                }
                var field: UInt16 = 0
                if Reader.isNameByte(b) && b != 0x5F || (b == 0x5F && i + 1 < bytes.count && Reader.isNameByte(bytes[i + 1])) {
                    let save = i
                    if let f = name() {
                        skipSpace()
                        if peek == 0x3A {  // field:
                            i += 1
                            guard let id = Fields.ids[f] else { return nil }
                            field = id
                        } else {
                            i = save
                            return nil
                        }
                    }
                }
                guard let step = pattern() else { return nil }
                children.append(Child(field: field, step: step, immediate: anchored))
                anchored = false
            }
            // An anchor with nothing after it marks the last child; alone, it says nothing.
            if lastAnchored && children.isEmpty { return nil }
            guard let own = captures() else { return nil }
            return .node(kind, captures: own, children: children, negatedFields: negated, lastAnchored: lastAnchored)
        }
    }
}
