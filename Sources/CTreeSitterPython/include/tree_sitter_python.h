#ifndef FLUKE_TREE_SITTER_PYTHON_H
#define FLUKE_TREE_SITTER_PYTHON_H

#include <tree_sitter/api.h>

/// The tree-sitter Python grammar (language ABI 14), compiled from the source that
/// Scripts/setup downloads into .deps/tree-sitter-python.
const TSLanguage *tree_sitter_python(void);

#endif
