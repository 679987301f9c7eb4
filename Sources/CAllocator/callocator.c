#include "CAllocator.h"

/* Any libc header defines __GLIBC__ (through <features.h>); without one first, the test below is always false and
   the tuning silently does nothing. */
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int callocator_keep_large_blocks(long trim_bytes) {
#if defined(__GLIBC__)
    /* glibc rejects mmap thresholds above HEAP_MAX_SIZE / 2 (32 MiB on 64-bit); the trim threshold has no limit. */
    int mmap_ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    int trim_ok = mallopt(M_TRIM_THRESHOLD, (int)(trim_bytes > 0x7fffffff ? 0x7fffffff : trim_bytes));
    return mmap_ok && trim_ok;
#else
    (void)trim_bytes;
    return 0;
#endif
}
