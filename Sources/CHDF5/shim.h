// HDF5 from Debian (libhdf5-dev, serial build). Swift cannot import HDF5's
// type and flag macros (they expand to H5open() plus a global), so each one
// used by HDF5IO gets a prefixed static inline accessor here.
#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H

#include <hdf5.h>

#define CHDF5_SHIM static inline __attribute__((__always_inline__))

// File access flags.
CHDF5_SHIM unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
CHDF5_SHIM unsigned chdf5_acc_rdwr(void) { return H5F_ACC_RDWR; }
CHDF5_SHIM unsigned chdf5_acc_trunc(void) { return H5F_ACC_TRUNC; }
CHDF5_SHIM unsigned chdf5_acc_excl(void) { return H5F_ACC_EXCL; }

// Property list classes.
CHDF5_SHIM hid_t chdf5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
CHDF5_SHIM hid_t chdf5_p_dataset_access(void) { return H5P_DATASET_ACCESS; }
CHDF5_SHIM hid_t chdf5_p_file_access(void) { return H5P_FILE_ACCESS; }
CHDF5_SHIM hid_t chdf5_p_link_create(void) { return H5P_LINK_CREATE; }

// Native memory types.
CHDF5_SHIM hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
CHDF5_SHIM hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
CHDF5_SHIM hid_t chdf5_native_int8(void) { return H5T_NATIVE_INT8; }
CHDF5_SHIM hid_t chdf5_native_uint8(void) { return H5T_NATIVE_UINT8; }
CHDF5_SHIM hid_t chdf5_native_int16(void) { return H5T_NATIVE_INT16; }
CHDF5_SHIM hid_t chdf5_native_uint16(void) { return H5T_NATIVE_UINT16; }
CHDF5_SHIM hid_t chdf5_native_int32(void) { return H5T_NATIVE_INT32; }
CHDF5_SHIM hid_t chdf5_native_uint32(void) { return H5T_NATIVE_UINT32; }
CHDF5_SHIM hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
CHDF5_SHIM hid_t chdf5_native_uint64(void) { return H5T_NATIVE_UINT64; }

// Standard file types (explicit byte order).
CHDF5_SHIM hid_t chdf5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
CHDF5_SHIM hid_t chdf5_ieee_f32be(void) { return H5T_IEEE_F32BE; }
CHDF5_SHIM hid_t chdf5_ieee_f64le(void) { return H5T_IEEE_F64LE; }
CHDF5_SHIM hid_t chdf5_ieee_f64be(void) { return H5T_IEEE_F64BE; }
CHDF5_SHIM hid_t chdf5_c_s1(void) { return H5T_C_S1; }

// Silences HDF5's automatic error printing for the default stack.
CHDF5_SHIM herr_t chdf5_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
