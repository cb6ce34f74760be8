#!/usr/bin/env python3
"""Build the bundled gray/colour early-fusion sample from Fashion-MNIST.

The recipe is the one that made the `images_early_fusion` test fixture
(Tests/Fixtures/README.md, "Data recipes"), which imitates the colored-MNIST
example of the official RegBN code: every class gets its own RGB colour with a
small per-sample jitter, so the colour modality `g` carries the label through
its colour while the gray modality `f` carries it through its content: the
two modalities are dependent by construction, which is what RegBN removes.

    python3 notebooks-data/make_sample.py                 # writes notebooks-data/fashion_early_fusion.h5
    python3 notebooks-data/make_sample.py --check Tests/Fixtures/images_early_fusion.h5
    python3 notebooks-data/make_sample.py --check notebooks-data/fashion_early_fusion.h5

The sample uses a different slice of the training set and a different seed from
the fixture, so the tests and the demo never look at the same images.
"""

import argparse
import gzip
import hashlib
import json
import os
import sys

import h5py
import numpy as np

IDX_DIR = "/usr/share/datasets/fashion-mnist"  # Debian package dataset-fashion-mnist

# Defaults of the bundled sample (the fixture uses start 0, N 300, seed 1103).
START = 1000
COUNT = 2000
SEED = 20231

# Normalisation of the official colored-MNIST example: MNIST statistics for the
# gray image, CIFAR-10 statistics per colour channel.
GRAY_MEAN, GRAY_STD = 0.1307, 0.3081
COLOUR_MEAN = (0.4914, 0.4822, 0.4465)
COLOUR_STD = (0.2023, 0.1994, 0.2010)
JITTER_VAR = 0.02

# One colour per Fashion-MNIST class (0 T-shirt … 9 ankle boot), in 0..255.
PALETTE = (
    (255, 0, 0), (0, 255, 0), (0, 0, 255), (225, 225, 0), (225, 0, 225),
    (0, 255, 255), (255, 128, 0), (255, 0, 128), (128, 0, 255), (128, 128, 128),
)

RECIPE = (
    "Fashion-MNIST IDX files (Debian package dataset-fashion-mnist), split train, "
    "images [start, start+N); x=uint8/255; f=(x-0.1307)/0.3081 as [N,1,28,28]; "
    "per sample colour = clip(PALETTE[label] + rng.normal(scale=sqrt(jitter_var), size=3), 0, 1) "
    "with rng=default_rng(seed) drawn for all N samples at once (shape (N,3)); "
    "coloured=round(clip(x*colour,0,1)*255)/255 (uint8 quantisation as in the official "
    "ToPIL/ToTensor pipeline); g=(coloured-mean_c)/std_c with mean=(0.4914, 0.4822, 0.4465), "
    "std=(0.2023, 0.1994, 0.201); float32"
)


def read_idx(path, header_bytes):
    with gzip.open(path, "rb") as stream:
        return np.frombuffer(stream.read(), dtype=np.uint8, offset=header_bytes)


