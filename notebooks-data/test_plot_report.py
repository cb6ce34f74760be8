#!/usr/bin/env python3
"""Tests of plot_report.py.

    python3 notebooks-data/test_plot_report.py
    REGBN_DEMO_REPORT=DIR python3 notebooks-data/test_plot_report.py   # also plots a real report

The unit tests run on SYNTHETIC report directories written into a temp dir by
`write_synthetic_report`: random numbers in the report's file format, made up
to exercise the plotting code (flags, nan, several p-value rows, missing
files). They are test input only, never a result. The real check is the one
on the demo report, which scripts/check-notebooks runs once `regbn-analyze
demo` exists.
"""

import contextlib
import csv
import io
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_report  # noqa: E402

import matplotlib.image  # noqa: E402  (plot_report has selected the Agg backend)


def assert_nontrivial_png(test, path):
    """Exists, > 10 kB, and is not a single colour."""
    test.assertTrue(os.path.exists(path), f"{path} was not written")
    test.assertGreater(os.path.getsize(path), 10_000, f"{path} is suspiciously small")
    pixels = matplotlib.image.imread(path)[..., :3].reshape(-1, 3)
    test.assertGreater(float(pixels.var(axis=0).sum()), 1e-3, f"{path} is (nearly) a single colour")
    test.assertGreater(len(np.unique(pixels[::7], axis=0)), 8, f"{path} has almost no distinct colours")


def write_csv(path, header, rows):
    with open(path, "w", newline="") as stream:
        writer = csv.writer(stream)  # RFC 4180 quoting, like the tool
        writer.writerow(header)
        for row in rows:
            writer.writerow(["nan" if isinstance(v, float) and np.isnan(v) else v for v in row])


def write_synthetic_report(directory, kind="audit", seed=0):
    """A made-up report in the tool's format (kind: audit | dependence | spectrum)."""
    rng = np.random.default_rng(seed)
    os.makedirs(directory)
    regbn = kind == "audit"
    if kind == "spectrum":
        write_synthetic_spectrum(directory, rng)
        return
    n = 400
    rows = []
    for measure in plot_report.MEASURES:
        for stage in ("raw", "regbn") if regbn else ("raw",):
            value = float(rng.uniform(-0.01, 1.0) * (0.2 if stage == "regbn" else 1.0))
            settings = "sigma_f=3.1,sigma_g=7.4;kernel=gaussian"  # commas: must survive CSV quoting
            if measure == "hsic_b":
                rows.append([measure, stage, value, float(rng.uniform(0, 0.05)), "gamma", n, settings])
                rows.append([measure, stage, value, 1 / 201, "permutation:200", n, settings])
            elif measure == "dcor":
                rows.append([measure, stage, value, 0.0, "permutation:200", n, ""])
            elif measure == "stable_rank_g" and stage == "regbn":
                rows.append([measure, stage, float("nan"), float("nan"), "", n, ""])
            else:
                rows.append([measure, stage, value, float("nan"), "", n, ""])
    write_csv(os.path.join(directory, "summary.csv"), plot_report.COLUMNS["summary.csv"], rows)

    f_channels, g_channels = 4, 6
    r_raw = rng.uniform(-1, 1, size=(f_channels, g_channels))
    r_raw[1, 2] = np.nan  # as for a zero-variance channel
    r_regbn = r_raw * 0.1 if regbn else np.full_like(r_raw, np.nan)
    write_csv(os.path.join(directory, "crosscorr.csv"), plot_report.COLUMNS["crosscorr.csv"],
              [[i, j, r_raw[i, j], r_regbn[i, j]] for i in range(f_channels) for j in range(g_channels)])
    if regbn:
        write_synthetic_spectrum(directory, rng)


def write_synthetic_spectrum(directory, rng):
    spectra, batches = [], []
    for epoch in range(2):
        for step in range(8):
            s = np.sort(rng.gamma(2.0, size=20) * np.exp(-np.arange(20) / 3))[::-1]
            if step == 3:
                s[-5:] = 0.0  # rank-deficient batch
            energy = np.cumsum(s**2) / np.sum(s**2)
            spectra += [[epoch, step, i, s[i], s[i] / s[0], energy[i]] for i in range(len(s))]
            flags = {3: "rank-deficient;ill-conditioned", 5: "lambda-unstable"}.get(step, "")
            batches.append([epoch, step, 0.1, 0.1, 0.0, 7, "false", int(np.sum(s > 1e-12)),
                            float(s[0] / s[s > 0][-1]), 9.5, 2.1, flags])
    write_csv(os.path.join(directory, "spectrum.csv"), plot_report.COLUMNS["spectrum.csv"], spectra)
    write_csv(os.path.join(directory, "batches.csv"), plot_report.COLUMNS["batches.csv"], batches)


