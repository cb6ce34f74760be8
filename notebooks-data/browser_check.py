#!/usr/bin/env python3
"""Renders a report.html in headless Chromium and checks what a reader would see.

    python3 notebooks-data/browser_check.py REPORT/report.html [--screenshot PAGE.png]

1. A copy of the page with a small probe script appended (the report itself has no script)
   is loaded with --dump-dom; on `load` the probe writes into the DOM how many <img> have
   decoded (complete, naturalWidth > 0), each image's box on the page and the page height.
2. The same copy is rendered to a PNG screenshot of the whole page.
3. The screenshot must not be blank (enough ink, enough colours), and inside each image's
   box the screenshot must look like that figure: the embedded PNG, scaled to the box, and
   the screenshot's pixels there differ by little on average and are not one flat colour.

Exit 0 with one line of figures on success, 1 with the reasons otherwise, 2 when no Chromium
is installed (scripts/install-deps --browser; or set REGBN_CHROMIUM to a Chromium binary).
"""

import argparse
import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

PROBE = """<script>
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var boxes = images.map(function (img) {
    var r = img.getBoundingClientRect();
    return {ok: img.complete && img.naturalWidth > 0, x: r.left + window.scrollX, y: r.top + window.scrollY,
            w: r.width, h: r.height, natural: [img.naturalWidth, img.naturalHeight], alt: img.alt};
  });
  var marker = document.createElement("pre");
  marker.id = "regbn-probe";
  marker.textContent = "REGBN-PROBE " + JSON.stringify({
    images: boxes, height: document.documentElement.scrollHeight, text: document.body.innerText.length});
  document.body.appendChild(marker);
});
</script>"""
MAX_SCREENSHOT_HEIGHT = 16000  # Chromium's limit for one screenshot is about 16384 px
WIDTH = 1280


def chromium_binary():
    for candidate in (os.environ.get("REGBN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def run_chromium(binary, arguments, timeout=120):
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
               "--force-device-scale-factor=1", "--virtual-time-budget=15000"] + arguments
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def probe(binary, page):
    # at the screenshot's width, so the boxes it reports are where the screenshot has them
    dom = run_chromium(binary, ["--dump-dom", f"--window-size={WIDTH},1000", "file://" + page])
    match = re.search(r"REGBN-PROBE (\{.*?\})</pre>", dom, re.S)
    if not match:
        raise RuntimeError("the probe script did not run: the page did not finish loading (no REGBN-PROBE in the DOM)")
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def decode(data):
    try:
        return matplotlib.image.imread(io.BytesIO(base64.b64decode(data)), format="png")[..., :3]
    except (ValueError, SyntaxError, OSError):  # binascii.Error is a ValueError; PIL raises SyntaxError/OSError
        return None  # a broken figure: the load check reports it


def embedded_pngs(page):
    """The figures of the page, decoded (None where undecodable), in document order."""
    with open(page, encoding="utf-8") as stream:
        text = stream.read()
    return [decode(data) for data in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)]


def resize(image, height, width):
    """Box-average `image` down to (height, width): the way a browser shrinks a figure, roughly."""
    rows = np.linspace(0, image.shape[0], height + 1).astype(int)
    cols = np.linspace(0, image.shape[1], width + 1).astype(int)
    summed = np.add.reduceat(np.add.reduceat(image, rows[:-1], axis=0), cols[:-1], axis=1)
    counts = np.outer(np.diff(rows), np.diff(cols))[..., None]
    return summed / counts


def check(page, screenshot=None):
    """(problems, summary line)."""
    binary = chromium_binary()
    if binary is None:
        raise FileNotFoundError("no Chromium found (scripts/install-deps --browser, or set REGBN_CHROMIUM)")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        probed = os.path.join(tmp, "probe.html")
        with open(page, encoding="utf-8") as stream:
            text = stream.read()
        if "</body>" not in text:
            return [f"{page}: no </body>: not a complete page"], ""
        with open(probed, "w", encoding="utf-8") as stream:
            stream.write(text.replace("</body>", PROBE + "</body>", 1))
        facts = probe(binary, probed)
        images = facts["images"]
        loaded = sum(1 for image in images if image["ok"])
        if not images:
            problems.append("the page has no figure")
        if loaded != len(images):
            problems.append(f"only {loaded} of {len(images)} figures loaded: "
                            + ", ".join(i["alt"] for i in images if not i["ok"]))
        if facts["text"] < 200:
            problems.append(f"the page has almost no text ({facts['text']} characters)")
        height = int(min(max(facts["height"], 200), MAX_SCREENSHOT_HEIGHT))
        shot = screenshot or os.path.join(tmp, "page.png")
        run_chromium(binary, [f"--screenshot={shot}", f"--window-size={WIDTH},{height}", "file://" + probed])
        pixels = matplotlib.image.imread(shot)[..., :3]
        ink = float((pixels.min(axis=2) < 0.85).mean())
        colours = len(np.unique((pixels[::5, ::5] * 31).astype(int).reshape(-1, 3), axis=0))
        if ink < 0.01 or colours < 30:
            problems.append(f"the screenshot looks blank ({ink:.1%} ink, {colours} colours)")
        differences = []
        for image, figure in zip(images, embedded_pngs(probed)):
            x, y, w, h = (int(round(image[k])) for k in ("x", "y", "w", "h"))
            if figure is None or not image["ok"] or y + h > pixels.shape[0] or w < 20 or h < 20:
                continue  # below the screenshot's reach, or too small to compare
            region = pixels[y:y + h, x:x + w]
            expected = resize(figure, region.shape[0], region.shape[1])
            difference = float(np.abs(region - expected).mean())
            differences.append(difference)
            if difference > 0.06 or region.std() < 0.02:
                problems.append(f"figure {image['alt']!r} is not what the page shows at ({x}, {y}, {w}×{h}): "
                                f"mean difference {difference:.3f}, contrast {region.std():.3f}")
        if images and not differences:
            problems.append("no figure was inside the screenshot to compare")
    summary = (f"{loaded}/{len(images)} figures loaded, page {facts['height']} px high, {ink:.1%} ink, "
               f"{len(differences)} figures match the screenshot (mean difference at most "
               f"{max(differences, default=float('nan')):.3f})")
    return problems, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="a report.html written by plot_report.py --html")
    parser.add_argument("--screenshot", help="keep the screenshot here (PNG)")
    args = parser.parse_args(argv)
    try:
        problems, summary = check(os.path.abspath(args.page), args.screenshot)
    except FileNotFoundError as error:
        print(f"browser_check: {error}", file=sys.stderr)
        return 2
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"browser_check: {args.page}: {error}", file=sys.stderr)
        return 1
    if problems:
        print(f"browser_check: {args.page}:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"browser_check: {args.page}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
