// Compiles the grammar's generated parser, which Scripts/setup downloads (it is not committed).
#if __has_include("../../.deps/tree-sitter-python/src/parser.c")
#include "../../.deps/tree-sitter-python/src/parser.c"
#else
#error "The tree-sitter Python grammar is missing: run Scripts/setup first."
#endif
