// libhdf5 1.10 wrapper: see include/CHDF5.h. All HDF5 identifiers stay in this file.
#include "CHDF5.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5/serial/hdf5.h>
#include <zlib.h>

struct chdf5_file {
    hid_t file;
};

// The serial build of libhdf5 keeps global state (open-object tables, the error stack, free lists) without
// any locking, so every entry point below holds this lock while it calls into the library.
static pthread_mutex_t chdf5_lock = PTHREAD_MUTEX_INITIALIZER;

// Longest object path accepted (MATLAB variable names are at most 63 characters).
#define CHDF5_PATH_LIMIT 256
// Most reference hops chdf5_read_referenced follows after the table.
#define CHDF5_MAX_HOPS 4

static void enter(void) {
    pthread_mutex_lock(&chdf5_lock);
    // No automatic printing to stderr: errors come back as messages. Set on every entry, since it is cheap
    // and keeps the setting even if some other code in the process changed it.
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    H5Eclear2(H5E_DEFAULT);
}

static void leave(void) {
    H5Eclear2(H5E_DEFAULT);
    pthread_mutex_unlock(&chdf5_lock);
}

static void close_dataset(hid_t *id) {
    if (*id >= 0) H5Dclose(*id);
    *id = -1;
}

static void close_type(hid_t *id) {
    if (*id >= 0) H5Tclose(*id);
    *id = -1;
}

static void close_space(hid_t *id) {
    if (*id >= 0) H5Sclose(*id);
    *id = -1;
}

// MARK: - Error messages

#define CHDF5_STACK_KEEP 16

typedef struct {
    int count;
    char entries[CHDF5_STACK_KEEP][160];
} stack_text;

static herr_t collect_entry(unsigned n, const H5E_error2_t *error, void *client) {
    (void)n;
    stack_text *text = client;
    if (text->count >= CHDF5_STACK_KEEP) return 0;
    const char *description = (error->desc && error->desc[0]) ? error->desc : NULL;
    char minor[96] = "";
    H5E_type_t type;
    if (H5Eget_msg(error->min_num, &type, minor, sizeof minor) < 0) minor[0] = '\0';
    if (description && minor[0])
        snprintf(text->entries[text->count], sizeof text->entries[0], "%s (%s)", description, minor);
    else if (description)
        snprintf(text->entries[text->count], sizeof text->entries[0], "%s", description);
    else if (minor[0])
        snprintf(text->entries[text->count], sizeof text->entries[0], "%s", minor);
    else
        return 0;
    text->count += 1;
    return 0;
}

/// Appends `text` to the NUL-terminated `message` (CHDF5_MESSAGE_LENGTH bytes), truncating.
static void append(char *message, size_t *used, const char *text) {
    size_t length = strlen(text);
    size_t room = CHDF5_MESSAGE_LENGTH - 1 - *used;
    if (length > room) length = room;
    memcpy(message + *used, text, length);
    *used += length;
    message[*used] = '\0';
}

/// Writes `context` followed by the HDF5 error stack (outermost call first; when long, the first entry and
/// the two innermost, which name the actual cause) into `message`.
static void fail(char *message, const char *format, ...) {
    if (!message) return;
    char context[CHDF5_MESSAGE_LENGTH];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(context, sizeof context, format, arguments);
    va_end(arguments);

    stack_text text = {0};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_entry, &text);
    size_t used = 0;
    append(message, &used, context);
    for (int index = 0; index < text.count; index++) {
        int is_kept = text.count <= 3 || index == 0 || index >= text.count - 2;
        if (is_kept) {
            append(message, &used, ": ");
            append(message, &used, text.entries[index]);
        } else if (index == 1) {
            append(message, &used, ": ...");
        }
    }
    H5Eclear2(H5E_DEFAULT);
}

// MARK: - Opening and closing

int chdf5_library_version(void) {
    unsigned major = 0, minor = 0, release = 0;
    pthread_mutex_lock(&chdf5_lock);
    H5get_libversion(&major, &minor, &release);
    pthread_mutex_unlock(&chdf5_lock);
    return (int)(major * 10000 + minor * 100 + release);
}

