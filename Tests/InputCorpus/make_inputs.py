#!/usr/bin/env python3
"""Writes the input corpora the Swift tests read, into a directory given on
the command line (the tests run this at test time into a temporary folder).

  make_inputs.py formats OUT   every supported element type and container of
                               .npy/.npz/.safetensors, plus one dataset saved in
                               every format (.h5, .npy, .npz stored/deflated,
                               .safetensors) for the equivalence tests
  make_inputs.py hostile OUT   malformed, damaged and hostile inputs of every
                               format (the issue's crash and hang classes)

Each mode writes OUT/manifest.json describing the files. Values are closed
formulas of the flat C-order index so that the tests can recompute them:
  code(i) = (37 i mod 251) - 125 (signed), 37 i mod 251 (unsigned),
  floats code(i) / 4; bool code(i) > 0.
.safetensors files are written by hand from the format's definition (8-byte
little-endian header length, JSON header, data), as safetensors' save_file
writes them, so that no extra package is needed.
Requires h5py >= 3 and numpy.
"""
import json
import os
import struct
import sys
import zipfile

import h5py
import numpy as np

N = 10
SHAPE = (N, 3)


def code(n):
    return (np.arange(n) * 37) % 251 - 125


def values(dtype, shape=SHAPE):
    n = int(np.prod(shape))
    kind = np.dtype(dtype).kind
    if kind == "b":
        data = code(n) > 0
    elif kind == "u":
        data = (code(n) + 125) * (2 ** (8 * np.dtype(dtype).itemsize - 8))
    elif kind == "i":
        data = code(n) * (2 ** (8 * np.dtype(dtype).itemsize - 8))
    else:
        data = code(n) / 4
    return np.asarray(data).astype(dtype).reshape(shape)


