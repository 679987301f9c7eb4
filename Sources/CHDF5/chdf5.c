#include "CHDF5.h"

#include <hdf5/serial/hdf5.h>

int chdf5_library_version(void) {
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    return (int)(major * 10000 + minor * 100 + release);
}
