// Compiles the grammar's external scanner, which Scripts/setup downloads (it is not committed).
#if __has_include("../../.deps/tree-sitter-python/src/scanner.c")
#include "../../.deps/tree-sitter-python/src/scanner.c"
#else
#error "The tree-sitter Python grammar is missing: run Scripts/setup first."
#endif
