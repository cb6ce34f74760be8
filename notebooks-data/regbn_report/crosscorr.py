"""The cross-correlation figure: f×g channel correlations raw, after each stage, and the change.

Channels (rows: f, columns: g) are ordered by average-linkage clustering of the raw matrix,
so blocks of related channels show as blocks instead of a checkerboard; every panel uses
that one order and one symmetric colour scale, so equal colours mean equal r. The last
panel is raw − RegBN: what the normalisation removed. Grey cells are NaN (a channel with
zero variance has no correlation; the tool reports it rather than inventing a number).
"""

import matplotlib.pyplot as plt
import numpy as np

from . import style
from .clustering import cluster_order
from .tables import operand_roles

MAX_ANNOTATED_CELLS = 144  # up to 12×12, each cell carries its r


def grids(crosscorr):
    """(f labels, g labels, {stage: [C_f, C_g] matrix}) for every r_* column with a finite value."""
    f_labels = list(dict.fromkeys(crosscorr["f_channel"]))
    g_labels = list(dict.fromkeys(crosscorr["g_channel"]))
    matrices = {}
    for column in [c for c in crosscorr.columns if c.startswith("r_")]:
        grid = crosscorr.pivot_table(index="f_channel", columns="g_channel", values=column, aggfunc="first",
                                     dropna=False)
        matrix = grid.reindex(index=f_labels, columns=g_labels).to_numpy(dtype=float)
        if np.isfinite(matrix).any():
            matrices[column[2:]] = matrix
    return f_labels, g_labels, matrices


def panel_summary(matrix, symbol="r"):
    finite = np.abs(matrix[np.isfinite(matrix)])
    return f"mean |{symbol}| {finite.mean():.3f}, max {finite.max():.3f}" if finite.size else "no finite r"


def axis_name(role, names):
    """"g channel" or "g channel (colour.conv4)" when the layer has a name of its own."""
    name = names.get(role, role)
    return f"{role} channel" + (f" ({name})" if name != role else "")


def annotate(ax, matrix, limit):
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            v = matrix[i, j]
            ax.text(j + 0.5, i + 0.5, "nan" if not np.isfinite(v) else f"{v:.2f}", ha="center", va="center", fontsize=6,
                    color="white" if np.isfinite(v) and abs(v) > 0.6 * limit else "black")


def set_channel_ticks(ax, f_labels, g_labels, rows, cols):
    for setter, labels, order in ((ax.set_xticks, g_labels, cols), (ax.set_yticks, f_labels, rows)):
        step = max(1, int(np.ceil(len(order) / 12)))
        setter(np.arange(0, len(order), step) + 0.5, [str(labels[k]) for k in order[::step]])
    ax.tick_params(axis="x", labelrotation=90 if len(cols) > 12 else 0)


def plot_crosscorr(crosscorr, names, use_scipy=True):
    """(figure, stages shown) or (None, []) when no matrix has a finite value."""
    f_labels, g_labels, matrices = grids(crosscorr)
    if "raw" not in matrices:
        return None, []
    raw = matrices["raw"]
    rows = cluster_order(raw, use_scipy) if raw.shape[0] > 2 else list(range(raw.shape[0]))
    cols = cluster_order(raw.T, use_scipy) if raw.shape[1] > 2 else list(range(raw.shape[1]))
    stages = style.stage_order(matrices)
    panels = [("r", ("raw" if stage == "raw" else "after " + style.stage_look(stage)[0]), matrices[stage])
              for stage in stages]
    if "regbn" in matrices:
        panels.append(("Δr", "raw − RegBN (removed)", raw - matrices["regbn"]))
    values = np.concatenate([m.ravel() for _, _, m in panels])
    finite = values[np.isfinite(values)]
    limit = max(float(np.max(np.abs(finite))) if finite.size else 1.0, 1e-12)

    style.use_style()
    first, second = operand_roles(names)  # the table calls them f_channel and g_channel either way
    n_rows, n_cols = raw.shape
    # inches per cell: 64 channels fit 2.1 in, and a panel is never narrower than its title
    cell = min(0.55, max(min(0.32, 2.1 / max(n_rows, n_cols)), 1.6 / n_cols))
    flat = cell * n_rows < 1.2  # a short panel takes its colour bar underneath
    width = len(panels) * (cell * n_cols + 0.45) + (0.5 if flat else 1.0)
    height = cell * n_rows + (1.7 if flat else 1.3)
    fig, axes = plt.subplots(1, len(panels), figsize=(max(width, 4.0), height), squeeze=False)
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="#d9d9d9")
    for ax, (symbol, title, matrix) in zip(axes[0], panels):
        ordered = matrix[np.ix_(rows, cols)]
        # pcolormesh, not imshow: cells stay vector shapes in the PDF
        image = ax.pcolormesh(np.ma.masked_invalid(ordered), cmap=cmap, vmin=-limit, vmax=limit, edgecolors="face",
                              linewidth=0)
        ax.set_xlim(0, n_cols)
        ax.set_ylim(n_rows, 0)
        ax.set_aspect("equal")
        ax.set_title(f"{title}\n{panel_summary(matrix, symbol)}", loc="center", fontsize=7)
        if n_rows * n_cols <= MAX_ANNOTATED_CELLS:
            annotate(ax, ordered, limit)
        set_channel_ticks(ax, f_labels, g_labels, rows, cols)
        ax.set_xlabel(axis_name(second, names))
        for spine in ax.spines.values():
            spine.set_visible(False)
    axes[0][0].set_ylabel(axis_name(first, names))
    if flat:
        bar = fig.colorbar(image, ax=axes[0].tolist(), label="Pearson r of channel means", orientation="horizontal",
                           location="bottom", shrink=0.35, aspect=25)
    else:
        bar = fig.colorbar(image, ax=axes[0].tolist(), label="Pearson r of channel means", shrink=0.9)
    bar.solids.set_rasterized(False)  # matplotlib rasterises long colour bars; keep the PDF all vector
    bar.outline.set_visible(False)
    ordered_by = "clustering of the raw matrix" if max(n_rows, n_cols) > 2 else "index"
    fig.suptitle(f"Channel cross-correlation of {names.get(first, first)} and {names.get(second, second)}\n"
                 f"(channels ordered by {ordered_by}; one colour scale)", fontsize=8)
    return fig, stages
