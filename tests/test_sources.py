"""The chapters' sources keep the book's promises: prose in markdown cells, code that fits the
page, lint-clean and formatted code, tested cells that say so, and a helpers package that
holds only what the chapters use."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import subprocess
import sys

import jupytext
import pytest

import helpers
from conftest import NOTEBOOKS, ROOT

PAIRS = sorted(NOTEBOOKS.glob("q*.py"))
CHAPTER_SOURCES = {py.stem: py.read_text() for py in PAIRS}
MAX_CODE_LINE = 88  # characters: wider code is clipped by the book's content column
MAX_SOLUTION_LINE = 80  # a solution dropdown's column is narrower

# Markdown structure that renders as grey code when a `# %% [markdown]` marker is missing
MARKDOWN_IN_COMMENT = re.compile(
    r"^#\s*(#{2,}\s|\|.*\||:::|```|.*\{(cite|ref|numref|download|eq)\}`)", re.M
)
MAX_COMMENT_RUN = 6  # consecutive comment lines: more is prose, not a comment


def code_cells(py):
    return [c for c in jupytext.read(py).cells if c.cell_type == "code"]


def tagged(py, tag):
    return [c for c in code_cells(py) if tag in c.metadata.get("tags", [])]


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_markdown_is_never_hidden_in_a_code_cell(py):
    for i, cell in enumerate(code_cells(py)):
        match = MARKDOWN_IN_COMMENT.search(cell.source)
        assert match is None, (
            f"{py.name}, code cell {i}: markdown in a comment ({match.group(0)!r}); "
            "is a `# %% [markdown]` marker missing?"
        )
        run = longest = 0
        for line in cell.source.splitlines():
            run = run + 1 if line.lstrip().startswith("#") else 0
            longest = max(longest, run)
        assert longest <= MAX_COMMENT_RUN, (
            f"{py.name}, code cell {i}: {longest} comment lines in a row read as prose; "
            "make them a markdown cell"
        )


def solution_code(py):
    """The code cells inside exercise solutions (between solution-start and -end)."""
    inside, found = False, []
    for cell in jupytext.read(py).cells:
        if cell.cell_type == "markdown" and "{solution-start}" in cell.source:
            inside = True
        elif cell.cell_type == "markdown" and "{solution-end}" in cell.source:
            inside = False
        elif inside and cell.cell_type == "code":
            found.append(cell)
    return found


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_solution_code_fits_the_dropdown(py):
    wide = [
        line
        for cell in solution_code(py)
        for line in cell.source.splitlines()
        if len(line) > MAX_SOLUTION_LINE
    ]
    assert wide == [], f"{py.name}: solution lines over {MAX_SOLUTION_LINE}: {wide}"


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_code_fits_the_books_column(py):
    wide = [
        (i, len(line))
        for i, cell in enumerate(code_cells(py))
        for line in cell.source.splitlines()
        if len(line) > MAX_CODE_LINE
    ]
    assert wide == [], (
        f"{py.name}: (code cell, width) of lines over {MAX_CODE_LINE}: {wide}"
    )


LINTED = [
    "helpers",
    "tools",
    "benchmarks",
    "tests",
    "grading",
    "book/_ext",
    *map(str, PAIRS),
]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_cells_run_by_the_tests_say_so(py):
    """A `definitions` cell names the test file that runs it alone (so its imports are
    needed); a checked cell says that nbval compares its output."""
    for cell in tagged(py, "definitions"):
        first = cell.source.splitlines()[0]
        match = re.fullmatch(
            r"# (tests/test_q\d_\w+\.py) runs this cell on its own\b.*", first
        )
        assert match, f"{py.name}: a definitions cell starts with {first!r}"
        test_file = ROOT / match.group(1)
        assert test_file.exists(), f"{py.name}: {match.group(1)} does not exist"
        assert f'load_definitions("{py.stem}")' in test_file.read_text()
    for cell in code_cells(py):
        lines = cell.source.splitlines()
        if "# NBVAL_CHECK_OUTPUT" not in lines:
            continue
        assert lines[0] == "# NBVAL_CHECK_OUTPUT", (
            f"{py.name}: the marker must come first"
        )
        assert lines[1].startswith("# nbval compares"), (
            f"{py.name}: the line after NBVAL_CHECK_OUTPUT says what is compared"
        )
        # the output must not depend on the mode or the machine
        for name in ("cfg", "ctx", "device", "perf_counter", "time."):
            assert not re.search(rf"\b{re.escape(name)}", cell.source), (
                f"{py.name}: a checked cell uses {name!r}, which depends on mode or machine"
            )


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_settings_are_stated_in_the_set_up_cell_and_print_one_line(py):
    code = code_cells(py)
    cells = [c for c in code if "helpers.setup(" in c.source]
    assert len(cells) == 1, f"{py.name}: one set-up cell"
    setup = cells[0]
    others = "\n".join(c.source for c in code if c is not setup)
    assert "helpers.by_mode(" not in others, (
        f"{py.name}: settings outside the set-up cell"
    )
    if "cfg[" in others:
        assert "cfg = helpers.by_mode(" in setup.source
    assert "print(" not in setup.source, (
        f"{py.name}: the set-up cell prints only setup's line"
    )


def _helpers_calls():
    """(name, number of positional arguments, keyword names) of every `helpers.<name>(...)`
    call in the chapters."""
    for source in CHAPTER_SOURCES.values():
        for node in ast.walk(ast.parse(source)):
            func = getattr(node, "func", None)
            if (
                isinstance(node, ast.Call)
                and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "helpers"
            ):
                yield func.attr, len(node.args), {k.arg for k in node.keywords}


def test_every_public_name_of_helpers_is_used_by_a_chapter():
    text = "\n".join(CHAPTER_SOURCES.values())
    unused = [n for n in helpers.__all__ if not re.search(rf"\bhelpers\.{n}\b", text)]
    assert unused == [], f"public but used by no chapter (move or drop them): {unused}"


def test_every_option_of_helpers_is_used_by_a_chapter():
    """An optional parameter that no chapter passes is a knob nobody turns (dataclass
    fields are data, not options, and are not counted)."""
    calls = list(_helpers_calls())
    unused = []
    for name in helpers.__all__:
        obj = getattr(helpers, name)
        if dataclasses.is_dataclass(obj) or not callable(obj):
            continue
        for index, p in enumerate(inspect.signature(obj).parameters.values()):
            if p.default is inspect.Parameter.empty:
                continue
            positional = p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
            if not any(
                called == name
                and (p.name in keywords or (positional and n_args > index))
                for called, n_args, keywords in calls
            ):
                unused.append(f"{name}({p.name}=)")
    assert unused == [], f"options that no chapter passes: {unused}"


def test_every_public_method_of_helpers_is_used_by_a_chapter():
    text = "\n".join(CHAPTER_SOURCES.values())
    unused = []
    for name in helpers.__all__:
        obj = getattr(helpers, name)
        if not inspect.isclass(obj):
            continue
        for attr, value in vars(obj).items():
            if attr.startswith("_") or not (
                callable(value) or isinstance(value, property)
            ):
                continue
            if not re.search(rf"\.{attr}\b", text):
                unused.append(f"{name}.{attr}")
    assert unused == [], f"methods that no chapter calls: {unused}"


def test_package_version_matches_pyproject():
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert helpers.__version__ == version
