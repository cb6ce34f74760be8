"""Reading a regbn-analyze report directory into pandas tables, whichever schema wrote it.

Two versions of summary.csv exist: the original
    measure, stage, value, p_value, p_method, n, settings
and the current one, which adds pairs, conditions and bootstrap intervals:
    measure, stage, pair, condition, value, p_value, p_method, ci_low, ci_high, ci_method, n, settings
An older table is completed with the values its rows meant (pair `f~g`, condition `none`,
no interval), so every figure and the HTML report read one shape. channels.csv likewise
had `layer` where it now has `name`, and no variance columns.
"""

import json
import os

import pandas as pd


class ReportError(Exception):
    """The directory is not a readable report; the message says what is wrong."""


# Columns a table must have, and the optional ones with the value a missing column means.
REQUIRED = {
    "summary.csv": ["measure", "stage", "value", "p_value", "p_method", "n", "settings"],
    "crosscorr.csv": ["f_channel", "g_channel", "r_raw"],
    "spectrum.csv": ["epoch", "step", "index", "singular_value", "normalized", "cumulative_energy"],
    "batches.csv": ["epoch", "step", "flags"],
    "channels.csv": ["channels", "channel_effective_rank"],
}
OPTIONAL = {
    "summary.csv": {"pair": "f~g", "condition": "none", "ci_low": float("nan"), "ci_high": float("nan"),
                    "ci_method": ""},
    "channels.csv": {"channels_for_90pct_variance": float("nan"), "channels_for_99pct_variance": float("nan"),
                     "recommendation": "", "verdict": "", "dataset": ""},
}
# Text columns: read as strings, an empty cell is "" (not NaN).
TEXT_COLUMNS = ["measure", "stage", "pair", "condition", "p_method", "ci_method", "settings", "flags", "name",
                "layer", "dataset", "verdict", "recommendation", "spatial_shape", "full_rank_possible"]
REPORT_FILES = list(REQUIRED) + ["run.json"]
NOT_A_REPORT_HINT = "pass the --out directory of `regbn-analyze audit`, `dependence`, `spectrum` or `channels`"


def read_table(report, name):
    """The table as a DataFrame in the current schema, or None when the report does not have it."""
    path = os.path.join(report, name)
    if not os.path.exists(path):
        return None
    try:
        table = pd.read_csv(path, keep_default_na=False, na_values=["nan", "NaN", ""],
                            dtype={column: str for column in TEXT_COLUMNS})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as error:
        raise ReportError(f"{path}: not a readable CSV table ({error})") from error
    if name == "channels.csv" and "name" not in table.columns and "layer" in table.columns:
        table = table.rename(columns={"layer": "name"})  # the first channels.csv called it `layer`
    required = REQUIRED[name] + (["name"] if name == "channels.csv" else [])
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ReportError(f"{path}: missing column(s) {', '.join(missing)}; expected at least "
                          f"{','.join(required)} (was it written by another version of regbn-analyze?)")
    filled = [column for column in OPTIONAL.get(name, {}) if column not in table.columns]
    for column in filled:
        table[column] = OPTIONAL[name][column]
    table.attrs["filled"] = filled  # the columns an older schema lacked
    for column in TEXT_COLUMNS:
        if column in table.columns:
            table[column] = table[column].fillna("")
    return table


def read_run(report):
    """run.json as a dict ({} when absent)."""
    path = os.path.join(report, "run.json")
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as stream:
            run = json.load(stream)
    except (OSError, ValueError) as error:
        raise ReportError(f"{path}: not readable JSON ({error})") from error
    if not isinstance(run, dict):
        raise ReportError(f"{path}: expected a JSON object, found {type(run).__name__}")
    return run


def load_report(report):
    """{"summary.csv": DataFrame or None, ..., "run.json": dict}."""
    if not os.path.isdir(report):
        raise ReportError(f"{report}: no such directory; {NOT_A_REPORT_HINT}")
    if not any(os.path.exists(os.path.join(report, name)) for name in REPORT_FILES):
        raise ReportError(f"{report}: not a regbn-analyze report (none of {', '.join(REPORT_FILES)} is there); "
                          f"{NOT_A_REPORT_HINT}")
    tables = {name: read_table(report, name) for name in REQUIRED}
    tables["run.json"] = read_run(report)
    summary = tables["summary.csv"]
    roles = {str(i.get("role")) for i in tables["run.json"].get("inputs", []) if isinstance(i, dict)}
    if summary is not None and {"x", "y"} <= roles and "pair" in summary.attrs["filled"]:
        summary["pair"] = "x~y"  # an original-schema `dependence` report: its one pair is x~y
    return tables


def layer_names(run):
    """{role: display name}: run.json `names` (--name-f/--name-g), else the dataset each role read.

    Two roles that read the same dataset path from different files are told apart by their file.
    """
    names = {}
    inputs = [i for i in run.get("inputs", []) if isinstance(i, dict) and i.get("role")]
    for item in inputs:
        # "/model/gray/conv4" reads as "model/gray/conv4"; a .npy input has no dataset, only its file
        dataset = str(item.get("dataset") or os.path.basename(str(item.get("file") or "")) or item["role"])
        dataset = dataset.lstrip("/") or dataset
        names[str(item["role"])] = dataset
    clashes = {d for d in names.values() if list(names.values()).count(d) > 1}
    for item in inputs:
        role = str(item["role"])
        if names[role] in clashes and item.get("file"):
            names[role] = f"{os.path.basename(str(item['file']))}:{names[role]}"
    given = run.get("names")
    if isinstance(given, dict):
        names.update({str(role): str(name) for role, name in given.items() if name})
    return names


def operand_roles(names):
    """("f", "g") for RegBN reports, ("x", "y") for `dependence` and `spectrum` ones."""
    return ("x", "y") if ("x" in names or "y" in names) and not ("f" in names or "g" in names) else ("f", "g")


def pair_label(pair, names):
    """`f~g` → "gray.conv4 ~ colour.conv4" with the layer names (roles kept when unnamed)."""
    return " ~ ".join(names.get(role, role) for role in pair.split("~"))