def save_safetensors(path, tensors, metadata=None):
    """tensors: name -> (dtype string, shape, raw bytes), in file order."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def bits(array):
    """float64 bit patterns as hex: JSON readers may round large numbers."""
    return ["%016x" % b for b in np.asarray(array, dtype="<f8").ravel().view("<u8")]


def to_bfloat16(array):
    """float32 → bfloat16 bits, round to nearest even (as torch does)."""
    bits = np.asarray(array, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2")


def formats(out):
    manifest = {"npy": [], "safetensors": [], "npz": [], "equivalence": {}}
    for order in "<>":
        for t in ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]:
            dtype = np.dtype(order + t) if t not in ("i1", "u1", "b1") else np.dtype(t)
            name = f"{t}_{'le' if order == '<' else 'be'}.npy"
            if os.path.exists(os.path.join(out, name)):
                continue
            data = values(dtype)
            np.save(os.path.join(out, name), data)
            manifest["npy"].append({"file": name, "dtype": t, "values": bits(data),
                                    "shape": list(SHAPE)})
    # Format versions 2.0 and 3.0 (np.lib.format writes them on request).
    for version in [(2, 0), (3, 0)]:
        name = f"version{version[0]}.npy"
        with open(os.path.join(out, name), "wb") as f:
            np.lib.format.write_array(f, values("<f4"), version=version)
        manifest["npy"].append({"file": name, "dtype": "f4", "values": bits(values("<f8")),
                                "shape": list(SHAPE)})
    st = {"F16": "<f2", "F32": "<f4", "F64": "<f8", "I8": "i1", "I16": "<i2", "I32": "<i4", "I64": "<i8",
          "U8": "u1", "U16": "<u2", "U32": "<u4", "U64": "<u8", "BOOL": "b1"}
    tensors = {}
    for name, dtype in st.items():
        tensors[name.lower()] = (name, SHAPE, values(dtype).tobytes())
        manifest["safetensors"].append({"tensor": name.lower(), "dtype": name,
                                        "values": bits(values(dtype).astype(np.float64))})
    halves = values("<f4")
    tensors["bf16"] = ("BF16", SHAPE, to_bfloat16(halves).tobytes())
    manifest["safetensors"].append({"tensor": "bf16", "dtype": "BF16",
                                    "values": bits((to_bfloat16(halves).astype(np.uint32) << 16).view("<f4"))})
    save_safetensors(os.path.join(out, "all_types.safetensors"), tensors, metadata={"format": "pt"})
    # np.savez (stored), np.savez_compressed (deflated), and a zip64 archive.
    np.savez(os.path.join(out, "stored.npz"), a=values("<f4"), b=values("<i2"))
    np.savez_compressed(os.path.join(out, "deflated.npz"), a=values("<f4"), b=values("<i2"))
    with zipfile.ZipFile(os.path.join(out, "zip64.npz"), "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("a.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array(f, values("<f4"))
    manifest["npz"] = {"a": bits(values("<f4")), "b": bits(values("<i2"))}

    # One dataset in every format: x is [120, 4, 3, 3] (channels, spatial), y [120, 6].
    rng = np.random.default_rng(20231)
    x = rng.standard_normal((120, 4, 3, 3)).astype("<f4")
    y = (0.7 * x.reshape(120, 4, 9).mean(axis=2) @ rng.standard_normal((4, 6)) +
         0.5 * rng.standard_normal((120, 6))).astype("<f4")
    with h5py.File(os.path.join(out, "eq.h5"), "w", libver=("earliest", "v110")) as f:
        f.create_dataset("x", data=x, chunks=(16, 4, 3, 3), compression="gzip", shuffle=True)
        f.create_dataset("y", data=y)
    np.save(os.path.join(out, "eq_x.npy"), x)
    np.save(os.path.join(out, "eq_y.npy"), y)
    np.savez(os.path.join(out, "eq.npz"), x=x, y=y)
    np.savez_compressed(os.path.join(out, "eq_deflated.npz"), x=x, y=y)
    save_safetensors(os.path.join(out, "eq.safetensors"),
                     {"x": ("F32", x.shape, x.tobytes()), "y": ("F32", y.shape, y.tobytes())})
    # Channels-last copies: the nhwc layout must give the same channels-first data.
    np.save(os.path.join(out, "eq_x_nhwc.npy"), np.ascontiguousarray(x.transpose(0, 2, 3, 1)))
    manifest["equivalence"] = {
        "x": ["eq.h5:/x", "eq_x.npy", "eq.npz:x", "eq_deflated.npz:x", "eq.safetensors:x"],
        "y": ["eq.h5:/y", "eq_y.npy", "eq.npz:y", "eq_deflated.npz:y", "eq.safetensors:y"],
        "x_nhwc": "eq_x_nhwc.npy",
    }
    return manifest


def flip(path, out_path, pattern, offset, value):
    data = bytearray(open(path, "rb").read())
    at = data.find(pattern)
    assert at >= 0, (path, pattern)
    data[at + offset] = value
    open(out_path, "wb").write(bytes(data))


def hostile(out):
    """Each case: file, argument, whether `inspect FILE` may succeed, and a
    fragment the error message must contain."""
    cases = []

    def case(name, argument, inspect_ok, expect):
        cases.append({"name": name, "file": argument.split(":")[0] if not argument.endswith(".npy") else argument,
                      "argument": argument, "inspect_ok": inspect_ok, "expect": expect})

    rng = np.random.default_rng(9)
    good_f = rng.standard_normal((200, 24)).astype("<f4")
    with h5py.File(os.path.join(out, "good.h5"), "w", libver=("earliest", "v110")) as f:
        f["f"] = good_f
        f["g"] = rng.standard_normal((200, 6)).astype("<f4")

    # HDF5: declared shapes that overflow or that nothing fills.
    with h5py.File(os.path.join(out, "huge_declared.h5"), "w", libver=("earliest", "v110")) as f:
        f.create_dataset("x", shape=(10**9, 10**6), dtype="<f4", chunks=(1, 1024), compression="gzip")
    case("huge_declared", "huge_declared.h5:/x", True, "no data was ever written")
    base = os.path.join(out, "plain.h5")
    with h5py.File(base, "w", libver="earliest") as f:
        f["x"] = good_f
    # The dataspace message stores each extent as 8 little-endian bytes: make 200 huge.
    flip(base, os.path.join(out, "flipped_dataspace.h5"), struct.pack("<QQ", 200, 24), 7, 0x7F)
    case("flipped_dataspace", "flipped_dataspace.h5:/x", None, "flipped_dataspace.h5")
    flip(base, os.path.join(out, "flipped_dataspace_low.h5"), struct.pack("<QQ", 200, 24), 9, 0x40)
    case("flipped_dataspace_low", "flipped_dataspace_low.h5:/x", None, "flipped_dataspace_low.h5")
    # Chunk dimensions (layout message v3: 4-byte extents plus the element size).
    for label, options in [("plain", {}), ("gzip", {"compression": "gzip"})]:
        source = os.path.join(out, f"chunked_{label}.h5")
        with h5py.File(source, "w", libver="earliest") as f:
            f.create_dataset("x", data=good_f, chunks=(16, 24), **options)
        for position, value, why in [(5, 0x01, "wider"), (0, 0x03, "shorter"), (1, 0x01, "taller")]:
            name = f"flipped_chunk_{label}_{why}.h5"
            flip(source, os.path.join(out, name), struct.pack("<III", 16, 24, 4), position, value)
            case(f"flipped_chunk_{label}_{why}", f"{name}:/x", True, "chunk")
    # Not regular files.
    os.mkfifo(os.path.join(out, "fifo.h5"))
    case("fifo", "fifo.h5:/x", False, "FIFO")
    os.mkfifo(os.path.join(out, "fifo.npy"))
    case("fifo_npy", "fifo.npy", False, "FIFO")
    os.mkdir(os.path.join(out, "directory.h5"))
    case("directory", "directory.h5:/x", False, "directory")
    case("device", "/dev/zero.h5:/x", False, "/dev/zero.h5")
    # Data that lives elsewhere and is gone.
    source = os.path.join(out, "vds_source.h5")
    with h5py.File(source, "w") as f:
        f["x"] = good_f
    layout = h5py.VirtualLayout(shape=good_f.shape, dtype="<f4")
    layout[:] = h5py.VirtualSource("vds_source.h5", "x", shape=good_f.shape)
    with h5py.File(os.path.join(out, "vds_missing.h5"), "w", libver="v110") as f:
        f.create_virtual_dataset("x", layout, fillvalue=0)
    os.remove(source)
    case("vds_missing", "vds_missing.h5:/x", True, "vds_source.h5")
    with h5py.File(os.path.join(out, "dangling_link.h5"), "w", libver=("earliest", "v110")) as f:
        f["other"] = good_f
        f["x"] = h5py.ExternalLink("gone.h5", "/x")
        f["soft"] = h5py.SoftLink("/nowhere")
    case("dangling_external_link", "dangling_link.h5:/x", True, "gone.h5")
    case("dangling_soft_link", "dangling_link.h5:/soft", True, "/nowhere")
    with h5py.File(os.path.join(out, "external_storage.h5"), "w", libver=("earliest", "v110")) as f:
        f.create_dataset("x", shape=good_f.shape, dtype="<f4", external=[("raw_gone.bin", 0, good_f.nbytes)])
    case("external_storage_missing", "external_storage.h5:/x", True, "raw_gone.bin")
    # Too new for HDF5 1.10.
    with h5py.File(os.path.join(out, "latest.h5"), "w", libver="latest") as f:
        f.create_dataset("x", data=good_f, chunks=(16, 24), compression="gzip")
    case("libver_latest", "latest.h5:/x", False, "libver='v110'")
    # Not features.
    with h5py.File(os.path.join(out, "not_features.h5"), "w", libver=("earliest", "v110")) as f:
        f["scalar"] = np.float32(1.5)
        f["strings"] = np.array([b"ab", b"cd"], dtype="S2")
        f["compound"] = np.array([(1, 2.0)] * 4, dtype=[("a", "<i4"), ("b", "<f8")])
        f.create_dataset("zero_features", shape=(200, 0), dtype="<f4")
        f.create_dataset("zero_samples", shape=(0, 24), dtype="<f4")
    for dataset, expect in [("scalar", "scalar"), ("strings", "not a number"), ("compound", "not a number"),
                            ("zero_features", "0 features"), ("zero_samples", "0 samples")]:
        case(f"h5_{dataset}", f"not_features.h5:/{dataset}", True, expect)
    with open(os.path.join(out, "truncated.h5"), "wb") as f:
        f.write(open(os.path.join(out, "good.h5"), "rb").read()[:3000])
    case("h5_truncated", "truncated.h5:/f", False, "truncated.h5")

    # .npy
    def npy_bytes(array):
        path = os.path.join(out, "_tmp.npy")
        np.save(path, array)
        data = open(path, "rb").read()
        os.remove(path)
        return data

    good = npy_bytes(good_f)
    open(os.path.join(out, "truncated.npy"), "wb").write(good[: len(good) - 1000])
    case("npy_truncated", "truncated.npy", True, "cut short")
    header_end = good.index(b"\n") + 1
    open(os.path.join(out, "malformed.npy"), "wb").write(
        good[:10] + b"{'descr': '<f4', 'fortran_order': Fals, 'shape': (200, 24)}".ljust(header_end - 11) + b"\n"
        + good[header_end:])
    case("npy_malformed_header", "malformed.npy", False, "not a valid dict")
    open(os.path.join(out, "bad_magic.npy"), "wb").write(b"\x93NUMPX" + good[6:])
    case("npy_bad_magic", "bad_magic.npy", False, "magic")
    np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(good_f))
    case("npy_fortran", "fortran.npy", False, "Fortran")
    np.save(os.path.join(out, "object.npy"), np.array([[1.0, "a"]] * 4, dtype=object), allow_pickle=True)
    case("npy_object", "object.npy", False, "Python objects")
    np.save(os.path.join(out, "structured.npy"), np.zeros(4, dtype=[("a", "<f4"), ("b", "<i2")]))
    case("npy_structured", "structured.npy", False, "structured")
    np.save(os.path.join(out, "complex.npy"), np.zeros((4, 3), dtype="<c8"))
    case("npy_unsupported_dtype", "complex.npy", False, "complex")
    np.save(os.path.join(out, "scalar.npy"), np.float32(2.0))
    case("npy_scalar", "scalar.npy", True, "scalar")
    np.save(os.path.join(out, "zero_features.npy"), np.zeros((200, 0), dtype="<f4"))
    case("npy_zero_features", "zero_features.npy", True, "0 features")
    huge = good[:10] + ("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 1000000000), }"
                        .ljust(header_end - 11) + "\n").encode() + good[header_end:]
    open(os.path.join(out, "overflowing_shape.npy"), "wb").write(huge)
    case("npy_overflowing_shape", "overflowing_shape.npy", True, "overflow")
    declared = good[:10] + ("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000), }"
                            .ljust(header_end - 11) + "\n").encode() + good[header_end:]
    open(os.path.join(out, "huge_declared.npy"), "wb").write(declared)
    case("npy_huge_declared", "huge_declared.npy", True, "cut short")

    # .npz
    np.savez(os.path.join(out, "good.npz"), f=good_f)
    case("npz_member_missing", "good.npz:nope", True, "no array 'nope'")
    raw = open(os.path.join(out, "good.npz"), "rb").read()
    open(os.path.join(out, "truncated.npz"), "wb").write(raw[: len(raw) // 2])
    case("npz_truncated", "truncated.npz:f", False, "truncated.npz")
    open(os.path.join(out, "not_zip.npz"), "wb").write(b"not a zip archive at all" * 10)
    case("npz_malformed", "not_zip.npz:f", False, "not a zip archive")
    np.savez_compressed(os.path.join(out, "damaged_deflate.npz"), f=good_f)
    data = bytearray(open(os.path.join(out, "damaged_deflate.npz"), "rb").read())
    for i in range(400, 460):
        data[i] ^= 0x5A
    open(os.path.join(out, "damaged_deflate.npz"), "wb").write(bytes(data))
    case("npz_damaged_deflate", "damaged_deflate.npz:f", True, "damaged_deflate.npz")
    with zipfile.ZipFile(os.path.join(out, "bad_members.npz"), "w") as z:
        z.writestr("fortran.npy", npy_bytes(np.asfortranarray(good_f)))
        z.writestr("complex.npy", npy_bytes(np.zeros((4, 3), dtype="<c8")))
        z.writestr("malformed.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': 'x'}\n")
    obj_path = os.path.join(out, "_obj.npy")
    np.save(obj_path, np.array([[1.0, "a"]] * 4, dtype=object), allow_pickle=True)
    with zipfile.ZipFile(os.path.join(out, "object_member.npz"), "w") as z:
        z.write(obj_path, "x.npy")
    os.remove(obj_path)
    case("npz_fortran", "bad_members.npz:fortran", True, "Fortran")
    case("npz_unsupported_dtype", "bad_members.npz:complex", True, "complex")
    case("npz_malformed_header", "bad_members.npz:malformed", True, "bad_members.npz:malformed")
    case("npz_object", "object_member.npz:x", True, "Python objects")

    # .safetensors
    st_good = {"f": ("F32", good_f.shape, good_f.tobytes())}
    save_safetensors(os.path.join(out, "good.safetensors"), st_good)
    case("safetensors_tensor_missing", "good.safetensors:nope", True, "no tensor 'nope'")
    raw = open(os.path.join(out, "good.safetensors"), "rb").read()
    open(os.path.join(out, "truncated.safetensors"), "wb").write(raw[:-100])
    case("safetensors_truncated", "truncated.safetensors:f", False, "cut short")
    open(os.path.join(out, "malformed.safetensors"), "wb").write(struct.pack("<Q", 16) + b"{not json at all")
    case("safetensors_malformed_header", "malformed.safetensors:f", False, "not a JSON object")
    open(os.path.join(out, "huge_header.safetensors"), "wb").write(struct.pack("<Q", 2**62) + b"{}")
    case("safetensors_huge_header", "huge_header.safetensors:f", False, "header")
    save_safetensors(os.path.join(out, "fp8.safetensors"), {"f": ("F8_E4M3", (200, 24), bytes(200 * 24))})
    case("safetensors_unsupported_dtype", "fp8.safetensors:f", True, "F8_E4M3")
    save_safetensors(os.path.join(out, "bad_offsets.safetensors"), {"f": ("F32", (200, 25), good_f.tobytes())})
    case("safetensors_bad_offsets", "bad_offsets.safetensors:f", False, "does not fill")
    os.remove(os.path.join(out, f"chunked_plain.h5"))
    os.remove(os.path.join(out, f"chunked_gzip.h5"))
    for c in cases:
        if c["name"] in ("flipped_dataspace", "flipped_dataspace_low"):
            c["inspect_ok"] = None  # either: a damaged header may still list
    return {"good": {"h5": "good.h5", "f": "good.h5:/f", "g": "good.h5:/g"}, "cases": cases}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("formats", "hostile"):
        sys.exit(__doc__)
    mode, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    manifest = formats(out) if mode == "formats" else hostile(out)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
