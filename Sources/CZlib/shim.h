// zlib from Debian's zlib1g-dev (Scripts/setup installs it): reads .gz inputs.
#include <zlib.h>
