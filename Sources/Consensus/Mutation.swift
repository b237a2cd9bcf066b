import Statistics

/// New inputs from the weak tests' inputs by type-aware mutation: every mutant has the types its
/// seed had (an int stays an int, a list of floats a list of floats, a dict a dict), is at most a
/// bounded size, and follows from the seed of the run and the task id alone.

/// How far mutants may go from the seeds.
public enum MutationMode: String, Sendable, CaseIterable, Codable {
    /// Stay in the domain the seeds show: a sign that no seed breaks is kept (ints and floats
    /// that are all ≥ 0, or all ≥ 1, stay so), strings draw characters from the seeds' own,
    /// a string or list is emptied only if some seed at that place was empty, and arguments
    /// of equal length in every seed keep equal lengths. Inputs the task never meant to accept
    /// make right candidates disagree with each other.
    case conservative
    /// Go past the seeds: negatives and zero, any printable ASCII character, empty strings,
    /// lists and dicts, numbers up to 10 × the largest seen (at least 1,000) and lengths up to
    /// 10 × the longest (at least 20, within the limits), and in lists that already mix types,
    /// values of other basic types (bools, None).
    case wide
}

/// Size bounds for mutants.
public struct MutationLimits: Sendable, Equatable {
    /// Longest string or list: min(this, max(growth × the longest at that place, 8)), and never
    /// shorter than the longest seed.
    public var maxLength: Int = 100
    /// Largest magnitude of an int or float: min(this, max(growth × the largest at that place,
    /// 10)), and never below the largest seed.
    public var maxMagnitude: Int = 1_000_000_000
    public var growth: Int = 2

    public init(maxLength: Int = 100, maxMagnitude: Int = 1_000_000_000, growth: Int = 2) {
        self.maxLength = maxLength
        self.maxMagnitude = maxMagnitude
        self.growth = growth
    }
}

/// What the seeds show at one place (an argument, the elements of a list there, a dict's
/// values): the ranges, lengths and characters mutants keep to, and values to reuse.
final class Profile {
    var intMin = Int.max, intMax = Int.min, intAbs = 0
    var floatMin = Double.infinity, floatMax = -Double.infinity, floatAbs = 0.0
    var alphabet: [Unicode.Scalar] = []
    private var alphabetSet: Set<Unicode.Scalar> = []
    var stringMin = Int.max, stringMax = 0
    var listMin = Int.max, listMax = 0
    var dictMin = Int.max, dictMax = 0
    var element: Profile?
    var key: Profile?
    var value: Profile?
    /// Up to 32 distinct values seen here, to splice in (EvalPlus's "ingredients").
    var examples: [PyValue] = []
    private var exampleTexts: Set<String> = []
    /// The Python types seen here.
    var kinds: Set<String> = []

    func observe(_ v: PyValue) {
        kinds.insert(v.typeName)
        if examples.count < 32 {
            let t = v.json
            if exampleTexts.insert(t).inserted { examples.append(v) }
        }
        switch v {
        case .int(let i):
            intMin = min(intMin, i)
            intMax = max(intMax, i)
            intAbs = max(intAbs, i == .min ? .max : abs(i))
        case .bigInt: intAbs = .max
        case .float(let d) where d.isFinite:
            floatMin = min(floatMin, d)
            floatMax = max(floatMax, d)
            floatAbs = max(floatAbs, abs(d))
        case .string(let s):
            let n = s.unicodeScalars.count
            stringMin = min(stringMin, n)
            stringMax = max(stringMax, n)
            for u in s.unicodeScalars where alphabet.count < 256 && alphabetSet.insert(u).inserted { alphabet.append(u) }
        case .list(let items):
            listMin = min(listMin, items.count)
            listMax = max(listMax, items.count)
            if element == nil && !items.isEmpty { element = Profile() }
            for x in items { element!.observe(x) }
        case .dict(let entries):
            dictMin = min(dictMin, entries.count)
            dictMax = max(dictMax, entries.count)
            if key == nil && !entries.isEmpty { key = Profile(); value = Profile() }
            for e in entries {
                key!.observe(.string(e.key))
                value!.observe(e.value)
            }
        default: break
        }
    }
}

/// Applies one random, type-preserving change to a value.
struct Mutator {
    var mode: MutationMode
    var limits: MutationLimits

    static let wideAlphabet: [Unicode.Scalar] = Array(" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?-_()[]{}'\"#".unicodeScalars)

    /// How much larger than the seeds mutants may get.
    var growth: Int { mode == .wide ? limits.growth * 5 : limits.growth }

