#!/usr/bin/env python3
"""Turn a regbn-analyze report directory into figures for a paper (PDF + PNG).

    python3 notebooks-data/plot_report.py REPORT_DIR [--out DIR]

Writes, into DIR (default REPORT_DIR/figures), each figure whose table the
report has:

  spectrum.{pdf,png}    singular-value spectra of the g batches (spectrum.csv),
                        flagged batches (batches.csv `flags`) highlighted
  crosscorr.{pdf,png}   channel cross-correlation f×g, raw next to RegBN,
                        on one shared colour scale (crosscorr.csv)
  dependence.{pdf,png}  every dependence measure raw vs RegBN, p-values
                        printed over the bars (summary.csv)

A report from `dependence` has no spectrum, one from `spectrum` no RegBN
stage: the missing figures are skipped with a note. Needs matplotlib and
pandas (`pip install matplotlib pandas`).
"""

import argparse
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only: works on headless CI machines

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.ticker import FormatStrFormatter  # noqa: E402

# The report tables and the columns each must have (issue 4, "Commands and reports").
COLUMNS = {
    "summary.csv": ["measure", "stage", "value", "p_value", "p_method", "n", "settings"],
    "crosscorr.csv": ["f_channel", "g_channel", "r_raw", "r_regbn"],
    "spectrum.csv": ["epoch", "step", "index", "singular_value", "normalized", "cumulative_energy"],
    "batches.csv": ["epoch", "step", "lambda", "lambda_root", "lambda_gap", "solver_iterations", "fallback",
                    "rank", "condition_number", "effective_rank", "stable_rank", "flags"],
}
REPORT_MARKERS = list(COLUMNS) + ["run.json", "channels.csv"]

# Display order and labels of the summary measures; unknown measures follow in file order.
MEASURES = {
    "hsic_b": "HSIC (biased)", "hsic_u": "HSIC (unbiased)", "hsic_normalized": "normalised HSIC (CKA)",
    "cka_linear": "linear CKA", "dcor": "distance correlation", "dcor_u2": "bias-corrected dCor²",
    "crosscorr_mean_abs": "mean |r| channels", "crosscorr_max_abs": "max |r| channels",
    "crosscorr_rms": "RMS r channels", "effective_rank_g": "effective rank of g", "stable_rank_g": "stable rank of g",
}
STAGE_COLOURS = {"raw": "#7f7f7f", "regbn": "#1f77b4"}
FLAG_COLOURS = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#2ca02c"]


class ReportError(Exception):
    """The directory is not a readable report; the message says what is wrong."""


def read_table(report, name):
    """The table as a DataFrame, or None when the report does not have it."""
    path = os.path.join(report, name)
    if not os.path.exists(path):
        return None
    try:
        table = pd.read_csv(path, keep_default_na=False, na_values=["nan", "NaN", ""], dtype={"flags": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ReportError(f"{path}: not a readable CSV table ({error})") from error
    missing = [c for c in COLUMNS[name] if c not in table.columns]
    if missing:
        raise ReportError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS[name])}"
                          " (was it written by another version of regbn-analyze?)")
    return table


def load_report(report):
    if not os.path.isdir(report):
        raise ReportError(f"{report}: no such directory; pass the --out directory of "
                          "`regbn-analyze audit`, `dependence` or `spectrum`")
    if not any(os.path.exists(os.path.join(report, m)) for m in REPORT_MARKERS):
        raise ReportError(f"{report}: not a regbn-analyze report (none of {', '.join(REPORT_MARKERS)} is there); "
                          "pass the --out directory of `regbn-analyze audit`, `dependence` or `spectrum`")
    return {name: read_table(report, name) for name in COLUMNS}


