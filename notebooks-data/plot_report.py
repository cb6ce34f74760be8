#!/usr/bin/env python3
"""Turn a regbn-analyze report directory into figures for a paper and an HTML report.

    python3 notebooks-data/plot_report.py REPORT_DIR [--out DIR] [--html]

Writes, into DIR (default REPORT_DIR/figures), each figure whose table the report has,
as a vector PDF and a 300-dpi PNG in one style (notebooks-data/regbn.mplstyle):

  dependence.{pdf,png}  every dependence measure per stage (raw, RegBN, OLS, ...) as a dot
                        with its bootstrap interval, the shuffled-pairs control as a
                        reference mark, p-values, and raw − stage differences (summary.csv)
  crosscorr.{pdf,png}   f×g channel correlations raw, after RegBN and their difference, on
                        one colour scale, channels ordered by clustering (crosscorr.csv)
  spectrum.{pdf,png}    median normalised singular values of the g batches with the
                        interquartile band, flagged batches as markers (spectrum.csv,
                        batches.csv)
  channels.{pdf,png}    effective rank against channel count per layer or variant, with
                        the 90 %/99 % variance channel counts (channels.csv, >= 2 rows)

--html also writes REPORT_DIR/report.html: one self-contained page (figures embedded) with
the summary table, the channel verdicts, the warnings and the provenance from run.json.

Reads both summary.csv schemas (with or without pair/condition/interval columns). Needs
matplotlib, pandas and numpy; scipy is used for the channel clustering when present.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from regbn_report import style  # noqa: E402  (selects the Agg backend before pyplot loads)
from regbn_report.channels import plot_channels  # noqa: E402
from regbn_report.crosscorr import plot_crosscorr  # noqa: E402
from regbn_report.dependence import plot_dependence  # noqa: E402
from regbn_report.spectrum import plot_spectrum  # noqa: E402
from regbn_report.tables import ReportError, layer_names, load_report  # noqa: E402
from regbn_report.webpage import write_html  # noqa: E402

CAPTIONS = {
    "dependence": "Dependence between the two layers per measure and stage: dots are the estimates, bars their "
                  "bootstrap intervals (when computed), dashed grey marks the shuffled-pairs control; the right "
                  "column, when present, is the paired-bootstrap reduction raw − stage.",
    "crosscorr": "Pearson correlation between the channel means of f and g, raw, after normalisation and the "
                 "difference, on one colour scale, with channels ordered by clustering the raw matrix.",
    "spectrum": "Normalised singular values of the g batches RegBN decomposes (median and interquartile band over "
                "batches, log scale) and their cumulative energy; flagged batches are drawn as markers.",
    "channels": "Effective rank of the channel features against the channel count for each layer or variant, "
                "with the channel counts that keep 90 % and 99 % of the variance.",
}


def make_figures(tables, out):
    """Writes every figure the report supports; returns ({stem: [pdf, png]}, notes on skipped figures)."""
    names = layer_names(tables["run.json"])
    written, notes = {}, []

    def keep(stem, fig, why_not):
        if fig is None:
            notes.append(f"{stem}: skipped, {why_not}")
        else:
            written[stem] = style.save(fig, out, stem)

    summary = tables["summary.csv"]
    keep("dependence", plot_dependence(summary, names) if summary is not None and len(summary) else None,
         "the report has no summary.csv with dependence measures")
    crosscorr = tables["crosscorr.csv"]
    fig, stages = plot_crosscorr(crosscorr, names) if crosscorr is not None and len(crosscorr) else (None, [])
    keep("crosscorr", fig, "the report has no crosscorr.csv with a finite r")
    if fig is not None and stages == ["raw"]:
        notes.append("crosscorr: raw only, r_regbn is nan throughout (no RegBN stage in this report)")
    spectrum = tables["spectrum.csv"]
    keep("spectrum", plot_spectrum(spectrum, tables["batches.csv"], tables["run.json"], names)
         if spectrum is not None and len(spectrum) else None,
         "the report has no spectrum.csv (written by `audit` and `spectrum`)")
    channels = tables["channels.csv"]
    keep("channels", plot_channels(channels),
         "channels.csv has fewer than two layers or variants to compare" if channels is not None
         else "the report has no channels.csv")
    return written, notes


def plot_report(report, out, html=False):
    """Figures (and report.html); returns (written paths, notes on skipped figures)."""
    tables = load_report(report)
    os.makedirs(out, exist_ok=True)
    figures, notes = make_figures(tables, out)
    written = [path for paths in figures.values() for path in paths]
    if html:
        pngs = {stem: (paths[1], CAPTIONS[stem]) for stem, paths in figures.items()}
        written.append(write_html(report, tables, pngs, notes))
    return written, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", metavar="REPORT_DIR", help="a report directory written by regbn-analyze")
    parser.add_argument("--out", metavar="DIR", help="where to write the figures (default REPORT_DIR/figures)")
    parser.add_argument("--html", action="store_true", help="also write REPORT_DIR/report.html (self-contained)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    try:
        written, notes = plot_report(args.report, args.out or os.path.join(args.report, "figures"), args.html)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except OSError as error:
        print(f"error: cannot write the figures: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not written:
        print(f"error: {args.report}: the report has nothing to plot (no summary.csv, crosscorr.csv, spectrum.csv "
              "or channels.csv with values)", file=sys.stderr)
        return 3
    if not args.quiet:
        for path in written:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
