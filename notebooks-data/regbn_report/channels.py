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
from matplotlib.ticker import MaxNLocator

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
    fig, ax = plt.subplots(figsize=(3.4, 2.9))
    top = float(table["channels"].max()) * 1.08
    ax.plot([0, top], [0, top], color=style.GREY, linewidth=0.8, linestyle="--", zorder=1)
    ax.text(top, top, "every channel distinct", color=style.GREY, ha="right", va="bottom", fontsize=6,
            rotation=0)
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
    for row in table.itertuples():
        ax.annotate(str(row.name), (row.channels, row.channel_effective_rank), xytext=(4, -3),
                    textcoords="offset points", fontsize=6.5, va="top")
    counts = table["channels"]
    if counts.max() >= 8 * max(counts.min(), 1):  # 16, 64, 256 channels: equal steps on a log axis
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xlim(counts.min() / 1.5, top)
        ax.set_ylim(1 / 1.5, top)
    else:
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("channel count")
    ax.set_ylabel("channels" + (" (effective rank, variance counts)" if len(handles) > 1 else
                                ": effective rank"))
    ax.grid()
    ax.legend(handles=handles, loc="upper left", fontsize=6.5)
    fig.suptitle("Channel redundancy per layer or variant")
    return fig
