// libhdf5 behind a small C interface for reading MATLAB v7.3 files (HDF5 with a user block).
//
// Every function takes one process-wide lock, because Debian's serial libhdf5 is not thread-safe, turns
// off HDF5's automatic error printing, and reports failures as a return code plus a message built from the
// HDF5 error stack. No HDF5 identifier or pointer crosses this interface except the opaque file handle.
#ifndef CHDF5_H
#define CHDF5_H

#include <stddef.h>
#include <stdint.h>

/// Size of every message buffer passed to these functions, terminating NUL included.
#define CHDF5_MESSAGE_LENGTH 512
/// Highest rank of an array that chdf5_read_referenced returns.
#define CHDF5_MAX_RANK 3
/// Largest array (in elements, one byte each) chdf5_read_referenced allocates: 256 MiB.
#define CHDF5_MAX_ELEMENTS ((int64_t)1 << 28)
/// Largest extent allowed on any one axis.
#define CHDF5_MAX_EXTENT ((int64_t)1 << 20)

/// Return code: success.
#define CHDF5_OK 0
/// Return code: a named group or dataset is absent.
#define CHDF5_MISSING 1
/// Return code: the file cannot be opened as HDF5, or an object has the wrong type, shape or size.
#define CHDF5_INVALID 2

/// An open HDF5 file (opaque).
typedef struct chdf5_file chdf5_file;

/// An n-dimensional uint8 array in HDF5 (C, row-major) axis order.
typedef struct {
    int rank;
    /// Extents, outermost first; entries past `rank` are 0.
    int64_t dims[CHDF5_MAX_RANK];
    /// `dims[0] * ... * dims[rank - 1]` bytes (malloc'ed; NULL when not read or empty).
    uint8_t *data;
    size_t size;
    char message[CHDF5_MESSAGE_LENGTH];
} chdf5_array;

/// Returns the library version as major * 10000 + minor * 100 + release.
int chdf5_library_version(void);

/// Opens `path` read-only. On success stores a handle in `*out_file`; otherwise fills `message`
/// (CHDF5_MESSAGE_LENGTH bytes) and returns CHDF5_INVALID.
int chdf5_open(const char *path, chdf5_file **out_file, char *message);

/// Closes a handle from chdf5_open (NULL is ignored), with every object still open in it.
void chdf5_close(chdf5_file *file);

/// Reads the shape of the 2-D object-reference dataset at `table_path` (for example "/value/img").
/// Returns CHDF5_MISSING when a component of the path is absent, CHDF5_INVALID when it is not a 2-D dataset
/// of object references.
int chdf5_reference_table_shape(chdf5_file *file, const char *table_path, int64_t *rows, int64_t *columns,
                                char *message);

/// Follows element `[row, 0]` of the reference table at `table_path`, then `extra_hops` more times element
/// `[0, 0]` of each referenced 2-D reference dataset, and describes the uint8 dataset reached: its rank
/// (1 ... CHDF5_MAX_RANK) and extents. When `read_data` is non-zero it also reads the elements into a
/// malloc'ed buffer (free with chdf5_array_free). The extents are validated (CHDF5_MAX_EXTENT per axis,
/// CHDF5_MAX_ELEMENTS in all) before anything is allocated.
int chdf5_read_referenced(chdf5_file *file, const char *table_path, int64_t row, int extra_hops, int read_data,
                          chdf5_array *out_array);

/// Frees the data of an array filled by chdf5_read_referenced (safe to call twice).
void chdf5_array_free(chdf5_array *array);

#endif
