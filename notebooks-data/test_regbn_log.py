#!/usr/bin/env python3
"""Tests of regbn_log.py: against a NumPy stand-in module (always), a torch stand-in and the
official module (when PyTorch, and for the latter the official RegBN.py, are present), and
through regbn-analyze's replay flags (when the binary is built).

    python3 notebooks-data/test_regbn_log.py
    REGBN_ANALYZE=.build/debug/regbn-analyze python3 notebooks-data/test_regbn_log.py
    REGBN_OFFICIAL_CODE=/path/to/RegBN.py python3 notebooks-data/test_regbn_log.py

The official code is GPL and not in this repository; with REGBN_OFFICIAL_CODE the test loads
it with the fixture generator's four CPU replacements (Tests/Fixtures/README.md, "Provenance")
and checks the log of a run trained like the official example against the training-log
fixture's own /log (fixture files from REGBN_FIXTURES, default ../shared/fixtures).
"""

import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import quiet_unittest  # noqa: E402
import regbn_log  # noqa: E402
import regbn_standin  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


class ShuffledIndices:
    """A RandomSampler without torch: a new permutation of range(n) on every iteration."""

    def __init__(self, n, seed):
        self.n, self.rng = n, np.random.default_rng(seed)

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())

    def __len__(self):
        return self.n


class Batches:
    """A DataLoader without torch: batches of `batch_sampler.sampler`'s indices, the last one partial."""

    class BatchSampler:
        def __init__(self, sampler, batch_size, drop_last):
            self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

        def __iter__(self):
            batch = []
            for index in self.sampler:
                batch.append(index)
                if len(batch) == self.batch_size:
                    yield batch
                    batch = []
            if batch and not self.drop_last:
                yield batch

    def __init__(self, f, g, sampler, batch_size, drop_last=False):
        self.f, self.g = f, g
        self.batch_sampler = Batches.BatchSampler(sampler, batch_size, drop_last)

    def __iter__(self):
        for indices in self.batch_sampler:
            yield self.f[indices], self.g[indices]

    def __len__(self):
        count, size = len(self.batch_sampler.sampler), self.batch_sampler.batch_size
        return count // size if self.batch_sampler.drop_last else math.ceil(count / size)


class RecordingEstimator(regbn_standin.StandInEstimator):
    """Keeps what compute returned, to compare with the log."""

    def __init__(self):
        self.returned = []

    def compute(self, *args):
        result = super().compute(*args)
        self.returned.append((float(result[1]), bool(result[2])))
        return result


def data(n, seed=0, zero_rows=()):
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(n, 2, 3, 3)).astype(np.float32)
    f = (g.reshape(n, -1)[:, :6] @ rng.normal(size=(6, 5)) + 0.3 * rng.normal(size=(n, 5))).astype(np.float32)
    g[list(zero_rows)] = 0.0  # a batch of these only has no λ: the module falls back to λ = 0
    return f, g


def train_like_the_official_example(module, loader, epochs, first_epoch=1):
    """PMR.py's loop: epochs numbered from first_epoch, steps_per_epoch = len(loader), an eval pass after each."""
    for epoch in range(first_epoch, first_epoch + epochs):
        for f, g in loader:
            module(f, g, is_training=True, n_epoch=epoch, steps_per_epoch=len(loader))
        module(loader.f[:7], loader.g[:7], is_training=False)  # evaluation: not a training call, not logged


def read_log(path):
    with h5py.File(path, "r") as log:
        return {name: log[name][()] for name in log}, dict(log.attrs)


