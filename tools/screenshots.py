"""Screenshots of the built book's pages, for looking at them (not a test).

    python tools/screenshots.py [--persian] [--full] [PAGE ...]   # PAGE: e.g. book/glossary

Serves _build/html, opens each page in Debian's Chromium (as the browser test does) at
1280x900 and writes _build/screenshots/<edition>/<page>.png (the first screen, or with
--full the whole page).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import threading
from pathlib import Path

from playwright import sync_api

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("DLBOOK_CHROMIUM", "/usr/bin/chromium")
PAGES = [
    "book/intro",
    "book/setup",
    "notebooks/q1_generalization",
    "notebooks/q2_regularization",
    "notebooks/q3_distillation",
    "notebooks/q4_optimizers",
    "notebooks/q5_fashion_mnist",
    "book/performance",
    "book/glossary",
    "book/references",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--persian", action="store_true")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    prefix = "fa/" if args.persian else ""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name in args.pages:
            page.goto(f"{base}/{prefix}{name}.html", wait_until="networkidle")
            target = OUT / ("fa" if args.persian else "en") / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=args.full)
            print(target.relative_to(ROOT))
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
