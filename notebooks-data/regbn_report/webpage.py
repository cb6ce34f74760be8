"""report.html: one self-contained page per report, to read, send or archive with the data.

Everything is inside the file: the figures as base64 PNG, the style as an inline <style>,
no script and no external link, so it opens the same offline, from an e-mail or in ten
years. Every text that comes from the report is escaped.
"""

import base64
import html
import json
import os
import shlex
import struct

import numpy as np

from . import style
from .dependence import condition_text
from .tables import layer_names, operand_roles, pair_label

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif;
       color: #1a1a1a; max-width: 1180px; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 2em;
     border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
.lead { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group td { background: #fafafa; font-weight: 600; padding-top: 0.8em; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.88em; }
.hash { word-break: break-all; }
.warnings { background: #fff6e5; border-left: 4px solid #E69F00; padding: 0.6em 1em; }
.warnings li { margin: 0.3em 0; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.9em; max-width: 60em; }
details summary { cursor: pointer; color: #0072B2; } pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; }
.muted { color: #777; } .nowrap { white-space: nowrap; }
tr.first td { border-top: 1px solid #bbb; }
"""

TABLE_STAGE_ORDER = ["raw", "regbn", "ols", "ols-batch", "null", "difference", "difference-ols",
                     "difference-ols-batch"]
STAGE_TEXT = {"null": "null (shuffled pairs)", "difference": "raw − RegBN", "difference-ols": "raw − OLS",
              "difference-ols-batch": "raw − OLS per batch"}


def esc(value):
    return html.escape(str(value), quote=True)


def number(value, digits=4):
    """A readable number: up to `digits` significant digits, ×10^k beyond [1e-3, 1e5), "–" when missing."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–" if value is None or np.isnan(value) else esc(value)
    value = float(value)
    if 10 ** digits <= abs(value) < 1e5:
        return esc(f"{value:.0f}")  # 22190, not 2.219e+04
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return esc(f"{value:.{digits}g}")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{esc(mantissa)}×10<sup>{int(exponent)}</sup>"


def p_value_text(p, method):
    kind, _, resamples = method.partition(":")
    shown = "&lt; 10<sup>−300</sup>" if p == 0 else number(p, 2)
    return f"{shown} <span class=muted>({esc(kind)}{', R=' + esc(resamples) if resamples else ''})</span>"


def png_size(path):
    """(width, height) in pixels from the PNG header."""
    with open(path, "rb") as stream:
        header = stream.read(24)
    return struct.unpack(">II", header[16:24])


def figure_html(stem, path, caption):
    with open(path, "rb") as stream:
        data = base64.b64encode(stream.read()).decode("ascii")
    width, height = png_size(path)
    # 300-dpi PNGs shown at 1.5× their printed size (CSS: 96 px per inch): screen text needs more pixels than print
    shown_width, shown_height = round(width * 144 / 300), round(height * 144 / 300)
    return (f'<figure id="figure-{esc(stem)}"><img src="data:image/png;base64,{data}" alt="{esc(stem)} figure" '
            f'width="{shown_width}" height="{shown_height}"><figcaption><b>{esc(stem)}.pdf / .png.</b> '
            f"{esc(caption)}</figcaption></figure>")


def sort_key(row, pairs, measures):
    stage = row["stage"]
    return (pairs.index(row["pair"]), measures.index(row["measure"]), row["condition"] != "none", row["condition"],
            TABLE_STAGE_ORDER.index(stage) if stage in TABLE_STAGE_ORDER else len(TABLE_STAGE_ORDER), stage)


def summary_html(summary, names):
    """One table row per (pair, measure, condition, stage); its p-values (gamma, permutation) side by side."""
    if summary is None or not len(summary):
        return "<p class=muted>This report has no summary.csv.</p>"
    pairs = sorted(dict.fromkeys(summary["pair"]), key=lambda p: (p not in ("f~g", "x~y"), p))
    measures = [m for m in style.MEASURES if m in set(summary["measure"])]
    measures += [m for m in dict.fromkeys(summary["measure"]) if m not in measures]
    groups = {}
    for row in summary.to_dict("records"):
        groups.setdefault((row["pair"], row["measure"], row["condition"], row["stage"]), []).append(row)
    interval_methods = [m for m in dict.fromkeys(summary["ci_method"]) if m]
    out = ["<table><thead><tr><th>measure</th><th>condition</th><th>stage</th><th>value</th>"
           f"<th>interval{' (' + esc(', '.join(interval_methods)) + ')' if interval_methods else ''}</th>"
           "<th>p-value (test)</th><th>n</th><th>settings</th></tr></thead><tbody>"]
    current_pair = previous = None
    for key in sorted(groups, key=lambda k: sort_key(dict(zip(("pair", "measure", "condition", "stage"), k)),
                                                     pairs, measures)):
        rows = groups[key]
        pair, measure, condition, stage = key
        if pair != current_pair:
            out.append(f'<tr class=group><td colspan=8>{esc(pair_label(pair, names))}</td></tr>')
            current_pair = pair
        first = rows[0]
        values = [r["value"] for r in rows if np.isfinite(r["value"])]
        bounds = [(r["ci_low"], r["ci_high"]) for r in rows if np.isfinite(r["ci_low"]) and np.isfinite(r["ci_high"])]
        interval = f"[{number(bounds[0][0])}, {number(bounds[0][1])}]" if bounds else "–"
        tests = "<br>".join(p_value_text(r["p_value"], r["p_method"]) for r in rows
                            if r["p_method"] and np.isfinite(r["p_value"])) or "–"
        settings = "; ".join(dict.fromkeys(r["settings"] for r in rows if r["settings"]))
        n = first["n"]
        # a measure (and its condition) is named once, on the first of its rows
        measure_cell = "" if previous and previous[:2] == key[:2] else \
            f"{esc(style.measure_label(measure))} <span class='muted mono'>{esc(measure)}</span>"
        condition_cell = "" if previous and previous[:3] == key[:3] else \
            esc("marginal" if condition == "none" else condition_text(condition))
        previous = key
        out.append(f"<tr{' class=first' if measure_cell else ''}><td>{measure_cell}</td><td>{condition_cell}</td>"
                   f"<td class=nowrap>{esc(STAGE_TEXT.get(stage, style.stage_look(stage)[0]))}</td>"
                   f"<td class=num>{number(values[0]) if values else '–'}</td><td class=num>{interval}</td>"
                   f"<td class=num>{tests}</td><td class=num>{number(n) if np.isfinite(n) else '–'}</td>"
                   f"<td>{'<details><summary>show</summary>' + esc(settings) + '</details>' if settings else ''}"
                   "</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def channels_html(channels):
    if channels is None or not len(channels):
        return "<p class=muted>This report has no channels.csv (run <code>regbn-analyze channels</code>).</p>"
    columns = [("name", "layer / variant"), ("dataset", "dataset"), ("channels", "channels"),
               ("channel_effective_rank", "effective rank"), ("channels_for_90pct_variance", "channels for 90 %"),
               ("channels_for_99pct_variance", "channels for 99 %"), ("features_per_sample", "features"),
               ("batch_size", "batch"), ("full_rank_possible", "full-rank batches possible")]
    columns = [(c, t) for c, t in columns if c in channels.columns and channels[c].astype(str).str.strip().ne("").any()
               and not channels[c].isna().all()]
    out = ["<table><thead><tr>" + "".join(f"<th>{esc(t)}</th>" for _, t in columns) + "</tr></thead><tbody>"]
    for row in channels.to_dict("records"):
        cells = []
        for column, _ in columns:
            value = row[column]
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            cells.append(f"<td class=num>{number(float(value))}</td>" if numeric else f"<td>{esc(value)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
        text = [f"<b>Verdict.</b> {esc(row['verdict'])}" if row.get("verdict") else "",
                f"<b>Recommendation.</b> {esc(row['recommendation'])}" if row.get("recommendation") else ""]
        if any(text):
            out.append(f"<tr><td colspan={len(columns)}>{'<br>'.join(t for t in text if t)}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def batches_html(batches):
    """A few lines on the training steps: λ range, fallbacks, flags in words."""
    if batches is None or not len(batches):
        return ""
    items = [f"{len(batches)} batches"]  # HTML: number() marks up exponents
    if "lambda" in batches.columns:
        lam = batches["lambda"].astype(float)
        lam = lam[np.isfinite(lam)]
        if len(lam):
            items.append(f"λ from {number(lam.min())} to {number(lam.max())} (median {number(lam.median())})")
    if "fallback" in batches.columns:
        fallbacks = int(batches["fallback"].astype(str).str.lower().isin(["1", "true"]).sum())
        items.append(f"{fallbacks} fallback{'s' if fallbacks != 1 else ''} to λ = 0")
    counts = {}
    for text in batches["flags"]:
        for flag in (f.strip() for f in text.split(";") if f.strip()):
            counts[flag] = counts.get(flag, 0) + 1
    flag_items = [f"{esc(style.FLAG_TEXT.get(f, f))}: {c} of {len(batches)} <span class='muted mono'>{esc(f)}</span>"
                  for f, c in sorted(counts.items())]
    return ("<h2 id=batches>Batches</h2><p>" + "; ".join(items) + ".</p>"
            + ("<ul>" + "".join(f"<li>{i}</li>" for i in flag_items) + "</ul>" if flag_items else ""))


def provenance_html(run, names):
    if not run:
        return "<p class=muted>This report has no run.json: its provenance is unknown.</p>"
    tool = run.get("tool", {})
    arguments = run.get("arguments")
    command = ("regbn-analyze " + " ".join(shlex.quote(str(a)) for a in arguments)) if isinstance(arguments, list) \
        else "unknown"
    lines = [f"<tr><th>tool</th><td>{esc(tool.get('name', 'regbn-analyze'))} {esc(tool.get('version', '?'))}</td></tr>",
             f"<tr><th>created (UTC)</th><td>{esc(run.get('created_utc', 'unknown'))}</td></tr>",
             f"<tr><th>command line</th><td><code>{esc(command)}</code></td></tr>"]
    subsample = run.get("subsample")
    if isinstance(subsample, dict) and subsample:
        text = "; ".join(f"{k} = {v}" for k, v in subsample.items())
        lines.append(f"<tr><th>subsample</th><td>{esc(text)}</td></tr>")
    out = ["<table>" + "".join(lines) + "</table>"]
    inputs = [i for i in run.get("inputs", []) if isinstance(i, dict)]
    if inputs:
        out.append("<table><thead><tr><th>role</th><th>name</th><th>file</th><th>dataset</th><th>shape</th>"
                   "<th>dtype</th><th>SHA-256 of the file</th></tr></thead><tbody>")
        for item in inputs:
            role = str(item.get("role", ""))
            shape = "×".join(str(d) for d in item.get("shape", [])) if isinstance(item.get("shape"), list) else ""
            out.append(f"<tr><td>{esc(role)}</td><td>{esc(names.get(role, ''))}</td><td>{esc(item.get('file', ''))}"
                       f"</td><td><code>{esc(item.get('dataset', ''))}</code></td><td>{esc(shape)}</td>"
                       f"<td>{esc(item.get('dtype', ''))}</td>"
                       f"<td class='mono hash'>{esc(item.get('file_sha256', ''))}</td></tr>")
        out.append("</tbody></table>")
    configuration = run.get("configuration")
    if configuration:
        out.append("<details><summary>full configuration (run.json)</summary><pre>"
                   + esc(json.dumps(configuration, indent=2, ensure_ascii=False, sort_keys=True)) + "</pre></details>")
    return "\n".join(out)


def write_html(report, tables, figures, notes):
    """Writes REPORT/report.html; `figures` is {stem: (png path, caption)}. Returns the path."""
    run = tables["run.json"]
    names = layer_names(run)
    pair = pair_label("~".join(operand_roles(names)), names)
    warnings = [w for w in run.get("warnings", []) if isinstance(w, str)]
    tool = run.get("tool", {})
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>regbn-analyze report: {esc(pair)}</title><style>{CSS}</style></head><body>",
        f"<h1>RegBN report: {esc(pair)}</h1>",
        f"<p class=lead>{esc(run.get('command', 'report'))} by {esc(tool.get('name', 'regbn-analyze'))} "
        f"{esc(tool.get('version', ''))}, {esc(run.get('created_utc', 'date unknown'))}; "
        f"report directory <code>{esc(os.path.basename(os.path.abspath(report)))}</code>.</p>",
        "<h2 id=warnings>Warnings</h2>",
        ("<ul class=warnings>" + "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>") if warnings
        else "<p>The run reported no warnings.</p>",
        "<h2 id=figures>Figures</h2>",
    ]
    parts += [figure_html(stem, path, caption) for stem, (path, caption) in figures.items()]
    if notes:
        parts.append("<ul class=muted>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    parts += ["<h2 id=summary>Summary</h2>", summary_html(tables["summary.csv"], names),
              "<h2 id=channels>Channels</h2>", channels_html(tables["channels.csv"]),
              batches_html(tables["batches.csv"]),
              "<h2 id=provenance>Provenance</h2>", provenance_html(run, names),
              "<p class=muted>Written by notebooks-data/plot_report.py from the report's CSV and JSON files.</p>",
              "</body></html>"]
    path = os.path.join(report, "report.html")
    staging = f"{path}.tmp-{os.getpid()}"  # a reader never sees half a page
    try:
        with open(staging, "w", encoding="utf-8") as stream:
            stream.write("\n".join(parts) + "\n")
        os.replace(staging, path)
    finally:
        if os.path.exists(staging):
            os.remove(staging)
    return path
