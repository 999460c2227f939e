"""The student edition: every chapter with its exercises' solutions taken out, and the
autograder an instructor needs to score submissions (otter-grader).

    python tools/student.py                 # every chapter into _build/student/
    python tools/student.py notebooks/q1_generalization.py
    make student

What it writes, per chapter (``q1_generalization`` as the example)::

    _build/student/q1_generalization/q1_generalization.ipynb   the student's notebook
    _build/student/q1_generalization/tests/                    public checks (grader.check)
    _build/student/instructor/q1_generalization-autograder.zip the hidden tests (otter run)
    _build/student/instructor/q1_generalization-solution.ipynb the notebook with solutions

How an exercise is written in a chapter (the book shows it with sphinx-exercise, the
solution collapsed), each directive in a markdown cell of its own::

    :::{exercise}            <- the task; it names the variables the answer goes in
    :label: q1-classic-factor
    ...
    :::
    :::{solution-start} q1-classic-factor
    :class: dropdown
    :::
    <code and markdown cells: the solution, executed like the rest of the chapter>
    :::{solution-end}
    :::

and its tests live in ``grading/<chapter>.py``: ``public_<label>(...)`` checks the form of
an answer (students see it), ``hidden_<label>(...)`` checks that it is right (only the
autograder has it). Their parameters name the notebook variables they test, and they accept
any correct answer, not only the book's code. For the student, the solution cells become
one cell ``<variable> = ...`` per variable; the solution's prose is removed.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "student"
GRADING = ROOT / "grading"

EXERCISE = re.compile(r"\A:::\{exercise\}\n:label: ([\w-]+)\n(.*?)\n:::\s*\Z", re.S)
SOLUTION_START = re.compile(
    r"\A:::\{solution-start\} ([\w-]+)\n(?::class: dropdown\n)?:::\s*\Z"
)
SOLUTION_END = re.compile(r"\A:::\{solution-end\}\n:::\s*\Z")

INIT_CELL = """# The grader: grader.check("<label>") runs the public checks of one exercise.
import importlib.util
import subprocess

if importlib.util.find_spec("otter") is None:  # Colab: install it once
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "otter-grader==7.0.0"])
import otter

grader = otter.Notebook(tests_dir="tests")"""


@dataclass
class Exercise:
    label: str
    prompt: str
    solution: list = field(default_factory=list)  # notebook cells

    @property
    def key(self) -> str:
        return self.label.replace("-", "_")


def raw(text: str):
    return nbformat.v4.new_raw_cell(text)


def split_exercises(nb) -> tuple[list, dict[str, Exercise]]:
    """The chapter's cells, with every exercise replaced by its Exercise (in place)."""
    cells, exercises, current, in_solution = [], {}, None, False
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "markdown" and (m := EXERCISE.match(text)):
            current = Exercise(m.group(1), m.group(2).strip())
            exercises[current.label] = current
            cells.append(current)
        elif cell.cell_type == "markdown" and (m := SOLUTION_START.match(text)):
            if current is None or m.group(1) != current.label:
                raise ValueError(
                    f"solution-start {m.group(1)!r} does not follow its exercise"
                )
            in_solution = True
        elif cell.cell_type == "markdown" and SOLUTION_END.match(text):
            if not in_solution:
                raise ValueError(
                    f"solution-end without solution-start after {current!r}"
                )
            in_solution, current = False, None
        elif in_solution:
            current.solution.append(cell)
        else:
            if cell.cell_type == "markdown" and re.search(
                r"\{(exercise|solution)", text
            ):
                raise ValueError(
                    f"an exercise or solution directive out of place: {text[:80]!r}"
                )
            cells.append(cell)
    if in_solution:
        raise ValueError("a solution-start without solution-end")
    return cells, exercises


def grading_tests(chapter: str) -> dict[str, dict[str, ast.FunctionDef]]:
    """label key -> {"public": def, "hidden": def} from grading/<chapter>.py."""
    path = GRADING / f"{chapter}.py"
    tree = ast.parse(path.read_text())
    tests: dict[str, dict[str, ast.FunctionDef]] = {}
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    loose = [n for n in body if not isinstance(n, ast.FunctionDef)]
    if (
        loose
    ):  # only the functions are copied into the autograder: nothing else survives
        found = ast.unparse(loose[0])[:60]
        raise ValueError(f"{path.name}: only test functions allowed, got {found!r}")
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith(
            ("public_", "hidden_")
        ):
            kind, key = node.name.split("_", 1)
            tests.setdefault(key, {})[kind] = node
    return tests


def answer_variables(exercise: Exercise, hidden: ast.FunctionDef) -> list[str]:
    """The hidden test's parameters that the solution's code defines at top level: the
    student's answer. (Its other parameters are chapter variables the test reads.)"""
    defined: set[str] = set()
    for cell in exercise.solution:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            for target in targets:
                for name in ast.walk(target) if target is not None else ():
                    if isinstance(name, ast.Name):
                        defined.add(name.id)
    answers = [a.arg for a in hidden.args.args if a.arg in defined]
    if not answers:
        raise ValueError(
            f"{exercise.label}: the solution defines none of the tested names"
        )
    return answers


