/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast generator whose whole output follows from
/// its seed. Every draw goes through the methods below, written here, so that the same seed gives
/// the same inputs on every platform and Swift version (the standard library's `random(in:)`
/// and `shuffled()` promise no particular algorithm).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n (n > 0), by rejection: no modulo bias.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// Uniform in lo...hi (lo ≤ hi), for any span that fits an Int64 difference.
    public mutating func int(_ lo: Int, _ hi: Int) -> Int {
        if lo >= hi { return lo }
        let span = UInt64(bitPattern: Int64(hi &- lo))
        if span == UInt64.max { return Int(Int64(bitPattern: next())) }
        let bound = span + 1
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return lo &+ Int(Int64(bitPattern: x % bound)) }
        }
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Fisher–Yates.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}