def save(fig, out, stem):
    paths = []
    for ext in ("pdf", "png"):
        path = os.path.join(out, f"{stem}.{ext}")
        fig.savefig(path, dpi=200, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def batch_flags(batches):
    """{(epoch, step): sorted tuple of flags} for the batches that have any."""
    flagged = {}
    if batches is None:
        return flagged
    for row in batches.itertuples(index=False):
        text = row.flags if isinstance(row.flags, str) else ""
        flags = tuple(sorted(f.strip() for f in text.split(";") if f.strip()))
        if flags:
            flagged[(row.epoch, row.step)] = flags
    return flagged


def plot_spectrum(spectrum, batches):
    """Left: s_i/s_max per batch (log scale); right: cumulative energy, 90 % marked."""
    flagged = batch_flags(batches)
    keys = list(spectrum.groupby(["epoch", "step"], sort=True, dropna=False).groups)
    # A flag that every batch carries (features-exceed-batch for conv maps, as a rule)
    # is a property of the layer, not of a batch: it goes in the title, and the
    # colours single out the batches that differ.
    common = set.intersection(*(set(flagged.get(k, ())) for k in keys)) if keys else set()
    flagged = {k: tuple(f for f in v if f not in common) for k, v in flagged.items()}
    fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(10, 4))
    groups = {}  # flag set (or () for clean) → list of (x, s/s_max) and (x, energy) polylines
    for key, batch in spectrum.groupby(["epoch", "step"], sort=True, dropna=False):
        batch = batch.sort_values("index")
        s = batch["singular_value"].to_numpy(dtype=float)
        top = np.nanmax(s) if np.isfinite(s).any() else np.nan
        if not np.isfinite(top) or top <= 0:
            continue  # a non-finite or all-zero batch has no spectrum to draw; its flag says so
        x = batch["index"].to_numpy(dtype=float) + 1
        lines = groups.setdefault(flagged.get(key, ()), ([], []))
        lines[0].append(np.column_stack([x, np.clip(s / top, 1e-16, None)]))
        lines[1].append(np.column_stack([x, batch["cumulative_energy"].to_numpy(dtype=float)]))

    order = sorted(groups, key=lambda flags: (flags != (), flags))  # clean batches first, underneath
    for i, flags in enumerate(order):
        spectra, energies = groups[flags]
        if flags:
            colour, width, alpha = FLAG_COLOURS[(i - (() in groups)) % len(FLAG_COLOURS)], 1.6, 0.9
            label = f"flagged {', '.join(flags)} ({len(spectra)})"
        else:
            colour, width, alpha = "#7f7f7f", 0.8, 0.5
            label = f"no {'other ' if common else ''}flag ({len(spectra)})"
        ax_s.add_collection(LineCollection(spectra, colors=colour, linewidths=width, alpha=alpha, label=label))
        ax_e.add_collection(LineCollection(energies, colors=colour, linewidths=width, alpha=alpha))
    ax_s.set_yscale("log")
    ax_s.autoscale()
    ax_s.set_xlabel("index i (descending order)")
    ax_s.set_ylabel("singular value $s_i / s_{max}$ (zeros at 1e-16)")
    ax_s.set_title("Spectra of the g batches")
    ax_s.legend(fontsize=7, loc="lower left")
    ax_e.autoscale()
    ax_e.axhline(0.9, color="black", linestyle=":", linewidth=0.8)
    ax_e.set_ylim(0, 1.02)
    ax_e.set_xlabel("index i")
    ax_e.set_ylabel("cumulative energy")
    ax_e.set_title("Cumulative energy (dotted: 90 %)")
    for ax in (ax_s, ax_e):
        ax.grid(alpha=0.3)
    n_batches = sum(len(groups[k][0]) for k in groups)
    title = f"{n_batches} batches"
    if batches is None:
        title += " (no batches.csv: flags unknown)"
    elif common:
        title += f"; every batch flagged {', '.join(sorted(common))}"
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def ordered(values):
    """Unique labels in order of first appearance (channels may be numbers or names)."""
    return list(dict.fromkeys(values))


def plot_crosscorr(crosscorr):
    f_labels, g_labels = ordered(crosscorr["f_channel"]), ordered(crosscorr["g_channel"])
    grids = {}
    for column in ("r_raw", "r_regbn"):
        grid = crosscorr.pivot_table(index="f_channel", columns="g_channel", values=column,
                                     aggfunc="first", dropna=False)
        grids[column] = grid.reindex(index=f_labels, columns=g_labels).to_numpy(dtype=float)
    both = np.concatenate([g.ravel() for g in grids.values()])
    finite = both[np.isfinite(both)]
    # One symmetric scale for both panels, so equal colours mean equal r.
    limit = max(float(np.max(np.abs(finite))) if finite.size else 1.0, 1e-12)
    has_regbn = np.isfinite(grids["r_regbn"]).any()
    panels = [("r_raw", "raw")] + ([("r_regbn", "after RegBN")] if has_regbn else [])

    rows, cols = len(f_labels), len(g_labels)
    # about 0.35 in a cell for small matrices, at most 7 in a panel for 64×64 and more
    width = min(7, max(3.5, 0.35 * cols + 2)) * len(panels) + 1
    height = min(7, max(2.2, 0.35 * rows + 1.8))
    fig, axes = plt.subplots(1, len(panels), figsize=(width, height), squeeze=False, constrained_layout=True)
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="#d9d9d9")  # NaN: a zero-variance channel
    for ax, (column, title) in zip(axes[0], panels):
        grid = grids[column]
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-limit, vmax=limit,
                          aspect="auto", interpolation="nearest")
        finite_grid = grid[np.isfinite(grid)]
        summary = (f"mean |r| {np.mean(np.abs(finite_grid)):.3f}, max |r| {np.max(np.abs(finite_grid)):.3f}"
                   if finite_grid.size else "no finite r")
        ax.set_title(f"{title}\n{summary}", fontsize=9)
        ax.set_xlabel("g channel")
        ax.set_ylabel("f channel")
        if rows * cols <= 144:  # small matrices: write r in each cell
            for i in range(rows):
                for j in range(cols):
                    v = grid[i, j]
                    ax.text(j, i, "nan" if not np.isfinite(v) else f"{v:.2f}", ha="center", va="center",
                            fontsize=7, color="white" if np.isfinite(v) and abs(v) > 0.6 * limit else "black")
        for setter, labels in ((ax.set_xticks, g_labels), (ax.set_yticks, f_labels)):
            step = max(1, math.ceil(len(labels) / 16))
            setter(range(0, len(labels), step), [str(l) for l in labels[::step]])
    fig.colorbar(image, ax=axes[0].tolist(), label="Pearson r (channel means)", shrink=0.9)
    return fig, has_regbn