def run_main(args):
    """(exit status, stdout, stderr) of plot_report.main."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = plot_report.main(args)
    return status, out.getvalue(), err.getvalue()


class SyntheticReports(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_audit_report_gives_three_figures(self):
        report = os.path.join(self.tmp.name, "synthetic_audit_report")
        write_synthetic_report(report, "audit")
        status, out, err = run_main([report])
        self.assertEqual(status, 0, err)
        for stem in ("spectrum", "crosscorr", "dependence"):
            for ext in ("pdf", "png"):
                self.assertIn(os.path.join(report, "figures", f"{stem}.{ext}"), out.splitlines())
            assert_nontrivial_png(self, os.path.join(report, "figures", f"{stem}.png"))
        self.assertEqual(err, "")

    def test_dependence_report_skips_spectrum_with_a_note(self):
        report = os.path.join(self.tmp.name, "synthetic_dependence_report")
        figures = os.path.join(self.tmp.name, "figs")
        write_synthetic_report(report, "dependence")
        status, _, err = run_main([report, "--out", figures, "--quiet"])
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(os.listdir(figures)),
                         ["crosscorr.pdf", "crosscorr.png", "dependence.pdf", "dependence.png"])
        self.assertIn("spectrum: skipped", err)
        self.assertIn("raw only", err)
        assert_nontrivial_png(self, os.path.join(figures, "crosscorr.png"))

    def test_spectrum_report_gives_the_spectrum_only(self):
        report = os.path.join(self.tmp.name, "synthetic_spectrum_report")
        write_synthetic_report(report, "spectrum")
        status, out, err = run_main([report])
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(os.path.basename(p) for p in out.splitlines()), ["spectrum.pdf", "spectrum.png"])
        self.assertIn("crosscorr: skipped", err)
        self.assertIn("dependence: skipped", err)
        assert_nontrivial_png(self, os.path.join(report, "figures", "spectrum.png"))

    def test_png_check_rejects_a_blank_figure(self):
        import matplotlib.pyplot as plt
        blank = os.path.join(self.tmp.name, "blank.png")
        figure = plt.figure(figsize=(12, 8))
        figure.savefig(blank, dpi=200)
        plt.close(figure)
        with self.assertRaises(AssertionError):
            assert_nontrivial_png(self, blank)

    def test_not_a_report_fails_clearly(self):
        empty = os.path.join(self.tmp.name, "empty")
        os.makedirs(empty)
        for directory, message in ((empty, "not a regbn-analyze report"),
                                   (os.path.join(self.tmp.name, "absent"), "no such directory")):
            status, out, err = run_main([directory])
            self.assertEqual(status, 3)
            self.assertIn(message, err)
            self.assertEqual(out, "")
        self.assertFalse(os.path.exists(os.path.join(empty, "figures")))

    def test_wrong_columns_name_the_file_and_the_columns(self):
        report = os.path.join(self.tmp.name, "synthetic_audit_report")
        write_synthetic_report(report, "audit")
        write_csv(os.path.join(report, "spectrum.csv"), ["epoch", "step", "sv"], [[0, 0, 1.0]])
        status, _, err = run_main([report])
        self.assertEqual(status, 3)
        self.assertIn("spectrum.csv: missing column(s) index, singular_value", err)


@unittest.skipUnless(os.environ.get("REGBN_DEMO_REPORT"), "set REGBN_DEMO_REPORT to a report directory")
class RealReport(unittest.TestCase):
    def test_demo_report_gives_three_nontrivial_figures(self):
        report = os.environ["REGBN_DEMO_REPORT"]
        with tempfile.TemporaryDirectory() as figures:
            status, _, err = run_main([report, "--out", figures, "--quiet"])
            self.assertEqual(status, 0, err)
            for stem in ("spectrum", "crosscorr", "dependence"):
                assert_nontrivial_png(self, os.path.join(figures, f"{stem}.png"))
                self.assertGreater(os.path.getsize(os.path.join(figures, f"{stem}.pdf")), 0)


def main():
    """Quiet on success (one line), the full unittest report on failure."""
    stream = io.StringIO()
    program = unittest.main(testRunner=unittest.TextTestRunner(stream=stream, verbosity=2), exit=False)
    result = program.result
    if not result.wasSuccessful():
        sys.stderr.write(stream.getvalue())
        return 1
    ran = result.testsRun - len(result.skipped)
    if ran == 0:
        sys.stderr.write(stream.getvalue() + "no test ran\n")
        return 1
    skipped = "".join(f"; skipped {test.id().split('.')[-1]}: {reason}" for test, reason in result.skipped)
    print(f"plot_report.py tests ok: {ran} ran{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