def load_split(split, start, count):
    """Images [count, 28, 28] uint8 and labels [count] of one split, rows [start, start+count)."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images_path = os.path.join(IDX_DIR, f"{prefix}-images-idx3-ubyte.gz")
    labels_path = os.path.join(IDX_DIR, f"{prefix}-labels-idx1-ubyte.gz")
    for path in (images_path, labels_path):
        if not os.path.exists(path):
            sys.exit(f"error: {path} not found; install it with `apt-get install dataset-fashion-mnist`")
    labels = read_idx(labels_path, 8)
    images = read_idx(images_path, 16).reshape(len(labels), 28, 28)
    if start < 0 or start + count > len(labels):
        sys.exit(f"error: slice [{start}, {start + count}) is outside the {len(labels)} {split} images")
    return images[start:start + count], labels[start:start + count], (images_path, labels_path)


def make_pair(images, labels, seed, palette=PALETTE, jitter_var=JITTER_VAR):
    """The recipe; every intermediate is float64 so the result is bit-reproducible."""
    n = len(labels)
    x = images.astype(np.float64) / 255.0
    f = ((x - GRAY_MEAN) / GRAY_STD)[:, None].astype(np.float32)

    # All jitter drawn in one call of shape (N, 3): the draw order is part of the recipe.
    rng = np.random.default_rng(seed)
    jitter = rng.normal(scale=np.sqrt(jitter_var), size=(n, 3))
    colour = np.clip(np.asarray(palette, dtype=np.float64)[labels] / 255.0 + jitter, 0.0, 1.0)
    coloured = np.clip(x[:, None] * colour[:, :, None, None], 0.0, 1.0)
    coloured = np.round(coloured * 255.0) / 255.0  # what ToPILImage → ToTensor does
    mean = np.asarray(COLOUR_MEAN)[:, None, None]
    std = np.asarray(COLOUR_STD)[:, None, None]
    g = ((coloured - mean) / std).astype(np.float32)
    return f, g


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sample(path, f, g, labels, config):
    chunk = min(100, len(labels))  # whole samples per chunk: the tool reads by sample batches
    tmp = path + ".tmp"
    with h5py.File(tmp, "w", track_order=True) as out:
        for name, data in (("f", f), ("g", g)):
            out.create_dataset(name, data=data, chunks=(chunk,) + data.shape[1:],
                               compression="gzip", compression_opts=9, shuffle=True,
                               track_times=False)  # no timestamps: the same inputs give the same bytes
        out.create_dataset("labels", data=labels.astype(np.int64), track_times=False)
        out["f"].attrs["description"] = "gray modality, (x/255 - 0.1307)/0.3081, [N, 1, 28, 28] (N, C, H, W)"
        out["g"].attrs["description"] = "colour modality, class colour with per-sample jitter, per-channel normalised, [N, 3, 28, 28]"
        out["labels"].attrs["description"] = "Fashion-MNIST class index 0..9 of each sample"
        out.attrs["config"] = json.dumps(config, sort_keys=True)
        out.attrs["layout"] = "nchw"
        out.attrs["source"] = "Fashion-MNIST (Zalando Research), MIT licence; Debian package dataset-fashion-mnist"
    os.replace(tmp, path)


def build(args):
    images, labels, (images_path, labels_path) = load_split("train", args.start, args.count)
    f, g = make_pair(images, labels, args.seed)
    config = {
        "data": {
            "generator": "images", "split": "train", "start": args.start, "N": args.count,
            "seed": args.seed, "jitter_var": JITTER_VAR, "colour_jitter_sd": float(np.sqrt(JITTER_VAR)),
            "palette_rgb_0_255": [list(c) for c in PALETTE],
            "normalisation": {"f": {"mean": GRAY_MEAN, "std": GRAY_STD},
                              "g": {"mean": list(COLOUR_MEAN), "std": list(COLOUR_STD)}},
            "f_shape": list(f.shape), "g_shape": list(g.shape), "storage_dtype": "float32",
            "description": RECIPE,
        },
        "source": {
            "dataset": "Fashion-MNIST", "publisher": "Zalando Research",
            "url": "https://github.com/zalandoresearch/fashion-mnist", "licence": "MIT (Expat)",
            "debian_package": "dataset-fashion-mnist",
            "files": {os.path.basename(p): {"sha256": sha256(p)} for p in (images_path, labels_path)},
        },
        "provenance": {
            "script": "notebooks-data/make_sample.py",
            "command": "python3 notebooks-data/make_sample.py"
                       + ("" if (args.start, args.count, args.seed) == (START, COUNT, SEED)
                          else f" --start {args.start} --count {args.count} --seed {args.seed}"),
            "recipe_of": "Tests/Fixtures/images_early_fusion.h5 (same recipe, different slice and seed)",
            "numpy": np.__version__, "h5py": h5py.__version__,
        },
    }
    write_sample(args.out, f, g, labels, config)
    size = os.path.getsize(args.out) / 1e6
    print(f"wrote {args.out}: f {list(f.shape)}, g {list(g.shape)}, {size:.2f} MB")


def check(path):
    """Rebuild a file's /f and /g from its own config and demand equal bits.

    Works on the fixture (labels in config.data.labels) and on the bundled
    sample (labels in /labels), so it proves both that the recipe is the
    fixture's and that the committed sample is what this script makes.
    """
    with h5py.File(path, "r") as fixture:
        data = json.loads(fixture.attrs["config"])["data"]
        expected_f, expected_g = fixture["f"][()], fixture["g"][()]
        expected_labels = data["labels"] if "labels" in data else fixture["labels"][()].tolist()
    images, labels, _ = load_split(data["split"], data["start"], data["N"])
    problems = []
    # The bundled sample is built with the script's constants, so they must be the fixture's.
    if [list(c) for c in PALETTE] != data["palette_rgb_0_255"]:
        problems.append("PALETTE differs from config.data.palette_rgb_0_255")
    if JITTER_VAR != data["jitter_var"]:
        problems.append(f"JITTER_VAR {JITTER_VAR} differs from config.data.jitter_var {data['jitter_var']}")
    if RECIPE != data["description"]:
        problems.append("RECIPE text differs from config.data.description")
    if labels.tolist() != list(expected_labels):
        problems.append("labels differ from the Fashion-MNIST labels of the slice")
    f, g = make_pair(images, labels, data["seed"], data["palette_rgb_0_255"], data["jitter_var"])
    for name, ours, theirs in (("f", f, expected_f), ("g", g, expected_g)):
        if ours.shape != theirs.shape or ours.dtype != theirs.dtype:
            problems.append(f"/{name}: {ours.dtype}{list(ours.shape)} vs fixture {theirs.dtype}{list(theirs.shape)}")
        elif not np.array_equal(ours, theirs):
            differ = np.count_nonzero(ours != theirs)
            worst = np.max(np.abs(ours.astype(np.float64) - theirs))
            problems.append(f"/{name}: {differ} of {ours.size} values differ (max |diff| {worst:.3g})")
    if problems:
        sys.exit(f"recipe check FAILED for {path}:\n  " + "\n  ".join(problems))
    print(f"recipe check ok: /f and /g of {path} reproduced bit for bit "
          f"(training images {data['start']}..{data['start'] + data['N'] - 1}, seed {data['seed']})")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(here, "fashion_early_fusion.h5"))
    parser.add_argument("--start", type=int, default=START, help=f"first training image (default {START})")
    parser.add_argument("--count", type=int, default=COUNT, help=f"number of images N (default {COUNT})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the colour jitter (default {SEED})")
    parser.add_argument("--check", "--check-fixture", metavar="FILE.h5", dest="check",
                        help="instead of building, verify that the recipe reproduces FILE.h5's /f and /g exactly "
                             "(the images_early_fusion fixture, or the bundled sample)")
    args = parser.parse_args()
    if args.check:
        check(args.check)
    else:
        build(args)


if __name__ == "__main__":
    main()
