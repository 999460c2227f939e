"""Write book/glossary.md from book/glossary.yml and the chapters.

    python tools/glossary_page.py          # regenerate the page
    python tools/glossary_page.py --check  # what the tests run: fail if the page is stale

Each term's "Chapters" column is computed, not typed: the chapters whose prose (markdown
cells) matches the term's `match` regular expression, case-insensitively. Editing a
chapter can therefore make the page stale, and the test says so.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "book" / "glossary.yml"
PAGE = ROOT / "book" / "glossary.md"

HEAD = """# Glossary (English and Persian)

The course is taught in Persian; the book is written in English. This glossary gives the
terms used in the chapters in both languages, with a one-line meaning and the chapters
where each term appears.

<div dir="rtl" lang="fa" class="glossary-fa">
<p>این واژه‌نامه اصطلاحات به‌کاررفته در فصل‌های کتاب را به انگلیسی و فارسی،
همراه با معنای کوتاه هر اصطلاح و فصل‌هایی که در آن‌ها آمده است، فهرست می‌کند.</p>
</div>

:::{list-table}
:header-rows: 1
:widths: 20 20 48 12
:class: glossary

* - English
  - فارسی
  - Meaning
  - Chapters
"""

TAIL = """:::
"""


def chapter_prose() -> dict[str, str]:
    """Chapter label (Q1 ... Q5) -> the text of its markdown cells."""
    prose = {}
    for py in sorted((ROOT / "notebooks").glob("q*.py")):
        cells = jupytext.read(py).cells
        label = "Q" + py.stem[1]
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        prose[label] = re.sub(r"\s+", " ", text)  # a term may wrap across lines
    return prose


def render() -> str:
    terms = yaml.safe_load(SOURCE.read_text())
    prose = chapter_prose()
    rows = []
    for term in terms:
        pattern = re.compile(term["match"], re.IGNORECASE)
        where = [label for label, text in prose.items() if pattern.search(text)]
        if not where:
            raise SystemExit(f"glossary term {term['en']!r} appears in no chapter")
        rows.append(
            f"* - {term['en']}\n  - {term['fa']}\n  - {term['meaning']}\n"
            f"  - {', '.join(where)}"
        )
    return HEAD + "\n".join(rows) + "\n" + TAIL


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not PAGE.exists() or PAGE.read_text() != text:
            print(
                "book/glossary.md is stale: run python tools/glossary_page.py",
                file=sys.stderr,
            )
            return 1
        return 0
    PAGE.write_text(text)
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
