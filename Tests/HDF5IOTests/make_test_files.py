#!/usr/bin/env python3
"""Writes the small h5py files under Tests/Fixtures/hdf5 that HDF5IOTests read.

The files are committed, so the Swift tests never need Python. Every value is
a closed formula of the flat C-order index i that the Swift tests recompute:

  integers  code(i) = (37 i mod 251) - 125 (signed) or 37 i mod 251 (unsigned),
            times 2**(bits - 8) so that the full width is used
  floats    code(i) / 4 for the type files, i / 2 - 3 for the layout files

Run from the repository root:  python3 Tests/HDF5IOTests/make_test_files.py
(h5py >= 3, numpy).
"""
import os

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "hdf5")
TYPE_SHAPE = (10, 3)


def signed_code(n):
    return (np.arange(n) * 37) % 251 - 125


def unsigned_code(n):
    return (np.arange(n) * 37) % 251


def layout_values(shape, dtype="<f4"):
    n = int(np.prod(shape))
    return (np.arange(n) / 2 - 3).reshape(shape).astype(dtype)


def write_types(path):
    """Every integer width and signedness in both byte orders, and float16/32/64."""
    n = int(np.prod(TYPE_SHAPE))
    with h5py.File(path, "w") as f:
        for bits in (8, 16, 32, 64):
            scale = 2 ** (bits - 8)
            for order, suffix in (("<", "le"), (">", "be")):
                for kind, code in (("i", signed_code(n)), ("u", unsigned_code(n))):
                    name = f"{'int' if kind == 'i' else 'uint'}{bits}_{suffix}"
                    dtype = np.dtype(f"{order}{kind}{bits // 8}")
                    data = (code.astype(np.int64 if kind == "i" else np.uint64) * scale).astype(dtype)
                    f.create_dataset(name, data=data.reshape(TYPE_SHAPE))
        for bits in (16, 32, 64):
            for order, suffix in (("<", "le"), (">", "be")):
                dtype = np.dtype(f"{order}f{bits // 8}")
                f.create_dataset(f"float{bits}_{suffix}", data=(signed_code(n) / 4).astype(dtype).reshape(TYPE_SHAPE))


def write_layouts(path):
    """Storage layouts, filters, ranks and a channels-last array with its transpose."""
    with h5py.File(path, "w") as f:
        f.create_dataset("contiguous", data=layout_values((6, 4)))
        f.create_dataset("gzip_shuffle", data=layout_values((10, 3, 4)), chunks=(4, 3, 4),
                         compression="gzip", compression_opts=5, shuffle=True)
        f.create_dataset("partial_edges", data=layout_values((7, 5)), chunks=(3, 2))
        f.create_dataset("fletcher32", data=layout_values((9, 2)), chunks=(4, 2), fletcher32=True)
        f.create_dataset("big_endian", data=layout_values((5, 4), ">f4"), chunks=(2, 4), compression="gzip")
        f.create_dataset("float16_chunked", data=layout_values((6, 3), "<f2"), chunks=(4, 3))

        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        compact = layout_values((4, 5))
        space = h5py.h5s.create_simple(compact.shape)
        dataset = h5py.h5d.create(f.id, b"compact", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
        dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, compact)

        for shape in ((12,), (4, 6), (3, 2, 2, 4), (2, 3, 2, 2, 2)):
            f.create_dataset(f"rank{len(shape)}", data=layout_values(shape))

        nhwc = layout_values((3, 4, 5, 2))  # N, H, W, C
        f.create_dataset("nhwc", data=nhwc, chunks=(2, 4, 5, 2), compression="gzip")
        f.create_dataset("nhwc_as_nchw", data=np.ascontiguousarray(nhwc.transpose(0, 3, 1, 2)))

        sparse = f.create_dataset("sparse_gzip", shape=(10, 6), dtype="<f4", chunks=(3, 4),
                                  compression="gzip", fillvalue=-1.5)
        sparse[0:4, :] = layout_values((4, 6))  # chunks of rows 6..9 are never written

        f.create_dataset("scalar", data=np.float64(2.5))
        f.create_dataset("no_samples", shape=(0, 4), dtype="<f4")
        f.create_dataset("int8_samples", data=signed_code(12).astype("i1").reshape(4, 3))


def write_unsupported(path):
    """Element types and filters that HDF5IO must refuse with a clear error."""
    with h5py.File(path, "w") as f:
        f.create_dataset("strings_fixed", data=np.array([b"ab", b"cd", b"ef"], dtype="S2"))
        f.create_dataset("strings_vlen", data=["one", "two"], dtype=h5py.string_dtype())
        f.create_dataset("compound", data=np.array([(1, 2.0), (3, 4.0)], dtype=[("a", "<i4"), ("b", "<f8")]))
        f.create_dataset("enum", data=np.array([0, 1, 1], dtype="u1"),
                         dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1}, basetype="u1"))
        f.create_dataset("bools", data=np.array([[True, False], [False, True]]))
        refs = f.create_dataset("reference", shape=(2,), dtype=h5py.ref_dtype)
        refs[0] = f["compound"].ref
        refs[1] = f["enum"].ref
        f.create_dataset("opaque", data=np.array([b"\x01\x02", b"\x03\x04"], dtype="V2"))
        f.create_dataset("lzf", data=layout_values((8, 4)), chunks=(4, 4), compression="lzf")
        f.create_dataset("good", data=layout_values((3, 2)))
        f.attrs["flag"] = np.bool_(True)
        f.attrs["bytes"] = np.bytes_(b"fixed text")
        f.attrs["names"] = np.array(["a", "b"], dtype=h5py.string_dtype())
        f.attrs["int8s"] = np.array([-1, 2, -3], dtype="i1")
        f.attrs["float32"] = np.float32(0.5)
        f.attrs["pair"] = np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f8")])[0]


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_types(os.path.join(OUT, "types.h5"))
    write_layouts(os.path.join(OUT, "layouts.h5"))
    write_unsupported(os.path.join(OUT, "unsupported.h5"))
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")
