#!/usr/bin/env python3
"""Worked guide: dump two layers' features from a PyTorch model to HDF5 for regbn-analyze.

RegBN sits between two layers of a multimodal network: `f`, the features of one
modality (or of the layer to be normalised), and `g`, the features of the other
modality (or a block of metadata/confounders) that `f` is made independent of.
To audit a trained model, run the data through it once, record both layers'
outputs with forward hooks, and write them to one HDF5 file:

    /f   float32 [N, C_f, H_f, W_f]   (any rank >= 1; axis 0 = samples)
    /g   float32 [N, C_g, H_g, W_g]   row i of /f and row i of /g = the same input

Then (see `NEXT_STEPS` at the bottom, also shown by --help):

    regbn-analyze audit --f features.h5:/f --g features.h5:/g --batch-size 50 --epochs 1 --out report/
    python3 notebooks-data/plot_report.py report/

Copy `dump_features` into your own code, or import this file. Run

    python3 notebooks-data/dump_features.py --self-test

to see it work on a tiny two-branch model with random inputs (needs `pip install
torch h5py numpy`; without PyTorch it says so and exits 0).
"""

import argparse
import os
import sys
import tempfile

import h5py
import numpy as np

try:
    import torch
    from torch import nn
except ImportError:  # the guide can still be read, and the self-test says it is skipped
    torch = None


def dump_features(model, loader, layers, path, compression=4):
    """Runs `loader` through `model` once and writes each hooked layer's output to `path`.

    model   -- a torch.nn.Module; it is switched to eval() (dropout off, BatchNorm
               running statistics used) and run under torch.no_grad().
    loader  -- an iterable of batches, e.g. a DataLoader with shuffle=False. A batch
               is a tensor, or a tuple/list whose leading tensors are the model's
               inputs; labels at the end are ignored if `model` takes fewer inputs
               (see `model_inputs`). Keep the order fixed: the audit compares f and g
               sample by sample, and both come from the same forward pass, so they
               are aligned whatever the order, but a re-run should give the same file.
    layers  -- {"f": module, "g": module}: dataset name in the file → submodule whose
               output to record, e.g. {"f": model.gray.layer3, "g": model.colour.layer3}.
    Returns the number of samples written.
    """
    captured = {}

    def recorder(name):
        def hook(module, inputs, output):
            # Modules such as nn.LSTM return tuples; the features are the first element.
            if isinstance(output, (tuple, list)):
                output = output[0]
            # float32 on the CPU: what the tool reads fastest. .float() also turns
            # half/bfloat16 activations of mixed-precision models into float32.
            captured[name] = output.detach().float().cpu().numpy()
        return hook

    handles = [module.register_forward_hook(recorder(name)) for name, module in layers.items()]
    written = 0
    was_training = model.training
    model.eval()
    try:
        with h5py.File(path, "w") as out, torch.no_grad():
            for batch in loader:
                captured.clear()
                model(*model_inputs(model, batch))
                missing = [name for name in layers if name not in captured]
                if missing:
                    raise RuntimeError(f"layer(s) {missing} did not run in the forward pass; hook a module "
                                       "that the model's forward() actually calls")
                sizes = {name: len(array) for name, array in captured.items()}
                if len(set(sizes.values())) != 1:
                    raise RuntimeError(f"layers disagree on the batch size: {sizes}; hook per-sample "
                                       "layers (axis 0 must be the samples)")
                for name, array in captured.items():
                    append(out, name, array, compression)
                written += len(next(iter(captured.values())))
            # Provenance for the reader of the file; regbn-analyze ignores unknown attributes.
            for name, module in layers.items():
                out[name].attrs["layer"] = layer_name(model, module)
                out[name].attrs["layout"] = "nchw"
            out.attrs["model"] = type(model).__name__
    finally:
        for handle in handles:
            handle.remove()  # hooks left behind would slow down and leak memory in later use
        model.train(was_training)
    return written


def model_inputs(model, batch):
    """The positional inputs of `model` in `batch`, dropping trailing labels."""
    if torch.is_tensor(batch):
        return (batch,)
    tensors = list(batch)
    forward = getattr(model.forward, "__code__", None)
    if forward is not None:
        takes = forward.co_argcount - 1  # minus self
        tensors = tensors[:max(1, takes)]
    return tuple(tensors)


def append(out, name, array, compression):
    """Appends a batch along axis 0, creating the dataset on the first batch (gzip level
    `compression`, 0 for none).

    The dataset grows (maxshape None on axis 0), so the number of samples need not
    be known in advance, and nothing but one batch is ever held in memory. Chunks
    hold whole samples because the tool reads by sample batches.
    """
    if name not in out:
        chunk_rows = max(1, min(len(array), (1 << 20) // max(1, array[0].nbytes)))  # about 1 MB a chunk
        out.create_dataset(name, shape=(0,) + array.shape[1:], maxshape=(None,) + array.shape[1:],
                           dtype="float32", chunks=(chunk_rows,) + array.shape[1:],
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
  python3 notebooks-data/plot_report.py report/"""


def self_test():
    if torch is None:
        print("skipped: PyTorch is not installed (pip install torch)")
        return 0

    class TwoBranch(nn.Module):
        """A tiny early-fusion network: a gray and a colour branch, then a joint head."""

        def __init__(self):
            super().__init__()
            self.gray = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
            self.colour = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
                                        nn.MaxPool2d(2))
            self.head = nn.Linear((4 + 6) * 8 * 8, 10)

        def forward(self, gray, colour):
            fused = torch.cat([self.gray(gray), self.colour(colour)], dim=1)
            return self.head(fused.flatten(1))

    torch.manual_seed(0)
    model = TwoBranch()
    n, batch_size = 37, 8  # 37 = 4 full batches + a partial one
    gray, colour = torch.randn(n, 1, 16, 16), torch.randn(n, 3, 16, 16)
    labels = torch.randint(0, 10, (n,))
    dataset = torch.utils.data.TensorDataset(gray, colour, labels)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=False)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "features.h5")
        written = dump_features(model, loader, {"f": model.gray, "g": model.colour}, path)
        with torch.no_grad():
            model.eval()
            expected = {"f": model.gray(gray).numpy(), "g": model.colour(colour).numpy()}
        problems = []
        if written != n:
            problems.append(f"{written} samples written, {n} expected")
        with h5py.File(path, "r") as result:
            for name, shape in (("f", (n, 4, 8, 8)), ("g", (n, 6, 8, 8))):
                data = result[name][()]
                if data.shape != shape or data.dtype != np.float32:
                    problems.append(f"/{name}: {data.dtype}{data.shape}, expected float32{shape}")
                elif not np.allclose(data, expected[name], rtol=1e-5, atol=1e-6):
                    problems.append(f"/{name}: values differ from a direct forward pass")
            if result["g"].attrs.get("layer") != "colour":
                problems.append(f"/g layer attribute {result['g'].attrs.get('layer')!r}, expected 'colour'")
        if any(m._forward_hooks for m in model.modules()):
            problems.append("forward hooks were left registered")
        if problems:
            print("self-test FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
            return 1
    print(f"self-test ok: /f [{n}, 4, 8, 8] and /g [{n}, 6, 8, 8] float32 match a direct forward pass")
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
