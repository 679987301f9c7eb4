// libhdf5 behind a small C interface for reading MATLAB v7.3 files (HDF5 with a user block).
#ifndef CHDF5_H
#define CHDF5_H

#include <stddef.h>
#include <stdint.h>

/// Returns the library version as major * 10000 + minor * 100 + release.
int chdf5_library_version(void);

#endif