class StandInModule(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.path = os.path.join(self.tmp.name, "log.h5")

    def module(self, **kwargs):
        module = regbn_standin.StandInRegBN(f_num_channels=5, g_num_channels=2, f_layer_dim=[], g_layer_dim=[3, 3],
                                            sigma_MIN=1e-8, **kwargs)
        module.W_calc = RecordingEstimator()
        return module

    def test_logs_a_run_trained_like_the_official_example(self):
        n, b, epochs = 23, 5, 3
        f, g = data(n)
        module = self.module()
        sampler = ShuffledIndices(n, seed=7)
        log = regbn_log.RegBNLog(module, self.path, module_kwargs={"gpu": 0, "normalize_input": False})
        loader = log.record_order(Batches(f, g, sampler, b))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a clean run warns about nothing
            train_like_the_official_example(module, loader, epochs)
            log.close()
        datasets, attrs = read_log(self.path)
        steps = epochs * math.ceil(n / b)
        self.assertEqual(module.training_calls, steps)
        returned = module.W_calc.returned
        np.testing.assert_array_equal(datasets["lambda"], [lam for lam, _ in returned])
        np.testing.assert_array_equal(datasets["fallback"], np.zeros(steps, dtype=np.int8))
        np.testing.assert_array_equal(datasets["epoch_arg"], np.repeat([1, 2, 3], 5))
        np.testing.assert_array_equal(datasets["batch_size"], [5, 5, 5, 5, 3] * 3)
        np.testing.assert_array_equal(datasets["steps_per_epoch"], np.full(steps, 5))
        self.assertEqual(datasets["order"].shape, (epochs, n))
        self.assertEqual(datasets["order"].dtype, np.int64)
        replayed = ShuffledIndices(n, seed=7)
        for row in datasets["order"]:
            np.testing.assert_array_equal(row, list(replayed))  # the very permutations the loader drew
        self.assertEqual((attrs["first_epoch"], attrs["epochs"], attrs["steps_per_epoch"], attrs["batch_size"],
                          attrs["samples"]), (1, 3, 5, 5, n))
        self.assertTrue(attrs["keep_last_batch"])
        kwargs = json.loads(attrs["regbn_kwargs"])
        self.assertEqual(kwargs["sigma_MIN"], 1e-8)
        self.assertEqual(kwargs["g_layer_dim"], [3, 3])
        self.assertFalse(kwargs["normalize_input"])
        self.assertNotIn("gpu", kwargs)
        self.assertEqual(json.loads(attrs["config"])["warnings"], [])
        self.assertNotIn("forward", vars(module))  # unhooked: the class's own methods again
        self.assertNotIn("compute", vars(module.W_calc))

    def test_fallback_steps_log_lambda_zero(self):
        n, b = 20, 5
        f, g = data(n, zero_rows=range(5, 10))  # the second batch of file order is all zeros
        module = self.module()
        with regbn_log.RegBNLog(module, self.path) as log:
            loader = Batches(f, g, log.sampler(range(n)), b)
            train_like_the_official_example(module, loader, epochs=2, first_epoch=0)
        datasets, attrs = read_log(self.path)
        np.testing.assert_array_equal(datasets["fallback"], [0, 1, 0, 0] * 2)
        self.assertEqual(list(datasets["lambda"][[1, 5]]), [0.0, 0.0])
        self.assertTrue(np.all(datasets["lambda"][[0, 2, 3, 4, 6, 7]] > 0))
        self.assertEqual(attrs["first_epoch"], 0)
        self.assertFalse(attrs["keep_last_batch"])
        np.testing.assert_array_equal(datasets["order"], [np.arange(n)] * 2)

    def test_drop_last_keeps_the_drawn_permutation_and_no_warning(self):
        n, b = 23, 5
        f, g = data(n)
        module = self.module()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with regbn_log.RegBNLog(module, self.path) as log:
                loader = Batches(f, g, log.sampler(ShuffledIndices(n, 2)), b, drop_last=True)
                train_like_the_official_example(module, loader, epochs=2)
        datasets, attrs = read_log(self.path)
        self.assertEqual(datasets["order"].shape, (2, n))  # the 3 skipped indices stay in each row
        replayed = ShuffledIndices(n, 2)
        for row in datasets["order"]:
            np.testing.assert_array_equal(row, list(replayed))
        np.testing.assert_array_equal(datasets["batch_size"], [5] * 8)
        self.assertFalse(attrs["keep_last_batch"])
        self.assertEqual(attrs["steps_per_epoch"], 4)

    def test_an_order_that_is_not_a_permutation_is_kept_flat(self):
        n, b = 12, 4
        f, g = data(n)
        module = self.module()
        draws = np.random.default_rng(1).integers(0, n, size=n).tolist()  # with replacement
        with regbn_log.RegBNLog(module, self.path) as log:
            loader = Batches(f, g, log.sampler(draws), b)
            train_like_the_official_example(module, loader, epochs=1)
        datasets, _ = read_log(self.path)
        np.testing.assert_array_equal(datasets["order"], draws)

    def test_no_recorded_order_means_no_order_dataset_and_a_warning(self):
        n, b = 12, 4
        f, g = data(n)
        module = self.module()
        with self.assertWarnsRegex(UserWarning, "sample order was not recorded"):
            with regbn_log.RegBNLog(module, self.path):
                train_like_the_official_example(module, Batches(f, g, range(n), b), epochs=1)
        datasets, attrs = read_log(self.path)
        self.assertNotIn("order", datasets)
        self.assertEqual(len(datasets["lambda"]), 3)
        self.assertIn("sample order was not recorded", " ".join(json.loads(attrs["config"])["warnings"]))

    def test_a_skipped_nan_step_is_logged_as_nan_with_a_warning(self):
        n, b = 12, 4
        f, g = data(n)
        f[5, 0] = np.nan
        module = self.module()
        with self.assertWarnsRegex(UserWarning, "returned the inputs unchanged"):
            with regbn_log.RegBNLog(module, self.path) as log:
                train_like_the_official_example(module, Batches(f, g, log.sampler(range(n)), b), epochs=1)
        datasets, _ = read_log(self.path)
        self.assertTrue(np.isnan(datasets["lambda"][1]))
        self.assertFalse(np.isnan(datasets["lambda"][[0, 2]]).any())

    def test_an_epoch_shorter_than_steps_per_epoch_is_reported(self):
        n, b = 12, 4
        f, g = data(n)
        module = self.module()
        with self.assertWarnsRegex(UserWarning, "epochs ran \\[2\\] steps but steps_per_epoch was 3"):
            with regbn_log.RegBNLog(module, self.path) as log:
                loader = Batches(f, g, log.sampler(range(n)), b)
                for e in (1, 2):
                    for step, (fb, gb) in enumerate(loader):
                        if step == 2:
                            break  # the user's loop stops early: the third batch's indices were drawn, unused
                        module(fb, gb, is_training=True, n_epoch=e, steps_per_epoch=len(loader))

    def test_replay_command_has_every_flag(self):
        n, b = 23, 5
        f, g = data(n)
        module = self.module(affine=True, normalize_input=True)
        log = regbn_log.RegBNLog(module, self.path, module_kwargs={"normalize_input": True, "affine": True})
        train_like_the_official_example(module, log.record_order(Batches(f, g, ShuffledIndices(n, 3), b)), 2)
        log.close()
        command = log.replay_command(f="x.h5:/f", g="x.h5:/g")
        for part in ("normalize --f x.h5:/f --g x.h5:/g --batch-size 5 --epochs 2",
                     f"--lambda-from {self.path}:/lambda",
                     f"--order {self.path}:/order", "--first-epoch 1", "--keep-last-batch", "--normalize-input true",
                     "--affine true", "--sigma-min 1e-08", "--momentum 0.02", "--precision float32"):
            self.assertIn(part, command)

    def test_refuses_something_that_is_not_the_module(self):
        with self.assertRaisesRegex(TypeError, "no W_calc.compute"):
            regbn_log.RegBNLog(object(), self.path)
        self.assertFalse(os.path.exists(self.path))


def built_binary():
    binary = os.environ.get("REGBN_ANALYZE")
    if binary:
        return binary
    default = os.path.join(HERE, "..", ".build", "debug", "regbn-analyze")
    return default if os.path.exists(default) else None


@unittest.skipUnless(built_binary(), "regbn-analyze is not built (swift build, or set REGBN_ANALYZE)")
class ReplayWithTheTool(unittest.TestCase):
    """The log's datasets are what regbn-analyze's replay flags take, as they are."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.binary = built_binary()
        self.help = subprocess.run([self.binary, "normalize", "--help"], capture_output=True, text=True).stdout

    def run_replay(self, n, b, epochs, first_epoch, shuffled, extra):
        f, g = data(n, seed=4)
        inputs = os.path.join(self.tmp.name, "features.h5")
        with h5py.File(inputs, "w") as out:
            out["f"], out["g"] = f, g
        module = regbn_standin.StandInRegBN(f_num_channels=5, g_num_channels=2, f_layer_dim=[], g_layer_dim=[3, 3])
        log_path = os.path.join(self.tmp.name, "log.h5")
        with regbn_log.RegBNLog(module, log_path) as log:
            sampler = ShuffledIndices(n, 11) if shuffled else range(n)
            # the tool's default schedule drops the partial batch, like drop_last=True
            loader = Batches(f, g, log.sampler(sampler), b, drop_last=not shuffled)
            train_like_the_official_example(module, loader, epochs, first_epoch)
        out = os.path.join(self.tmp.name, "replay.h5")
        command = [self.binary, "normalize", "--f", f"{inputs}:/f", "--g", f"{inputs}:/g", "--batch-size", str(b),
                   "--epochs", str(epochs), "--lambda-from", f"{log_path}:/lambda", "--out", out, "--quiet"] + extra
        result = subprocess.run(command, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, f"{' '.join(command)}\n{result.stderr}")
        with h5py.File(out, "r") as replay, h5py.File(log_path, "r") as logged:
            np.testing.assert_array_equal(replay["steps/lambda"][()].astype(np.float64), logged["lambda"][()])
            if "order" in replay and "order" in logged:
                np.testing.assert_array_equal(replay["order"][()], logged["order"][()])

    def test_the_tools_own_conventions(self):
        self.run_replay(n=23, b=5, epochs=2, first_epoch=0, shuffled=False, extra=[])

    def test_the_official_examples_loop(self):
        if "--order" not in self.help or "--keep-last-batch" not in self.help:
            self.skipTest("this regbn-analyze has no --order/--first-epoch/--keep-last-batch yet")
        log_path = os.path.join(self.tmp.name, "log.h5")
        self.run_replay(n=23, b=5, epochs=3, first_epoch=1, shuffled=True,
                        extra=["--order", f"{log_path}:/order", "--first-epoch", "1", "--keep-last-batch"])


@unittest.skipIf(torch is None, "PyTorch is not installed")
class TorchModule(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.path = os.path.join(self.tmp.name, "log.h5")

    def test_a_real_dataloader_with_shuffle_and_a_torch_module(self):
        n, b, epochs = 23, 5, 2
        f, g = (torch.from_numpy(a) for a in data(n))
        module = regbn_standin.torch_standin(f_num_channels=5, g_num_channels=2, f_layer_dim=[], g_layer_dim=[3, 3],
                                             normalize_input=True, affine=True)
        seen = []
        compute = module.W_calc.compute
        module.W_calc.compute = lambda *a: (lambda r: (seen.append(float(r[1].detach())), r)[1])(compute(*a))
        dataset = torch.utils.data.TensorDataset(f, g, torch.arange(n))
        torch.manual_seed(5)
        loader = torch.utils.data.DataLoader(dataset, batch_size=b, shuffle=True)
        log = regbn_log.RegBNLog(module, self.path)
        log.record_order(loader)
        visited = []
        for epoch in range(1, epochs + 1):
            for fb, gb, index in loader:
                visited.extend(index.tolist())
                module(fb, gb, is_training=True, n_epoch=epoch, steps_per_epoch=len(loader))
        log.close()
        datasets, attrs = read_log(self.path)
        np.testing.assert_array_equal(datasets["order"].ravel(), visited)  # the order the batches arrived in
        self.assertEqual(datasets["order"].shape, (epochs, n))
        np.testing.assert_array_equal(datasets["lambda"], seen)
        self.assertTrue(attrs["keep_last_batch"])
        self.assertTrue(json.loads(attrs["regbn_kwargs"])["affine"])
        self.assertNotIn("forward", vars(module))


def official_code():
    return os.environ.get("REGBN_OFFICIAL_CODE")


def fixtures_dir():
    return os.environ.get("REGBN_FIXTURES", os.path.join(HERE, "..", "..", "..", "shared", "fixtures"))


def load_official(path):
    """The official RegBN module, on the CPU: the fixture generator's four text replacements, nothing else."""
    with open(path, encoding="utf-8") as stream:
        source = stream.read()
    for old, new, count in (('self.device = f"cuda:{gpu}"', 'self.device = "cpu"', 1),
                            ("lambda_.to(u.get_device())", "lambda_.to(u.device)", 2),
                            ("torch.tensor(1.).to(x.get_device())", "torch.tensor(1.).to(x.device)", 1)):
        if source.count(old) != count:
            raise AssertionError(f"{path}: expected {count}× {old!r}, found {source.count(old)}: another version?")
        source = source.replace(old, new)
    namespace = {"__name__": "regbn_official"}
    exec(compile(source, path, "exec"), namespace)  # noqa: S102  (the user's own copy of the official code)
    return namespace["RegBN"]


@unittest.skipIf(torch is None or not official_code(), "needs PyTorch and REGBN_OFFICIAL_CODE=path/to/RegBN.py")
class OfficialModule(unittest.TestCase):
    """The official example's loop on a training-log fixture's data and order: the log equals the fixture's /log."""

    def test_log_matches_the_conv_fixture(self):
        self.check_fixture("example_loop_conv.h5")

    def test_log_matches_the_images_fixture(self):
        self.check_fixture("example_loop_images.h5")

    def check_fixture(self, name):
        fixture = os.path.join(fixtures_dir(), name)
        if not os.path.exists(fixture):
            self.skipTest(f"{fixture} is not there (set REGBN_FIXTURES)")
        with h5py.File(fixture, "r") as source:
            config = json.loads(source.attrs["config"])
            f, g = torch.from_numpy(source["f"][()]), torch.from_numpy(source["g"][()])
            expected = {name: source["log"][name][()] for name in source["log"]}
        RegBN = load_official(official_code())
        torch.set_default_dtype(torch.float32)
        torch.manual_seed(0)
        module = RegBN(f_num_channels=f.shape[1], g_num_channels=g.shape[1], f_layer_dim=list(f.shape[2:]),
                       g_layer_dim=list(g.shape[2:]), gpu=0, **config["regbn_kwargs"])
        module.train()
        b, epochs, first = config["b"], config["epochs"], config["first_epoch"]
        path = os.path.join(tempfile.mkdtemp(), "log.h5")
        self.addCleanup(shutil.rmtree, os.path.dirname(path))
        log = regbn_log.RegBNLog(module, path, module_kwargs=config["regbn_kwargs"])
        dataset = torch.utils.data.TensorDataset(f, g)
        for e in range(epochs):  # the fixture's own per-epoch orders, through a recorded sampler
            loader = torch.utils.data.DataLoader(dataset, batch_size=b,
                                                 sampler=log.sampler(expected["order"][e].tolist()))
            for fb, gb in loader:
                with contextlib.redirect_stdout(io.StringIO()):
                    module(fb, gb, is_training=True, n_epoch=first + e, steps_per_epoch=len(loader))
        log.close()
        datasets, attrs = read_log(path)
        for dataset in ("order", "epoch_arg", "batch_size", "fallback"):
            np.testing.assert_array_equal(datasets[dataset], expected[dataset], err_msg=dataset)
        # The λ search is chaotic across torch builds; the fixture's stack is torch 2.15.
        np.testing.assert_allclose(datasets["lambda"], expected["lambda"], rtol=float(os.environ.get(
            "REGBN_LAMBDA_RTOL", "1e-6")))
        self.assertEqual((attrs["first_epoch"], attrs["steps_per_epoch"], bool(attrs["keep_last_batch"])),
                         (config["first_epoch"], config["steps_per_epoch"], not config["drop_last"]))
        print(f"{name}: official module, torch {torch.__version__}: max |Δλ|/λ = "
              f"{np.max(np.abs(datasets['lambda'] / expected['lambda'] - 1)):.2e}", file=sys.stderr)
        self.replay(log, fixture)

    def replay(self, log, fixture):
        """The second command of the README's path: regbn-analyze replays the log and lands on the official state."""
        binary = built_binary()
        if not binary or "--order" not in subprocess.run([binary, "normalize", "--help"], capture_output=True,
                                                         text=True).stdout:
            print("  (replay skipped: no regbn-analyze with --order)", file=sys.stderr)
            return
        out = os.path.join(os.path.dirname(log.path), "replay.h5")
        arguments = log.replay_arguments(f=f"{fixture}:/f", g=f"{fixture}:/g", out=out)
        print(f"  {log.replay_command(f=f'{fixture}:/f', g=f'{fixture}:/g', out=out)}", file=sys.stderr)
        result = subprocess.run([binary] + arguments[1:] + ["--quiet"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, f"{log.replay_command()}\n{result.stderr}")
        with h5py.File(out, "r") as replay, h5py.File(fixture, "r") as source:
            for got, want in (("W", "expected/state/W"), ("f", "expected/eval/f_r")):
                expected = source[want]
                tolerance = expected.attrs["atol"] + expected.attrs["rtol"] * np.abs(expected[()])
                difference = np.abs(replay[got][()].reshape(expected.shape) - expected[()])
                self.assertLessEqual(float(np.max(difference - tolerance)), 0.0, f"/{got} vs /{want}")
                print(f"  replayed /{got}: max |Δ| {difference.max():.2e} (within atol + rtol·|expected|)",
                      file=sys.stderr)


if __name__ == "__main__":
    sys.exit(quiet_unittest.main("regbn_log.py"))
