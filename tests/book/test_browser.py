"""Every page of both editions of the built book, in headless Chromium, network closed.

Serves _build/html (the English edition, with the Persian one in its fa/ folder) on
127.0.0.1 and checks, page by page: it loads, its title, no broken image, each chapter shows
at least the figures its notebook stored, math is typeset (by the bundled MathJax), the
Colab link points at the chapter's notebook, the .ipynb and .py can be downloaded, no code
block scrolls sideways, every exercise's solution is hidden until clicked, no console
errors, no request leaves the machine, and the link to the page's twin in the other edition
works. Persian pages are right-to-left, with the bundled Vazirmatn font and left-to-right
code. Full-page screenshots go to _build/screenshots/.
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


class Visit:
    """One page opened in a fresh browser context, with what went wrong recorded."""

    def __init__(self, browser, server, path):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.external, self.failed, self.errors = [], [], []
        self.page.route("**/*", self._route)
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "response",
            lambda r: (
                self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
            ),
        )
        self.response = self.page.goto(f"{server}/{path}", wait_until="networkidle")
        assert self.response is not None and self.response.status == 200, path

    def _route(self, r):  # the network is closed: anything not served by our server
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(
            ("data:", "blob:")
        ):
            r.continue_()
        else:
            self.external.append(r.request.url)
            r.abort()

    def close(self, screenshot: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{screenshot}.png"), full_page=True)
        self.context.close()
        assert self.external == [], f"requests left the machine: {self.external}"
        own = [f for f in self.failed if not f.endswith(NOISE)]
        assert own == [], f"failed requests: {own}"
        assert self.errors == [], f"console errors: {self.errors}"


def check_math_and_images(page, page_file: str) -> None:
    # math typeset by MathJax (bundled, the network is closed); every chapter has math
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


def check_chapter(page, page_file: str, notebook_folder: str) -> None:
    """The Colab link, no sideways scrolling, the exercises, the downloads."""
    name = page_file.split("/")[-1]
    owner_repo = REPO.removeprefix("https://github.com/")
    colab = (
        f"https://colab.research.google.com/github/{owner_repo}/blob/{REVISION}"
        f"/{notebook_folder}/{name}.ipynb"
    )
    assert page.locator(f'a[href="{colab}"]').count() >= 1, (
        f"no Colab launch link to {notebook_folder}/{name}.ipynb at the book's revision"
    )
    check_exercises_and_solutions(page)
    wide = page.eval_on_selector_all(
        ".cell_input pre",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.textContent.split('\\n').sort((a, b) => b.length - a.length)[0])",
    )
    assert wide == [], f"code blocks that scroll horizontally (longest line): {wide}"
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


def check_twin_link(page, server: str, page_file: str, to_persian: bool) -> None:
    """The link at the top of the page leads to the same page of the other edition."""
    link = page.locator(".edition-switch a")
    assert link.count() == 1, "no link to the other edition"
    href = link.get_attribute("href")
    expected = f"/fa/{page_file}.html" if to_persian else f"/{page_file}.html"
    target = page.evaluate("h => new URL(h, location.href).pathname", href)
    assert target == expected, (target, expected)
    got = page.request.get(server + target)
    assert got.status == 200, f"{target}: {got.status}"
    lang = "fa" if to_persian else "en"
    assert f'<html lang="{lang}"' in got.text(), f"{target} is not the {lang} edition"


@pytest.mark.parametrize("page_file", PAGES)
def test_page_in_a_real_browser(server, browser, page_file):
    visit = Visit(browser, server, f"{page_file}.html")
    page = visit.page
    expected = first_heading(page_file)
    assert page.title().startswith(expected), (
        f"title {page.title()!r} does not start with {expected!r}"
    )
    check_math_and_images(page, page_file)
    if page_file.startswith("notebooks/"):
        check_chapter(page, page_file, "notebooks")
    if page_file == "book/glossary":  # the Persian column reads right to left
        directions = page.eval_on_selector_all(
            "table.glossary tbody td:nth-child(2)",
            "els => els.map(e => getComputedStyle(e).direction)",
        )
        assert len(directions) >= 30 and set(directions) == {"rtl"}, directions[:3]
    check_twin_link(page, server, page_file, to_persian=True)
    visit.close(page_file.replace("/", "_"))


@pytest.mark.parametrize("page_file", PAGES)
def test_persian_page_in_a_real_browser(server, browser, page_file):
    if not (HTML / "fa" / "index.html").exists():
        pytest.fail("the Persian edition is not built: run `make book-fa` first")
    visit = Visit(browser, server, f"fa/{page_file}.html")
    page = visit.page
    root = page.locator("html")
    assert root.get_attribute("lang") == "fa" and root.get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # the bundled font is loaded and used for the prose
    assert page.evaluate(
        "document.fonts.ready.then(() => document.fonts.check('16px Vazirmatn'))"
    ), "the Vazirmatn font did not load"
    assert "Vazirmatn" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # the sidebar is on the right of the article
    sidebar = page.locator("#pst-primary-sidebar")
    article = page.locator("main#main-content")
    if sidebar.is_visible():
        assert sidebar.bounding_box()["x"] > article.bounding_box()["x"]
    # code, outputs and math stay left to right
    directions = set(
        page.eval_on_selector_all(
            "div.cell_input pre, div.cell_output pre, mjx-container",
            "els => els.map(e => getComputedStyle(e).direction)",
        )
    )
    assert directions <= {"ltr"}, directions
    check_math_and_images(page, page_file)
    if page_file.startswith("notebooks/"):
        check_chapter(page, page_file, "notebooks/fa")
    check_twin_link(page, server, page_file, to_persian=False)
    visit.close("fa_" + page_file.replace("/", "_"))
