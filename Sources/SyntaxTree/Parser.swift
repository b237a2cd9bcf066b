import CTreeSitter
import CTreeSitterPython

/// Why a parse produced no tree.
public enum ParseError: Error, Equatable, CustomStringConvertible {
    /// The parse took longer than the parser's time limit.
    case timedOut(microseconds: UInt64)
    /// The grammar could not be loaded into the runtime (an ABI mismatch).
    case incompatibleGrammar(grammarVersion: UInt32, runtimeVersion: UInt32)

    public var description: String {
        switch self {
        case .timedOut(let us):
            return "parsing took longer than the limit of \(Double(us) / 1_000_000) s"
        case .incompatibleGrammar(let g, let r):
            return "the Python grammar has language ABI \(g), which the tree-sitter runtime "
                + "(ABI \(r)) cannot load; run Scripts/setup"
        }
    }
}

/// Parses Python source into syntax trees with the tree-sitter Python grammar.
///
/// A parser is cheap to make and not thread-safe: use one per thread.
public final class PythonParser {
    private let parser: OpaquePointer

    /// The grammar, shared by every parser and query.
    nonisolated(unsafe) static let language: OpaquePointer = tree_sitter_python()

    /// - Parameters:
    ///   - timeoutMicroseconds: stop parsing after this many microseconds, plus
    ///     `microsecondsPerByte` per byte of input (nil: no limit). The limit guards against
    ///     pathological input; ordinary files take milliseconds. It is wall-clock time, so it
    ///     grows with the input: a 10 MB file on a loaded machine (or in a debug build) must not
    ///     time out where a small one would not.
    public init(timeoutMicroseconds: UInt64? = nil, microsecondsPerByte: UInt64 = 10) throws(ParseError) {
        let version = ts_language_version(PythonParser.language)
        guard version >= TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
              version <= TREE_SITTER_LANGUAGE_VERSION else {
            throw .incompatibleGrammar(grammarVersion: version,
                                       runtimeVersion: UInt32(TREE_SITTER_LANGUAGE_VERSION))
        }
        parser = ts_parser_new()
        ts_parser_set_language(parser, PythonParser.language)
        timeout = timeoutMicroseconds
        perByte = microsecondsPerByte
    }

    private let timeout: UInt64?
    private let perByte: UInt64

    deinit { ts_parser_delete(parser) }

    /// Parses UTF-8 text.
    public func parse(_ text: String) throws(ParseError) -> Tree {
        try parse(SourceText(text))
    }

    /// Parses bytes (meant to be UTF-8; invalid bytes are reported as a syntax error).
    public func parse(bytes: [UInt8]) throws(ParseError) -> Tree {
        try parse(SourceText(bytes: bytes))
    }

    /// Parses a prepared source text.
    public func parse(_ source: SourceText) throws(ParseError) -> Tree {
        // Python reads a lone "\r" as a line break, tree-sitter does not: give the parser a copy
        // with those made "\n" (same length, so every offset still refers to the original).
        var input = source.bytes
        if source.hasLoneCarriageReturns {
            for i in input.indices where input[i] == 0x0D {
                if i + 1 >= input.count || input[i + 1] != 0x0A { input[i] = 0x0A }
            }
        }
        // Leave a byte-order mark out of what the parser sees, keeping offsets as given.
        var ranges = [TSRange(start_point: TSPoint(row: 0, column: UInt32(source.byteOrderMarkLength)),
                              end_point: TSPoint(row: UInt32.max, column: UInt32.max),
                              start_byte: UInt32(source.byteOrderMarkLength),
                              end_byte: UInt32.max)]
        _ = ts_parser_set_included_ranges(parser, &ranges, 1)
        if let timeout { ts_parser_set_timeout_micros(parser, timeout + perByte * UInt64(input.count)) }
        let raw: OpaquePointer? = input.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buf.count, 1)) { p in
                ts_parser_parse_string(parser, nil, p, UInt32(buf.count))
            }
        }
        guard let raw else {
            ts_parser_reset(parser)
            throw .timedOut(microseconds: ts_parser_timeout_micros(parser))
        }
        return Tree(raw: raw, source: source)
    }
}

/// The grammar's numeric ids for node kinds, for hot loops that would otherwise compare kind
/// strings (`node.symbol == Symbols.block`).
public enum Symbols {
    /// The id of the named node kind `name` (0 if the grammar has none).
    public static func named(_ name: String) -> UInt16 {
        ts_language_symbol_for_name(PythonParser.language, name, UInt32(name.utf8.count), true)
    }
    /// Every symbol's name, made once: `Node.kind` hands these out instead of making a string
    /// per call.
    static let names: [String] = (0..<ts_language_symbol_count(PythonParser.language)).map {
        String(cString: ts_language_symbol_name(PythonParser.language, UInt16($0)))
    }

