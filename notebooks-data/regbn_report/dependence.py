"""The dependence figure: every measure of summary.csv as a dot with its interval, per stage.

A forest plot: one row of panels per pair (f~g, then the confounder pairs), and in it one
axis per measure family (kernel, distance, channel), so values on one scale sit on one axis.
Each measure has a line per stage (raw, RegBN, OLS, ...) and per condition (marginal: filled
marker; within strata: hollow marker); the bootstrap interval is the horizontal bar, the
shuffled-pairs control (stage `null`) a dashed grey mark across the measure's lines, and the
p-value is printed at the right end of its line. When the report has `difference` rows
(raw − RegBN from a paired bootstrap), a second column shows them on their own axis.

Left out on purpose: HSIC_b and HSIC_u, whose scale depends on the kernel bandwidth (their
tests are the same as normalised HSIC's, whose line carries their p-value), and the ranks
of g, which describe one operand rather than a dependence (the spectrum figure shows them).
"""

import re

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from . import style
from .tables import pair_label

# Measures whose p-value may come from another measure's test: permuting y leaves
# HSIC_b(K, K) and HSIC_b(L, L) unchanged, so normalised HSIC has HSIC_b's permutation test.
P_VALUE_FROM = {"hsic_normalized": "hsic_b"}
PREFERRED_P = ("stratified-permutation", "permutation", "gamma")
SLOT = 0.16  # inches of figure height per line


def pair_order(pairs):
    pairs = list(dict.fromkeys(pairs))
    return sorted(pairs, key=lambda p: (p not in ("f~g", "x~y"), pairs.index(p)))


def condition_text(condition):
    """`strata=labels.h5:/labels` → "within strata of labels.h5:/labels"."""
    if condition.startswith("strata="):
        return "within strata of " + condition[len("strata="):]
    return condition


def p_value_of(rows):
    """(p, method) of the preferred test among `rows` (permutation over gamma), or None."""
    tests = [(r.p_method, r.p_value) for r in rows.itertuples() if r.p_method and np.isfinite(r.p_value)]
    for kind in PREFERRED_P:
        for method, p in tests:
            if method.split(":")[0] == kind:
                return p, method
    return tests[0][::-1] if tests else None


def p_label(p, method):
    kind, _, resamples = method.partition(":")
    short = {"permutation": "perm.", "stratified-permutation": "strat. perm.", "gamma": "gamma"}.get(kind, kind)
    text = "p < 1e-300" if p == 0 else f"p = {p:.2g}"
    return f"{text} ({short}{', R=' + resamples if resamples else ''})"


def interval_label(summary):
    """"95 % basic bootstrap interval (200 resamples)" from the ci_method column, or None."""
    methods = [m for m in dict.fromkeys(summary["ci_method"]) if m]
    if not methods:
        return None
    match = re.fullmatch(r"bootstrap-(\w+):(\d+):([0-9.]+)", methods[0])
    if not match:
        return f"interval ({methods[0]})"
    kind, resamples, level = match.groups()
    return f"{float(level) * 100:g} % {kind} bootstrap interval ({resamples} resamples)"


class Line:
    """One line of the forest plot: a measure at a stage under a condition."""

    def __init__(self, measure, stage, condition, rows, p):
        self.measure, self.stage, self.condition = measure, stage, condition
        finite = rows["value"].dropna()
        self.value = float(finite.iloc[0]) if len(finite) else np.nan
        bounds = rows[["ci_low", "ci_high"]].dropna()
        self.interval = tuple(bounds.iloc[0]) if len(bounds) else None
        self.p = p


def lines_of(pair_rows, measure):
    """The plotted lines of one measure, top to bottom: stages in reading order, marginal first."""
    rows = pair_rows[pair_rows["measure"] == measure]
    stages = style.stage_order(s for s in rows["stage"] if s != style.NULL_STAGE and s not in style.DIFFERENCES)
    conditions = sorted(dict.fromkeys(rows["condition"]), key=lambda c: c != "none")
    lines = []
    for condition in conditions:
        for stage in stages:
            at = rows[(rows["stage"] == stage) & (rows["condition"] == condition)]
            if not len(at):
                continue
            p = p_value_of(at)
            if p is None and measure in P_VALUE_FROM:
                source = pair_rows[(pair_rows["measure"] == P_VALUE_FROM[measure]) & (pair_rows["stage"] == stage)
                                   & (pair_rows["condition"] == condition)]
                p = p_value_of(source)
            lines.append(Line(measure, stage, condition, at, p))
    return lines


