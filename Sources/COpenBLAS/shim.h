// OpenBLAS from Debian (libopenblas-dev): CBLAS plus the Fortran LAPACK
// symbols that libopenblas.so exports. LAPACKE is not needed: the Fortran
// routines used here take no hidden string-length arguments that matter.
#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H

#include <cblas.h>
#include <malloc.h>

// Column-major, every argument by pointer (Fortran calling convention).
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda,
             double *s, double *u, const int *ldu, double *vt, const int *ldvt,
             double *work, const int *lwork, int *iwork, int *info);
void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda,
             float *s, float *u, const int *ldu, float *vt, const int *ldvt,
             float *work, const int *lwork, int *iwork, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);

// glibc hands freed memory above M_TRIM_THRESHOLD (128 KiB) back to the system and
// maps allocations above M_MMAP_THRESHOLD afresh, so a loop that frees and reallocates
// the same buffers every step touches new pages every step. Both thresholds are macros
// over mallopt's option numbers, which Swift's Glibc module does not import.
static inline int linalg_keep_freed_memory(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) && mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

#endif
