// Everything is in include/CPrefetch.h (static inline); this file makes the target a C target.
#include "CPrefetch.h"
