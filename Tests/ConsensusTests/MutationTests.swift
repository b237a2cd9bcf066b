import Foundation
import Statistics
import Testing
@testable import Consensus

/// Every type path in a value: `int`, `list/int`, `dict/list/str`, ….
func typePaths(_ v: PyValue, _ prefix: String = "") -> Set<String> {
    let here = prefix + v.typeName
    switch v {
    case .list(let items): return items.reduce(into: [here]) { $0.formUnion(typePaths($1, here + "/")) }
    case .dict(let entries): return entries.reduce(into: [here]) { $0.formUnion(typePaths($1.value, here + "/")) }
    default: return [here]
    }
}

/// The largest length of a string, list or dict and the largest magnitude of a number, anywhere in a value.
func extremes(_ v: PyValue) -> (length: Int, magnitude: Double) {
    switch v {
    case .int(let i): return (0, Double(i.magnitude))
    case .float(let d): return (0, abs(d))
    case .string(let s): return (s.unicodeScalars.count, 0)
    case .list(let items):
        return items.map(extremes).reduce((items.count, 0)) { (max($0.0, $1.0), max($0.1, $1.1)) }
    case .dict(let entries):
        return entries.map { extremes($0.value) }.reduce((entries.count, 0)) { (max($0.0, $1.0), max($0.1, $1.1)) }
    default: return (0, 0)
    }
}

func parse(_ text: String) -> [[PyValue]] {
    guard case .list(let inputs) = try! PyValue.parse(text) else { fatalError("not a list") }
    return inputs.map { if case .list(let args) = $0 { return args } else { fatalError("not an argument list") } }
}

/// Seeds of many shapes, as EvalPlus stores them (each input a list of arguments).
let mixedSeeds = parse("""
[[3, 2.5, "abc", [1, 2, 3], [[1], [2, 3]], {"a": 1, "b": 2}, true, null, ["x", "yy"]],
 [7, 0.5, "ca", [4], [[5, 6]], {"c": 3}, false, null, ["zzz"]],
 [1, 1.25, "b", [9, 8], [[7]], {"a": 9}, true, null, ["x"]]]
""")

