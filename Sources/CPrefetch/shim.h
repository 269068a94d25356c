// A cache prefetch for Swift, which has no intrinsic for it: GCC's and Clang's __builtin_prefetch.
// Header only (static inline): nothing to link.
#ifndef SHEETGATE_PREFETCH_H
#define SHEETGATE_PREFETCH_H

// Asks for the cache line at `p` to be loaded for writing, into every cache level. It never faults
// and does not wait: the load happens while the caller goes on.
static inline void sheetgate_prefetch_for_write(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
