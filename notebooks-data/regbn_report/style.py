"""What every figure shares: the style file, the stage colours and names, measure labels, saving.

Stages keep one colour and one marker in every figure, and the markers differ too, so a
figure still reads when printed in grey.
"""

import os

import matplotlib

matplotlib.use("Agg")  # files only: works on headless CI machines

import matplotlib.pyplot as plt  # noqa: E402

STYLE_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "regbn.mplstyle")

# Okabe–Ito colours (see regbn.mplstyle).
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE, GREY = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#8C8C8C")

# stage → (label, colour, marker); unknown stages get the spare colours in order of appearance.
STAGES = {
    "raw": ("raw", BLACK, "o"),
    "regbn": ("RegBN", BLUE, "s"),
    "ols": ("OLS regress-out", VERMILLION, "D"),
    "ols-batch": ("OLS per batch", PURPLE, "^"),
}
SPARE = [(GREEN, "v"), (ORANGE, "P"), (SKY, "X")]
DIFFERENCES = {"difference": "regbn", "difference-ols": "ols", "difference-ols-batch": "ols-batch"}
NULL_STAGE = "null"

# Measure → (family, label). The families share an axis in the dependence figure.
MEASURES = {
    "hsic_normalized": ("kernel", "normalised HSIC (RBF CKA)"),
    "cka_linear": ("kernel", "linear CKA"),
    "dcor": ("distance", "distance correlation"),
    "dcor_u2": ("distance", "bias-corrected dCor²"),
    "crosscorr_mean_abs": ("channel", "mean |r| over channel pairs"),
    "crosscorr_max_abs": ("channel", "max |r| over channel pairs"),
    "crosscorr_rms": ("channel", "RMS r over channel pairs"),
    "hsic_b": ("hsic", "HSIC (biased)"),
    "hsic_u": ("hsic", "HSIC (unbiased)"),
    "effective_rank_g": ("spectrum", "effective rank of g batches"),
    "stable_rank_g": ("spectrum", "stable rank of g batches"),
}
FAMILIES = {
    "kernel": "kernel dependence",
    "distance": "distance dependence",
    "channel": "channel cross-correlation",
}

# batches.csv flags in words a reader understands.
FLAG_TEXT = {
    "features-exceed-batch": "g has more features than the batch has samples",
    "rank-deficient": "rank-deficient batches, numerical rank below the batch size",
    "ill-conditioned": "ill-conditioned batches, very large condition number",
    "lambda-unstable": "batches where the official λ search is fragile, > 5 % from the exact root",
    "lambda-fallback": "batches where the λ search failed and RegBN fell back to λ = 0",
    "non-finite": "batches with NaN or Inf values",
}


def use_style():
    plt.style.use(STYLE_FILE)


def stage_look(stage, seen=None):
    """(label, colour, marker) of a stage; `seen` (a list) keeps spare colours stable across panels."""
    if stage in STAGES:
        return STAGES[stage]
    if seen is not None:
        if stage not in seen:
            seen.append(stage)
        colour, marker = SPARE[seen.index(stage) % len(SPARE)]
    else:
        colour, marker = SPARE[0]
    return stage, colour, marker


def stage_order(stages):
    """The known stages in their reading order, then the others in order of appearance."""
    stages = list(dict.fromkeys(stages))
    known = [s for s in STAGES if s in stages]
    return known + [s for s in stages if s not in STAGES]


def measure_label(measure):
    return MEASURES.get(measure, (None, measure))[1]


def save(fig, out, stem):
    """Writes STEM.pdf (vector) and STEM.png (300 dpi); returns both paths."""
    paths = []
    for ext in ("pdf", "png"):
        path = os.path.join(out, f"{stem}.{ext}")
        fig.savefig(path, dpi=300)
        paths.append(path)
    plt.close(fig)
    return paths
