"""The book's two editions, English and Persian, built from the same sources.

The English edition is the default build; the Persian edition is the same build with
``language = "fa"`` (its prose comes from the gettext catalogs in ``locales/fa``) and goes
into the ``fa/`` folder of the English site. This extension

* puts a link to the same page of the other edition at the top of every page;
* in the Persian edition: writes ``dir="rtl"`` on every page's ``<html>`` element (the
  theme has no right-to-left switch; with it, the theme's flex layout puts the sidebar on
  the right and the stylesheet ``rtl.css`` keeps code, outputs and math left-to-right),
  bundles the Vazirmatn font (copied in from the npm package by ``make font``), and points
  each chapter's Colab button at the Persian notebook ``notebooks/fa/<chapter>.ipynb``.
"""

from __future__ import annotations

import re
from pathlib import Path

PERSIAN = "fa"
ROOT = Path(__file__).resolve().parents[2]
FONT_DIR = ROOT / ".cache" / "vazirmatn"  # filled by `make font`
RTL_DIR = Path(__file__).resolve().parent / "rtl"  # rtl.css: only the Persian edition
FONT_FILES = ("Vazirmatn-Regular.woff2", "Vazirmatn-Bold.woff2", "OFL.txt")


def is_persian(app) -> bool:
    return (app.config.language or "en") == PERSIAN


def _config_inited(app, config) -> None:
    if not is_persian(app):
        return
    missing = [name for name in FONT_FILES if not (FONT_DIR / name).is_file()]
    if missing:
        raise RuntimeError(
            f"the Persian edition needs {missing} in {FONT_DIR}: run `make font`"
        )
    config.html_static_path = [*config.html_static_path, str(RTL_DIR), str(FONT_DIR)]
    # before sphinx-exercise's own config-inited handler builds its numbering format
    # ("Exercise %s") from its catalog: hence this handler's early priority
    _register_label_catalogs(app)


# The labels of the theme and of sphinx-exercise have no Persian catalog of their own: the
# edition brings one (locales/fa/LC_MESSAGES/<domain>.po), compiled here and registered.
# (pydata-sphinx-theme's labels are in Sphinx's own "sphinx" domain, which Sphinx compiles
# from the locale_dirs by itself.)
LABEL_DOMAINS = ("booktheme", "exercise")


def _register_label_catalogs(app) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = ROOT / "locales" / PERSIAN / "LC_MESSAGES"
    target_root = Path(app.doctreedir).parent / "label-catalogs"
    target = target_root / PERSIAN / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    for domain in LABEL_DOMAINS:
        with (
            open(source / f"{domain}.po", "rb") as po,
            open(target / f"{domain}.mo", "wb") as mo,
        ):
            write_mo(mo, read_po(po))
        app.add_message_catalog(domain, str(target_root))


def _builder_inited(app) -> None:
    if is_persian(app) and app.builder.format == "html":
        app.add_css_file("rtl.css")


def twin_href(pagename: str, persian: bool) -> str:
    """The relative link from ``pagename`` to the same page of the other edition."""
    up = "../" * pagename.count("/")
    return f"{up}../{pagename}.html" if persian else f"{up}{PERSIAN}/{pagename}.html"


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" not in context:
        return
    persian = is_persian(app)
    href = twin_href(pagename, persian)
    if persian:
        link = f'<a href="{href}" lang="en" hreflang="en" dir="ltr">English edition</a>'
    else:
        link = (
            f'<a href="{href}" lang="fa" hreflang="fa" dir="rtl">نسخهٔ فارسی</a>'
            ' <span class="edition-switch-hint">(Persian edition)</span>'
        )
    context["body"] = f'<p class="edition-switch">{link}</p>\n' + context["body"]


COLAB = re.compile(
    r"(colab\.research\.google\.com/github/[^\"']*?/notebooks/)(q\d_\w+\.ipynb)"
)


# A table cell with no Persian in it ("47.1 s", "431 s (7.2 min)", "float32") is read left
# to right; in a right-to-left table the bidi algorithm would move its unit or its
# parenthesis to the other side. Its content is isolated as left-to-right; the cell keeps
# the table's alignment.
CELL = re.compile(
    r"(<t[dh](?:\s[^>]*)?>\s*(?:<p>)?)(.*?)((?:</p>)?\s*</t[dh]>)", re.DOTALL
)
PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")


def _ltr_cells(html: str) -> str:
    def isolate(m: re.Match) -> str:
        text = re.sub(r"<[^>]+>", "", m.group(2))
        if PERSIAN_LETTER.search(text) or not re.search(r"[A-Za-z0-9]", text):
            return m.group(0)
        return f'{m.group(1)}<span dir="ltr">{m.group(2)}</span>{m.group(3)}'

    return CELL.sub(isolate, html)


def _build_finished(app, exception) -> None:
    if exception is not None or not is_persian(app) or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text.replace(
            f'<html lang="{PERSIAN}" ', f'<html lang="{PERSIAN}" dir="rtl" ', 1
        )
        new = COLAB.sub(r"\1fa/\2", new)
        new = _ltr_cells(new)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _config_inited, priority=100)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
