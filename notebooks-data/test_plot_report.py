#!/usr/bin/env python3
"""Tests of plot_report.py, its figures and report.html.

    python3 notebooks-data/test_plot_report.py
    REGBN_DEMO_REPORT=DIR python3 notebooks-data/test_plot_report.py   # also a real report

Most tests run on SYNTHETIC report directories (synthetic_report.py: made-up numbers in
the tool's file formats, test input only). The real check is the one on the demo report,
which scripts/check-notebooks runs once `regbn-analyze demo` exists. The browser tests need
Chromium (scripts/install-deps --browser); without it they are skipped, unless
REGBN_REQUIRE_BROWSER=1 (set by scripts/check-notebooks under CI), which makes that a failure.
"""

import contextlib
import html.parser
import io
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quiet_unittest  # noqa: E402
import browser_check  # noqa: E402
import plot_report  # noqa: E402
import synthetic_report  # noqa: E402
from regbn_report import clustering, crosscorr, dependence, spectrum, tables  # noqa: E402

import matplotlib.image  # noqa: E402  (plot_report has selected the Agg backend)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
import pandas as pd  # noqa: E402

FIGURES = ("dependence", "crosscorr", "spectrum", "channels")
NEED_BROWSER = os.environ.get("REGBN_REQUIRE_BROWSER") == "1"


def assert_nontrivial_png(test, path, min_bytes=20_000):
    """Exists, is not tiny, is 300 dpi-sized, and is not a single colour."""
    test.assertTrue(os.path.exists(path), f"{path} was not written")
    test.assertGreater(os.path.getsize(path), min_bytes, f"{path} is suspiciously small")
    pixels = matplotlib.image.imread(path)[..., :3]
    test.assertGreater(min(pixels.shape[:2]), 600, f"{path}: {pixels.shape[:2]} px is not a 300-dpi figure")
    flat = pixels.reshape(-1, 3)
    test.assertGreater(float(flat.var(axis=0).sum()), 1e-3, f"{path} is (nearly) a single colour")
    test.assertGreater(len(np.unique(flat[::7], axis=0)), 8, f"{path} has almost no distinct colours")


def assert_vector_pdf(test, path):
    with open(path, "rb") as stream:
        data = stream.read()
    test.assertTrue(data.startswith(b"%PDF"), f"{path} is not a PDF")
    test.assertNotIn(b"/Subtype /Image", data, f"{path} embeds a raster image: it should be vector only")


