"""The spectrum figure: how fast the singular values of the g batches fall, as RegBN sees them.

Left: the normalised singular values s_i/s_1 per index, as the median over batches with the
interquartile band (log scale), one line per stage; batches that carry a flag in batches.csv
are drawn as markers, one marker per flag, with the flag said in words. Right: the
cumulative energy, with the 90 % level. A flag that every batch carries (for conv maps,
"more features than samples") is a property of the layer and goes in the subtitle instead.
"""

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from . import style

FLAG_MARKERS = [("x", style.VERMILLION), ("+", style.ORANGE), ("^", style.PURPLE), ("v", style.GREEN),
                ("D", style.SKY), ("s", style.BLACK)]
TINY = 1e-16  # where exact zeros are drawn on the log axis


def batch_flags(batches):
    """{(epoch, step): tuple of flags} for every batch of batches.csv (empty tuple: no flag)."""
    if batches is None:
        return {}
    return {(row.epoch, row.step): tuple(f.strip() for f in row.flags.split(";") if f.strip())
            for row in batches.itertuples(index=False)}


def spectra_of(spectrum):
    """{stage: {(epoch, step): (s/s_1, cumulative energy)}} in index order."""
    stage_column = "stage" if "stage" in spectrum.columns else None
    result = {}
    for key, batch in spectrum.groupby(([stage_column] if stage_column else []) + ["epoch", "step"], sort=False):
        stage, epoch, step = key if stage_column else ("", *key)
        batch = batch.sort_values("index")
        s = batch["singular_value"].to_numpy(dtype=float)
        top = np.nanmax(s) if np.isfinite(s).any() else np.nan
        if not np.isfinite(top) or top <= 0:
            continue  # a non-finite or all-zero batch has no spectrum to draw; its flag says so
        energy = batch["cumulative_energy"].to_numpy(dtype=float)
        result.setdefault(stage, {})[(epoch, step)] = (np.clip(s / top, TINY, None), energy)
    return result


def quartiles(curves):
    """Index-wise 25th, 50th and 75th percentiles over curves of possibly different lengths."""
    length = max(len(c) for c in curves)
    stacked = np.full((len(curves), length), np.nan)
    for row, curve in zip(stacked, curves):
        row[:len(curve)] = curve
    return np.nanpercentile(stacked, [25, 50, 75], axis=0)


def flag_text(flag, count, total):
    return f"{style.FLAG_TEXT.get(flag, flag)} ({count} of {total})"


def layer_sentence(common, run, names):
    """The subtitle: what every batch shares, with the numbers behind it when run.json has them."""
    if "features-exceed-batch" not in common:
        return ", ".join(style.FLAG_TEXT.get(f, f) for f in sorted(common))
    g = next((i for i in run.get("inputs", []) if isinstance(i, dict) and i.get("role") in ("g", "x")), None)
    batch = run.get("configuration", {}).get("batch_size")
    features = math.prod(g["shape"][1:]) if g and isinstance(g.get("shape"), list) and len(g["shape"]) > 1 else None
    others = [style.FLAG_TEXT.get(f, f) for f in sorted(common - {"features-exceed-batch"})]
    if features and batch:
        name = names.get(g["role"], g["role"])
        text = (f"every batch: {name} has {features} features per sample against {batch} samples, "
                f"so at most {min(features, batch)} singular values can be non-zero")
    else:
        text = "every batch: " + style.FLAG_TEXT["features-exceed-batch"]
    return "; ".join([text] + others)


def stage_title(stage, run):
    if stage:
        return style.stage_look(stage)[0]
    if run.get("command") in ("audit", "normalize"):
        return "normalised g of each RegBN training step"
    return "consecutive batches"


