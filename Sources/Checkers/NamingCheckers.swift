import Rules
import SyntaxTree

/// Naming checks that need scopes (pep8-naming's N806, N815, N816).
let namingCheckers: [any Checker.Type] = []
