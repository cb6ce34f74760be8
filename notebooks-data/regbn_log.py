#!/usr/bin/env python3
"""Log what the official RegBN module does during training, for an exact replay by regbn-analyze.

RegBN's λ search is chaotic (one ulp of input can move λ by 20 %), so a model's RegBN
numbers can be reproduced only by replaying the λ's it used, in the order it saw the
samples, with the loop's own epoch numbering and partial batches. This helper records all
of that without touching the module's code or your model's: it wraps the module
instance's `forward` and its estimator's `W_calc.compute` (the method that returns λ and
the fallback flag) and, optionally, your loader's sampler (the sample order).

    import regbn_log
    log = regbn_log.RegBNLog(RegBN_, "regbn_log.h5", module_kwargs=regbn_kwargs)   # the one line
    train_loader = log.record_order(train_loader)          # optional: the shuffled order
    ... train exactly as before ...
    log.close()                                            # writes regbn_log.h5

then

    regbn-analyze normalize --f features.h5:/f --g features.h5:/g --batch-size 50 --epochs 20 \\
        --lambda-from regbn_log.h5:/lambda --order regbn_log.h5:/order --first-epoch 1 --keep-last-batch \\
        --out replay.h5

(`log.replay_command(...)` prints that line with every flag filled in from the log.)

The file (datasets at the root, one entry per training call of the module):

    /lambda           float64 [S]   the λ the module used (0 where it fell back; NaN where it skipped the step)
    /fallback         int8    [S]   1 where the λ search failed (λ = 0, the pseudo-inverse)
    /epoch_arg        int64   [S]   the n_epoch your loop passed (the official example starts at 1)
    /steps_per_epoch  int64   [S]   the steps_per_epoch your loop passed (len(dataloader))
    /batch_size       int64   [S]   rows of the batch
    /order            int64   [E, N] the sample indices each epoch visited, when every epoch was a
                                    permutation of 0..N-1; otherwise a flat [Σ batch sizes] sequence
    attributes        first_epoch, keep_last_batch, steps_per_epoch, epochs, samples, batch_size,
                      regbn_kwargs (JSON), config (JSON: everything above plus warnings)

Needs numpy and h5py; PyTorch only through the objects you pass in.
"""

import collections
import inspect
import json
import math
import os
import shlex
import sys
import warnings

import h5py
import numpy as np

# RegBN's constructor arguments, the attributes the module keeps them in, and the regbn-analyze flag.
KWARG_ATTRIBUTES = {"beta1": "beta1", "beta2": "beta2", "momentum": "Momentum", "sigma_THR": "sigma_THR",
                    "sigma_MIN": "sigma_MIN", "f_num_channels": "f_num_channels", "g_num_channels": "g_num_channels"}
CLI_FLAGS = {"normalize_input": "--normalize-input", "normalize_output": "--normalize-output", "affine": "--affine",
             "sigma_THR": "--sigma-thr", "sigma_MIN": "--sigma-min", "beta1": "--beta1", "beta2": "--beta2",
             "momentum": "--momentum"}


class IndexRecorder:
    """A sampler that passes another sampler's indices through and queues them for the log.

    It runs in the main process even with DataLoader workers, so the order it records is the
    order the batches reach the model (DataLoader keeps batch order).
    """

    def __init__(self, log, sampler):
        self.log, self.sampler = log, sampler

    def __iter__(self):
        drawn = self.log._start_epoch_of_indices(self)
        for index in self.sampler:
            self.log._pending.append(int(index))
            drawn.append(int(index))
            yield index

    def __len__(self):
        return len(self.sampler)


