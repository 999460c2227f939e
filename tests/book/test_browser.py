"""Every page of the built book, opened in headless Chromium with the network closed.

Serves _build/html on 127.0.0.1 and checks, page by page: it loads, its title, no broken
image, each chapter shows at least the figures its notebook stored, math is typeset (by the
bundled MathJax), the Colab link points at the chapter's .ipynb, the .ipynb and .py can be
downloaded, no console errors, no request leaves the machine, and the Persian glossary is
right-to-left. Full-page screenshots go to _build/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = (
    os.environ.get("DLBOOK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)
DLBOOK = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dlbook"]
REPO, REVISION = DLBOOK["repository"], DLBOOK["revision"]
# browser noise, not failures of the page's own resources
NOISE = ("favicon.ico",)

sync_api = pytest.importorskip("playwright.sync_api")


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [ch["file"] for ch in part["chapters"]]
    return [f.removesuffix(".ipynb").removesuffix(".md") for f in files]


PAGES = toc_files()


def first_heading(page_file: str) -> str:
    if page_file.startswith("notebooks/"):
        nb = json.loads((ROOT / f"{page_file}.ipynb").read_text())
        text = "".join(nb["cells"][0]["source"])
    else:
        text = (ROOT / f"{page_file}.md").read_text()
    line = next(line for line in text.splitlines() if line.startswith("# "))
    return line[2:].strip()


def stored_figures(page_file: str) -> int:
    if not page_file.startswith("notebooks/"):
        return 0
    nb = json.loads((ROOT / f"{page_file}.ipynb").read_text())
    return sum(
        "image/png" in o.get("data", {})
        for c in nb["cells"]
        for o in c.get("outputs", [])
    )


def check_exercises_and_solutions(page) -> None:
    """Every solution hidden on load and shown by one click; exercises numbered in order;
    each solution's link leads to its exercise on the same page."""
    exercises = page.locator("div.exercise")
    solutions = page.locator("div.solution")
    assert exercises.count() >= 3, "a chapter has at least three exercises"
    assert solutions.count() == exercises.count(), "one solution per exercise"
    numbers = [
        int(text.split()[-1])
        for text in page.locator("div.exercise .caption-number").all_inner_texts()
    ]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), numbers
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator("section").first
        assert not body.is_visible(), f"solution {i + 1} is visible before a click"
        solution.locator("button.toggle-button").click()
        body.wait_for(state="visible", timeout=5_000)
        link = solution.locator(".admonition-title a.reference").first
        target = link.get_attribute("href")
        assert target.startswith("#"), target
        exercise = page.locator(f"div.exercise[id='{target[1:]}']")
        assert exercise.count() == 1, f"the solution links to {target}, not an exercise"
        caption = exercise.locator(".caption-number").inner_text().strip()
        assert link.inner_text().strip() == caption, (link.inner_text(), caption)


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` first")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` (make test does)"
        )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.mark.parametrize("page_file", PAGES)
def test_page_in_a_real_browser(server, browser, page_file):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    external, failed, errors = [], [], []

    def route(r):  # the network is closed: anything not served by our server is refused
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(
            ("data:", "blob:")
        ):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    response = page.goto(f"{server}/{page_file}.html", wait_until="networkidle")
    assert response is not None and response.status == 200

    # title
    expected = first_heading(page_file)
    assert page.title().startswith(expected), (
        f"title {page.title()!r} does not start with {expected!r}"
    )

    # math typeset by MathJax (bundled, since the network is closed); every chapter has math
    math = page.locator(".math").count()
    if page_file.startswith("notebooks/"):
        assert math > 0, "a chapter without math markup: is dollarmath enabled?"
    if math:
        page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
        assert page.locator("mjx-container").count() > 0
        assert page.locator("mjx-merror").count() == 0, "MathJax reported an error"

    # images: none broken, and at least every figure the notebook stored
    page.evaluate(
        "() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))"
    )
    broken = page.evaluate(
        "() => [...document.images]"
        ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == [], f"broken images: {broken}"
    figures = stored_figures(page_file)
    shown = page.locator(".cell_output img").count()
    assert shown >= figures, f"{shown} figures shown, the notebook stored {figures}"

    if page_file.startswith("notebooks/"):
        name = page_file.split("/")[-1]
        owner_repo = REPO.removeprefix("https://github.com/")
        colab = (
            f"https://colab.research.google.com/github/{owner_repo}/blob/{REVISION}"
            f"/notebooks/{name}.ipynb"
        )
        assert page.locator(f'a[href="{colab}"]').count() >= 1, (
            "no Colab launch link to this chapter's .ipynb at the book's one revision"
        )
        check_exercises_and_solutions(page)
        # code is readable without scrolling sideways: no input block is wider than the page
        wide = page.eval_on_selector_all(
            ".cell_input pre",
            "els => els.filter(e => e.scrollWidth > e.clientWidth + 1)"
            ".map(e => e.textContent.split('\\n').sort((a, b) => b.length - a.length)[0])",
        )
        assert wide == [], (
            f"code blocks that scroll horizontally (longest line): {wide}"
        )
        for suffix in (".ipynb", ".py"):
            links = page.eval_on_selector_all(
                f'a[href$="{name}{suffix}"]',
                "els => els.map(e => e.href).filter(h => h.startsWith(location.origin))",
            )
            assert links, f"no download link for {name}{suffix}"
            got = page.request.get(links[0])
            assert got.status == 200 and len(got.body()) > 1000, (
                f"download {links[0]} failed"
            )

    if page_file == "book/glossary":
        rtl = page.locator('[dir="rtl"]')
        assert rtl.count() >= 10
        directions = set(
            page.eval_on_selector_all(
                '[dir="rtl"]', "els => els.map(e => getComputedStyle(e).direction)"
            )
        )
        assert directions == {"rtl"}

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"{page_file.replace('/', '_')}.png"), full_page=True
    )
    context.close()

    assert external == [], f"requests left the machine: {external}"
    own_failures = [f for f in failed if not f.endswith(NOISE)]
    assert own_failures == [], f"failed requests: {own_failures}"
    assert errors == [], f"console errors: {errors}"