int chdf5_open(const char *path, chdf5_file **out_file, char *message) {
    if (message) message[0] = '\0';
    if (!out_file) return CHDF5_INVALID;
    *out_file = NULL;
    if (!path) {
        fail(message, "no path");
        return CHDF5_INVALID;
    }
    chdf5_file *handle = calloc(1, sizeof *handle);
    if (!handle) {
        fail(message, "out of memory");
        return CHDF5_INVALID;
    }
    enter();
    hid_t access = H5Pcreate(H5P_FILE_ACCESS);
    if (access >= 0) {
        // Closing the file closes whatever is still open inside it, so a failed read cannot leak the file.
        H5Pset_fclose_degree(access, H5F_CLOSE_STRONG);
#if H5_VERSION_GE(1, 10, 7)
        // Read-only use never needs the advisory lock, and flock fails on some network file systems.
        H5Pset_file_locking(access, 0, 1);
#endif
    }
    // libhdf5 finds the superblock after a user block itself (it probes offsets 0, 512, 1024, ...) and
    // refuses a file shorter than the end-of-file address the superblock records ("truncated file").
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, access >= 0 ? access : H5P_DEFAULT);
    // Every HDF5 API call clears the error stack on entry, so the message is taken before H5Pclose.
    if (file < 0) fail(message, "cannot open as HDF5");
    if (access >= 0) H5Pclose(access);
    if (file < 0) {
        leave();
        free(handle);
        return CHDF5_INVALID;
    }
    handle->file = file;
    leave();
    *out_file = handle;
    return CHDF5_OK;
}

void chdf5_close(chdf5_file *file) {
    if (!file) return;
    enter();
    if (file->file >= 0) H5Fclose(file->file);
    leave();
    free(file);
}

// MARK: - References

/// Checks every component of an absolute path with H5Lexists (which fails, rather than answering "no",
/// when an intermediate group is missing).
static int check_path(hid_t file, const char *path, char *message) {
    size_t length = strlen(path);
    if (length == 0 || length >= CHDF5_PATH_LIMIT || path[0] != '/') {
        fail(message, "invalid object path '%s'", path);
        return CHDF5_INVALID;
    }
    char prefix[CHDF5_PATH_LIMIT];
    for (size_t end = 1; end <= length; end++) {
        if (end < length && path[end] != '/') continue;
        memcpy(prefix, path, end);
        prefix[end] = '\0';
        htri_t exists = H5Lexists(file, prefix, H5P_DEFAULT);
        if (exists <= 0) {
            H5Eclear2(H5E_DEFAULT);
            if (message) snprintf(message, CHDF5_MESSAGE_LENGTH, "no object '%s'", prefix);
            return CHDF5_MISSING;
        }
    }
    return CHDF5_OK;
}

/// Opens the 2-D object-reference dataset at `path`, storing its extents.
static int open_table(hid_t file, const char *path, hid_t *out_table, hsize_t dims[2], char *message) {
    *out_table = -1;
    int status = check_path(file, path, message);
    if (status != CHDF5_OK) return status;
    hid_t table = H5Dopen2(file, path, H5P_DEFAULT);
    if (table < 0) {
        fail(message, "'%s' is not a dataset", path);
        return CHDF5_INVALID;
    }
    hid_t type = H5Dget_type(table);
    hid_t space = H5Dget_space(table);
    status = CHDF5_INVALID;
    if (type < 0 || space < 0) {
        fail(message, "cannot read the type and shape of '%s'", path);
    } else if (H5Tget_class(type) != H5T_REFERENCE || H5Tequal(type, H5T_STD_REF_OBJ) <= 0) {
        fail(message, "'%s' is not a dataset of object references", path);
    } else if (H5Sget_simple_extent_type(space) != H5S_SIMPLE || H5Sget_simple_extent_ndims(space) != 2) {
        fail(message, "'%s' is not a 2-D dataset", path);
    } else if (H5Sget_simple_extent_dims(space, dims, NULL) != 2) {
        fail(message, "cannot read the shape of '%s'", path);
    } else {
        status = CHDF5_OK;
    }
    close_type(&type);
    close_space(&space);
    if (status != CHDF5_OK) {
        close_dataset(&table);
        return status;
    }
    *out_table = table;
    return CHDF5_OK;
}

