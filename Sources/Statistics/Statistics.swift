// Statistics: the numbers Fluke's reporter prints, computed so that they match the reference
// implementations (scipy 1.17 / statsmodels 0.15) to 1e-9 relative; see
// Tests/StatisticsTests and Scripts/reference/statistics_fixtures.py.
//
// - Proportions: `Proportion` (Wilson score interval), `ProportionDifference` (Newcombe's hybrid
//   score interval, method 10).
// - 2×2 tables: `Table2x2`, `FisherExactTest` (exact, stable for counts in the thousands).
// - Multiplicity: `benjaminiHochberg(_:)`.
// - Strata (tasks): `MantelHaenszel` (CMH test with and without continuity correction, common
//   odds ratio with the Robins–Breslow–Greenland interval).
// - Paired per-task differences: `PairedDifference` (mean, t-interval, t-test),
//   `WilcoxonSignedRank`.
// - Two samples: `MannWhitneyU` (with AUC and Cliff's δ).
// - Descriptive: `mean`, `variance`, `standardDeviation`, `quantile` (numpy's linear), `median`,
//   `Summary`, `histogram(_:edges:)`.
// - Distributions: `Normal`, `ChiSquared1`, `StudentT`, `regularizedIncompleteBeta`.
//
// Values are Double; inputs are counts (Int) or [Double]. Nothing here depends on anything but
// Foundation.
