// HDF5 from Debian (libhdf5-dev, serial build). Swift cannot import HDF5's
// type and flag macros (they expand to H5open() plus a global), so each one
// used by HDF5IO gets a prefixed static inline accessor here.
#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H

#include <hdf5.h>
// zlib decodes HDF5's deflate filter when HDF5IO reads compressed chunks on
// several threads (H5Dread_chunk + inflate); libhdf5 itself links it too.
#include <zlib.h>

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


// Special identifiers and sizes that are cast macros in the C headers.
CHDF5_SHIM hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
CHDF5_SHIM hid_t chdf5_s_all(void) { return H5S_ALL; }
CHDF5_SHIM hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
CHDF5_SHIM size_t chdf5_t_variable(void) { return H5T_VARIABLE; }
CHDF5_SHIM hsize_t chdf5_s_unlimited(void) { return H5S_UNLIMITED; }
CHDF5_SHIM hsize_t chdf5_f_unlimited(void) { return H5F_UNLIMITED; }

// Native integer types used for attributes.
CHDF5_SHIM hid_t chdf5_native_llong(void) { return H5T_NATIVE_LLONG; }
CHDF5_SHIM hid_t chdf5_std_i64le(void) { return H5T_STD_I64LE; }

// Filter identifiers (plain #defines of int literals; kept together for clarity).
CHDF5_SHIM int chdf5_filter_deflate(void) { return H5Z_FILTER_DEFLATE; }
CHDF5_SHIM int chdf5_filter_shuffle(void) { return H5Z_FILTER_SHUFFLE; }
CHDF5_SHIM int chdf5_filter_fletcher32(void) { return H5Z_FILTER_FLETCHER32; }
CHDF5_SHIM int chdf5_filter_szip(void) { return H5Z_FILTER_SZIP; }
CHDF5_SHIM int chdf5_filter_nbit(void) { return H5Z_FILTER_NBIT; }
CHDF5_SHIM int chdf5_filter_scaleoffset(void) { return H5Z_FILTER_SCALEOFFSET; }

// Silences HDF5's automatic error printing for the default stack.
CHDF5_SHIM herr_t chdf5_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