def test_cell(func: ast.FunctionDef, hidden: bool) -> str:
    """An otter exception-based test: the function, renamed, and a call to it."""
    func = ast.parse(ast.unparse(func)).body[0]
    kind, key = func.name.split("_", 1)  # public_<key> / hidden_<key>: distinct names,
    func.name = f"test_{key}_{kind}"  # or otter would keep only the last of the two
    args = ", ".join(a.arg for a in func.args.args)
    body = ast.unparse(func) + f"\n\n\n{func.name}({args})"
    return ("# HIDDEN\n" if hidden else "") + body


def master_notebook(py: Path) -> tuple[nbformat.NotebookNode, dict[str, Exercise]]:
    """An otter-grader master notebook: the chapter with each exercise as an otter question
    (prompt, solution, public and hidden tests)."""
    chapter = py.stem
    nb = jupytext.read(py)
    cells, exercises = split_exercises(nb)
    tests = grading_tests(chapter)
    missing = {e.key for e in exercises.values()} ^ set(tests)
    if missing:
        raise ValueError(
            f"{chapter}: exercises and grading tests do not match: {sorted(missing)}"
        )
    config = (
        f"# ASSIGNMENT CONFIG\nname: {chapter}\ninit_cell: false\ncheck_all_cell: false\n"
        "export_cell: false\nrun_tests: false\ntests:\n  files: true\n  ok_format: false\n"
    )
    out = [raw(config)]
    numbered = 0
    for cell in cells:
        if not isinstance(cell, Exercise):
            out.append(cell)
            if cell.cell_type == "code" and "colab" in cell.metadata.get("tags", []):
                out.append(nbformat.v4.new_code_cell(INIT_CELL))
            continue
        numbered += 1
        pair = tests[cell.key]
        variables = answer_variables(cell, pair["hidden"])
        out.append(raw(f"# BEGIN QUESTION\nname: {cell.label}\npoints: 1"))
        out.append(
            nbformat.v4.new_markdown_cell(
                f"**Exercise {numbered}** (`{cell.label}`). {cell.prompt}\n\n"
                f"Put your answer in {', '.join(f'`{v}`' for v in variables)}; "
                f'`grader.check("{cell.label}")` runs the public checks.'
            )
        )
        out.append(raw("# BEGIN SOLUTION"))
        for sol in cell.solution:
            sol = nbformat.from_dict(dict(sol))
            sol.metadata.pop("tags", None)
            if sol.cell_type == "code":  # removed whole from the student's notebook
                sol.source = f"# BEGIN SOLUTION NO PROMPT\n{sol.source}\n# END SOLUTION"
                sol.outputs = []
            out.append(sol)
        # the student's answer cell: `variable = ...` for each variable the tests read
        answer = "\n".join(f"{v} = {v}  # SOLUTION" for v in variables)
        out.append(nbformat.v4.new_code_cell(answer))
        out.append(raw("# END SOLUTION"))
        out.append(raw("# BEGIN TESTS"))
        if "public" in pair:
            out.append(
                nbformat.v4.new_code_cell(test_cell(pair["public"], hidden=False))
            )
        out.append(nbformat.v4.new_code_cell(test_cell(pair["hidden"], hidden=True)))
        out.append(raw("# END TESTS"))
        out.append(raw("# END QUESTION"))
    master = nbformat.v4.new_notebook(cells=out, metadata=dict(nb.metadata))
    master.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for i, c in enumerate(master.cells):
        c["id"] = f"cell-{i}"
    return master, exercises


def build(py: Path, out: Path = OUT) -> dict[str, Path]:
    """Run otter assign on the chapter's master notebook; return where the parts went."""
    chapter = py.stem
    master, _ = master_notebook(py)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nbformat.write(master, tmp / f"{chapter}.ipynb")
        result = subprocess.run(
            [sys.executable, "-m", "otter", "assign", f"{chapter}.ipynb", "dist"],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"otter assign failed for {chapter}:\n{result.stderr[-3000:]}"
            )
        student = out / chapter
        instructor = out / "instructor"
        shutil.rmtree(student, ignore_errors=True)
        instructor.mkdir(parents=True, exist_ok=True)
        shutil.copytree(tmp / "dist" / "student", student)
        # a solution cell that was all solution leaves an empty cell behind: drop it
        student_nb = nbformat.read(student / f"{chapter}.ipynb", as_version=4)
        student_nb.cells = [
            c for c in student_nb.cells if c.cell_type != "code" or c.source.strip()
        ]
        nbformat.write(student_nb, student / f"{chapter}.ipynb")
        autograder = next(
            (tmp / "dist" / "autograder").glob(f"{chapter}-autograder_*.zip")
        )
        zip_path = instructor / f"{chapter}-autograder.zip"
        shutil.copy(autograder, zip_path)
        solution = instructor / f"{chapter}-solution.ipynb"
        shutil.copy(tmp / "dist" / "autograder" / f"{chapter}.ipynb", solution)
    return {
        "student": student / f"{chapter}.ipynb",
        "tests": student / "tests",
        "autograder": zip_path,
        "solution": solution,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    chapters = args.notebooks or sorted((ROOT / "notebooks").glob("q*.py"))
    for py in chapters:
        parts = build(py.resolve())
        print(
            f"{py.stem}: {parts['student'].relative_to(ROOT)}, {parts['autograder'].name}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
