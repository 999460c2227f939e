"""The Persian edition: translation catalogs, the edition's configuration, Persian notebooks.

The English sources are the only source of code, outputs and figures; the Persian edition
translates their prose, message by message, in gettext catalogs (Sphinx's own mechanism,
kept with sphinx-intl) under ``locales/fa/LC_MESSAGES/``:

    python tools/persian.py catalogs   # extract the English messages; update the catalogs
                                       # (a changed paragraph becomes fuzzy or untranslated)
    python tools/persian.py config     # _build/fa/_config.yml: the book's config, in Persian
    python tools/persian.py notebooks  # notebooks/fa/*.ipynb: the chapters with translated
                                       # markdown; code cells and outputs are the English ones
    python tools/persian.py check      # what the tests run: catalogs complete and current,
                                       # markup kept in every translation, notebooks current
    python tools/persian.py export notebooks/q1_generalization q1.json   # for translators:
    python tools/persian.py import notebooks/q1_generalization q1.json   # msgid -> msgstr

Messages with nothing to translate (numbers and units, a file name or a code span alone)
are filled in with the English text by `catalogs`.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import nbformat
import yaml
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
CATALOGS = LOCALES / "fa" / "LC_MESSAGES"
FA_NOTEBOOKS = ROOT / "notebooks" / "fa"
FA_CONFIG = ROOT / "_build" / "fa" / "_config.yml"
BIN = Path(sys.executable).parent

# Markup a translation must keep as it is: roles' names and targets, inline code, math,
# link targets, HTML tags. (The words a role shows may be translated.)
ROLE = re.compile(r"\{([\w:-]+)\}`(?:[^`<]*<([^`>]+)>|([^`]*))`")
CODE = re.compile(r"(?<![`}])`([^`]+)`")
MATH = re.compile(r"\$\$?[^$]+\$\$?")
LINK = re.compile(r"\]\(([^)\s]+)\)")
TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")


def markup(text: str) -> Counter:
    """What must survive translation unchanged, as a multiset."""
    found: Counter = Counter()
    for m in ROLE.finditer(text):
        found[("role", m.group(1), (m.group(2) or m.group(3)).strip())] += 1
    stripped = ROLE.sub(" ", text)
    found.update(("code", c) for c in CODE.findall(stripped))
    found.update(("math", m) for m in MATH.findall(stripped))
    found.update(("link", u) for u in LINK.findall(stripped))
    found.update(("tag", t) for t in TAG.findall(stripped))
    return found


def catalog_paths() -> list[Path]:
    return sorted(CATALOGS.rglob("*.po"))


def read_catalog(path: Path):
    with open(path, "rb") as fh:
        return read_po(fh)


def extract(out: Path) -> None:
    """The English messages (.pot files) of the whole book, one per document."""
    subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(ROOT), "--builder", "custom",
         "--custom-builder", "gettext", "--path-output", str(out), "--all", "-W"],
        check=True,
        capture_output=True,
    )  # fmt: skip


UNITS = {"s", "ms", "min", "x", "GFLOP/s", "GiB", "MB", "px"}


def nothing_to_translate(msgid: str) -> bool:
    """Numbers with units, or a code span / file name alone: the same in Persian."""
    if CODE.fullmatch(msgid.strip()):
        return True
    words = re.findall(r"[A-Za-z/]+", ROLE.sub(" ", msgid))
    return all(w in UNITS for w in words)


def catalogs() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        extract(Path(tmp))
        pot = Path(tmp) / "_build" / "gettext"
        subprocess.run(
            [str(BIN / "sphinx-intl"), "update", "-p", str(pot), "-l", "fa", "-d",
             str(LOCALES), "-w", "0"],
            check=True,
            capture_output=True,
        )  # fmt: skip
    for path in catalog_paths():
        catalog = read_catalog(path)
        changed = False
        for m in catalog:
            if m.id and nothing_to_translate(m.id) and (m.fuzzy or not m.string):
                m.string, changed = m.id, True
                m.flags.discard("fuzzy")
        if changed:
            write_catalog(path, catalog)


def write_catalog(path: Path, catalog) -> None:
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=0)


def export(document: str, target: Path) -> None:
    """The document's messages as JSON for a translator: [{msgid, msgstr, fuzzy}]."""
    catalog = read_catalog(CATALOGS / f"{document}.po")
    items = [
        {"msgid": m.id, "msgstr": m.string, "fuzzy": m.fuzzy} for m in catalog if m.id
    ]
    target.write_text(json.dumps(items, ensure_ascii=False, indent=1))


def import_(document: str, source: Path) -> list[str]:
    """Fill the catalog from a translator's JSON; return the messages it did not know."""
    path = CATALOGS / f"{document}.po"
    catalog = read_catalog(path)
    given = {item["msgid"]: item["msgstr"] for item in json.loads(source.read_text())}
    unknown = sorted(set(given) - {m.id for m in catalog})
    for m in catalog:
        if m.id in given and given[m.id]:
            m.string = given[m.id]
            m.flags.discard("fuzzy")
    write_catalog(path, catalog)
    return unknown


FA_TOC = FA_CONFIG.parent / "_toc.yml"


