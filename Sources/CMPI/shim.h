// Open MPI from Debian (libopenmpi-dev), compiled in only with the `MPI` trait.
// Open MPI's handles (MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM, ...) are macros that
// take the address of library globals, which Swift cannot import; each one the
// Cluster module uses gets a prefixed static inline accessor here.
#ifndef CMPI_SHIM_H
#define CMPI_SHIM_H

#include <mpi.h>

#define CMPI_SHIM static inline __attribute__((__always_inline__))

CMPI_SHIM MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
CMPI_SHIM MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
CMPI_SHIM MPI_Datatype cmpi_int64(void) { return MPI_INT64_T; }
CMPI_SHIM MPI_Datatype cmpi_int32(void) { return MPI_INT32_T; }
CMPI_SHIM MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
CMPI_SHIM int cmpi_success(void) { return MPI_SUCCESS; }
CMPI_SHIM int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
CMPI_SHIM int cmpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
// Errors come back as return codes (Swift errors) instead of aborting the job inside MPI.
CMPI_SHIM MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }

#endif