    /// The name of a symbol (as `ts_node_type` gives it), from the table.
    static func name(_ symbol: UInt16) -> String {
        Int(symbol) < names.count ? names[Int(symbol)] : "ERROR"
    }

    /// The id of the anonymous node kind `name`, such as `:` or `else` (0 if the grammar has
    /// none).
    public static func anonymous(_ name: String) -> UInt16 {
        ts_language_symbol_for_name(PythonParser.language, name, UInt32(name.utf8.count), false)
    }

    // (Looked up once each: a look-up compares the name with every symbol's.)
    static let colon = anonymous(":")
    static let openParenthesis = anonymous("(")
    public static let module = named("module")
    public static let block = named("block")
    public static let comment = named("comment")
    public static let importFrom = named("import_from_statement")
    public static let futureImport = named("future_import_statement")
    public static let expressionStatement = named("expression_statement")
    public static let string = named("string")
    public static let identifier = named("identifier")

    // Kinds the checkers test on many nodes (comparing ids, not strings).
    public static let aliasedImport = named("aliased_import")
    public static let asPattern = named("as_pattern")
    public static let assignment = named("assignment")
    public static let attribute = named("attribute")
    public static let augmentedAssignment = named("augmented_assignment")
    public static let breakStatement = named("break_statement")
    public static let call = named("call")
    public static let caseClause = named("case_clause")
    public static let casePattern = named("case_pattern")
    public static let classDefinition = named("class_definition")
    public static let comparisonOperator = named("comparison_operator")
    public static let concatenatedString = named("concatenated_string")
    public static let decoratedDefinition = named("decorated_definition")
    public static let decorator = named("decorator")
    public static let defaultParameter = named("default_parameter")
    public static let dictionarySplatPattern = named("dictionary_splat_pattern")
    public static let dottedName = named("dotted_name")
    public static let elifClause = named("elif_clause")
    public static let elseClause = named("else_clause")
    public static let exceptClause = named("except_clause")
    public static let exceptGroupClause = named("except_group_clause")
    public static let execStatement = named("exec_statement")
    public static let expressionList = named("expression_list")
    public static let finallyClause = named("finally_clause")
    public static let forInClause = named("for_in_clause")
    public static let forStatement = named("for_statement")
    public static let functionDefinition = named("function_definition")
    public static let globalStatement = named("global_statement")
    public static let ifStatement = named("if_statement")
    public static let importStatement = named("import_statement")
    public static let keywordArgument = named("keyword_argument")
    public static let keywordSeparator = named("keyword_separator")
    public static let lambda = named("lambda")
    public static let list = named("list")
    public static let listPattern = named("list_pattern")
    public static let listSplat = named("list_splat")
    public static let listSplatPattern = named("list_splat_pattern")
    public static let matchStatement = named("match_statement")
    public static let namedExpression = named("named_expression")
    public static let parenthesizedExpression = named("parenthesized_expression")
    public static let patternList = named("pattern_list")
    public static let printStatement = named("print_statement")
    public static let raiseStatement = named("raise_statement")
    public static let returnStatement = named("return_statement")
    public static let stringContent = named("string_content")
    public static let stringStart = named("string_start")
    public static let subscriptNode = named("subscript")
    public static let tryStatement = named("try_statement")
    public static let tuple = named("tuple")
    public static let tuplePattern = named("tuple_pattern")
    public static let typedDefaultParameter = named("typed_default_parameter")
    public static let typedParameter = named("typed_parameter")
    public static let unionPattern = named("union_pattern")
    public static let whileStatement = named("while_statement")
    public static let withItem = named("with_item")
    public static let withStatement = named("with_statement")
    public static let comma = anonymous(",")
}

/// A set of node kinds, tested by symbol id with one table look-up (no hashing, no string):
/// for checks that run on every node.
public struct SymbolSet: Sendable {
    private let table: [Bool]

    /// The named node kinds `names` (and the anonymous ones in `anonymous`).
    public init(named names: [String], anonymous: [String] = []) {
        var table = [Bool](repeating: false, count: Symbols.names.count + 1)
        for symbol in names.map(Symbols.named) + anonymous.map(Symbols.anonymous) where symbol != 0 {
            table[Int(symbol)] = true
        }
        self.table = table
    }

    public func contains(_ symbol: UInt16) -> Bool {
        Int(symbol) < table.count && table[Int(symbol)]
    }
}