/// Reads element `[row, 0]` of an open 2-D object-reference dataset with extents `dims` and opens the dataset
/// it points to.
static int follow(hid_t table, const hsize_t dims[2], hsize_t row, const char *what, hid_t *out_dataset,
                  char *message) {
    *out_dataset = -1;
    if (row >= dims[0] || dims[1] < 1) {
        fail(message, "%s: element [%llu, 0] is outside the %llux%llu reference array", what,
             (unsigned long long)row, (unsigned long long)dims[0], (unsigned long long)dims[1]);
        return CHDF5_INVALID;
    }
    hid_t file_space = H5Dget_space(table);
    hsize_t start[2] = {row, 0};
    hsize_t count[2] = {1, 1};
    hsize_t one = 1;
    hid_t memory_space = H5Screate_simple(1, &one, NULL);
    hobj_ref_t reference = 0;
    int status = CHDF5_INVALID;
    if (file_space < 0 || memory_space < 0
        || H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) < 0) {
        fail(message, "%s: cannot select element [%llu, 0]", what, (unsigned long long)row);
    } else if (H5Dread(table, H5T_STD_REF_OBJ, memory_space, file_space, H5P_DEFAULT, &reference) < 0) {
        fail(message, "%s: cannot read reference [%llu, 0]", what, (unsigned long long)row);
    } else {
        H5O_type_t object_type = H5O_TYPE_UNKNOWN;
        if (H5Rget_obj_type2(table, H5R_OBJECT, &reference, &object_type) < 0) {
            fail(message, "%s: reference [%llu, 0] does not point to an object", what, (unsigned long long)row);
        } else if (object_type != H5O_TYPE_DATASET) {
            fail(message, "%s: reference [%llu, 0] points to a group or type, not a dataset", what,
                 (unsigned long long)row);
        } else {
            hid_t dataset = H5Rdereference2(table, H5P_DEFAULT, H5R_OBJECT, &reference);
            if (dataset < 0) {
                fail(message, "%s: cannot open the dataset of reference [%llu, 0]", what, (unsigned long long)row);
            } else {
                *out_dataset = dataset;
                status = CHDF5_OK;
            }
        }
    }
    close_space(&memory_space);
    close_space(&file_space);
    return status;
}

int chdf5_reference_table_shape(chdf5_file *file, const char *table_path, int64_t *rows, int64_t *columns,
                                char *message) {
    if (message) message[0] = '\0';
    if (!file || !table_path || !rows || !columns) return CHDF5_INVALID;
    enter();
    hid_t table = -1;
    hsize_t dims[2] = {0, 0};
    int status = open_table(file->file, table_path, &table, dims, message);
    close_dataset(&table);
    leave();
    if (status != CHDF5_OK) return status;
    if (dims[0] > (hsize_t)INT64_MAX || dims[1] > (hsize_t)INT64_MAX) {
        if (message) snprintf(message, CHDF5_MESSAGE_LENGTH, "'%s' has an impossible shape", table_path);
        return CHDF5_INVALID;
    }
    *rows = (int64_t)dims[0];
    *columns = (int64_t)dims[1];
    return CHDF5_OK;
}

// MARK: - Reading referenced arrays

static const char *class_name(H5T_class_t type_class) {
    switch (type_class) {
    case H5T_INTEGER: return "integers";
    case H5T_FLOAT: return "floats";
    case H5T_STRING: return "strings";
    case H5T_REFERENCE: return "references";
    case H5T_COMPOUND: return "compound values";
    default: return "values of another type class";
    }
}