def plotted_measures(summary):
    present = list(dict.fromkeys(summary["measure"]))
    known = [m for m in style.MEASURES if m in present and style.MEASURES[m][0] in style.FAMILIES]
    unknown = [m for m in present if m not in style.MEASURES]
    return known, unknown


def draw_family(ax, diff_ax, pair_rows, measures, spare):
    """Draws one family's measures; returns the y of its last line."""
    y, last, ticks, labels = 0.0, 0.0, [], []
    null_styles = {"none": "--"}
    for measure in measures:
        lines = lines_of(pair_rows, measure)
        if not lines:
            continue
        slot_of = {}
        for line in lines:
            label, colour, marker = style.stage_look(line.stage, spare)
            hollow = line.condition != "none"
            if line.interval is not None:
                ax.plot(line.interval, [y, y], color=colour, linewidth=1.0, solid_capstyle="butt")
            if np.isfinite(line.value):
                ax.plot([line.value], [y], marker=marker, color=colour, markersize=4.2, linestyle="none",
                        markerfacecolor="white" if hollow else colour, markeredgewidth=0.9, zorder=3)
            else:
                ax.text(0.0, y, " n/a", color=colour, va="center", ha="left", fontsize=6,
                        transform=ax.get_yaxis_transform())
            if line.p is not None:
                ax.text(1.01, y, p_label(*line.p), color=colour, va="center", ha="left", fontsize=5.5,
                        transform=ax.get_yaxis_transform(), clip_on=False)
            slot_of[(line.stage, line.condition)] = y
            y += 1
        last = y - 1
        ticks.append((min(slot_of.values()) + last) / 2)
        labels.append(style.measure_label(measure))
        rows = pair_rows[pair_rows["measure"] == measure]
        for condition in dict.fromkeys(rows["condition"]):
            null = rows[(rows["stage"] == style.NULL_STAGE) & (rows["condition"] == condition)]["value"].dropna()
            span = [yy for (_, c), yy in slot_of.items() if c == condition]
            if len(null) and span:  # the control spans the lines of its own condition
                ax.plot([null.iloc[0]] * 2, [min(span) - 0.45, max(span) + 0.45], color=style.GREY, linewidth=1.0,
                        linestyle=null_styles.get(condition, ":"), zorder=1)
        if diff_ax is not None:
            for difference, stage in style.DIFFERENCES.items():
                for condition in dict.fromkeys(rows["condition"]):
                    at = rows[(rows["stage"] == difference) & (rows["condition"] == condition)]
                    if not len(at) or (stage, condition) not in slot_of:
                        continue
                    line = Line(measure, difference, condition, at, None)
                    _, colour, marker = style.stage_look(stage, spare)
                    yy = slot_of[(stage, condition)]
                    if line.interval is not None:
                        diff_ax.plot(line.interval, [yy, yy], color=colour, linewidth=1.0, solid_capstyle="butt")
                    if np.isfinite(line.value):
                        diff_ax.plot([line.value], [yy], marker=marker, color=colour, markersize=4.2,
                                     linestyle="none", markeredgewidth=0.9, zorder=3,
                                     markerfacecolor="white" if condition != "none" else colour)
        y += 0.6  # a gap between measures
    ax.set_yticks(ticks, labels)
    return last


def legend_handles(summary, stages, spare):
    handles = []
    for stage in stages:
        label, colour, marker = style.stage_look(stage, spare)
        handles.append(Line2D([], [], color=colour, marker=marker, linestyle="none", label=label))
    nulls = summary[summary["stage"] == style.NULL_STAGE]
    if (nulls["condition"] == "none").any():
        handles.append(Line2D([], [], color=style.GREY, linestyle="--", label="shuffled-pairs control (null)"))
    if (nulls["condition"] != "none").any():
        handles.append(Line2D([], [], color=style.GREY, linestyle=":", label="null control within strata"))
    conditions = [c for c in dict.fromkeys(summary["condition"]) if c != "none"]
    if conditions:
        handles.append(Line2D([], [], color=style.GREY, marker="o", markerfacecolor="white", linestyle="none",
                              label=condition_text(conditions[0]) + (" (and others)" if len(conditions) > 1 else "")))
    interval = interval_label(summary)
    if interval:
        handles.append(Line2D([], [], color=style.GREY, linewidth=1.0, label=interval))
    return handles