    func lengthCap(_ seen: Int) -> Int {
        max(seen, min(limits.maxLength, max(growth * seen, mode == .wide ? 20 : 8)))
    }

    func intBounds(_ p: Profile) -> (Int, Int) {
        let seen = p.intAbs
        let cap = max(seen, min(limits.maxMagnitude, max(seen > Int.max / growth ? Int.max : growth * seen,
                                                         mode == .wide ? 1000 : 10)))
        if mode == .wide || p.intMin == Int.max { return (-cap, cap) }
        if p.intMin >= 1 { return (1, cap) }
        if p.intMin >= 0 { return (0, cap) }
        return (-cap, cap)
    }

    func floatBounds(_ p: Profile) -> (Double, Double, positive: Bool) {
        let seen = p.floatAbs
        let cap = max(seen, min(Double(limits.maxMagnitude), max(Double(growth) * seen, mode == .wide ? 1000 : 10)))
        if mode == .wide || p.floatMin == .infinity { return (-cap, cap, false) }
        if p.floatMin > 0 { return (0, cap, true) }
        if p.floatMin >= 0 { return (0, cap, false) }
        return (-cap, cap, false)
    }

    func mutate(_ v: PyValue, _ p: Profile, _ rng: inout SplitMix64, depth: Int = 0) -> PyValue {
        switch v {
        case .none: return v
        case .bool(let b): return .bool(!b)
        case .int(let x): return .int(mutateInt(x, p, &rng))
        case .bigInt(let digits): return mutateBig(digits, &rng)
        case .float(let x): return .float(mutateFloat(x, p, &rng))
        case .string(let s): return .string(mutateString(s, p, &rng))
        case .list(let items): return .list(mutateList(items, p, &rng, depth: depth))
        case .dict(let entries): return .dict(mutateDict(entries, p, &rng, depth: depth))
        }
    }

    // MARK: numbers

    func mutateInt(_ x: Int, _ p: Profile, _ rng: inout SplitMix64) -> Int {
        let (lo, hi) = intBounds(p)
        var candidates: [Int] = [x &+ 1, x &- 1, x &+ rng.int(-5, 5), x / 2, x.multipliedReportingOverflow(by: 2).partialValue]
        // Edges: 0, 1, −1, the extremes seen here, the bounds themselves.
        candidates += [0, 1, -1, lo, hi]
        if p.intMin <= p.intMax {
            candidates += [p.intMin, p.intMax, rng.int(p.intMin, p.intMax)]
        }
        candidates.append(0 &- x)
        if let e = p.examples.compactMap({ if case .int(let i) = $0 { return i } else { return nil } }).randomElement(&rng) {
            candidates.append(e)
        }
        let inRange = candidates.filter { $0 >= lo && $0 <= hi && $0 != x }
        return inRange.isEmpty ? x : rng.pick(inRange)
    }

    func mutateBig(_ digits: String, _ rng: inout SplitMix64) -> PyValue {
        var d = digits
        if rng.chance(0.5), d.count > 20 { d.removeLast() } else { d.append(String(rng.below(10))) }
        if mode == .wide && rng.chance(0.2) { d = d.hasPrefix("-") ? String(d.dropFirst()) : "-" + d }
        return Int(d).map(PyValue.int) ?? .bigInt(d)
    }

    func mutateFloat(_ x: Double, _ p: Profile, _ rng: inout SplitMix64) -> Double {
        let (lo, hi, positive) = floatBounds(p)
        let step = x == 0 ? 0.5 : abs(x) * 0.1
        var candidates: [Double] = [x + 1, x - 1, x * 2, x / 2, x + step, x - step, x.rounded(), (x * 10).rounded() / 10,
                                    0, 1, -1, -x, x + Double(rng.int(-100, 100)) / 100]
        if p.floatMin <= p.floatMax {
            candidates += [p.floatMin, p.floatMax, p.floatMin + (p.floatMax - p.floatMin) * rng.unit()]
        }
        if let e = p.examples.compactMap({ if case .float(let f) = $0 { return f } else { return nil } }).randomElement(&rng) {
            candidates.append(e)
        }
        let ok = candidates.filter { $0.isFinite && $0 >= lo && $0 <= hi && !(positive && $0 <= 0) && $0 != x }
        return ok.isEmpty ? x : rng.pick(ok)
    }

    // MARK: strings

