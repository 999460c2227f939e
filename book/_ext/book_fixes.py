"""Two small fixes to the Jupyter Book 1.x HTML theme stack, found by the browser test.

1. sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``)
   once per read of the documents; a page then declares the same ``const`` twice and the
   browser reports "Identifier 'THEBE_JS_URL' has already been declared". Each page's
   scripts are de-duplicated here.
2. pydata-sphinx-theme starts every page with ``data-mode = localStorage.mode || default_mode``;
   with no ``default_mode`` a first visit logs "Got invalid theme mode". ``auto`` follows
   the reader's light/dark preference (the figures have white backgrounds for dark mode).
"""

from __future__ import annotations


def _default_mode(app, config) -> None:
    context = dict(config.html_context or {})
    # default_mode: a template variable of pydata-sphinx-theme
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # the same inline script is registered once with filename None and once with ''
        key = (
            getattr(script, "filename", None) or "",
            repr(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("config-inited", _default_mode)
    app.connect("html-page-context", _dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
