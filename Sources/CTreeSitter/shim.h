// The tree-sitter runtime from Debian's libtree-sitter-dev (Scripts/setup installs it).
#include <tree_sitter/api.h>