def p_text(p_value, p_method):
    if not isinstance(p_method, str) or not p_method or pd.isna(p_value):
        return None
    method = p_method.replace("permutation:", "perm. R=")
    return ("p < 1e-300" if p_value == 0 else f"p = {p_value:.2g}") + f" ({method})"


def plot_dependence(summary):
    names = ordered([m for m in MEASURES if m in set(summary["measure"])] + list(summary["measure"]))
    columns = min(4, len(names))
    rows = math.ceil(len(names) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.3 * columns, 2.9 * rows), squeeze=False)
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    for ax, name in zip(axes.ravel(), names):
        rows_of = summary[summary["measure"] == name]
        stages = ordered([s for s in ("raw", "regbn") if s in set(rows_of["stage"])] + list(rows_of["stage"]))
        values, ticks = [], []
        for stage in stages:
            at = rows_of[rows_of["stage"] == stage]
            finite = at["value"].dropna()
            values.append(float(finite.iloc[0]) if len(finite) else np.nan)
            # a measure may carry a gamma and a permutation p-value on separate rows
            notes = [t for t in (p_text(r.p_value, r.p_method) for r in at.itertuples()) if t]
            ticks.append("\n".join([{"regbn": "RegBN"}.get(stage, stage)] + notes))
        x = np.arange(len(stages))
        ax.bar(x, [v if np.isfinite(v) else 0.0 for v in values], color=[STAGE_COLOURS.get(s, "#2ca02c") for s in stages],
               width=0.6)
        for xi, value in zip(x, values):
            ax.text(xi, max(value, 0) if np.isfinite(value) else 0, f"{value:.3g}",  # also "nan", "inf"
                    ha="center", va="bottom", fontsize=7)
        finite = [v for v in values if np.isfinite(v)]
        top, lowest = max([abs(v) for v in finite] + [1e-300]), min(finite + [0.0])
        ax.set_ylim(lowest * 1.2 if lowest < 0 else 0, top * 1.18)
        ax.set_xticks(x, ticks)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_title(MEASURES.get(name, name), fontsize=9)
        ax.tick_params(labelsize=6.5)
        ax.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))  # no offset text over the title
    n = summary["n"].dropna()
    fig.suptitle("Dependence between f and g, raw vs after RegBN" + (f" (n = {int(n.iloc[0])})" if len(n) else ""),
                 fontsize=10)
    fig.tight_layout()
    return fig


def plot_report(report, out):
    """Writes the figures the report supports; returns (written paths, notes on skipped figures)."""
    tables = load_report(report)
    os.makedirs(out, exist_ok=True)
    written, notes = [], []
    if tables["spectrum.csv"] is not None and len(tables["spectrum.csv"]):
        written += save(plot_spectrum(tables["spectrum.csv"], tables["batches.csv"]), out, "spectrum")
    else:
        notes.append("spectrum: skipped, the report has no spectrum.csv (written by `audit` and `spectrum`)")
    if tables["crosscorr.csv"] is not None and len(tables["crosscorr.csv"]):
        fig, has_regbn = plot_crosscorr(tables["crosscorr.csv"])
        written += save(fig, out, "crosscorr")
        if not has_regbn:
            notes.append("crosscorr: raw only, r_regbn is nan throughout (no RegBN stage in this report)")
    else:
        notes.append("crosscorr: skipped, the report has no crosscorr.csv")
    if tables["summary.csv"] is not None and len(tables["summary.csv"]):
        written += save(plot_dependence(tables["summary.csv"]), out, "dependence")
    else:
        notes.append("dependence: skipped, the report has no summary.csv")
    return written, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", metavar="REPORT_DIR", help="a report directory written by regbn-analyze")
    parser.add_argument("--out", metavar="DIR", help="where to write the figures (default REPORT_DIR/figures)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    try:
        written, notes = plot_report(args.report, args.out or os.path.join(args.report, "figures"))
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not written:
        print(f"error: {args.report}: the report has none of summary.csv, crosscorr.csv, spectrum.csv to plot",
              file=sys.stderr)
        return 3
    if not args.quiet:
        for path in written:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