/// Validates that `dataset` holds unsigned 8-bit integers in a simple dataspace of rank 1 ... CHDF5_MAX_RANK
/// within the size limits, and stores its rank and extents in `array`.
static int describe_uint8(hid_t dataset, const char *what, chdf5_array *array) {
    hid_t type = H5Dget_type(dataset);
    hid_t space = H5Dget_space(dataset);
    int status = CHDF5_INVALID;
    hsize_t dims[CHDF5_MAX_RANK] = {0};
    int rank = -1;
    if (type < 0 || space < 0) {
        fail(array->message, "%s: cannot read the type and shape", what);
    } else if (H5Tget_class(type) != H5T_INTEGER || H5Tget_size(type) != 1 || H5Tget_sign(type) != H5T_SGN_NONE
               || H5Tequal(type, H5T_STD_U8LE) <= 0) {
        // Exactly MATLAB's little-endian uint8: any other 1-byte integer (precision or offset bits changed)
        // would send H5Dread through type conversion, which a corrupt file can overrun.
        fail(array->message, "%s: expected uint8 data, found %s of %zu bytes", what,
             class_name(H5Tget_class(type)), H5Tget_size(type));
    } else if (H5Sget_simple_extent_type(space) != H5S_SIMPLE
               || (rank = H5Sget_simple_extent_ndims(space)) < 1 || rank > CHDF5_MAX_RANK) {
        fail(array->message, "%s: expected an array of rank 1 to %d (rank %d)", what, CHDF5_MAX_RANK, rank);
    } else if (H5Sget_simple_extent_dims(space, dims, NULL) != rank) {
        fail(array->message, "%s: cannot read the shape", what);
    } else {
        status = CHDF5_OK;
        uint64_t elements = 1;
        for (int axis = 0; axis < rank && status == CHDF5_OK; axis++) {
            if (dims[axis] > (hsize_t)CHDF5_MAX_EXTENT) {
                fail(array->message, "%s: extent %llu on axis %d exceeds the limit %lld", what,
                     (unsigned long long)dims[axis], axis, (long long)CHDF5_MAX_EXTENT);
                status = CHDF5_INVALID;
                break;
            }
            // Each factor is at most 2^20 and the running product at most 2^28, so this cannot overflow.
            elements *= (uint64_t)dims[axis];
            if (elements > (uint64_t)CHDF5_MAX_ELEMENTS) {
                fail(array->message, "%s: more than %lld elements", what, (long long)CHDF5_MAX_ELEMENTS);
                status = CHDF5_INVALID;
            }
        }
        if (status == CHDF5_OK) {
            array->rank = rank;
            for (int axis = 0; axis < rank; axis++) array->dims[axis] = (int64_t)dims[axis];
            array->size = (size_t)elements;
        }
    }
    close_type(&type);
    close_space(&space);
    return status;
}

// Most stored chunks a dataset may have (the real file stores each image in one or a few chunks).
#define CHDF5_MAX_CHUNKS 4096
// Largest chunk, in bytes, this reader assembles.
#define CHDF5_MAX_CHUNK_BYTES ((uint64_t)1 << 26)

/// Reads an unchunked (contiguous or compact) uint8 dataset with H5Dread after checking that the stored size
/// equals the element count and lies inside the file. libhdf5 1.10.8 trusts the stored size and copies past
/// its buffers when it is wrong (found by fuzzing the fixture with byte flips).
static int read_unchunked(hid_t dataset, H5D_layout_t layout, hid_t plist, hsize_t file_size, chdf5_array *array,
                          const char *what) {
    hsize_t stored = H5Dget_storage_size(dataset);
    haddr_t address = layout == H5D_CONTIGUOUS ? H5Dget_offset(dataset) : 0;
    if (stored != (hsize_t)array->size) {
        fail(array->message, "%s: %llu bytes stored for %llu elements", what, (unsigned long long)stored,
             (unsigned long long)array->size);
        return CHDF5_INVALID;
    }
    if (layout == H5D_CONTIGUOUS && (address == HADDR_UNDEF || address > file_size || stored > file_size - address)) {
        fail(array->message, "%s: data lies outside the file", what);
        return CHDF5_INVALID;
    }
    if (H5Pget_nfilters(plist) != 0) {
        fail(array->message, "%s: filters on unchunked data", what);
        return CHDF5_INVALID;
    }
    array->data = malloc(array->size);
    if (!array->data) {
        fail(array->message, "%s: cannot allocate %zu bytes", what, array->size);
        return CHDF5_INVALID;
    }
    if (H5Dread(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, array->data) < 0) {
        fail(array->message, "%s: cannot read the data", what);
        return CHDF5_INVALID;
    }
    return CHDF5_OK;
}