class RegBNLog:
    """Hooks one RegBN module instance; see the module docstring. Use as a context manager or call close()."""

    def __init__(self, module, path, module_kwargs=None):
        if not hasattr(module, "W_calc") or not hasattr(module.W_calc, "compute"):
            raise TypeError(f"{type(module).__name__} has no W_calc.compute: pass the RegBN module instance "
                            "(e.g. RegBN_ in the official example's basic_model.py)")
        self.module, self.path = module, os.fspath(path)
        self.module_kwargs = dict(module_kwargs or {})
        self.steps = []  # dicts: lambda, fallback, epoch_arg, steps_per_epoch, batch_size, indices, computed
        self.warnings = []
        self.samples = None  # N, from the recorded sampler's length
        self._pending = collections.deque()  # indices drawn by the sampler, not yet used by a training call
        self._drawn = []  # per iteration of the sampler (an epoch): every index it drew
        self._observed = None  # what W_calc.compute returned during the current forward call
        self._shapes = None
        self._original_forward = module.forward
        self._original_compute = module.W_calc.compute
        self._forward_was_attribute = "forward" in vars(module)
        self._compute_was_attribute = "compute" in vars(module.W_calc)
        self._signature = inspect.signature(self._original_forward)
        module.forward = self._forward
        module.W_calc.compute = self._compute
        self.closed = False

    # -- hooks -------------------------------------------------------------------------------

    def _compute(self, *args, **kwargs):
        result = self._original_compute(*args, **kwargs)
        W_plus, lambda_hat, not_found = result
        self._observed = (scalar(lambda_hat), bool(not_found))
        return result

    def _forward(self, *args, **kwargs):
        bound = self._signature.bind(*args, **kwargs)
        arguments = bound.arguments
        if not arguments.get("is_training"):
            return self._original_forward(*args, **kwargs)
        self._observed = None
        result = self._original_forward(*args, **kwargs)
        first, second = list(self._signature.parameters)[:2]  # f and g, whatever the names
        f, g = arguments[first], arguments[second]
        batch = int(f.shape[0])
        if self._shapes is None:
            self._shapes = (tuple(int(d) for d in f.shape[1:]), tuple(int(d) for d in g.shape[1:]))
        lam, fallback = self._observed if self._observed is not None else (math.nan, False)
        self.steps.append({"lambda": lam, "fallback": fallback, "computed": self._observed is not None,
                           "epoch_arg": arguments.get("n_epoch"), "steps_per_epoch": arguments.get("steps_per_epoch"),
                           "batch_size": batch, "indices": self._take(batch)})
        return result

    def _take(self, count):
        if len(self._pending) < count:
            return None  # no recorder, or a loader the log does not see
        return [self._pending.popleft() for _ in range(count)]

    def _start_epoch_of_indices(self, recorder):
        """A new pass over the sampler; returns the list its indices go to."""
        self._drop_unused()
        try:
            self.samples = max(self.samples or 0, len(recorder.sampler))
        except TypeError:
            pass
        self._drawn.append([])
        return self._drawn[-1]

    def _drop_unused(self):
        """Indices left over from the last pass: a partial batch that drop_last=True skipped, or a warning."""
        largest = max((s["batch_size"] for s in self.steps), default=0)
        if len(self._pending) >= max(largest, 1):
            self._warn(f"{len(self._pending)} recorded sample indices were never used by a training call (an epoch "
                       "cut short, or the recorded loader also feeds evaluation?); they were dropped")
        self._pending.clear()

    def _warn(self, message):
        self.warnings.append(message)
        warnings.warn(f"regbn_log: {message}", stacklevel=3)

    # -- the sample order ------------------------------------------------------------------

    def sampler(self, sampler):
        """Wraps a sampler (any iterable of indices): DataLoader(ds, batch_size=b, sampler=log.sampler(s))."""
        return IndexRecorder(self, sampler)

    def record_order(self, loader):
        """Records the order of an existing DataLoader in place (shuffle=True or a sampler); returns it."""
        batch_sampler = getattr(loader, "batch_sampler", None)
        if batch_sampler is None or not hasattr(batch_sampler, "sampler"):
            raise TypeError("record_order needs a DataLoader built with batch_size (it then has a BatchSampler); "
                            "otherwise pass sampler=log.sampler(your_sampler) when you build it")
        if not isinstance(batch_sampler.sampler, IndexRecorder):
            batch_sampler.sampler = IndexRecorder(self, batch_sampler.sampler)
        return loader

    # -- writing -------------------------------------------------------------------------------

    def close(self):
        """Unhooks the module and writes the log file (atomically). Returns the path."""
        if self.closed:
            return self.path
        self.closed = True
        self._unhook()
        self._drop_unused()
        self._write()
        return self.path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _unhook(self):
        if self._forward_was_attribute:
            self.module.forward = self._original_forward
        else:
            del self.module.forward
        if self._compute_was_attribute:
            self.module.W_calc.compute = self._original_compute
        else:
            del self.module.W_calc.compute

    def summary(self):
        """The derived schedule: {first_epoch, epochs, steps_per_epoch, batch_size, keep_last_batch, samples, ...}."""
        steps = self.steps
        if not steps:
            return {"steps": 0}
        epoch_args = [s["epoch_arg"] for s in steps]
        per_epoch = collections.Counter(epoch_args)
        spe = sorted({s["steps_per_epoch"] for s in steps if s["steps_per_epoch"] is not None})
        batch = max(s["batch_size"] for s in steps)
        samples = self.samples
        if samples is None:  # every epoch visits all samples once: its batch sizes add up to N
            totals = {sum(s["batch_size"] for s in steps if s["epoch_arg"] == e) for e in per_epoch}
            samples = totals.pop() if len(totals) == 1 else None
        partial = any(s["batch_size"] < batch for s in steps)
        return {"steps": len(steps), "first_epoch": epoch_args[0], "epochs": len(per_epoch),
                "steps_per_epoch": spe[0] if len(spe) == 1 else None,
                "steps_in_each_epoch": sorted(set(per_epoch.values())),
                "batch_size": batch, "samples": samples, "keep_last_batch": partial,
                "fallbacks": sum(s["fallback"] for s in steps), "skipped": sum(not s["computed"] for s in steps)}

    def _check(self, info):
        steps = self.steps
        if not steps:
            self._warn("no training call was logged: was the module called with is_training=True after the log "
                       "was attached?")
            return
        epoch_args = [s["epoch_arg"] for s in steps]
        if any(e is None for e in epoch_args) or epoch_args != sorted(epoch_args):
            self._warn(f"n_epoch is missing or not increasing ({epoch_args[:8]}...): a replay numbers epochs in order")
        if info["steps_per_epoch"] is None:
            self._warn("steps_per_epoch changed between calls: a replay keeps one value")
        elif len(info["steps_in_each_epoch"]) != 1 or info["steps_in_each_epoch"][0] != info["steps_per_epoch"]:
            self._warn(f"epochs ran {info['steps_in_each_epoch']} steps but steps_per_epoch was "
                       f"{info['steps_per_epoch']}: a replay runs epochs × steps_per_epoch steps")
        if info["skipped"]:
            self._warn(f"{info['skipped']} training call(s) returned the inputs unchanged without a λ search (NaN "
                       "input, or the module's SVD failed and latched is_nan_); their λ is NaN and a replay stops "
                       "there")
        if any(s["indices"] is None for s in steps):
            self._warn("the sample order was not recorded for every step (use log.record_order(loader) or "
                       "sampler=log.sampler(...)); the log has no /order, and a replay uses file order")

    def _order(self, info):
        """int64 [E, N] when every epoch drew a permutation of 0..N-1, else the flat sequence the steps used;
        None when any step's indices are unknown.

        An epoch's row is what the sampler drew, so it keeps the partial batch that drop_last=True
        skipped: the replay drops it again, as the loader did.
        """
        if any(s["indices"] is None for s in self.steps):
            return None
        epochs = collections.OrderedDict()
        for s in self.steps:
            epochs.setdefault(s["epoch_arg"], []).extend(s["indices"])
        used = list(epochs.values())
        drawn = [d for d in self._drawn if d]
        n = info["samples"]

        def permutation(row):
            return n is not None and len(row) == n and np.array_equal(np.sort(row), np.arange(n))

        if len(drawn) == len(used) and all(d[:len(u)] == u and permutation(d) for d, u in zip(drawn, used)):
            return np.asarray(drawn, dtype=np.int64)
        if all(permutation(u) for u in used):
            return np.asarray(used, dtype=np.int64)
        return np.concatenate([np.asarray(u, dtype=np.int64) for u in used])

    def regbn_kwargs(self):
        """The module's constructor arguments: those you passed, completed from the module's attributes."""
        kwargs = {key: value for key, value in self.module_kwargs.items() if key not in ("gpu", "device")}
        for key, attribute in KWARG_ATTRIBUTES.items():
            if key not in kwargs and hasattr(self.module, attribute):
                kwargs[key] = plain(getattr(self.module, attribute))
        norm_f, norm_f_out = getattr(self.module, "norm_f", None), getattr(self.module, "norm_f_out", None)
        if "normalize_input" not in kwargs and norm_f is not None:
            kwargs["normalize_input"] = type(norm_f).__name__ != "Identity"
        if "normalize_output" not in kwargs and norm_f_out is not None:
            kwargs["normalize_output"] = type(norm_f_out).__name__ != "Identity"
        if "affine" not in kwargs and norm_f is not None and type(norm_f).__name__ != "Identity":
            kwargs["affine"] = bool(getattr(norm_f, "affine", getattr(norm_f, "elementwise_affine", False)))
        if self._shapes is not None:
            kwargs.setdefault("f_layer_dim", list(self._shapes[0][1:]))
            kwargs.setdefault("g_layer_dim", list(self._shapes[1][1:]))
        return {key: plain(value) for key, value in kwargs.items()}

    def replay_command(self, f="features.h5:/f", g="features.h5:/g", out="replay.h5"):
        """The regbn-analyze line that replays this log (inputs f, g in the dataset's own order)."""
        return shlex.join(self.replay_arguments(f, g, out))

    def replay_arguments(self, f="features.h5:/f", g="features.h5:/g", out="replay.h5"):
        """replay_command as an argument list (for subprocess)."""
        info = self.summary()
        kwargs = self.regbn_kwargs()
        parts = ["regbn-analyze", "normalize", "--f", f, "--g", g, "--batch-size", str(info.get("batch_size", "B")),
                 "--epochs", str(info.get("epochs", "E")), "--lambda-from", f"{self.path}:/lambda"]
        if self.steps and self._order(info) is not None:
            parts += ["--order", f"{self.path}:/order"]
        parts += ["--first-epoch", str(info.get("first_epoch", 0))]
        if info.get("keep_last_batch"):
            parts.append("--keep-last-batch")
        for key, flag in CLI_FLAGS.items():
            if key in kwargs:
                value = kwargs[key]
                parts += [flag, str(value).lower() if isinstance(value, bool) else repr(float(value))]
        dtype = dtype_name(getattr(self.module, "W", None))
        if dtype in ("float32", "float64"):
            parts += ["--precision", dtype]
        parts += ["--out", out]
        return parts

    def _write(self):
        info = self.summary()
        self._check(info)
        order = self._order(info) if self.steps else None
        steps = self.steps
        staging = f"{self.path}.tmp-{os.getpid()}"
        try:
            with h5py.File(staging, "w") as out:
                out["lambda"] = np.array([s["lambda"] for s in steps], dtype=np.float64)
                out["fallback"] = np.array([s["fallback"] for s in steps], dtype=np.int8)
                out["epoch_arg"] = np.array([s["epoch_arg"] if s["epoch_arg"] is not None else -1 for s in steps],
                                            dtype=np.int64)
                out["steps_per_epoch"] = np.array([s["steps_per_epoch"] if s["steps_per_epoch"] is not None else -1
                                                   for s in steps], dtype=np.int64)
                out["batch_size"] = np.array([s["batch_size"] for s in steps], dtype=np.int64)
                if order is not None:
                    out["order"] = order
                for key in ("first_epoch", "epochs", "steps_per_epoch", "batch_size", "samples"):
                    if info.get(key) is not None:
                        out.attrs[key] = int(info[key])
                out.attrs["keep_last_batch"] = bool(info.get("keep_last_batch", False))
                out.attrs["regbn_kwargs"] = json.dumps(self.regbn_kwargs(), sort_keys=True)
                out.attrs["config"] = json.dumps({
                    "schedule": {k: v for k, v in info.items()}, "regbn_kwargs": self.regbn_kwargs(),
                    "order": "per-epoch permutations [E, N]" if order is not None and order.ndim == 2
                    else "flat sequence" if order is not None else "not recorded",
                    "replay": self.replay_command(), "warnings": self.warnings,
                    "written_by": "notebooks-data/regbn_log.py"}, sort_keys=True, default=str)
            os.replace(staging, self.path)
        finally:
            if os.path.exists(staging):
                os.remove(staging)


def scalar(value):
    """A Python float from a float, a NumPy scalar/array or a torch tensor (with or without grad)."""
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    if hasattr(value, "numpy"):
        value = value.numpy()
    return float(np.asarray(value, dtype=np.float64).reshape(-1)[0])


def plain(value):
    """JSON-friendly: tensors and NumPy scalars become Python numbers."""
    if hasattr(value, "detach") or isinstance(value, (np.generic, np.ndarray)):
        array = np.asarray(value.detach().cpu().numpy() if hasattr(value, "detach") else value)
        return array.item() if array.size == 1 else array.tolist()
    return value


def dtype_name(tensor):
    dtype = getattr(tensor, "dtype", None)
    return str(dtype).replace("torch.", "") if dtype is not None else None


def main():
    print(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