@Suite struct ValueTests {
    @Test func jsonRoundTripsAsPythonReadsIt() throws {
        let text = #"[1, -2, 2.0, 1e-05, 1.5e+300, NaN, Infinity, -Infinity, 123456789012345678901234567890, "a\"\\\n\u00e9\ud83d\ude00", true, false, null, [], {}, {"k": [1.5, "x"]}]"#
        let v = try PyValue.parse(text)
        guard case .list(let items) = v else { Issue.record("not a list"); return }
        #expect(items[0] == .int(1) && items[1] == .int(-2))
        #expect(items[2] == .float(2.0) && items[2].json == "2.0")  // a float stays a float
        #expect(items[3] == .float(1e-05))
        if case .float(let nan) = items[5] { #expect(nan.isNaN) } else { Issue.record("NaN") }
        #expect(items[6] == .float(.infinity) && items[7] == .float(-.infinity))
        #expect(items[8] == .bigInt("123456789012345678901234567890"))
        #expect(items[9] == .string("a\"\\\n\u{e9}😀"))
        #expect(items[10] == .bool(true) && items[12] == .none)
        #expect(items[15] == .dict([.init("k", .list([.float(1.5), .string("x")]))]))
        // Writing and reading again gives the same value (NaN aside, which equals nothing).
        let again = try PyValue.parse(v.json)
        #expect(again.json == v.json)
    }

    @Test func skipsFieldsItDoesNotKeep() throws {
        var s = JSONScanner(Array(#"{"task_id": "T/1", "plus_input": [[1e999, "x]}"]], "canonical_solution": "return 1", "base_input": [[1]]}"#.utf8))
        let fields = try s.object(keeping: ["task_id", "base_input"])
        #expect(Set(fields.keys) == ["task_id", "base_input"])
        #expect(fields["base_input"] == .list([.list([.int(1)])]))
    }

    @Test func rejectsBrokenJSON() {
        for text in ["[1, 2", "{\"a\" 1}", "[1,]x", "\"abc", "[01a]", "[\"\\ud800\"]"] {
            #expect(throws: JSONError.self) { try PyValue.parse(text) }
        }
    }
}

@Suite struct RandomTests {
    @Test func splitMix64MatchesTheReference() {
        // Vigna's splitmix64.c from state 0.
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func drawsStayInRange() {
        var rng = SplitMix64(seed: 42)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let x = rng.int(-3, 3)
            #expect((-3...3).contains(x))
            seen.insert(x)
            #expect((0..<5).contains(rng.below(5)))
            let u = rng.unit()
            #expect(u >= 0 && u < 1)
        }
        #expect(seen.count == 7)
        #expect(rng.int(5, 5) == 5)
        let wide = rng.int(Int.min, Int.max)
        #expect(wide >= Int.min)
    }
}

@Suite struct MutationTests {
    @Test(arguments: MutationMode.allCases)
    func mutantsKeepTheSeedsTypes(mode: MutationMode) {
        let inputs = InputGenerator(count: 200, mode: mode, seed: 7).generate(from: mixedSeeds, taskID: "T/0")
        #expect(inputs.count == 200)
        for input in inputs {
            #expect(input.count == mixedSeeds[0].count)
            for (i, arg) in input.enumerated() {
                let allowed = mixedSeeds.reduce(into: Set<String>()) { $0.formUnion(typePaths($1[i])) }
                // In wide mode, a list that mixes types may also get bools and None: none here does.
                #expect(typePaths(arg).isSubset(of: allowed), "argument \(i): \(arg.json)")
            }
        }
    }

    @Test func wideModeMixesOtherTypesOnlyIntoMixedLists() {
        let seeds = parse(#"[[[1, "a", 2.5]], [[3, "b"]]]"#)
        let inputs = InputGenerator(count: 150, mode: .wide, seed: 3).generate(from: seeds, taskID: "T/1")
        let kinds = inputs.reduce(into: Set<String>()) { $0.formUnion(typePaths($1[0])) }
        #expect(kinds.isSubset(of: ["list", "list/int", "list/str", "list/float", "list/bool", "list/NoneType"]))
        #expect(kinds.contains("list/bool") || kinds.contains("list/NoneType"))
        // A list of one type keeps it.
        let ints = InputGenerator(count: 150, mode: .wide, seed: 3).generate(from: parse("[[[1, 2]], [[3]]]"), taskID: "T/1")
        #expect(ints.reduce(into: Set<String>()) { $0.formUnion(typePaths($1[0])) } == ["list", "list/int"])
    }

    @Test func conservativeMutantsStayInTheSeedsDomain() {
        // Positive ints, non-negative floats, lowercase strings never empty, non-empty lists.
        let seeds = parse(#"[[5, 0.0, "abc", [3, 4]], [12, 2.5, "cab", [1]], [1, 7.0, "b", [8, 9, 10]]]"#)
        let inputs = InputGenerator(count: 300, mode: .conservative, seed: 11).generate(from: seeds, taskID: "T/2")
        #expect(inputs.count == 300)
        for input in inputs {
            guard case .int(let n) = input[0], case .float(let x) = input[1], case .string(let s) = input[2],
                  case .list(let l) = input[3] else { Issue.record("types: \(input)"); continue }
            #expect(n >= 1 && n <= 24)  // at most 2 × the largest seed
            #expect(x >= 0 && x <= 14)
            #expect(!s.isEmpty && s.allSatisfy { "abc".contains($0) } && s.count <= 8)
            #expect(!l.isEmpty && l.count <= 8)
            for e in l {
                guard case .int(let v) = e else { Issue.record("element \(e)"); continue }
                #expect(v >= 1 && v <= 20)
            }
        }
    }

    @Test func argumentsOfEqualLengthStaySoInConservativeMode() {
        let seeds = parse(#"[["0101", "1100", [1, 2]], ["11", "10", [3]], ["0", "1", [4, 5, 6]]]"#)
        let conservative = InputGenerator(count: 100, seed: 4).generate(from: seeds, taskID: "T/11")
        #expect(conservative.count == 100)
        for input in conservative {
            #expect(InputGenerator.length(input[0]) == InputGenerator.length(input[1]), "\(PyValue.list(input).json)")
        }
        // Wide mode lets them differ; the list, never tied, changes length either way.
        let wide = InputGenerator(count: 100, mode: .wide, seed: 4).generate(from: seeds, taskID: "T/11")
        #expect(wide.contains { InputGenerator.length($0[0]) != InputGenerator.length($0[1]) })
        #expect(Set(conservative.map { InputGenerator.length($0[2]) }).count > 3)
    }

    @Test func wideMutantsGoFurtherButStayBounded() {
        let seeds = parse(#"[[5, "abc", [3, 4]], [12, "cab", [1]]]"#)
        let limits = MutationLimits(maxLength: 30, maxMagnitude: 500)
        let inputs = InputGenerator(count: 300, mode: .wide, limits: limits, seed: 5).generate(from: seeds, taskID: "T/3")
        var negative = false, empty = false, otherCharacters = false
        for input in inputs {
            for arg in input {
                let (length, magnitude) = extremes(arg)
                #expect(length <= 30 && magnitude <= 500, "\(arg.json)")
            }
            if case .int(let n) = input[0], n <= 0 { negative = true }
            if case .string(let s) = input[1] {
                if s.isEmpty { empty = true }
                if s.contains(where: { !"abc".contains($0) }) { otherCharacters = true }
            }
            if case .list(let l) = input[2], l.isEmpty { empty = true }
        }
        #expect(negative && empty && otherCharacters)
    }

    @Test func limitsNeverCutTheSeedsThemselves() {
        // A seed longer and larger than the limits: mutants may be as long and as large as it.
        let seeds = [[PyValue.string(String(repeating: "ab", count: 100)), .int(9_999_999_999)]]
        let limits = MutationLimits(maxLength: 10, maxMagnitude: 100)
        for input in InputGenerator(count: 50, limits: limits, seed: 1).generate(from: seeds, taskID: "T/4") {
            guard case .string(let s) = input[0], case .int(let n) = input[1] else { Issue.record("types"); continue }
            #expect(s.count <= 200 && n <= 9_999_999_999 && n >= 1)
        }
    }

    @Test func sameSeedSameInputsOtherSeedOtherInputs() {
        let g = InputGenerator(count: 40, mode: .wide, seed: 99)
        let a = g.generate(from: mixedSeeds, taskID: "T/5").map { PyValue.list($0).json }
        let b = g.generate(from: mixedSeeds, taskID: "T/5").map { PyValue.list($0).json }
        #expect(a == b)
        var other = g
        other.seed = 100
        #expect(other.generate(from: mixedSeeds, taskID: "T/5").map { PyValue.list($0).json } != a)
        #expect(g.generate(from: mixedSeeds, taskID: "T/6").map { PyValue.list($0).json } != a)
    }

    @Test func mutantsAreDistinctAndNewWhereTheyCanBe() {
        let inputs = InputGenerator(count: 100, seed: 2).generate(from: mixedSeeds, taskID: "T/7")
        let texts = inputs.map { PyValue.list($0).json }
        #expect(Set(texts).count == texts.count)
        #expect(Set(texts).isDisjoint(with: mixedSeeds.map { PyValue.list($0).json }))
        // A function of one bool has one other input, and no more.
        let flips = InputGenerator(count: 30, seed: 2).generate(from: [[.bool(true)]], taskID: "T/8")
        #expect(flips.map { PyValue.list($0).json } == ["[false]"])
        // No seeds, no mutants.
        #expect(InputGenerator(count: 30).generate(from: [], taskID: "T/9").isEmpty)
    }

    /// Python reads every mutant back as the same value, with the same types (ints stay ints,
    /// floats floats).
    @Test func pythonReadsTheMutantsAsWritten() throws {
        let inputs = InputGenerator(count: 200, mode: .wide, seed: 13).generate(from: mixedSeeds, taskID: "T/10")
        let text = PyValue.list(inputs.map(PyValue.list)).json
        let script = """
            import json, sys
            v = json.loads(sys.stdin.read())
            def types(x):
                if isinstance(x, list): return [types(y) for y in x]
                if isinstance(x, dict): return {k: types(y) for k, y in x.items()}
                return type(x).__name__
            print(json.dumps(types(v)))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-I", "-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        func types(_ v: PyValue) -> PyValue {
            switch v {
            case .list(let items): return .list(items.map(types))
            case .dict(let entries): return .dict(entries.map { .init($0.key, types($0.value)) })
            default: return .string(v.typeName)
            }
        }
        #expect(try PyValue.parse(String(decoding: data, as: UTF8.self)).json == types(.list(inputs.map(PyValue.list))).json)
    }
}
