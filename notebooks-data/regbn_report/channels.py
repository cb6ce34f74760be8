"""The channels figure: how many channels of each layer or variant carry distinct information.

One point per row of channels.csv: the effective rank of the channel features against the
channel count, next to the diagonal where every channel would be distinct, and, when the
table has them, the channel counts that keep 90 % and 99 % of the channel-feature variance.
A variant far below the diagonal has redundant channels; its 90 %/99 % counts say how few
would do.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import style


def plot_channels(channels):
    """The figure, or None when channels.csv has fewer than two rows to compare."""
    if channels is None or len(channels) < 2:
        return None
    table = channels.copy()
    table["channels"] = table["channels"].astype(float)
    table["channel_effective_rank"] = table["channel_effective_rank"].astype(float)
    table = table[np.isfinite(table["channels"])]
    if len(table) < 2:
        return None
    style.use_style()
    fig, ax = plt.subplots(figsize=(3.4, 3.2))
    top = float(table["channels"].max()) * 1.08
    handles = [Line2D([], [], color=style.BLUE, marker="o", linestyle="none", label="effective rank")]
    for column, marker, label in (("channels_for_90pct_variance", "v", "channels for 90 % of the variance"),
                                  ("channels_for_99pct_variance", "^", "channels for 99 % of the variance")):
        counts = table[column].astype(float)
        if counts.notna().any():
            ax.plot(table["channels"], counts, linestyle="none", marker=marker, color=style.VERMILLION,
                    markerfacecolor="white", markersize=4.5, markeredgewidth=0.9, zorder=2)
            handles.append(Line2D([], [], color=style.VERMILLION, marker=marker, markerfacecolor="white",
                                  linestyle="none", label=label))
    ax.plot(table["channels"], table["channel_effective_rank"], linestyle="none", marker="o", color=style.BLUE,
            markersize=5, zorder=3)
    for _, row in table.iterrows():  # the name above the variant's highest marker
        highest = np.nanmax([row["channel_effective_rank"], float(row["channels_for_90pct_variance"]),
                             float(row["channels_for_99pct_variance"])])
        ax.annotate(str(row["name"]), (row["channels"], highest), xytext=(0, 6), textcoords="offset points",
                    fontsize=6.5, ha="center", va="bottom")
    counts = table["channels"]
    if counts.max() >= 4 * max(counts.min(), 1):  # 32, 64, 128 channels: equal steps on a log axis
        lowest = np.nanmin(table[["channel_effective_rank", "channels_for_90pct_variance",
                                  "channels_for_99pct_variance"]].astype(float).to_numpy())
        low, top = max(min(lowest, counts.min()) / 1.5, 0.5), top * 1.3
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xlim(counts.min() / 1.5, top)
        ax.set_ylim(low, top)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    else:
        low = 0
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.plot([low, top], [low, top], color=style.GREY, linewidth=0.8, linestyle="--", zorder=1)
    ax.text(top, top, "every channel distinct ", color=style.GREY, ha="right", va="top", fontsize=6,
            rotation=0)
    ax.set_xlabel("channel count")
    ax.set_ylabel("channels" + (" (effective rank, variance counts)" if len(handles) > 1 else
                                ": effective rank"))
    ax.grid()
    fig.legend(handles=handles, loc="outside lower center", ncol=2 if len(handles) > 2 else len(handles), fontsize=6.5)
    fig.suptitle("Channel redundancy per layer or variant")
    return fig