def plot_spectrum(spectrum, batches, run, names):
    """The figure, or None when no batch has a spectrum."""
    spectra = spectra_of(spectrum)
    if not spectra:
        return None
    flags = batch_flags(batches)
    keys = [k for per_stage in spectra.values() for k in per_stage]
    common = set.intersection(*(set(flags.get(k, ())) for k in keys)) if flags else set()
    style.use_style()
    fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(7.0, 3.0), gridspec_kw={"width_ratios": [1.35, 1]})
    handles = []
    spare = []
    for stage, per_batch in spectra.items():
        label, colour, _ = style.stage_look(stage, spare) if stage else ("", style.BLUE, "o")
        values, energies = zip(*per_batch.values())
        for ax, curves in ((ax_s, values), (ax_e, energies)):
            low, mid, high = quartiles(curves)
            x = np.arange(1, len(mid) + 1)
            ax.fill_between(x, low, high, color=colour, alpha=0.25, linewidth=0)
            ax.plot(x, mid, color=colour, linewidth=1.3)
        handles.append(Line2D([], [], color=colour, linewidth=1.3,
                              label=f"median, {stage_title(stage, run)} ({len(per_batch)} batches)"))
        handles.append(Patch(color=colour, alpha=0.25, linewidth=0, label="interquartile range over batches"))

    total = len(keys)
    flag_counts = {}
    for key in keys:
        for flag in flags.get(key, ()):
            if flag not in common:
                flag_counts[flag] = flag_counts.get(flag, 0) + 1
    for (flag, count), (marker, colour) in zip(sorted(flag_counts.items()), FLAG_MARKERS):
        for per_batch in spectra.values():
            for key, (values, _) in per_batch.items():
                if flag in flags.get(key, ()):
                    x = np.arange(1, len(values) + 1)
                    ax_s.plot(x, values, linestyle="none", marker=marker, color=colour, markersize=2.6,
                              markeredgewidth=0.6, alpha=0.8, markevery=max(1, len(values) // 25), zorder=3)
        handles.append(Line2D([], [], linestyle="none", marker=marker, color=colour, markersize=4,
                              label=flag_text(flag, count, total)))

    ax_s.set_yscale("log")
    ax_s.set_xlabel("singular value index i")
    zeros = any((values <= TINY).any() for per_batch in spectra.values() for values, _ in per_batch.values())
    ax_s.set_ylabel("$s_i / s_1$ (log scale" + ("; zeros at $10^{-16}$)" if zeros else ")"))
    for ax in (ax_s, ax_e):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_s.set_title("normalised singular values")
    ax_s.grid(which="major", axis="y")
    ax_e.axhline(0.9, color=style.GREY, linestyle=":", linewidth=0.8)
    ax_e.text(ax_e.get_xlim()[1], 0.9, "90 %", color=style.GREY, ha="right", va="bottom", fontsize=6)
    ax_e.set_ylim(0, 1.02)
    ax_e.set_xlabel("number of components k")
    ax_e.set_ylabel("share of energy in the first k")
    ax_e.set_title("cumulative energy")
    ax_e.grid(axis="y")
    ranks = rank_note(batches)
    if ranks:
        handles.append(Line2D([], [], linestyle="none", label=ranks))
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=6.5)
    operand = next((i.get("role") for i in run.get("inputs", []) if isinstance(i, dict)
                    and i.get("role") in ("g", "x")), "g")  # `spectrum --x` reads its operand as x
    title = f"Singular-value spectra of the {names.get(operand, operand)} batches"
    if batches is None:
        title += " (no batches.csv: flags unknown)"
    elif common:
        title += "\n" + textwrap.fill(layer_sentence(common, run, names), 90)
    fig.suptitle(title)
    return fig


def rank_note(batches):
    """"median effective rank 35.0, stable rank 3.84" from batches.csv, when it has them."""
    if batches is None or not {"effective_rank", "stable_rank"} <= set(batches.columns):
        return None
    effective = batches["effective_rank"].astype(float).median()
    stable = batches["stable_rank"].astype(float).median()
    if not (np.isfinite(effective) and np.isfinite(stable)):
        return None
    return f"median over batches: effective rank {effective:.1f}, stable rank {stable:.2f}"