/// Inflates a zlib stream (HDF5's deflate filter) into exactly `expected` bytes; anything shorter, longer or
/// corrupt is an error, so the output size never depends on the stream.
static int inflate_exact(const uint8_t *input, size_t input_size, uint8_t *output, size_t expected) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (inflateInit(&stream) != Z_OK) return 0;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_size;
    stream.next_out = output;
    stream.avail_out = (uInt)expected;
    int result = inflate(&stream, Z_FINISH);
    int ok = result == Z_STREAM_END && stream.total_out == expected;
    inflateEnd(&stream);
    return ok;
}

/// Reads a chunked uint8 dataset chunk by chunk: raw chunk bytes come from H5Dread_chunk and are inflated
/// here with zlib into a buffer of exactly the chunk size. libhdf5 1.10.8's own chunk path copies past its
/// buffers when a corrupt file's chunk shape disagrees with the compressed data or a chunk offset is outside
/// the dataspace, and its deflate filter grows its output without bound; this path checks the chunk shape,
/// the filters (deflate, and shuffle, a no-op on 1-byte elements), every chunk's offset, address and size,
/// and the inflated size.
static int read_chunked(hid_t dataset, hid_t plist, hsize_t file_size, chdf5_array *array, const char *what) {
    int rank = array->rank;
    hsize_t chunk[CHDF5_MAX_RANK + 1] = {0};
    uint64_t chunk_bytes = 1;
    if (H5Pget_chunk(plist, CHDF5_MAX_RANK + 1, chunk) != rank) {
        fail(array->message, "%s: chunk rank differs from the data rank", what);
        return CHDF5_INVALID;
    }
    for (int axis = 0; axis < rank; axis++) {
        if (chunk[axis] < 1 || chunk[axis] > (hsize_t)CHDF5_MAX_EXTENT
            || (chunk_bytes *= (uint64_t)chunk[axis]) > CHDF5_MAX_CHUNK_BYTES) {
            fail(array->message, "%s: invalid chunk shape", what);
            return CHDF5_INVALID;
        }
    }
    int filters = H5Pget_nfilters(plist);
    if (filters < 0 || filters > 8) {
        fail(array->message, "%s: cannot read the filters", what);
        return CHDF5_INVALID;
    }
    H5Z_filter_t filter_ids[8];
    for (int index = 0; index < filters; index++) {
        unsigned flags = 0, config = 0;
        size_t values = 0;
        filter_ids[index] = H5Pget_filter2(plist, (unsigned)index, &flags, &values, NULL, 0, NULL, &config);
        // MATLAB writes deflate (gzip) only; shuffle is harmless. Anything else is refused.
        if (filter_ids[index] != H5Z_FILTER_DEFLATE && filter_ids[index] != H5Z_FILTER_SHUFFLE) {
            fail(array->message, "%s: unsupported filter %d", what, (int)filter_ids[index]);
            return CHDF5_INVALID;
        }
    }
    uint64_t expected_chunks = 1;
    for (int axis = 0; axis < rank; axis++) {
        expected_chunks *= ((uint64_t)array->dims[axis] + chunk[axis] - 1) / chunk[axis];
        if (expected_chunks > CHDF5_MAX_CHUNKS) {
            fail(array->message, "%s: more than %d chunks", what, CHDF5_MAX_CHUNKS);
            return CHDF5_INVALID;
        }
    }
    hid_t space = H5Dget_space(dataset);
    hsize_t stored_chunks = 0;
    if (space < 0 || H5Dget_num_chunks(dataset, space, &stored_chunks) < 0) {
        fail(array->message, "%s: cannot read the chunk index", what);
        close_space(&space);
        return CHDF5_INVALID;
    }
    // MATLAB writes whole arrays, so every chunk must be stored (no fill values to reproduce).
    if (stored_chunks != expected_chunks) {
        fail(array->message, "%s: %llu chunks stored, %llu expected", what, (unsigned long long)stored_chunks,
             (unsigned long long)expected_chunks);
        close_space(&space);
        return CHDF5_INVALID;
    }
    // zlib's compressBound is about chunk_bytes + 0.03 % + 13; twice that leaves room for other encoders while
    // bounding the raw read. Inflating never depends on it: the output buffer is exactly one chunk.
    uint64_t compressed_limit = 2 * chunk_bytes + 4096;
    array->data = calloc(array->size, 1);
    uint8_t *raw = malloc((size_t)compressed_limit);
    uint8_t *inflated = malloc((size_t)chunk_bytes);
    int status = CHDF5_OK;
    if (!array->data || !raw || !inflated) {
        fail(array->message, "%s: cannot allocate the chunk buffers", what);
        status = CHDF5_INVALID;
    }
    // Pad to rank 3 with leading extents of 1 so one copy loop serves every rank.
    uint64_t dims3[3] = {1, 1, 1}, chunk3[3] = {1, 1, 1}, offset3[3] = {0, 0, 0};
    for (int axis = 0; axis < rank; axis++) {
        dims3[3 - rank + axis] = (uint64_t)array->dims[axis];
        chunk3[3 - rank + axis] = (uint64_t)chunk[axis];
    }
    for (hsize_t index = 0; index < stored_chunks && status == CHDF5_OK; index++) {
        hsize_t offset[CHDF5_MAX_RANK + 1] = {0};
        unsigned filter_mask = 0;
        haddr_t address = HADDR_UNDEF;
        hsize_t size = 0;
        if (H5Dget_chunk_info(dataset, space, index, offset, &filter_mask, &address, &size) < 0) {
            fail(array->message, "%s: cannot read chunk %llu", what, (unsigned long long)index);
            status = CHDF5_INVALID;
            break;
        }
        for (int axis = 0; axis < rank; axis++) {
            if (offset[axis] % chunk[axis] != 0 || offset[axis] >= (hsize_t)array->dims[axis]) status = CHDF5_INVALID;
            offset3[3 - rank + axis] = (uint64_t)offset[axis];
        }
        int deflated = 0;
        for (int filter = 0; filter < filters; filter++) {
            if (filter_ids[filter] == H5Z_FILTER_DEFLATE && !(filter_mask & (1u << filter))) deflated = 1;
        }
        if (status != CHDF5_OK) {
            fail(array->message, "%s: chunk %llu has a bad offset", what, (unsigned long long)index);
        } else if (address == HADDR_UNDEF || address > file_size || size > file_size - address) {
            fail(array->message, "%s: chunk %llu lies outside the file", what, (unsigned long long)index);
            status = CHDF5_INVALID;
        } else if (deflated ? (size == 0 || size > compressed_limit) : size != chunk_bytes) {
            fail(array->message, "%s: chunk %llu stores %llu bytes for a %llu-byte chunk", what,
                 (unsigned long long)index, (unsigned long long)size, (unsigned long long)chunk_bytes);
            status = CHDF5_INVALID;
        } else {
            uint32_t read_mask = 0;
            if (H5Dread_chunk(dataset, H5P_DEFAULT, offset, &read_mask, raw) < 0) {
                fail(array->message, "%s: cannot read chunk %llu", what, (unsigned long long)index);
                status = CHDF5_INVALID;
            } else if (deflated && !inflate_exact(raw, (size_t)size, inflated, (size_t)chunk_bytes)) {
                fail(array->message, "%s: chunk %llu does not inflate to %llu bytes", what, (unsigned long long)index,
                     (unsigned long long)chunk_bytes);
                status = CHDF5_INVALID;
            }
        }
        if (status != CHDF5_OK) break;
        const uint8_t *source = deflated ? inflated : raw;
        uint64_t rows0 = chunk3[0] < dims3[0] - offset3[0] ? chunk3[0] : dims3[0] - offset3[0];
        uint64_t rows1 = chunk3[1] < dims3[1] - offset3[1] ? chunk3[1] : dims3[1] - offset3[1];
        uint64_t span = chunk3[2] < dims3[2] - offset3[2] ? chunk3[2] : dims3[2] - offset3[2];
        for (uint64_t a = 0; a < rows0; a++) {
            for (uint64_t b = 0; b < rows1; b++) {
                memcpy(array->data + ((offset3[0] + a) * dims3[1] + offset3[1] + b) * dims3[2] + offset3[2],
                       source + (a * chunk3[1] + b) * chunk3[2], (size_t)span);
            }
        }
    }
    free(raw);
    free(inflated);
    close_space(&space);
    return status;
}