def plot_dependence(summary, names):
    """The figure, or None when summary.csv has no dependence measure to plot."""
    measures, unknown = plotted_measures(summary)
    measures += unknown  # a measure this script does not know is still shown, on its own axis
    if not summary["measure"].isin(measures).any():
        return None
    plotted = summary[summary["measure"].isin(measures)]
    pairs = pair_order(plotted["pair"])
    has_difference = plotted["stage"].isin(list(style.DIFFERENCES)).any()
    families = list(style.FAMILIES) + ["other"]

    def family_of(measure):
        return style.MEASURES[measure][0] if measure in style.MEASURES else "other"

    blocks = []  # (pair, family, measures, number of lines)
    for pair in pairs:
        pair_rows = summary[summary["pair"] == pair]
        for family in families:
            chosen = [m for m in measures if family_of(m) == family and (pair_rows["measure"] == m).any()]
            count = sum(len(lines_of(pair_rows, m)) for m in chosen)
            if count:
                blocks.append((pair, family, chosen, count + 0.6 * (len(chosen) - 1)))
    if not blocks:
        return None

    style.use_style()
    heights = [b[3] + 1.2 for b in blocks]
    width = 7.0 if has_difference else 5.2
    fig = plt.figure(figsize=(width, 0.9 + SLOT * sum(heights)))
    grid = fig.add_gridspec(len(blocks), 2 if has_difference else 1, height_ratios=heights,
                            width_ratios=[1.6, 1] if has_difference else [1])
    spare = []
    value_axes, diff_axes = [], []  # diff_axes[i] is None where block i has no difference to show
    for i, (pair, family, chosen, _) in enumerate(blocks):
        ax = fig.add_subplot(grid[i, 0])
        diff_ax = fig.add_subplot(grid[i, 1]) if has_difference else None
        extent = draw_family(ax, diff_ax, summary[summary["pair"] == pair], chosen, spare)
        first_of_pair = i == 0 or blocks[i - 1][0] != pair
        heading = pair_label(pair, names) + "\n" if first_of_pair and len(pairs) > 1 else ""
        ax.set_title(heading + style.FAMILIES.get(family, "other measures"), fontsize=7.5,
                     fontweight="bold" if heading else "normal")
        if diff_ax is not None and not diff_ax.lines:
            diff_ax.set_visible(False)  # e.g. g~confounder: g is the same at every stage
            diff_ax = None
        for a in (ax, diff_ax):
            if a is not None:
                a.set_ylim(extent + 0.6, -0.6)
                a.grid(axis="x")
                a.tick_params(axis="y", length=0)
        if diff_ax is not None:
            diff_ax.axvline(0, color=style.GREY, linewidth=0.6)
            diff_ax.set_yticks([])
            diff_ax.spines["left"].set_visible(False)
            if not any(diff_axes):
                diff_ax.set_title("reduction: raw − stage", fontsize=7.5)
        value_axes.append(ax)
        diff_axes.append(diff_ax)
    share(value_axes, lower_bound=0.0, upper_bound=1.0)
    share([a for a in diff_axes if a is not None])
    label_x_axes(blocks, value_axes, "value")
    label_x_axes(blocks, diff_axes, "raw − stage (> 0: dependence removed)")
    stages = style.stage_order(s for s in plotted["stage"] if s != style.NULL_STAGE and s not in style.DIFFERENCES)
    fig.legend(handles=legend_handles(plotted, stages, spare), loc="outside lower center",
               ncol=min(4, len(stages) + 2), fontsize=6.5)
    n = summary["n"].dropna()
    main_pair = pair_label(pairs[0], names).replace(" ~ ", " and ")
    fig.suptitle(f"Dependence between {main_pair}" + (f" (n = {int(n.iloc[0])})" if len(n) else ""))
    return fig


def label_x_axes(blocks, axes, label):
    """Tick labels only under the last axis of each pair; the axis label under the last axis."""
    shown = [i for i, a in enumerate(axes) if a is not None]
    for i in shown[:-1]:
        following = next(j for j in shown if j > i)
        if blocks[following][0] == blocks[i][0]:
            axes[i].tick_params(axis="x", labelbottom=False)
    if shown:
        axes[shown[-1]].set_xlabel(label)


def share(axes, lower_bound=None, upper_bound=None):
    """One x range for the axes: the data's, padded, including 0 and the bounds.

    Dependence measures live in [0, 1]: showing all of it tells the reader how strong
    a dependence is, not only how it changed.
    """
    if not axes:
        return
    lows, highs = [], []
    for ax in axes:
        for line in ax.lines:
            x = np.asarray(line.get_xdata(), dtype=float)
            x = x[np.isfinite(x)]
            if x.size:
                lows.append(x.min())
                highs.append(x.max())
    low = min(lows + [0.0 if lower_bound is None else lower_bound])
    high = max(highs + [0.0 if upper_bound is None else upper_bound])
    pad = 0.03 * (high - low) if high > low else 0.05
    for ax in axes:
        ax.set_xlim(low - pad, high + pad)
