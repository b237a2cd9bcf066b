import Foundation
import Testing

/// Fixtures/statistics.json, made by Scripts/reference/statistics_fixtures.py with scipy and
/// statsmodels. Non-finite numbers are the strings "nan", "inf", "-inf".
enum Fixture {
    nonisolated(unsafe) static let root: [String: Any] = {
        guard let url = Bundle.module.url(forResource: "statistics", withExtension: "json",
                                          subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            fatalError("cannot read Fixtures/statistics.json")
        }
        return object
    }()

    static func cases(_ name: String) -> [[String: Any]] {
        guard let list = root[name] as? [[String: Any]] else { fatalError("no fixture \(name)") }
        return list
    }
}

extension Dictionary where Key == String, Value == Any {
    func double(_ key: String) -> Double {
        switch self[key] {
        case let n as NSNumber: return n.doubleValue
        case let s as String:
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: fatalError("bad number \(s) for \(key)")
            }
        default: fatalError("no number for \(key) in \(self)")
        }
    }
    func int(_ key: String) -> Int { Int(double(key)) }
    func bool(_ key: String) -> Bool { (self[key] as? Bool) ?? (self[key] as! NSNumber).boolValue }
    func string(_ key: String) -> String { self[key] as! String }
    func doubles(_ key: String) -> [Double] {
        (self[key] as! [Any]).map { item in
            ["v": item].double("v")
        }
    }
    func ints(_ key: String) -> [Int] { doubles(key).map { Int($0) } }
}

/// Collects comparisons of computed and reference values and reports the failures and the worst
/// relative difference.
///
/// A value matches when both are NaN, both are the same infinity, |a − e| ≤ relative·|e|, or
/// |a − e| ≤ absolute. The tolerances are chosen per family in the tests (see StatisticsTests.swift).
struct Comparison {
    let family: String
    var relative = 1e-9
    var absolute = 0.0
    var failures: [String] = []
    var worstRelative = 0.0
    var count = 0

    init(_ family: String, relative: Double = 1e-9, absolute: Double = 0) {
        self.family = family; self.relative = relative; self.absolute = absolute
    }

    mutating func check(_ actual: Double, _ expected: Double, _ what: @autoclosure () -> String) {
        count += 1
        if actual.isNaN && expected.isNaN { return }
        if actual == expected { return }
        let diff = abs(actual - expected)
        if expected != 0 && expected.isFinite { worstRelative = max(worstRelative, diff / abs(expected)) }
        if diff <= relative * abs(expected) || diff <= absolute { return }
        failures.append("\(what()): got \(actual), expected \(expected) (diff \(diff))")
    }

    func report(sourceLocation: SourceLocation = #_sourceLocation) {
        print("\(family): \(count) values, worst relative difference \(worstRelative)")
        #expect(count > 0, "\(family): no values compared", sourceLocation: sourceLocation)
        let listing = failures.prefix(25).joined(separator: "\n")
        #expect(failures.isEmpty, "\(family): \(failures.count) of \(count) differ:\n\(listing)",
                sourceLocation: sourceLocation)
    }
}
