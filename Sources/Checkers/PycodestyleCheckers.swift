import Rules
import SyntaxTree

/// pycodestyle's logical-line checks (E1, E2, E3, E7).
let pycodestyleCheckers: [any Checker.Type] = []
