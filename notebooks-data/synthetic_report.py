"""Synthetic report directories in regbn-analyze's formats, for the tests of plot_report.py.

TEST INPUT ONLY: random numbers in the report's file format, made up to exercise the
plotting and HTML code (every stage, intervals, conditions, confounder pairs, flags, nan,
several p-value rows, missing files). They are never a result of the tool.

    write_report(directory, kind)   kind: audit (current schema, three stages and intervals),
                                    old-audit (the original summary.csv/channels.csv schema),
                                    dependence, spectrum
"""

import csv
import json
import os

import numpy as np

SUMMARY_COLUMNS = ["measure", "stage", "pair", "condition", "value", "p_value", "p_method", "ci_low", "ci_high",
                   "ci_method", "n", "settings"]
OLD_SUMMARY_COLUMNS = ["measure", "stage", "value", "p_value", "p_method", "n", "settings"]
CHANNELS_COLUMNS = ["name", "dataset", "channels", "spatial_shape", "features_per_sample", "batch_size",
                    "batch_to_feature_ratio", "channel_effective_rank", "channels_for_90pct_variance",
                    "channels_for_99pct_variance", "batches", "batches_rank_deficient", "batches_ill_conditioned",
                    "full_rank_possible", "verdict", "recommendation"]
OLD_CHANNELS_COLUMNS = ["layer", "channels", "spatial_shape", "features_per_sample", "batch_size",
                        "channel_effective_rank", "channel_stable_rank", "batches", "flagged_batches",
                        "flagged_fraction", "verdict"]
CROSSCORR_COLUMNS = ["f_channel", "g_channel", "r_raw", "r_regbn"]
SPECTRUM_COLUMNS = ["epoch", "step", "index", "singular_value", "normalized", "cumulative_energy"]
BATCHES_COLUMNS = ["epoch", "step", "lambda", "lambda_root", "lambda_gap", "solver_iterations", "fallback", "rank",
                   "condition_number", "effective_rank", "stable_rank", "flags"]
DEPENDENCE_MEASURES = ["hsic_b", "hsic_u", "hsic_normalized", "cka_linear", "dcor", "dcor_u2",
                       "crosscorr_mean_abs", "crosscorr_max_abs", "crosscorr_rms"]
STRATA = "strata=labels.h5:/labels"
CI_METHOD = "bootstrap-basic:200:0.95"


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)  # RFC 4180 quoting, like the tool
        writer.writerow(header)
        for row in rows:
            writer.writerow(["nan" if isinstance(v, float) and np.isnan(v) else v for v in row])


def write_report(directory, kind="audit", seed=0):
    rng = np.random.default_rng(seed)
    os.makedirs(directory)
    if kind == "spectrum":
        write_spectrum(directory, rng)
        write_run(directory, "spectrum", rng)
        return
    audit = kind in ("audit", "old-audit")
    if kind == "old-audit":
        write_old_summary(directory, rng)
        write_old_channels(directory)
    else:
        write_summary(directory, rng, audit)
        if audit:
            write_channels(directory)
    write_crosscorr(directory, rng, audit)
    if audit:
        write_spectrum(directory, rng)
    write_run(directory, "audit" if audit else "dependence", rng)


def summary_row(rng, measure, stage, pair, condition, scale, n, with_interval=True):
    value = float(rng.uniform(0.05, 0.9) * scale)
    half = float(rng.uniform(0.01, 0.08))
    low, high = (value - half, value + half) if with_interval else (float("nan"), float("nan"))
    settings = "kernel=gaussian; sigma_x=3.1; sigma_y=7.4, subsample=400/400"  # a comma: CSV quoting
    return [measure, stage, pair, condition, value, float("nan"), "", low, high,
            CI_METHOD if with_interval else "", n, settings]


def write_summary(directory, rng, audit):
    """Three stages (raw, regbn, ols), null and difference rows, a strata condition, confounder pairs."""
    n, rows = 400, []
    stages = ["raw", "regbn", "ols"] if audit else ["raw"]
    pairs = ["f~g", "f~confounder", "g~confounder"] if audit else ["x~y"]
    for pair in pairs:
        pair_stages = stages if pair != "g~confounder" else ["raw"]  # RegBN leaves g as it is
        for condition in ("none", STRATA) if pair in ("f~g", "x~y") else ("none",):
            for measure in DEPENDENCE_MEASURES:
                for stage in pair_stages:
                    scale = {"raw": 1.0, "regbn": 0.4, "ols": 0.5}[stage] * (0.5 if condition != "none" else 1)
                    row = summary_row(rng, measure, stage, pair, condition, scale, n)
                    if measure == "hsic_b":
                        p_method = "stratified-permutation:200" if condition != "none" else "permutation:200"
                        rows.append(row[:5] + [float(rng.uniform(0, 0.05)), "gamma"] + row[7:])
                        rows.append(row[:5] + [1 / 201, p_method] + row[7:])
                    elif measure == "dcor":
                        rows.append(row[:5] + [0.0, "permutation:200"] + row[7:])
                    elif measure == "dcor_u2" and stage == "ols":
                        rows.append(row[:4] + [float("nan"), float("nan"), "", float("nan"), float("nan"), "", n,
                                               "too few samples"])
                    else:
                        rows.append(row)
                null = summary_row(rng, measure, "null", pair, condition, 0.05, n)
                rows.append(null[:5] + [float(rng.uniform(0.2, 0.9)), "permutation:200"] + null[7:])
                for difference in ("difference", "difference-ols") if len(pair_stages) > 1 else ():
                    rows.append(summary_row(rng, measure, difference, pair, condition, 0.5, n))
    if audit:
        for measure in ("effective_rank_g", "stable_rank_g"):
            rows.append([measure, "raw", "f~g", "none", float(rng.uniform(2, 30)), float("nan"), "",
                         float("nan"), float("nan"), "", 16, "mean over 16 batches"])
    write_csv(os.path.join(directory, "summary.csv"), SUMMARY_COLUMNS, rows)