def run_main(args):
    """(exit status, stdout, stderr) of plot_report.main."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = plot_report.main(args)
    return status, out.getvalue(), err.getvalue()


def ytick_labels(fig):
    return [t.get_text() for ax in fig.axes if ax.get_visible() for t in ax.get_yticklabels()]


class Links(html.parser.HTMLParser):
    """Every src/href of a page, and its <img> sources."""

    def __init__(self):
        super().__init__()
        self.references, self.images = [], []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href"):
                self.references.append(value)
                if tag == "img":
                    self.images.append(value)
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.references.append(f"<{tag}>")


class Temporary(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def report(self, kind, name=None):
        path = os.path.join(self.tmp.name, name or f"synthetic_{kind}_report")
        synthetic_report.write_report(path, kind)
        return path


class Figures(Temporary):
    def test_current_schema_three_stages_with_intervals_gives_every_figure(self):
        report = self.report("audit")
        status, out, err = run_main([report])
        self.assertEqual(status, 0, err)
        self.assertEqual(err, "")
        for stem in FIGURES:
            for ext in ("pdf", "png"):
                self.assertIn(os.path.join(report, "figures", f"{stem}.{ext}"), out.splitlines())
            assert_nontrivial_png(self, os.path.join(report, "figures", f"{stem}.png"))
            assert_vector_pdf(self, os.path.join(report, "figures", f"{stem}.pdf"))

    def test_old_schema_still_plots(self):
        report = self.report("old-audit")
        status, _, err = run_main([report, "--quiet"])
        self.assertEqual(status, 0, err)
        for stem in FIGURES:
            assert_nontrivial_png(self, os.path.join(report, "figures", f"{stem}.png"))
        summary = tables.load_report(report)["summary.csv"]
        self.assertEqual(set(summary["pair"]), {"f~g"})
        self.assertEqual(set(summary["condition"]), {"none"})
        self.assertTrue(summary["ci_low"].isna().all())
        channels = tables.load_report(report)["channels.csv"]
        self.assertEqual(list(channels["name"]), ["f", "g"])  # `layer` read as `name`

    def test_dependence_report_skips_spectrum_with_a_note(self):
        report = self.report("dependence")
        figures = os.path.join(self.tmp.name, "figs")
        status, _, err = run_main([report, "--out", figures, "--quiet"])
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(os.listdir(figures)),
                         ["crosscorr.pdf", "crosscorr.png", "dependence.pdf", "dependence.png"])
        self.assertIn("spectrum: skipped", err)
        self.assertIn("channels: skipped", err)
        self.assertIn("raw only", err)

    def test_a_dependence_report_names_its_operands_x_and_y(self):
        report = self.report("old-audit")  # the original schema has no pair column
        run_path = os.path.join(report, "run.json")
        with open(run_path) as stream:
            run = json.load(stream)
        for item, role in zip(run["inputs"], ("x", "y")):
            item["role"] = role
        run["names"] = {"x": "gray.conv3", "y": "labels"}
        with open(run_path, "w") as stream:
            json.dump(run, stream)
        loaded = tables.load_report(report)
        self.assertEqual(set(loaded["summary.csv"]["pair"]), {"x~y"})
        names = tables.layer_names(loaded["run.json"])
        fig = dependence.plot_dependence(loaded["summary.csv"], names)
        self.addCleanup(plt.close, fig)
        self.assertTrue(fig._suptitle.get_text().startswith("Dependence between gray.conv3 and labels"))
        fig, _ = crosscorr.plot_crosscorr(loaded["crosscorr.csv"], names)
        self.addCleanup(plt.close, fig)
        self.assertEqual(fig.axes[0].get_ylabel(), "x channel (gray.conv3)")
        self.assertEqual(fig.axes[0].get_xlabel(), "y channel (labels)")

    def test_spectrum_report_gives_the_spectrum_only(self):
        report = self.report("spectrum")
        status, out, err = run_main([report])
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(os.path.basename(p) for p in out.splitlines()), ["spectrum.pdf", "spectrum.png"])
        for stem in ("crosscorr", "dependence", "channels"):
            self.assertIn(f"{stem}: skipped", err)

    def test_png_check_rejects_a_blank_figure(self):
        blank = os.path.join(self.tmp.name, "blank.png")
        figure = plt.figure(figsize=(12, 8))
        figure.savefig(blank, dpi=200)
        plt.close(figure)
        with self.assertRaises(AssertionError):
            assert_nontrivial_png(self, blank, min_bytes=0)

    def test_not_a_report_fails_clearly(self):
        empty = os.path.join(self.tmp.name, "empty")
        os.makedirs(empty)
        for directory, message in ((empty, "not a regbn-analyze report"),
                                   (os.path.join(self.tmp.name, "absent"), "no such directory")):
            status, out, err = run_main([directory, "--html"])
            self.assertEqual(status, 3)
            self.assertIn(message, err)
            self.assertEqual(out, "")
        self.assertEqual(os.listdir(empty), [])

    def test_wrong_columns_name_the_file_and_the_columns(self):
        report = self.report("audit")
        synthetic_report.write_csv(os.path.join(report, "spectrum.csv"), ["epoch", "step", "sv"], [[0, 0, 1.0]])
        status, _, err = run_main([report])
        self.assertEqual(status, 3)
        self.assertIn("spectrum.csv: missing column(s) index, singular_value", err)

    def test_unreadable_run_json_is_refused(self):
        report = self.report("audit")
        with open(os.path.join(report, "run.json"), "w") as stream:
            stream.write("{not json")
        status, _, err = run_main([report])
        self.assertEqual(status, 3)
        self.assertIn("run.json: not readable JSON", err)


class DependenceFigure(Temporary):
    def setUp(self):
        super().setUp()
        loaded = tables.load_report(self.report("audit"))
        self.summary, self.names = loaded["summary.csv"], tables.layer_names(loaded["run.json"])
        self.fig = dependence.plot_dependence(self.summary, self.names)
        self.addCleanup(plt.close, self.fig)

    def test_one_row_of_panels_per_pair_named_by_layer(self):
        titles = [ax.get_title(loc="left") for ax in self.fig.axes if ax.get_visible()]
        for pair in ("gray.conv3 ~ colour.conv3", "gray.conv3 ~ confounder", "colour.conv3 ~ confounder"):
            self.assertEqual(sum(t.startswith(pair + "\n") for t in titles), 1, titles)
        self.assertIn("gray.conv3 and colour.conv3", self.fig._suptitle.get_text())

    def test_no_panel_is_identical_by_construction(self):
        labels = ytick_labels(self.fig)
        for measure in ("effective_rank_g", "stable_rank_g", "hsic_b", "hsic_u"):
            self.assertNotIn(dependence.style.measure_label(measure), labels)
        self.assertIn("normalised HSIC (RBF CKA)", labels)

    def test_every_interval_is_drawn_around_its_estimate(self):
        value_axes = [ax for ax in self.fig.axes if ax.get_visible() and ax.get_yticklabels()]
        intervals = [line for ax in value_axes for line in ax.lines
                     if line.get_linestyle() == "-" and len(line.get_xdata()) == 2
                     and line.get_ydata()[0] == line.get_ydata()[1]]
        plotted = self.summary[self.summary["measure"].isin(dependence.plotted_measures(self.summary)[0])]
        drawn = plotted[~plotted["stage"].isin(["null", "difference", "difference-ols"])]
        expected = drawn.drop_duplicates(["pair", "measure", "stage", "condition"])
        self.assertEqual(len(intervals), int(expected["ci_low"].notna().sum()))
        for line in intervals:
            low, high = line.get_xdata()
            self.assertLess(low, high)

    def test_strata_rows_are_hollow_and_the_null_is_a_reference_mark(self):
        markers = [line for ax in self.fig.axes for line in ax.lines if line.get_marker() not in ("None", None, "")]
        hollow = [m for m in markers if m.get_markerfacecolor() in ("white", (1.0, 1.0, 1.0, 1.0))]
        self.assertGreater(len(hollow), 0)
        self.assertGreater(len(markers) - len(hollow), len(hollow))
        dashed = [line for ax in self.fig.axes for line in ax.lines if line.get_linestyle() in ("--", ":")]
        nulls = self.summary[self.summary["stage"] == "null"]
        plotted = nulls[nulls["measure"].isin(dependence.plotted_measures(self.summary)[0])]
        self.assertEqual(len(dashed), len(plotted))

    def test_differences_get_their_own_axis_and_the_confounder_of_g_none(self):
        diff_titles = [ax.get_title(loc="left") for ax in self.fig.axes
                       if ax.get_title(loc="left").startswith("reduction")]
        self.assertEqual(diff_titles, ["reduction: raw − stage"])
        hidden = [ax for ax in self.fig.axes if not ax.get_visible()]
        self.assertEqual(len(hidden), 3)  # colour.conv3 ~ confounder: kernel, distance, channel

    def test_p_values_come_from_the_permutation_test(self):
        texts = [t.get_text() for ax in self.fig.axes for t in ax.texts]
        self.assertIn("p = 0.005 (perm., R=200)", texts)  # normalised HSIC borrows HSIC_b's permutation test
        self.assertIn("p = 0.005 (strat. perm., R=200)", texts)
        self.assertFalse(any("gamma" in t for t in texts))

    def test_p_label_and_interval_label(self):
        self.assertEqual(dependence.p_label(0.0, "gamma"), "p < 1e-300 (gamma)")
        self.assertEqual(dependence.p_label(0.0909, "permutation:10"), "p = 0.091 (perm., R=10)")
        self.assertEqual(dependence.interval_label(self.summary), "95 % basic bootstrap interval (200 resamples)")


def meshes(fig):
    """{panel title's first line: the heatmap} of a crosscorr figure."""
    return {ax.get_title().split("\n")[0]: c for ax in fig.axes for c in ax.collections
            if isinstance(c, QuadMesh) and ax.get_title()}


class CrosscorrFigure(Temporary):
    def block_table(self):
        """Two groups of channels, interleaved: clustering must bring each group together."""
        rng = np.random.default_rng(3)
        f_group = np.array([0, 1] * 5)
        g_group = np.array([1, 0, 0, 1, 1, 0, 1, 0])
        r = np.where(f_group[:, None] == g_group[None, :], 0.8, -0.3) + rng.normal(0, 0.05, (10, 8))
        rows = [[i, j, r[i, j], 0.1 * r[i, j]] for i in range(10) for j in range(8)]
        return pd.DataFrame(rows, columns=["f_channel", "g_channel", "r_raw", "r_regbn"]), f_group, g_group

    def test_clustering_brings_related_channels_together_with_and_without_scipy(self):
        table, f_group, g_group = self.block_table()
        for use_scipy in (True, False):
            fig, stages = crosscorr.plot_crosscorr(table, {}, use_scipy=use_scipy)
            self.addCleanup(plt.close, fig)
            self.assertEqual(stages, ["raw", "regbn"])
            labels = [int(t.get_text()) for t in fig.axes[0].get_yticklabels()]
            self.assertEqual(sorted(labels), list(range(10)))
            groups = f_group[labels]
            self.assertEqual(int(np.sum(groups[1:] != groups[:-1])), 1, f"rows {labels} interleave the groups")
            self.assertEqual(len(meshes(fig)), 3)  # raw, RegBN, difference

    def test_one_symmetric_scale_for_every_panel(self):
        table, _, _ = self.block_table()
        fig, _ = crosscorr.plot_crosscorr(table, {"f": "gray", "g": "colour"})
        self.addCleanup(plt.close, fig)
        panels = meshes(fig)
        limits = {mesh.get_clim() for mesh in panels.values()}
        self.assertEqual(len(limits), 1)
        low, high = limits.pop()
        self.assertEqual(low, -high)
        self.assertEqual(list(panels), ["raw", "after RegBN", "raw − RegBN (removed)"])
        raw, after, difference = (np.ma.filled(m.get_array(), np.nan) for m in panels.values())
        np.testing.assert_allclose(difference, raw - after)
        self.assertEqual(int(np.isnan(raw).sum()), 0)
        self.assertEqual(fig.axes[0].get_ylabel(), "f channel (gray)")

    @unittest.skipIf(clustering.linkage is None, "scipy is not installed")
    def test_numpy_fallback_equals_scipy(self):
        rng = np.random.default_rng(0)
        for _ in range(20):
            points = rng.normal(size=(int(rng.integers(3, 30)), int(rng.integers(1, 6))))
            self.assertEqual(clustering.cluster_order(points, use_scipy=False), clustering.cluster_order(points))
            np.testing.assert_allclose(clustering.average_linkage(points),
                                       clustering.linkage(points, method="average"))


class SpectrumFigure(Temporary):
    def test_plain_language_legend_and_layer_sentence(self):
        report = self.report("audit")
        loaded = tables.load_report(report)
        names = tables.layer_names(loaded["run.json"])
        fig = spectrum.plot_spectrum(loaded["spectrum.csv"], loaded["batches.csv"], loaded["run.json"], names)
        self.addCleanup(plt.close, fig)
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        self.assertIn("rank-deficient batches, numerical rank below the batch size (2 of 16)", legend)
        self.assertIn("batches where the official λ search is fragile, > 5 % from the exact root (2 of 16)", legend)
        self.assertFalse(any(re.search(r"\b[a-z]+-[a-z]+-[a-z]+\b", t) for t in legend), legend)  # no flag ids
        title = fig._suptitle.get_text()
        self.assertIn("every batch: colour.conv3 has 392 features per sample against 50 samples", title)
        self.assertNotIn("features-exceed-batch", title)

    def test_one_median_line_per_stage_when_the_table_has_stages(self):
        rows = []
        for stage, decay in (("raw", 1.0), ("regbn", 3.0)):
            for step in range(5):
                s = np.exp(-np.arange(10) / decay) * (1 + 0.01 * step)
                energy = np.cumsum(s ** 2) / np.sum(s ** 2)
                rows += [[stage, 0, step, i, s[i], s[i] / s[0], energy[i]] for i in range(10)]
        table = pd.DataFrame(rows, columns=["stage", "epoch", "step", "index", "singular_value", "normalized",
                                            "cumulative_energy"])
        fig = spectrum.plot_spectrum(table, None, {}, {})
        self.addCleanup(plt.close, fig)
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        self.assertIn("median, raw (5 batches)", legend)
        self.assertIn("median, RegBN (5 batches)", legend)
        medians = [line for line in fig.axes[0].lines if line.get_linestyle() == "-"]
        self.assertEqual(len(medians), 2)
        np.testing.assert_allclose(medians[1].get_ydata(), np.exp(-np.arange(10) / 3.0))
        self.assertIn("no batches.csv", fig._suptitle.get_text())

    def test_median_and_quartiles_over_batches_of_different_length(self):
        low, mid, high = spectrum.quartiles([np.array([1.0, 0.5, 0.1]), np.array([1.0, 0.3]), np.array([1.0, 0.4])])
        np.testing.assert_allclose(mid, [1.0, 0.4, 0.1])
        np.testing.assert_allclose(low, [1.0, 0.35, 0.1])
        np.testing.assert_allclose(high, [1.0, 0.45, 0.1])


class ChannelsFigure(Temporary):
    def test_needs_two_rows(self):
        report = self.report("audit")
        channels = tables.load_report(report)["channels.csv"]
        single = os.path.join(report, "channels.csv")
        channels.iloc[:1].to_csv(single, index=False)
        status, _, err = run_main([report, "--quiet"])
        self.assertEqual(status, 0, err)
        self.assertIn("channels: skipped, channels.csv has fewer than two", err)


class Html(Temporary):
    def write(self, kind="audit"):
        report = self.report(kind)
        status, out, err = run_main([report, "--html"])
        self.assertEqual(status, 0, err)
        page = os.path.join(report, "report.html")
        self.assertIn(page, out.splitlines())
        with open(page, encoding="utf-8") as stream:
            return report, page, stream.read()

    def test_self_contained_with_every_figure_embedded(self):
        _, _, text = self.write()
        links = Links()
        links.feed(text)
        self.assertEqual(len(links.images), len(FIGURES))
        self.assertTrue(all(src.startswith("data:image/png;base64,") for src in links.images))
        self.assertEqual([r for r in links.references if not r.startswith(("data:", "#"))], [])

    def test_summary_channels_warnings_and_provenance(self):
        report, _, text = self.write()
        summary = tables.load_report(report)["summary.csv"]
        rows = summary.drop_duplicates(["pair", "measure", "condition", "stage"])
        self.assertEqual(text.count("<tr class=first>"),
                         len(summary.drop_duplicates(["pair", "measure"])))
        self.assertEqual(len(re.findall(r"<td class=nowrap>", text)), len(rows))
        self.assertIn("[0.", text)  # intervals
        self.assertIn("(stratified-permutation, R=200)", text)
        self.assertIn("In 1 of 16 steps the λ search is fragile &lt;check&gt;.", text)  # escaped warning
        self.assertIn("&lt;redundant&gt; &amp; correlated", text)  # escaped verdict
        self.assertIn("keep about 27 channels (99 % of the variance)", text)
        self.assertIn("regbn-analyze audit --f features.h5:/model/f --g features.h5:/model/g "
                      "--out &#x27;r &lt;x&gt;&#x27;", text)
        self.assertRegex(text, r"class='mono hash'>0{40}[0-9a-f]{24}<")
        self.assertIn("regbn-analyze 0.2.0", text)
        self.assertNotIn("<redundant>", text)

    def test_old_report_page(self):
        _, _, text = self.write("old-audit")
        self.assertIn("<b>Verdict.</b> 3 channels, effective rank 2.9.", text)
        self.assertIn("(permutation, R=200)", text)

    def test_number_formatting(self):
        from regbn_report.webpage import number
        self.assertEqual(number(0.0123456), "0.01235")
        self.assertEqual(number(22190.4), "22190")
        self.assertEqual(number(2.5e-7), "2.500×10<sup>-7</sup>")
        self.assertEqual(number(float("nan")), "–")


@unittest.skipUnless(browser_check.chromium_binary() or NEED_BROWSER,
                     "no Chromium (scripts/install-deps --browser)")
class Browser(Temporary):
    def test_synthetic_report_renders_with_every_figure(self):
        report = self.report("audit")
        self.assertEqual(run_main([report, "--html", "--quiet"])[0], 0)
        problems, summary = browser_check.check(os.path.join(report, "report.html"))
        self.assertEqual(problems, [])
        self.assertIn("4/4 figures loaded", summary)

    def test_the_check_catches_a_broken_and_a_hidden_figure(self):
        report = self.report("audit")
        self.assertEqual(run_main([report, "--html", "--quiet"])[0], 0)
        page = os.path.join(report, "report.html")
        with open(page, encoding="utf-8") as stream:
            text = stream.read()
        broken = os.path.join(self.tmp.name, "broken.html")
        with open(broken, "w", encoding="utf-8") as stream:
            stream.write(text.replace("data:image/png;base64,iVBOR", "data:image/png;base64,AAAA", 1))
        problems, _ = browser_check.check(broken)
        self.assertTrue(any("only 3 of 4 figures loaded" in p for p in problems), problems)
        hidden = os.path.join(self.tmp.name, "hidden.html")
        with open(hidden, "w", encoding="utf-8") as stream:
            stream.write(text.replace("</style>", "#figure-spectrum img { visibility: hidden; }</style>", 1))
        problems, _ = browser_check.check(hidden)
        self.assertTrue(any("'spectrum figure' is not what the page shows" in p for p in problems), problems)


@unittest.skipUnless(os.environ.get("REGBN_DEMO_REPORT"), "set REGBN_DEMO_REPORT to a report directory")
class RealReport(unittest.TestCase):
    def test_demo_report_gives_every_figure_and_a_page(self):
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "report")
            shutil.copytree(os.environ["REGBN_DEMO_REPORT"], report)  # --html writes into the report
            status, _, err = run_main([report, "--html", "--quiet"])
            self.assertEqual(status, 0, err)
            for stem in FIGURES:  # the demo's channels.csv has two layers, f and g
                assert_nontrivial_png(self, os.path.join(report, "figures", f"{stem}.png"))
                assert_vector_pdf(self, os.path.join(report, "figures", f"{stem}.pdf"))
            if browser_check.chromium_binary() or NEED_BROWSER:
                problems, summary = browser_check.check(os.path.join(report, "report.html"))
                self.assertEqual(problems, [])
                print(f"demo report.html: {summary}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(quiet_unittest.main("plot_report.py"))
