// COpenBLAS: Debian's OpenBLAS (libopenblas-dev) CBLAS interface, plus its thread-count controls
// (openblas_set_num_threads / openblas_get_num_threads, declared in OpenBLAS's cblas.h).
#ifndef LUCID_COPENBLAS_SHIM_H
#define LUCID_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