def write_old_summary(directory, rng):
    """The original schema: stages raw and regbn only, no pair, condition or interval."""
    rows = []
    for measure in DEPENDENCE_MEASURES + ["effective_rank_g", "stable_rank_g"]:
        for stage in ("raw", "regbn"):
            value = float(rng.uniform(-0.01, 1.0) * (0.2 if stage == "regbn" else 1.0))
            settings = "sigma_f=3.1,sigma_g=7.4;kernel=gaussian"
            if measure == "hsic_b":
                rows.append([measure, stage, value, float(rng.uniform(0, 0.05)), "gamma", 400, settings])
                rows.append([measure, stage, value, 1 / 201, "permutation:200", 400, settings])
            elif measure == "dcor":
                rows.append([measure, stage, value, 0.0, "permutation:200", 400, ""])
            elif measure == "stable_rank_g" and stage == "regbn":
                rows.append([measure, stage, float("nan"), float("nan"), "", 400, ""])
            else:
                rows.append([measure, stage, value, float("nan"), "", 400, ""])
    write_csv(os.path.join(directory, "summary.csv"), OLD_SUMMARY_COLUMNS, rows)


def write_crosscorr(directory, rng, audit, f_channels=12, g_channels=16):
    # Two latent groups, so the clustering has blocks to find.
    f_group, g_group = rng.integers(0, 2, f_channels), rng.integers(0, 2, g_channels)
    r_raw = np.where(f_group[:, None] == g_group[None, :], 0.7, -0.2) + rng.normal(0, 0.1, (f_channels, g_channels))
    r_raw = np.clip(r_raw, -1, 1)
    r_raw[1, 2] = np.nan  # as for a zero-variance channel
    r_regbn = r_raw * 0.1 if audit else np.full_like(r_raw, np.nan)
    write_csv(os.path.join(directory, "crosscorr.csv"), CROSSCORR_COLUMNS,
              [[i, j, r_raw[i, j], r_regbn[i, j]] for i in range(f_channels) for j in range(g_channels)])


def write_spectrum(directory, rng):
    spectra, batches = [], []
    for epoch in range(2):
        for step in range(8):
            s = np.sort(rng.gamma(2.0, size=20) * np.exp(-np.arange(20) / 3))[::-1]
            if step == 3:
                s[-5:] = 0.0  # rank-deficient batch
            energy = np.cumsum(s**2) / np.sum(s**2)
            spectra += [[epoch, step, i, s[i], s[i] / s[0], energy[i]] for i in range(len(s))]
            flags = ["features-exceed-batch"] + {3: ["rank-deficient", "ill-conditioned"],
                                                 5: ["lambda-unstable"]}.get(step, [])
            batches.append([epoch, step, 0.1, 0.1, 0.0, 7, "false", int(np.sum(s > 1e-12)),
                            float(s[0] / s[s > 0][-1]), 9.5, 2.1, ";".join(flags)])
    write_csv(os.path.join(directory, "spectrum.csv"), SPECTRUM_COLUMNS, spectra)
    write_csv(os.path.join(directory, "batches.csv"), BATCHES_COLUMNS, batches)


def write_channels(directory):
    rows = []
    for name, channels, rank, c90, c99 in (("conv3 (32 ch)", 32, 11.3, 6, 19), ("conv3 (64 ch)", 64, 14.8, 7, 27),
                                           ("conv3 (128 ch)", 128, 15.9, 7, 30)):
        features = channels * 49
        rows.append([name, f"variants.h5:/c{channels}", channels, "7x7", features, 50, 50 / features, rank, c90, c99,
                     40, 40, 3, "false", f"{channels} channels, effective rank {rank}: <redundant> & correlated",
                     f"keep about {c99} channels (99 % of the variance)"])
    write_csv(os.path.join(directory, "channels.csv"), CHANNELS_COLUMNS, rows)


def write_old_channels(directory):
    write_csv(os.path.join(directory, "channels.csv"), OLD_CHANNELS_COLUMNS,
              [["f", 1, "28x28", 784, 50, 1.0, 1.0, 40, 0, 0.0, "1 channel: no redundancy to measure."],
               ["g", 3, "28x28", 2352, 50, 2.9, 2.0, 40, 0, 0.0, "3 channels, effective rank 2.9."]])


def write_run(directory, command, rng):
    roles = {"audit": ("f", "g"), "dependence": ("x", "y"), "spectrum": ("x",)}[command]
    inputs = [{"role": role, "file": "features.h5", "dataset": f"/model/{role}", "dtype": "float32",
               "shape": [400, 8, 7, 7], "file_sha256": "%064x" % int(rng.integers(1 << 62)), "file_bytes": 123456}
              for role in roles]
    layers = dict(zip(roles, ("gray.conv3", "colour.conv3")))
    run = {"tool": {"name": "regbn-analyze", "version": "0.2.0"}, "command": command,
           "arguments": [command] + [a for role in roles for a in (f"--{role}", f"features.h5:/model/{role}")]
           + ["--out", "r <x>"],
           "created_utc": "2026-01-02T03:04:05Z", "configuration": {"batch_size": 50, "epochs": 2},
           "inputs": inputs, "warnings": ["In 1 of 16 steps the λ search is fragile <check>."],
           "names": layers,
           "subsample": {"method": "random", "seed": 0, "used": 400, "total": 400}}
    with open(os.path.join(directory, "run.json"), "w", encoding="utf-8") as stream:
        json.dump(run, stream, indent=2, ensure_ascii=False)