    func mutateString(_ s: String, _ p: Profile, _ rng: inout SplitMix64) -> String {
        var u = Array(s.unicodeScalars)
        var alphabet = p.alphabet
        if mode == .wide || alphabet.isEmpty { alphabet += Mutator.wideAlphabet.filter { !alphabet.contains($0) } }
        let cap = lengthCap(p.stringMax)
        let minimum = mode == .wide || p.stringMin == 0 ? 0 : 1
        let n = u.count
        switch rng.below(n == 0 ? 2 : 12) {
        case 0: u.insert(rng.pick(alphabet), at: rng.below(n + 1))  // insert a character
        case 1:  // another seen string
            if let e = p.examples.compactMap({ if case .string(let t) = $0 { return t } else { return nil } }).randomElement(&rng) {
                u = Array(e.unicodeScalars)
            } else {
                u.append(rng.pick(alphabet))
            }
        case 2: u.remove(at: rng.below(n))  // delete one
        case 3: u[rng.below(n)] = rng.pick(alphabet)  // replace one
        case 4:  // swap neighbours
            if n > 1 { let i = rng.below(n - 1); u.swapAt(i, i + 1) }
        case 5: rng.shuffle(&u)
        case 6: u.reverse()
        case 7:  // a character repeated
            let i = rng.below(n)
            u.insert(contentsOf: Array(repeating: u[i], count: 1 + rng.below(3)), at: i)
        case 8:  // a piece repeated
            let i = rng.below(n), j = i + 1 + rng.below(n - i)
            u.insert(contentsOf: u[i..<j], at: j)
        case 9: u = Array(u[0..<rng.below(n)])  // shortened
        case 10: u += u  // doubled
        default: u = []  // emptied
        }
        if u.count > cap { u = Array(u[0..<cap]) }
        if u.count < minimum { return s }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: u)
        return String(out)
    }

    // MARK: lists and dicts

    func mutateList(_ items: [PyValue], _ p: Profile, _ rng: inout SplitMix64, depth: Int) -> [PyValue] {
        var l = items
        let n = l.count
        let cap = lengthCap(p.listMax)
        let minimum = mode == .wide || p.listMin == 0 ? 0 : 1
        let element = p.element
        /// A new element: a seen one (as it was, or changed), or a copy of one here.
        func fresh(_ rng: inout SplitMix64) -> PyValue? {
            guard let element else { return nil }
            if mode == .wide && element.kinds.count > 1 && rng.chance(0.25) {
                return rng.pick([.bool(true), .bool(false), .none, .int(0), .string(""), .float(0.5)])
            }
            let base = (!l.isEmpty && rng.chance(0.5)) ? rng.pick(l) : rng.pick(element.examples)
            return rng.chance(0.5) ? mutate(base, element, &rng, depth: depth + 1) : base
        }
        switch rng.below(n == 0 ? 1 : 12) {
        case 0:  // insert an element
            if let e = fresh(&rng) { l.insert(e, at: rng.below(n + 1)) }
        case 1, 2:  // change an element in place (recursively)
            if let element { let i = rng.below(n); l[i] = mutate(l[i], element, &rng, depth: depth + 1) }
        case 3: l.remove(at: rng.below(n))
        case 4:  // an element repeated
            let i = rng.below(n)
            l.insert(l[i], at: i + rng.below(2))
        case 5:
            if n > 1 { let i = rng.below(n), j = rng.below(n); l.swapAt(i, j) }
        case 6: rng.shuffle(&l)
        case 7: l.reverse()
        case 8: l = Array(l[0..<rng.below(n)])  // shortened
        case 9: l += l  // doubled: every element repeated
        case 10:  // sorted, when the elements compare
            if let sorted = Mutator.sorted(l) { l = rng.chance(0.5) ? sorted : sorted.reversed() }
        default: l = []  // emptied
        }
        if l.count > cap { l = Array(l[0..<cap]) }
        if l.count < minimum { return items }
        return l
    }

    /// The list in ascending order, when its elements are all numbers or all strings.
    static func sorted(_ l: [PyValue]) -> [PyValue]? {
        func number(_ v: PyValue) -> Bool {
            switch v {
            case .int: return true
            case .float(let f): return !f.isNaN
            default: return false
            }
        }
        func less(_ a: PyValue, _ b: PyValue) -> Bool {
            switch (a, b) {
            case (.int(let x), .int(let y)): return x < y
            case (.int(let x), .float(let y)): return Double(x) < y
            case (.float(let x), .int(let y)): return x < Double(y)
            case (.float(let x), .float(let y)): return x < y
            case (.string(let x), .string(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
            default: return false
            }
        }
        if l.allSatisfy(number) { return l.sorted(by: less) }
        if l.allSatisfy({ if case .string = $0 { return true } else { return false } }) { return l.sorted(by: less) }
        return nil
    }

    func mutateDict(_ entries: [PyValue.DictEntry], _ p: Profile, _ rng: inout SplitMix64, depth: Int) -> [PyValue.DictEntry] {
        var d = entries
        let n = d.count
        let cap = lengthCap(p.dictMax)
        let minimum = mode == .wide || p.dictMin == 0 ? 0 : 1
        switch rng.below(n == 0 ? 1 : 5) {
        case 0:  // a new key (a changed seen one), with a seen value
            guard let key = p.key, let value = p.value else { break }
            let base = rng.pick(key.examples)
            var k = mutate(base, key, &rng, depth: depth + 1)
            if rng.chance(0.3) { k = base }
            guard case .string(let name) = k, !d.contains(where: { $0.key == name }) else { break }
            let v = rng.chance(0.5) && !d.isEmpty ? rng.pick(d).value : rng.pick(value.examples)
            d.insert(.init(name, v), at: rng.below(n + 1))
        case 1, 2:  // a value changed
            if let value = p.value { let i = rng.below(n); d[i].value = mutate(d[i].value, value, &rng, depth: depth + 1) }
        case 3: d.remove(at: rng.below(n))
        default: d = []
        }
        if d.count > cap { d = Array(d[0..<cap]) }
        if d.count < minimum { return entries }
        return d
    }
}

extension Array {
    fileprivate func randomElement(_ rng: inout SplitMix64) -> Element? {
        isEmpty ? nil : self[rng.below(count)]
    }
}

/// Mutants of a task's inputs: each input is a list of arguments.
public struct InputGenerator: Sendable {
    public var count: Int
    public var mode: MutationMode
    public var limits: MutationLimits
    public var seed: UInt64

    public init(count: Int = 30, mode: MutationMode = .conservative, limits: MutationLimits = MutationLimits(), seed: UInt64 = 0) {
        self.count = count
        self.mode = mode
        self.limits = limits
        self.seed = seed
    }

    /// Up to `count` distinct mutants, none equal to a seed (fewer when the seeds allow fewer:
    /// a function of one bool has one other input). The same seeds, task id and settings
    /// always give the same mutants, in the same order.
    public func generate(from seeds: [[PyValue]], taskID: String) -> [[PyValue]] {
        let usable = seeds.filter { !$0.isEmpty || seeds.allSatisfy(\.isEmpty) }
        guard !usable.isEmpty, count > 0 else { return [] }
        var rng = SplitMix64(seed: seed ^ fnv1a64(taskID))
        let arity = usable.map(\.count).max() ?? 0
        guard arity > 0 else { return [] }
        let profiles = (0..<arity).map { _ in Profile() }
        for s in usable {
            for (i, a) in s.enumerated() { profiles[i].observe(a) }
        }
        let mutator = Mutator(mode: mode, limits: limits)
        // Conservative: arguments of equal length in every seed (two lists or two strings, in
        // at least two seeds: `string_xor(a, b)`, `compare(game, guess)`) keep equal lengths.
        var tied: [(Int, Int)] = []
        if mode == .conservative && usable.count >= 2 {
            for i in 0..<arity {
                for j in (i + 1)..<arity where usable.allSatisfy({ s in
                    j < s.count && InputGenerator.length(s[i]) != nil && InputGenerator.length(s[i]) == InputGenerator.length(s[j])
                }) {
                    tied.append((i, j))
                }
            }
        }
        var seen = Set(usable.map { PyValue.list($0).json })
        var out: [[PyValue]] = []
        var attempts = 0
        while out.count < count && attempts < count * 50 {
            attempts += 1
            // Mostly from a seed (in turn, so that every seed gets mutants), sometimes from an
            // earlier mutant, to go a few steps further.
            var input = !out.isEmpty && rng.chance(0.25) ? rng.pick(out) : usable[attempts % usable.count]
            let steps = 1 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.15) ? 1 : 0)
            for _ in 0..<steps {
                let i = rng.below(input.count)
                input[i] = mutator.mutate(input[i], profiles[i], &rng)
            }
            if tied.contains(where: { InputGenerator.length(input[$0.0]) != InputGenerator.length(input[$0.1]) }) { continue }
            if seen.insert(PyValue.list(input).json).inserted { out.append(input) }
        }
        return out
    }

    /// The length of a list (and its kind), or of a string; nil for other values.
    static func length(_ v: PyValue) -> String? {
        switch v {
        case .list(let l): return "list \(l.count)"
        case .string(let s): return "str \(s.unicodeScalars.count)"
        default: return nil
        }
    }
}
