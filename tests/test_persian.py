"""The Persian edition's sources: every English message translated (none fuzzy), the
markup of every translation intact, and the Persian notebooks current, with code cells and
outputs byte-identical to the English ones."""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest

from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import persian  # noqa: E402

ENGLISH = sorted(NOTEBOOKS.glob("q*.ipynb"))


def test_catalogs_are_complete_current_and_keep_the_markup():
    problems = persian.check()
    assert problems == [], "\n".join(problems[:40])


def test_counts_of_the_catalogs():
    counts = persian.stats()
    assert counts.get("untranslated", 0) == 0 and counts.get("fuzzy", 0) == 0, counts
    assert counts["messages"] > 500


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_persian_notebook_has_the_english_code_and_outputs(english):
    ours = json.loads(english.read_text())
    theirs = json.loads((persian.FA_NOTEBOOKS / english.name).read_text())
    assert len(ours["cells"]) == len(theirs["cells"])
    for a, b in zip(ours["cells"], theirs["cells"]):
        assert a["cell_type"] == b["cell_type"]
        if a["cell_type"] == "code":
            assert a == b  # source, outputs, metadata: byte for byte after JSON parsing
        else:
            assert b["source"] != a["source"], "a markdown cell was left in English"
            assert "".join(b["source"]).startswith('<div dir="rtl" lang="fa">')


@pytest.mark.parametrize(
    "english, persian_text, same",
    [
        (
            "see {cite}`hinton2015distilling`",
            "ببینید {cite}`hinton2015distilling`",
            True,
        ),
        ("the {download}`notebook <q1.ipynb>`", "{download}`دفترچه <q1.ipynb>`", True),
        ("the {download}`notebook <q1.ipynb>`", "{download}`دفترچه <q2.ipynb>`", False),
        ("a loss of $-\\log q_y$", "زیانی برابر با $-\\log q_y$", True),
        ("a loss of $-\\log q_y$", "زیانی برابر با $-\\log q$", False),
        ("call `fit()`", "تابع `fit()` را فرا بخوانید", True),
        ("call `fit()`", "تابع fit را فرا بخوانید", False),
    ],
)
def test_the_markup_rule(english, persian_text, same):
    assert (persian.markup(english) == persian.markup(persian_text)) is same


def test_a_translated_paragraph_replaces_its_english_across_line_breaks():
    used = set()
    source = "- **Small $k$:** low bias,\n  high variance.\n\nAnother paragraph."
    table = {
        "**Small $k$:** low bias, high variance.": "**$k$ کوچک:** بایاس کم، واریانس زیاد."
    }
    out = persian.translate_markdown(source, table, used)
    assert out == "- **$k$ کوچک:** بایاس کم، واریانس زیاد.\n\nAnother paragraph."
    assert used == set(table)


def test_numbers_are_kept_as_printed():
    """Numbers are written as the outputs print them (Latin digits), so that the Persian
    prose quotes exactly the printed values."""
    import re

    for path in persian.catalog_paths():
        for message in persian.read_catalog(path):
            if not message.id or not message.string or message.fuzzy:
                continue  # (untranslated and fuzzy messages fail the test above)
            english = Counter(re.findall(r"\d+(?:[.,]\d+)*%?", message.id))
            translated = Counter(re.findall(r"\d+(?:[.,]\d+)*%?", message.string))
            assert english == translated, (
                path.name,
                message.id[:60],
                message.string[:60],
            )


def test_cells_without_persian_read_left_to_right():
    """In the Persian pages, a table cell of numbers and units is isolated as
    left-to-right (else "47.1 s" shows as "s 47.1"); cells with Persian are untouched,
    and a table's <thead> is not taken for a cell."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import editions

    html = (
        '<table><thead><tr><th class="head"><p>GFLOP/s</p></th></tr></thead><tbody><tr>'
        "<td><p>431 s (7.2 min)</p></td><td><p>Q3 · تقطیر دانش</p></td></tr></tbody>"
        "</table>"
    )
    assert editions._ltr_cells(html) == (
        '<table><thead><tr><th class="head"><p><span dir="ltr">GFLOP/s</span></p></th>'
        '</tr></thead><tbody><tr><td><p><span dir="ltr">431 s (7.2 min)</span></p></td>'
        "<td><p>Q3 · تقطیر دانش</p></td></tr></tbody></table>"
    )
