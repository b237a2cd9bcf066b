import Foundation

/// Benjamini–Hochberg adjusted p-values (false discovery rate), in the order of the input.
///
/// With the m p-values sorted ascending, p₍ᵢ₎ becomes min over j ≥ i of m·p₍ⱼ₎/j, capped at 1:
/// so the adjusted values are monotone in the raw ones. Matches
/// `statsmodels.stats.multitest.multipletests(pvals, method="fdr_bh")[1]`.
///
/// NaN p-values stay NaN and are not counted in m (as R's `p.adjust`); statsmodels has no
/// defined behaviour for them.
public func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
    let indices = pValues.indices.filter { !pValues[$0].isNaN }
        .sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
    var adjusted = [Double](repeating: .nan, count: pValues.count)
    let m = Double(indices.count)
    var running = Double.infinity
    for (rank, index) in indices.enumerated().reversed() {
        running = min(running, pValues[index] * m / Double(rank + 1))
        adjusted[index] = min(running, 1)
    }
    return adjusted
}