def config() -> Path:
    """The Persian edition's config and table of contents: the English ones with the
    language set and the strings of locales/fa/book.yml (title, author, part captions)."""
    strings = yaml.safe_load((LOCALES / "fa" / "book.yml").read_text())
    data = yaml.safe_load((ROOT / "_config.yml").read_text())
    data["title"] = strings["title"]
    data["author"] = strings["author"]
    sphinx = data.setdefault("sphinx", {}).setdefault("config", {})
    sphinx.update({"language": "fa", "locale_dirs": [str(LOCALES)]})
    # paths in the config are relative to the book's root, not to this file
    data["bibtex_bibfiles"] = [str(ROOT / p) for p in data["bibtex_bibfiles"]]
    extensions = data["sphinx"]["local_extensions"]
    data["sphinx"]["local_extensions"] = {
        k: str(ROOT / v) for k, v in extensions.items()
    }
    FA_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    FA_CONFIG.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc["parts"]:
        part["caption"] = strings["captions"][part["caption"]]
    FA_TOC.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    return FA_CONFIG


def messages(document: str) -> dict[str, str]:
    """msgid -> msgstr of one document's catalog (e.g. ``notebooks/q1_generalization``)."""
    path = CATALOGS / f"{document}.po"
    catalog = read_catalog(path)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def _pattern(msgid: str) -> re.Pattern:
    """The message as it stands in a markdown cell: the same words, any line breaks."""
    words = msgid.split()
    return re.compile(r"(?<![^\s|>*_(\[])" + r"\s+".join(map(re.escape, words)))


def translate_markdown(source: str, table: dict[str, str], used: set[str]) -> str:
    for msgid in sorted(table, key=len, reverse=True):
        pattern = _pattern(msgid)
        source, count = pattern.subn(lambda _m, t=table[msgid]: t, source)
        if count:
            used.add(msgid)
    return source


def persian_notebook(english: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """The chapter with its markdown cells translated; code cells and outputs untouched.
    Returns the notebook and the catalog's messages it could not place."""
    nb = nbformat.read(english, as_version=4)
    table = messages(f"notebooks/{english.stem}")
    used: set[str] = set()
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            text = translate_markdown(cell.source, table, used)
            cell.source = f'<div dir="rtl" lang="fa">\n\n{text}\n\n</div>'
    return out, sorted(set(table) - used)


def notebooks(write: bool = True) -> list[str]:
    """Write (or, with write=False, compare) notebooks/fa/*.ipynb; return the problems."""
    problems = []
    FA_NOTEBOOKS.mkdir(parents=True, exist_ok=True)
    for english in sorted((ROOT / "notebooks").glob("q*.ipynb")):
        nb, unplaced = persian_notebook(english)
        problems += [f"{english.name}: message not found in the notebook: {m[:60]!r}"
                     for m in unplaced]  # fmt: skip
        target = FA_NOTEBOOKS / english.name
        text = nbformat.writes(nb) + "\n"
        if write:
            target.write_text(text)
        elif not target.exists() or target.read_text() != text:
            problems.append(
                f"{target.relative_to(ROOT)} is stale: run `make fa-notebooks`"
            )
    return problems


def check() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        extract(Path(tmp))
        pot_dir = Path(tmp) / "_build" / "gettext"
        for pot in sorted(pot_dir.rglob("*.pot")):
            document = pot.relative_to(pot_dir).with_suffix("")
            po = CATALOGS / f"{document}.po"
            if not po.exists():
                problems.append(f"{document}: no catalog (run `make translations`)")
                continue
            wanted = {m.id for m in read_catalog(pot) if m.id}
            catalog = read_catalog(po)
            have = {m.id: m for m in catalog if m.id}
            for msgid in sorted(wanted):
                m = have.get(msgid)
                if m is None or not m.string:
                    problems.append(f"{document}: untranslated: {msgid[:70]!r}")
                elif m.fuzzy:
                    problems.append(f"{document}: fuzzy: {msgid[:70]!r}")
                elif markup(msgid) != markup(m.string):
                    lost = markup(msgid) - markup(m.string)
                    added = markup(m.string) - markup(msgid)
                    problems.append(
                        f"{document}: markup changed in {msgid[:50]!r}: lost {dict(lost)}, "
                        f"added {dict(added)}"
                    )
    problems += notebooks(write=False)
    return problems


def stats() -> dict[str, int]:
    counts = Counter()
    for path in catalog_paths():
        for m in read_catalog(path):
            if not m.id:
                continue
            counts["messages"] += 1
            counts[
                "fuzzy" if m.fuzzy else "translated" if m.string else "untranslated"
            ] += 1
    return dict(counts)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command",
        choices=("catalogs", "config", "notebooks", "check", "export", "import"),
    )
    parser.add_argument("document", nargs="?", help="export/import: e.g. book/intro")
    parser.add_argument(
        "json", nargs="?", type=Path, help="export/import: the JSON file"
    )
    args = parser.parse_args()
    if args.command == "export":
        export(args.document, args.json)
        return 0
    if args.command == "import":
        unknown = import_(args.document, args.json)
        for msgid in unknown:
            print(f"not in the catalog: {msgid[:70]!r}", file=sys.stderr)
        return 1 if unknown else 0
    if args.command == "catalogs":
        catalogs()
        print(json.dumps(stats()))
    elif args.command == "config":
        print(f"wrote {config().relative_to(ROOT)}")
    elif args.command == "notebooks":
        for line in notebooks():
            print(line, file=sys.stderr)
    else:
        problems = check()
        for line in problems:
            print(line, file=sys.stderr)
        print(json.dumps(stats()))
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
