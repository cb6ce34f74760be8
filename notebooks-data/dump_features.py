#!/usr/bin/env python3
"""Worked guide: dump two layers' features from a PyTorch model to HDF5 for regbn-analyze.

RegBN sits between two layers of a multimodal network: `f`, the features of one
modality (or of the layer to be normalised), and `g`, the features of the other
modality (or a block of metadata/confounders) that `f` is made independent of.
To audit a trained model, run the data through it once, record both layers'
outputs with forward hooks, and write them to one HDF5 file:

    /f       float32 [N, C_f, H_f, W_f]  (any rank >= 1; axis 0 = samples)
    /g       float32 [N, C_g, H_g, W_g]  row i of /f and row i of /g = the same input
    /labels  int64   [N]  the class of each sample, when the loader yields labels
    /ids     int64   [N]  each sample's index in the dataset (what the sampler drew)

regbn-analyze reads exactly the datasets you name on its command line
(FILE.h5:/dataset), so the names are a convention: --f FILE:/f --g FILE:/g for
the two layers, and /labels wherever a per-sample category is asked for (the
class as a confounder or as strata). /ids is for you: it joins rows with the
rest of your metadata, whatever order the loader used.

Then (see `NEXT_STEPS` at the bottom, also shown by --help):

    regbn-analyze audit --f features.h5:/f --g features.h5:/g --batch-size 50 --epochs 1 --out report/
    python3 notebooks-data/plot_report.py report/ --html

Copy `dump_features` into your own code, or import this file. Run

    python3 notebooks-data/dump_features.py --self-test

to see it work on a tiny two-branch model with random inputs (needs `pip install
torch h5py numpy`; without PyTorch it says so and exits 0).

Why the hook copies (`snapshot` below): on the CPU, `output.detach()`, `.cpu()`,
`.float()` (of a float32 tensor) and `.numpy()` all share the activation's memory.
An in-place op later in the forward pass — `nn.ReLU(inplace=True)` right after the
hooked conv, as in the official RegBN example's convnet — then overwrites what the
hook kept, and the file silently holds ReLU(conv) instead of conv. On a GPU `.cpu()`
happens to copy, so the same code is right there and wrong on the CPU. The self-test
hooks a conv followed by an in-place ReLU to catch exactly this.
"""

import argparse
import os
import sys
import tempfile
import warnings

import h5py
import numpy as np

try:
    import torch
    from torch import nn
except ImportError:  # the guide can still be read, and the self-test says it is skipped
    torch = None


def snapshot(output):
    """A float32 NumPy copy of a hooked activation that nothing later in the forward pass can change.

    `.to("cpu", copy=True)` always allocates new memory (on a GPU it is the usual
    device copy); `.float()` then converts half/bfloat16 activations of mixed-precision
    models, and is free for float32.
    """
    return output.detach().to("cpu", copy=True).float().numpy()


def dump_features(model, loader, layers, path, compression=4, labels=True):
    """Runs `loader` through `model` once and writes each hooked layer's output to `path`.

    model   -- a torch.nn.Module; it is switched to eval() (dropout off, BatchNorm
               running statistics used) and run under torch.no_grad().
    loader  -- an iterable of batches, e.g. a DataLoader. A batch is a tensor, or a
               tuple/list whose leading tensors are the model's inputs; the element
               after them, if any, is taken as the labels (see `model_inputs`).
    layers  -- {"f": module, "g": module}: dataset name in the file → submodule whose
               output to record, e.g. {"f": model.gray.conv4, "g": model.colour.conv4}.
    labels  -- write the batch element after the model's inputs as /labels (int64).
    Also writes /ids, the dataset index of every row: what the DataLoader's sampler
    drew (so a shuffled loader is fine), or the running position for other iterables.
    Returns the number of samples written.
    """
    captured = {}

    def recorder(name):
        def hook(module, inputs, output):
            # Modules such as nn.LSTM return tuples; the features are the first element.
            if isinstance(output, (tuple, list)):
                output = output[0]
            captured[name] = snapshot(output)
        return hook

    handles = [module.register_forward_hook(recorder(name)) for name, module in layers.items()]
    ids = SampledIndices(loader)
    written, warned = 0, False
    was_training = model.training
    model.eval()
    try:
        with h5py.File(path, "w") as out, torch.no_grad():
            for batch in loader:
                captured.clear()
                inputs, rest = model_inputs(model, batch)
                model(*inputs)
                missing = [name for name in layers if name not in captured]
                if missing:
                    raise RuntimeError(f"layer(s) {missing} did not run in the forward pass; hook a module "
                                       "that the model's forward() actually calls")
                sizes = {name: len(array) for name, array in captured.items()}
                if len(set(sizes.values())) != 1:
                    raise RuntimeError(f"layers disagree on the batch size: {sizes}; hook per-sample "
                                       "layers (axis 0 must be the samples)")
                rows = next(iter(sizes.values()))
                for name, array in captured.items():
                    append(out, name, array, "float32", compression)
                batch_labels = class_labels(rest[0], rows) if labels and rest else None
                if batch_labels is not None:
                    append(out, "labels", batch_labels, "int64", compression)
                elif labels and rest and not warned:
                    warned = True
                    warnings.warn("dump_features: the element after the model's inputs is not one integer label "
                                  "per sample; no /labels written (pass labels=False to silence this)")
                append(out, "ids", ids.next(rows, start=written), "int64", compression)
                written += rows
            # Provenance for the reader of the file; regbn-analyze ignores unknown attributes.
            for name, module in layers.items():
                out[name].attrs["layer"] = layer_name(model, module)
                out[name].attrs["layout"] = "nchw"
            out["ids"].attrs["source"] = ids.source
            out.attrs["model"] = type(model).__name__
    finally:
        for handle in handles:
            handle.remove()  # hooks left behind would slow down and leak memory in later use
        ids.restore()
        model.train(was_training)
    return written


