#!/usr/bin/env python3
"""Tests of the dump guide's aliasing fix: the old hook keeps what a later in-place op overwrites.

    python3 notebooks-data/test_dump_features.py

Without PyTorch (CI), a NumPy stand-in tensor with the CPU memory semantics of the torch
methods the hooks call (detach, cpu, float and numpy share memory; to(copy=True) and clone
copy) runs both hooks through an in-place ReLU. With PyTorch, the same is checked on real
tensors, the stand-in's semantics are checked against torch's, and the guide's self-test
(a conv followed by nn.ReLU(inplace=True)) runs with both hooks: the old one must fail it.
"""

import contextlib
import io
import os
import sys
import tempfile
import unittest
from unittest import mock

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quiet_unittest  # noqa: E402
import dump_features  # noqa: E402

torch = dump_features.torch


def aliased_snapshot(output):
    """The guide's hook before the fix: on the CPU every step returns a view of the activation."""
    return output.detach().float().cpu().numpy()


class CpuTensor:
    """A float32 CPU tensor as far as the hooks are concerned: which calls share memory, which copy."""

    def __init__(self, array):
        self.array = array

    def detach(self):
        return CpuTensor(self.array)  # same storage, no autograd

    def cpu(self):
        return self  # already on the CPU: torch returns the tensor itself

    def float(self):
        return self if self.array.dtype == np.float32 else CpuTensor(self.array.astype(np.float32))

    def to(self, device, copy=False):
        return CpuTensor(self.array.copy()) if copy else self

    def clone(self):
        return CpuTensor(self.array.copy())

    def numpy(self):
        return self.array  # shares memory, like torch's

    def relu_(self):
        np.maximum(self.array, 0, out=self.array)
        return self


def conv_output(tensor_type):
    values = np.array([[-1.5, 2.0], [0.5, -0.25]], dtype=np.float32)
    return tensor_type(values.copy()), values


class StandInTensor(unittest.TestCase):
    def test_the_fixed_snapshot_survives_an_in_place_relu(self):
        activation, before = conv_output(CpuTensor)
        kept = dump_features.snapshot(activation)
        activation.relu_()  # what nn.ReLU(inplace=True) does after the hooked conv
        np.testing.assert_array_equal(kept, before)
        self.assertEqual(kept.dtype, np.float32)

    def test_the_old_hook_keeps_the_overwritten_values(self):
        activation, before = conv_output(CpuTensor)
        kept = aliased_snapshot(activation)
        activation.relu_()
        np.testing.assert_array_equal(kept, np.maximum(before, 0))  # the dump would hold ReLU(conv)
        self.assertFalse(np.array_equal(kept, before))

    def test_without_torch_the_self_test_says_it_is_skipped(self):
        out = io.StringIO()
        with mock.patch.object(dump_features, "torch", None), contextlib.redirect_stdout(out):
            self.assertEqual(dump_features.self_test(), 0)
        self.assertIn("skipped: PyTorch is not installed", out.getvalue())


@unittest.skipIf(torch is None, "PyTorch is not installed")
class RealTorch(unittest.TestCase):
    def run_self_test(self):
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            status = dump_features.self_test()
        return status, out.getvalue(), err.getvalue()

    def test_the_stand_in_shares_and_copies_like_torch(self):
        for call, shares in ((lambda t: t.detach(), True), (lambda t: t.cpu(), True), (lambda t: t.float(), True),
                             (lambda t: t.to("cpu", copy=True), False), (lambda t: t.clone(), False)):
            real, _ = conv_output(lambda a: torch.from_numpy(a))
            fake, _ = conv_output(CpuTensor)
            real_view, fake_view = call(real).numpy(), call(fake).numpy()
            real.relu_()
            fake.relu_()
            self.assertEqual(bool((real_view >= 0).all()), shares)
            self.assertEqual(bool((fake_view >= 0).all()), shares)

    def test_real_tensors_behave_like_the_stand_in(self):
        activation, before = conv_output(lambda a: torch.from_numpy(a))
        fixed, old = dump_features.snapshot(activation), aliased_snapshot(activation)
        activation.relu_()
        np.testing.assert_array_equal(fixed, before)
        np.testing.assert_array_equal(old, np.maximum(before, 0))

    def test_the_self_test_passes_with_the_fixed_hook(self):
        status, out, err = self.run_self_test()
        self.assertEqual(status, 0, err)
        self.assertIn("self-test ok", out)

    def test_the_self_test_catches_the_old_hook(self):
        with mock.patch.object(dump_features, "snapshot", aliased_snapshot):
            status, _, err = self.run_self_test()
        self.assertEqual(status, 1)
        self.assertIn("/f: values differ from a direct forward pass", err)
        self.assertIn("/g: values differ from a direct forward pass", err)  # BatchNorm, then an in-place ReLU

    def test_labels_and_ids_of_a_loader_without_integer_labels(self):
        torch.manual_seed(1)
        model = dump_features.self_test_model()
        n = 10
        dataset = torch.utils.data.TensorDataset(torch.randn(n, 1, 16, 16), torch.randn(n, 3, 16, 16),
                                                 torch.randn(n, 2))  # not labels: no /labels, a warning
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "features.h5")
            with self.assertWarnsRegex(UserWarning, "no /labels written"):
                dump_features.dump_features(model, torch.utils.data.DataLoader(dataset, batch_size=4),
                                            {"f": model.gray_conv, "g": model.colour[1]}, path)
            with h5py.File(path, "r") as result:
                self.assertNotIn("labels", result)
                np.testing.assert_array_equal(result["ids"][()], np.arange(n))
                self.assertEqual(result["ids"].attrs["source"], "dataset index drawn by the loader's sampler")


if __name__ == "__main__":
    sys.exit(quiet_unittest.main("dump_features.py"))
