import Foundation

/// A Python value as EvalPlus stores inputs: JSON, read the way Python's `json` module reads it
/// (a number with `.`, `e` or `E` is a float, else an int; `NaN`, `Infinity` and `-Infinity`
/// are floats; objects keep their key order, as dicts do).
public indirect enum PyValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits, as its decimal digits (with a leading `-` if negative).
    case bigInt(String)
    case float(Double)
    case string(String)
    case list([PyValue])
    case dict([DictEntry])

    public struct DictEntry: Sendable, Equatable {
        public var key: String
        public var value: PyValue
        public init(_ key: String, _ value: PyValue) {
            self.key = key
            self.value = value
        }
    }

    /// The Python type's name, as `type(x).__name__` (for tests and messages).
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        }
    }

    /// Whether `other` has the same type here and, recursively, wherever both hold values:
    /// list elements against the types this list's elements have, dict values likewise.
    public func sameShape(as other: PyValue) -> Bool {
        switch (self, other) {
        case (.none, .none), (.bool, .bool), (.float, .float), (.string, .string): return true
        case (.int, .int), (.int, .bigInt), (.bigInt, .int), (.bigInt, .bigInt): return true
        case (.list(let a), .list(let b)):
            return b.allSatisfy { y in a.isEmpty || a.contains { $0.sameShape(as: y) } }
        case (.dict(let a), .dict(let b)):
            return b.allSatisfy { y in a.isEmpty || a.contains { $0.value.sameShape(as: y.value) } }
        default: return false
        }
    }

    // MARK: JSON text

    /// JSON text that Python's `json.loads` reads back as this value (floats stay floats:
    /// `2.0`, not `2`; NaN and infinities as Python writes them).
    public var json: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let digits): out += digits
        case .float(let d): out += PyValue.floatText(d)
        case .string(let s): PyValue.quote(s, to: &out)
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.write(to: &out)
            }
            out += "]"
        case .dict(let entries):
            out += "{"
            for (i, e) in entries.enumerated() {
                if i > 0 { out += ", " }
                PyValue.quote(e.key, to: &out)
                out += ": "
                e.value.write(to: &out)
            }
            out += "}"
        }
    }

    static func floatText(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        let s = "\(d)"  // the shortest text that reads back as d: "2.0", "1e-05", "1e+16"
        return s.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? s : s + ".0"
    }

    static func quote(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// Parses one JSON value (the whole text).
    public static func parse(_ text: String) throws -> PyValue {
        var p = JSONScanner(Array(text.utf8))
        let v = try p.value()
        p.skipSpace()
        guard p.atEnd else { throw p.error("text after the value") }
        return v
    }
}

/// An error in JSON text, with the byte offset where it was found.
public struct JSONError: Error, CustomStringConvertible, Sendable {
    public var offset: Int
    public var message: String
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

/// A byte-level JSON reader that can decode a value or skip it without decoding (so that a
/// dataset record's fields that must not be used — strong inputs, the canonical solution —
/// are passed over, never turned into values).
struct JSONScanner {
    let bytes: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { i >= bytes.count }

    func error(_ message: String) -> JSONError { JSONError(offset: i, message: message) }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else {
            throw error("expected `\(Character(Unicode.Scalar(byte)))`")
        }
        i += 1
    }

    mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    mutating func value() throws -> PyValue {
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end") }
        switch bytes[i] {
        case 0x7B:  // {
            i += 1
            var entries: [PyValue.DictEntry] = []
            skipSpace()
            if i < bytes.count, bytes[i] == 0x7D { i += 1; return .dict(entries) }
            while true {
                skipSpace()
                let key = try string()
                try expect(0x3A)
                entries.append(.init(key, try value()))
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end in an object") }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; return .dict(entries) }
                throw error("expected `,` or `}`")
            }
        case 0x5B:  // [
            i += 1
            var items: [PyValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == 0x5D { i += 1; return .list(items) }
            while true {
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end in an array") }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x5D { i += 1; return .list(items) }
                throw error("expected `,` or `]`")
            }
        case 0x22: return .string(try string())
        case 0x74: if literal("true") { return .bool(true) }
        case 0x66: if literal("false") { return .bool(false) }
        case 0x6E: if literal("null") { return .none }
        case 0x4E: if literal("NaN") { return .float(.nan) }
        case 0x49: if literal("Infinity") { return .float(.infinity) }
        default: break
        }
        if bytes[i] == 0x2D && literal("-Infinity") { return .float(-.infinity) }
        return try number()
    }

    mutating func number() throws -> PyValue {
        let start = i
        var isFloat = false
        if i < bytes.count, bytes[i] == 0x2D { i += 1 }
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 { i += 1; continue }
            if b == 0x2E || b == 0x65 || b == 0x45 || ((b == 0x2B || b == 0x2D) && isFloat) {
                isFloat = true
                i += 1
                continue
            }
            break
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard !text.isEmpty, text != "-" else { throw error("unexpected character") }
        if isFloat {
            guard let d = Double(text) else { throw error("bad number `\(text)`") }
            return .float(d)
        }
        if let n = Int(text) { return .int(n) }
        guard text.dropFirst(text.hasPrefix("-") ? 1 : 0).allSatisfy(\.isNumber) else {
            throw error("bad number `\(text)`")
        }
        return .bigInt(text)
    }

    mutating func string() throws -> String {
        guard i < bytes.count, bytes[i] == 0x22 else { throw error("expected a string") }
        i += 1
        var scalars = String.UnicodeScalarView()
        var run = i  // start of bytes copied as they are
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 {
                flush(i)
                i += 1
                return String(scalars)
            }
            if b == 0x5C {
                flush(i)
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case 0x22: scalars.append("\"")
                case 0x5C: scalars.append("\\")
                case 0x2F: scalars.append("/")
                case 0x62: scalars.append("\u{08}")
                case 0x66: scalars.append("\u{0C}")
                case 0x6E: scalars.append("\n")
                case 0x72: scalars.append("\r")
                case 0x74: scalars.append("\t")
                case 0x75:
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(code) else { throw error("unpaired surrogate") }
                    scalars.append(u)
                default: throw error("bad escape")
                }
                run = i
                continue
            }
            i += 1
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
            throw error("bad \\u escape")
        }
        i += 4
        return v
    }

    /// Passes over one value without decoding it.
    mutating func skipValue() throws {
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end") }
        switch bytes[i] {
        case 0x22: try skipString()
        case 0x5B, 0x7B:
            var depth = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x22 { try skipString(); continue }
                if b == 0x5B || b == 0x7B { depth += 1 }
                if b == 0x5D || b == 0x7D {
                    depth -= 1
                    if depth == 0 { i += 1; return }
                }
                i += 1
            }
            throw error("unterminated array or object")
        default:
            while i < bytes.count, ![0x2C, 0x5D, 0x7D, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }
    }

    mutating func skipString() throws {
        i += 1
        while i < bytes.count {
            if bytes[i] == 0x5C { i += 2; continue }
            if bytes[i] == 0x22 { i += 1; return }
            i += 1
        }
        throw error("unterminated string")
    }

    /// Reads a top-level object, decoding only the fields named in `keep`; the others are
    /// skipped unread.
    mutating func object(keeping keep: Set<String>) throws -> [String: PyValue] {
        try expect(0x7B)
        var out: [String: PyValue] = [:]
        skipSpace()
        if i < bytes.count, bytes[i] == 0x7D { i += 1; return out }
        while true {
            skipSpace()
            let key = try string()
            try expect(0x3A)
            if keep.contains(key) { out[key] = try value() } else { try skipValue() }
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end in an object") }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x7D { i += 1; return out }
            throw error("expected `,` or `}`")
        }
    }
}
