import Rules
import SyntaxTree

/// pyflakes' scope checks (F401, F811, F821, F841).
let pyflakesCheckers: [any Checker.Type] = []