/// Reads the elements of a uint8 dataset already checked by describe_uint8 into a malloc'ed buffer.
static int read_uint8(hid_t file, hid_t dataset, chdf5_array *array, const char *what) {
    hsize_t file_size = 0;
    if (H5Fget_filesize(file, &file_size) < 0) {
        fail(array->message, "%s: cannot read the file size", what);
        return CHDF5_INVALID;
    }
    hid_t plist = H5Dget_create_plist(dataset);
    if (plist < 0) {
        fail(array->message, "%s: cannot read the storage properties", what);
        return CHDF5_INVALID;
    }
    int status = CHDF5_INVALID;
    H5D_layout_t layout = H5Pget_layout(plist);
    if (layout == H5D_COMPACT || layout == H5D_CONTIGUOUS) {
        status = read_unchunked(dataset, layout, plist, file_size, array, what);
    } else if (layout == H5D_CHUNKED) {
        status = read_chunked(dataset, plist, file_size, array, what);
    } else {
        fail(array->message, "%s: unsupported storage layout %d", what, (int)layout);
    }
    H5Pclose(plist);
    return status;
}

int chdf5_read_referenced(chdf5_file *file, const char *table_path, int64_t row, int extra_hops, int read_data,
                          chdf5_array *out_array) {
    if (!out_array) return CHDF5_INVALID;
    memset(out_array, 0, sizeof *out_array);
    if (!file || !table_path || row < 0 || extra_hops < 0 || extra_hops > CHDF5_MAX_HOPS) {
        snprintf(out_array->message, CHDF5_MESSAGE_LENGTH, "invalid arguments");
        return CHDF5_INVALID;
    }
    enter();
    hid_t table = -1;
    hsize_t dims[2] = {0, 0};
    int status = open_table(file->file, table_path, &table, dims, out_array->message);
    hid_t current = -1;
    char what[CHDF5_PATH_LIMIT + 64];
    snprintf(what, sizeof what, "%s[%lld]", table_path, (long long)row);
    if (status == CHDF5_OK) status = follow(table, dims, (hsize_t)row, what, &current, out_array->message);
    close_dataset(&table);

    // Each extra hop treats the dataset reached as a 2-D reference array (a MATLAB cell) and takes [0, 0].
    for (int hop = 1; hop <= extra_hops && status == CHDF5_OK; hop++) {
        hid_t type = H5Dget_type(current);
        hid_t space = H5Dget_space(current);
        status = CHDF5_INVALID;
        size_t used = strlen(what);
        snprintf(what + used, sizeof what - used, "[0,0]");
        if (type < 0 || space < 0) {
            fail(out_array->message, "%s: cannot read the type and shape", what);
        } else if (H5Tget_class(type) != H5T_REFERENCE || H5Tequal(type, H5T_STD_REF_OBJ) <= 0) {
            fail(out_array->message, "%s: expected a dataset of object references (a cell)", what);
        } else if (H5Sget_simple_extent_type(space) != H5S_SIMPLE || H5Sget_simple_extent_ndims(space) != 2
                   || H5Sget_simple_extent_dims(space, dims, NULL) != 2) {
            fail(out_array->message, "%s: expected a 2-D reference array", what);
        } else {
            status = CHDF5_OK;
        }
        close_type(&type);
        close_space(&space);
        hid_t next = -1;
        if (status == CHDF5_OK) status = follow(current, dims, 0, what, &next, out_array->message);
        close_dataset(&current);
        current = next;
    }

    if (status == CHDF5_OK) status = describe_uint8(current, what, out_array);
    if (status == CHDF5_OK && read_data && out_array->size > 0) {
        status = read_uint8(file->file, current, out_array, what);
    }
    close_dataset(&current);
    leave();
    if (status != CHDF5_OK) {
        free(out_array->data);
        out_array->data = NULL;
        out_array->size = 0;
        out_array->rank = 0;
        memset(out_array->dims, 0, sizeof out_array->dims);
    }
    return status;
}

void chdf5_array_free(chdf5_array *array) {
    if (!array) return;
    free(array->data);
    array->data = NULL;
    array->size = 0;
}
