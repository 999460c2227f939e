"""The student edition and its grader (tools/student.py, `make student`).

For every chapter: the notebook with its solutions scores full marks with the autograder,
the generated student notebook scores zero on every exercise, and no student file holds a
solution or a hidden test. The notebooks run in fast mode (set by the root conftest).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jupytext
import pytest

from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import student  # noqa: E402

CHAPTERS = sorted(NOTEBOOKS.glob("q*.py"))


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return {py.stem: student.build(py, out) for py in CHAPTERS}


def grade(
    autograder: Path, notebook: Path, out: Path
) -> dict[str, tuple[float, float]]:
    out.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "otter", "run", "-a", str(autograder), "-o", str(out),
         str(notebook)],
        check=True,
        capture_output=True,
        # two notebooks run at once on two cores: one thread each (with torch's default
        # of one thread per core, the two runs oversubscribe the CPU; measured 3x slower)
        env={**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
    )  # fmt: skip
    results = json.loads((out / "results.json").read_text())
    return {
        t["name"]: (t["score"], t["max_score"])
        for t in results["tests"]
        if "score" in t
    }


@pytest.fixture(scope="module")
def scores(edition, tmp_path_factory):
    """Every chapter graded twice, two notebooks at a time (one per CPU core)."""
    out = tmp_path_factory.mktemp("graded")
    jobs = {
        (chapter, kind): (parts["autograder"], parts[kind], out / f"{chapter}-{kind}")
        for chapter, parts in edition.items()
        for kind in ("solution", "student")
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(grade, *job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def labels(py: Path) -> list[str]:
    return list(student.split_exercises(jupytext.read(py))[1])


@pytest.mark.parametrize("py", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_three_exercises_one_with_code(py):
    _, exercises = student.split_exercises(jupytext.read(py))
    assert len(exercises) >= 3, f"{py.stem}: {len(exercises)} exercises"
    assert any(
        cell.cell_type == "code" for e in exercises.values() for cell in e.solution
    ), f"{py.stem}: no exercise with a code solution"


@pytest.mark.parametrize("py", CHAPTERS, ids=lambda p: p.stem)
def test_the_solutions_score_full_marks(scores, py):
    got = scores[py.stem, "solution"]
    assert set(got) == set(labels(py))
    assert all(score == maximum for score, maximum in got.values()), got


@pytest.mark.parametrize("py", CHAPTERS, ids=lambda p: p.stem)
def test_the_student_notebooks_score_zero_on_every_exercise(scores, py):
    got = scores[py.stem, "student"]
    assert set(got) == set(labels(py))
    assert all(score == 0 for score, _ in got.values()), got


def secrets(py: Path) -> list[str]:
    """Lines a student must not see: the solutions' code and prose and the hidden tests
    (minus short lines and lines that the rest of the chapter shows anyway)."""
    chapter = jupytext.read(py)
    _, exercises = student.split_exercises(chapter)
    solution_cells = [cell for e in exercises.values() for cell in e.solution]
    outside = "\n".join(
        c.source for c in chapter.cells if not any(c is s for s in solution_cells)
    )
    lines = [line for cell in solution_cells for line in cell.source.splitlines()]
    for kinds in student.grading_tests(py.stem).values():
        lines += ast.unparse(kinds["hidden"].body).splitlines()
    return [
        line.strip()
        for line in lines
        if len(line.strip()) >= 12 and line.strip() not in outside
    ]


@pytest.mark.parametrize("py", CHAPTERS, ids=lambda p: p.stem)
def test_no_student_file_holds_a_solution_or_a_hidden_test(edition, py):
    parts = edition[py.stem]
    files = [p for p in parts["student"].parent.rglob("*") if p.is_file()]
    assert files, "the student edition is empty"
    text = "\n".join(p.read_text() for p in files)
    nb = json.loads(parts["student"].read_text())
    assert all(not c.get("outputs") for c in nb["cells"]), "outputs left in"
    found = []
    for secret in secrets(py):
        # a notebook stores its text as JSON strings: look for the escaped form too
        if secret in text or json.dumps(secret)[1:-1] in text:
            found.append(secret)
    assert found == [], (
        f"{py.stem}: solution or hidden-test lines in student files: {found}"
    )
    assert "# HIDDEN" not in text


def test_a_grading_module_with_anything_but_test_functions_is_refused(
    tmp_path, monkeypatch
):
    (tmp_path / "q9_demo.py").write_text(
        '"""doc"""\nLIMIT = 3\n\ndef hidden_q9_x(x):\n    pass\n'
    )
    monkeypatch.setattr(student, "GRADING", tmp_path)
    with pytest.raises(
        ValueError, match="only test functions allowed, got 'LIMIT = 3'"
    ):
        student.grading_tests("q9_demo")


def assigned_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


@pytest.mark.parametrize("py", CHAPTERS, ids=lambda p: p.stem)
def test_answer_cells_never_overwrite_the_chapters_variables(edition, py):
    """A student who fills in the answer cells must not clobber what the chapter defines
    (the tests read those variables too)."""
    chapter = jupytext.read(py)
    _, exercises = student.split_exercises(chapter)
    solution_cells = [cell for e in exercises.values() for cell in e.solution]
    chapter_names = set()
    for cell in chapter.cells:
        if cell.cell_type == "code" and not any(cell is s for s in solution_cells):
            chapter_names |= assigned_names(cell.source)
    nb = json.loads(edition[py.stem]["student"].read_text())
    answers = [
        "".join(c["source"])
        for c in nb["cells"]
        if "otter_answer_cell" in c.get("metadata", {}).get("tags", [])
    ]
    assert answers, "no answer cells"
    overwritten = set().union(*map(assigned_names, answers)) & chapter_names
    assert overwritten == set(), f"answer cells assign chapter variables: {overwritten}"
