/// FNV-1a, 64 bits: a stable hash of a task id to derive its generator from the run's seed
/// (Swift's `Hasher` is seeded afresh in every process).
public func fnv1a64(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01B3
    }
    return h
}
