import Foundation

/// Values made once per key and kept for the whole run, shared between the threads that lint:
/// compiled patterns, sets made from options, answers that repeat from candidate to candidate.
/// At most `limit` values are kept; past that, values are made each time.
///
/// A value is made outside the lock, so two threads may both make one the first time (the
/// same value; one of them is kept).
package final class SharedMemo<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [Key: Value] = [:]
    private let limit: Int

    package init(limit: Int = .max) {
        self.limit = limit
    }

    /// The value for `key`, made by `make` the first time.
    package func value(_ key: Key, _ make: () -> Value) -> Value {
        lock.lock()
        if let known = made[key] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let value = make()
        lock.lock()
        if made.count < limit { made[key] = value }
        lock.unlock()
        return value
    }
}
