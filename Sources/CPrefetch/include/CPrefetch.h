#ifndef SHEETGATE_CPREFETCH_H
#define SHEETGATE_CPREFETCH_H

/// Asks the CPU to bring the cache line holding `p` in for a write (a hint: never faults).
/// Swift has no prefetch intrinsic; the validator uses this to start the cache misses of a
/// row's unique-key lookups a few rows before it checks that row.
static inline void sg_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
