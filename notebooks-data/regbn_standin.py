"""Stand-ins for the official RegBN module, for testing regbn_log.py where the official code is absent.

TEST SUPPORT ONLY. The official module (GPL, not in this repository) is an nn.Module whose
training call runs `self.W_calc.compute(...)`, which returns (W_plus, λ, not_found). These
classes have the same names where regbn_log.py looks (forward(f, g, is_training, n_epoch,
steps_per_epoch), W_calc.compute, W, beta1, beta2, Momentum, sigma_THR, sigma_MIN, norm_f,
norm_f_out, lambda_set, update_Lambda) and do a small ridge step of their own, written here
from the method's description: λ solves Σ_i (s_i² / (s_i² + λ))² = 1 over the singular values
of the g batch (found by bisection, not the official L-BFGS search), and a batch with no
such λ (a constant g) falls back to λ = 0. Numbers from them mean nothing beyond the test.

    StandInRegBN       pure NumPy (for CI, where PyTorch is not installed)
    torch_standin()    the same as a torch.nn.Module (when PyTorch is installed)
"""

import numpy as np

LAMBDA_MAX = 1e8


def lambda_of(s):
    """(λ, found): the root of Σ (s²/(s²+λ))² = 1 in (0, 1e8), by bisection on log λ."""
    s2 = np.asarray(s, dtype=np.float64) ** 2
    excess = lambda lam: float(np.sum((s2 / (s2 + lam)) ** 2)) - 1.0  # noqa: E731  decreasing in λ
    low, high = 1e-12, LAMBDA_MAX
    if not np.isfinite(excess(low)) or excess(low) <= 0 or excess(high) > 0:
        return 0.0, False
    for _ in range(200):
        middle = np.sqrt(low * high)
        low, high = (middle, high) if excess(middle) > 0 else (low, middle)
    return float(np.sqrt(low * high)), True


class Identity:
    pass


class StandInEstimator:
    """W_calc: compute(x, u, s, v, lambda_set) → (W_plus [Q, b], λ, not_found)."""

    def compute(self, x, u, s_diag, v, lambda_set):
        lam, found = lambda_of(s_diag)
        scale = np.divide(s_diag, s_diag ** 2 + lam, out=np.zeros_like(s_diag), where=(s_diag ** 2 + lam) > 0)
        return v @ np.diag(scale) @ u.T, np.float32(lam), not found


class StandInRegBN:
    """A NumPy module with the official module's names where regbn_log.py hooks in."""

    def __init__(self, f_num_channels, g_num_channels, f_layer_dim, g_layer_dim, beta1=0.9, beta2=0.99,
                 momentum=0.02, normalize_input=False, normalize_output=True, affine=False, sigma_THR=0.0,
                 sigma_MIN=0.0, verbose=False, gpu=0):
        self.f_num_channels, self.g_num_channels = f_num_channels, g_num_channels
        self.beta1, self.beta2, self.Momentum = beta1, beta2, momentum
        self.sigma_THR, self.sigma_MIN = sigma_THR, sigma_MIN
        self.norm_f = self.norm_g = Identity()  # the official module's names for its input normalisation
        self.norm_f_out = self.norm_g_out = Identity()
        f_size = f_num_channels * int(np.prod(f_layer_dim or [1]))
        g_size = g_num_channels * int(np.prod(g_layer_dim or [1]))
        self.W = np.zeros((g_size, f_size), dtype=np.float32)
        self.W_calc = StandInEstimator()
        self.lambda_set = []
        self.training_calls = 0

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)  # what nn.Module.__call__ does, hooks aside

    def update_Lambda(self, lam, n_keep=21):
        self.lambda_set = self.lambda_set[-max(n_keep, 1):] + [float(lam)]

    def forward(self, f, g, is_training=None, n_epoch=None, steps_per_epoch=None):
        if np.isnan(f).any() or np.isnan(g).any():
            return f, g  # like the official module: a NaN batch passes through untouched
        b = len(f)
        F, G = f.reshape(b, -1).astype(np.float64), g.reshape(b, -1).astype(np.float64)
        if is_training:
            self.training_calls += 1
            u, s, vh = np.linalg.svd(G, full_matrices=False)
            W_plus, lam, not_found = self.W_calc.compute(G, u, s, vh.T, self.lambda_set)
            W_hat = W_plus @ F
            self.W = (0.9 * self.W + 0.1 * W_hat).astype(np.float32)
            self.update_Lambda(lam, n_keep=steps_per_epoch)
        else:
            W_hat = self.W
        return (F - G @ W_hat).reshape(f.shape), g


def torch_standin(**kwargs):
    """The stand-in as a torch.nn.Module (called through nn.Module.__call__, λ a tensor with grad)."""
    import torch
    from torch import nn

    class TorchEstimator:
        def compute(self, x, u, s_diag, v, lambda_set):
            lam, found = lambda_of(s_diag.detach().double().numpy())
            lam_t = torch.tensor([lam], dtype=u.dtype, requires_grad=True)
            W_plus = (v @ torch.diag(s_diag / (s_diag ** 2 + lam_t)) @ u.t()).detach()
            return W_plus, lam_t, not found

    class TorchStandIn(nn.Module):
        def __init__(self, f_num_channels, g_num_channels, f_layer_dim, g_layer_dim, normalize_input=False,
                     affine=False, sigma_THR=0.0, sigma_MIN=0.0, **_):
            super().__init__()
            self.f_num_channels, self.g_num_channels = f_num_channels, g_num_channels
            self.beta1, self.beta2, self.Momentum = 0.9, 0.99, 0.02
            self.sigma_THR, self.sigma_MIN = sigma_THR, sigma_MIN
            self.norm_f = nn.LayerNorm([f_num_channels] + f_layer_dim, elementwise_affine=affine) \
                if normalize_input else nn.Identity()
            self.norm_f_out = nn.Identity()
            f_size = f_num_channels * int(np.prod(f_layer_dim or [1]))
            g_size = g_num_channels * int(np.prod(g_layer_dim or [1]))
            self.register_buffer("W", torch.zeros(g_size, f_size))
            self.W_calc = TorchEstimator()
            self.lambda_set = torch.tensor(())

        def forward(self, f, g, is_training=None, n_epoch=None, steps_per_epoch=None):
            b = f.shape[0]
            F, G = self.norm_f(f).reshape(b, -1), g.reshape(b, -1)
            if is_training:
                u, s, vh = torch.linalg.svd(G, full_matrices=False)
                W_plus, lam, not_found = self.W_calc.compute(G, u, s, vh.mH, self.lambda_set)
                W_hat = W_plus @ F
                with torch.no_grad():
                    self.W = 0.9 * self.W + 0.1 * W_hat
                self.lambda_set = torch.cat((self.lambda_set[-max(steps_per_epoch, 1):], lam.detach().float()))
            else:
                W_hat = self.W
            return (F - G @ W_hat).reshape(f.shape), g

    return TorchStandIn(**kwargs)
