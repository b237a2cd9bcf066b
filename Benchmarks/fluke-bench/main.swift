// Benchmarks print figures; they are not tests. Build in release:
//   swift build -c release --product fluke-bench
//   .build/release/fluke-bench parse [--threads N] [--repeat R] SAMPLES.jsonl
// or run Scripts/bench-parse, which finds the CodeGen-16B samples in ../shared/data.
import Candidates
import Dispatch
import Foundation
import SyntaxTree

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fluke-bench: \(message)\n".utf8))
    exit(2)
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

var args = Array(CommandLine.arguments.dropFirst())
guard args.first == "parse" else { fail("usage: fluke-bench parse [--threads N] [--repeat R] SAMPLES...") }
args.removeFirst()
var threads = 1
var repeats = 3
var checkErrors = true
var paths: [String] = []
while let a = args.first {
    args.removeFirst()
    switch a {
    case "--threads": threads = Int(args.removeFirst()) ?? 1
    case "--repeat": repeats = Int(args.removeFirst()) ?? 3
    case "--no-error-check": checkErrors = false
    default: paths.append(a)
    }
}
guard !paths.isEmpty else { fail("no samples given") }

// Read once (reading is not what is measured), then parse every sample, `repeats` times.
var t0 = now()
var sources: [[UInt8]] = []
var issues = 0
CandidateReader().read(paths) { item in
    switch item {
    case .candidate(let c): sources.append(c.bytes)
    case .issue: issues += 1
    }
}
let readSeconds = now() - t0
let bytes = sources.reduce(0) { $0 + $1.count }
print("samples: \(sources.count) (\(issues) unreadable), \(String(format: "%.2f", Double(bytes) / 1e6)) MB; read in \(String(format: "%.3f", readSeconds)) s")

final class Counter: @unchecked Sendable {
    let lock = NSLock()
    var errors = 0
    var nodes = 0
    func add(errors e: Int, nodes n: Int) { lock.lock(); errors += e; nodes += n; lock.unlock() }
}

var times: [Double] = []
var counter = Counter()
for round in 1...repeats {
    counter = Counter()
    let c = counter
    let all = sources
    let n = threads
    let check = checkErrors
    t0 = now()
    DispatchQueue.concurrentPerform(iterations: n) { worker in
        let parser = try! PythonParser()
        var errors = 0, nodes = 0
        var i = worker
        while i < all.count {
            let tree = try! parser.parse(bytes: all[i])
            if check && tree.hasSyntaxErrors { errors += 1 }
            nodes += tree.root.namedChildCount
            i += n
        }
        c.add(errors: errors, nodes: nodes)
    }
    let dt = now() - t0
    times.append(dt)
    print("round \(round): \(String(format: "%.3f", dt)) s")
}
times.sort()
let median = times[times.count / 2]
print("threads: \(threads)\(checkErrors ? "" : ", no syntax-error check"); median parse time: \(String(format: "%.3f", median)) s; "
      + "\(String(format: "%.0f", Double(sources.count) / median)) samples/s; "
      + "\(String(format: "%.1f", Double(bytes) / 1e6 / median)) MB/s; "
      + "samples with syntax errors: \(counter.errors); peak RSS \(String(format: "%.0f", peakRSSMegabytes())) MB")
