// OpenBLAS's own cblas.h (pkg-config adds the openblas-pthread include folder), with openblas_set_num_threads,
// openblas_get_config and openblas_get_corename.
#include <cblas.h>
