// glibc's mallopt, which Swift's Glibc module does not export (malloc.h).
#ifndef CALLOCATOR_H
#define CALLOCATOR_H

/// Serves blocks up to glibc's largest mmap threshold (32 MiB on 64-bit) from the heap and stops the heap from
/// being trimmed below `trim_bytes`, so large freed blocks stay for reuse. Returns 1 when both settings were
/// accepted, 0 otherwise (or where unsupported).
int callocator_keep_large_blocks(long trim_bytes);

#endif