class SampledIndices:
    """The dataset indices a DataLoader's sampler draws, batch by batch (it runs in the main process)."""

    def __init__(self, loader):
        self.pending, self.batch_sampler = [], getattr(loader, "batch_sampler", None)
        self.original = getattr(self.batch_sampler, "sampler", None)
        if self.original is None:
            self.source = "position in the loader"
            return
        self.source = "dataset index drawn by the loader's sampler"
        pending, original = self.pending, self.original

        class Recording:
            def __iter__(self):
                for index in original:
                    pending.append(int(index))
                    yield index

            def __len__(self):
                return len(original)

        self.batch_sampler.sampler = Recording()

    def next(self, count, start):
        if self.original is None:
            return np.arange(start, start + count, dtype=np.int64)
        if len(self.pending) < count:
            raise RuntimeError("the loader yielded more rows than its sampler drew; pass a DataLoader whose "
                               "dataset returns one sample per index")
        taken, self.pending[:count] = self.pending[:count], []
        return np.asarray(taken, dtype=np.int64)

    def restore(self):
        if self.original is not None:
            self.batch_sampler.sampler = self.original


def class_labels(value, rows):
    """The batch's labels as int64 [rows], or None when `value` is not one integer per sample."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.shape != (rows,) or not np.issubdtype(array.dtype, np.integer):
        return None
    return array.astype(np.int64)


def model_inputs(model, batch):
    """(the positional inputs of `model` in `batch`, the elements after them)."""
    if torch.is_tensor(batch):
        return (batch,), ()
    tensors = list(batch)
    forward = getattr(model.forward, "__code__", None)
    takes = max(1, forward.co_argcount - 1) if forward is not None else len(tensors)  # minus self
    return tuple(tensors[:takes]), tuple(tensors[takes:])


def append(out, name, array, dtype, compression):
    """Appends a batch along axis 0, creating the dataset on the first batch (gzip level
    `compression`, 0 for none).

    The dataset grows (maxshape None on axis 0), so the number of samples need not
    be known in advance, and nothing but one batch is ever held in memory. Chunks
    hold whole samples because the tool reads by sample batches.
    """
    if name not in out:
        chunk_rows = max(1, min(len(array), (1 << 20) // max(1, array[0].nbytes)))  # about 1 MB a chunk
        out.create_dataset(name, shape=(0,) + array.shape[1:], maxshape=(None,) + array.shape[1:],
                           dtype=dtype, chunks=(chunk_rows,) + array.shape[1:],
                           compression="gzip" if compression else None,
                           compression_opts=compression or None, shuffle=bool(compression))
    dataset = out[name]
    if dataset.shape[1:] != array.shape[1:]:
        raise RuntimeError(f"/{name}: a batch has per-sample shape {array.shape[1:]}, earlier ones "
                           f"{dataset.shape[1:]}; resize inputs to one size before dumping")
    start = dataset.shape[0]
    dataset.resize(start + len(array), axis=0)
    dataset[start:] = array


def layer_name(model, module):
    return next((name for name, m in model.named_modules() if m is module), type(module).__name__)


# Channels last (JAX/Flax, TensorFlow/Keras): convolutions there give [N, H, W, C].
# Write those arrays unchanged, e.g. with h5py `out.create_dataset("f", data=np.asarray(acts))`,
# and tell the tool: `regbn-analyze audit --layout nhwc ...` (it transposes on load).
# Or transpose yourself before writing: np.moveaxis(acts, -1, 1) gives [N, C, H, W].
# Either way axis 0 must be the samples; a flat [N, D] layer needs no layout option.

NEXT_STEPS = """\
Next, with the file written above:
  regbn-analyze inspect {path}
  regbn-analyze channels --x {path}:/g --batch-size 50
  regbn-analyze audit --f {path}:/f --g {path}:/g --batch-size 50 --epochs 1 --out report/
  python3 notebooks-data/plot_report.py report/ --html"""


def self_test_model():
    """A tiny early-fusion network whose hooked conv is followed by an in-place ReLU (the aliasing trap)."""

    class TwoBranch(nn.Module):
        def __init__(self):
            super().__init__()
            self.gray_conv = nn.Conv2d(1, 4, 3, padding=1)
            self.relu = nn.ReLU(inplace=True)  # as in the official example's convnet
            self.pool = nn.MaxPool2d(2)
            self.colour = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(inplace=True),
                                        nn.MaxPool2d(2))
            self.head = nn.Linear((4 + 6) * 8 * 8, 10)

        def forward(self, gray, colour):
            fused = torch.cat([self.pool(self.relu(self.gray_conv(gray))), self.colour(colour)], dim=1)
            return self.head(fused.flatten(1))

    return TwoBranch()


def self_test():
    """0 when the dump of a shuffled loader matches a direct forward pass, row by row; 1 with the reasons."""
    if torch is None:
        print("skipped: PyTorch is not installed (pip install torch)")
        return 0
    torch.manual_seed(0)
    model = self_test_model()
    n, batch_size = 37, 8  # 37 = 4 full batches + a partial one
    gray, colour = torch.randn(n, 1, 16, 16), torch.randn(n, 3, 16, 16)
    labels = torch.randint(0, 10, (n,))
    dataset = torch.utils.data.TensorDataset(gray, colour, labels)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)  # /ids must follow it
    # f: the conv whose output the in-place ReLU overwrites; g: the BatchNorm before another one.
    layers = {"f": model.gray_conv, "g": model.colour[1]}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "features.h5")
        written = dump_features(model, loader, layers, path)
        with torch.no_grad():
            model.eval()
            expected = {"f": model.gray_conv(gray).numpy(), "g": model.colour[1](model.colour[0](colour)).numpy()}
        problems = [] if written == n else [f"{written} samples written, {n} expected"]
        with h5py.File(path, "r") as result:
            ids = result["ids"][()]
            if sorted(ids.tolist()) != list(range(n)):
                problems.append(f"/ids is not a permutation of 0..{n - 1}: {ids.tolist()}")
                ids = np.arange(n)
            for name, shape in (("f", (n, 4, 16, 16)), ("g", (n, 6, 16, 16))):
                data = result[name][()]
                if data.shape != shape or data.dtype != np.float32:
                    problems.append(f"/{name}: {data.dtype}{data.shape}, expected float32{shape}")
                elif not np.allclose(data, expected[name][ids], rtol=1e-5, atol=1e-6):
                    worst = float(np.max(np.abs(data - expected[name][ids])))
                    problems.append(f"/{name}: values differ from a direct forward pass (max difference {worst:.3g}; "
                                    "an in-place op changed the hooked activation after the hook kept it?)")
            if not np.array_equal(result["labels"][()], labels.numpy()[ids]):
                problems.append("/labels do not follow /ids")
            if result["f"].attrs.get("layer") != "gray_conv":
                problems.append(f"/f layer attribute {result['f'].attrs.get('layer')!r}, expected 'gray_conv'")
        if any(m._forward_hooks for m in model.modules()):
            problems.append("forward hooks were left registered")
        if not isinstance(loader.batch_sampler.sampler, torch.utils.data.RandomSampler):
            problems.append("the loader's sampler was not restored")
    if problems:
        print("self-test FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"self-test ok: /f [{n}, 4, 16, 16] (a conv followed by an in-place ReLU) and /g [{n}, 6, 16, 16] float32 "
          "match a direct forward pass row by row; /labels and /ids follow the shuffled loader")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Read the source: it is the guide. "
                                            + NEXT_STEPS.format(path="features.h5").replace("\n", " "))
    parser.add_argument("--self-test", action="store_true",
                        help="run the guide on a tiny model with random inputs and check the written file")
    args = parser.parse_args()
    if not args.self_test:
        parser.print_help()
        return 0
    return self_test()


if __name__ == "__main__":
    sys.exit(main())
