"""Every number the prose quotes is an output: each number with a decimal point or a percent
sign in a chapter's markdown cells must appear in that notebook's stored outputs, as printed
or as the same value rounded to the prose's precision. Numbers that are not outputs (a
constant of the question, a coefficient of a formula, a figure from a paper) are listed with
a reason in the chapter's allow-list, ``tests/prose_numbers/<chapter>.yml``.

A full-mode re-execution that changes a result therefore fails this test until the text is
brought in line with the new outputs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
import yaml

from conftest import NOTEBOOKS, ROOT

CHAPTERS = sorted(p.stem for p in NOTEBOOKS.glob("q*.ipynb"))
ALLOW_LISTS = ROOT / "tests" / "prose_numbers"


def allowed(chapter: str) -> dict[str, str]:
    path = ALLOW_LISTS / f"{chapter}.yml"
    data = yaml.safe_load(path.read_text()) if path.exists() else None
    return {str(k): v for k, v in (data or {}).items()}


NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?(%?)(?![.,]?\d)(?![A-Za-z_])"
)
# not prose: link targets, roles' targets, HTML attributes
NOT_PROSE = re.compile(
    r"\]\([^)]*\)|https?://\S+|\{download\}`[^`]*`|</?[A-Za-z][^<>\n]*>"
)


@dataclass(frozen=True)
class Number:
    text: str
    value: Decimal
    decimals: int
    exponent: bool
    percent: bool


def numbers(text: str) -> list[Number]:
    found = []
    for m in NUMBER.finditer(text):
        whole, frac, exp, pct = (
            m.group(1),
            m.group(2) or "",
            m.group(3) or "",
            m.group(4),
        )
        value = Decimal(whole.replace(",", "") + frac + exp)
        found.append(
            Number(
                m.group(0), value, len(frac) - 1 if frac else 0, bool(exp), bool(pct)
            )
        )
    return found


def rounded(value: Decimal, decimals: int) -> set[Decimal]:
    q = Decimal(1).scaleb(-decimals)
    return {
        abs(value).quantize(q, rounding=r) for r in (ROUND_HALF_UP, ROUND_HALF_EVEN)
    }


def shown_by(prose: Number, out: Number) -> bool:
    """Is ``prose`` the printed number ``out``, possibly rounded to fewer decimals?"""
    if prose.exponent or out.exponent:
        if not (prose.exponent and out.exponent) or out.decimals < prose.decimals:
            return False
        fmt = f".{prose.decimals}e"
        return format(abs(float(out.value)), fmt) == format(
            abs(float(prose.value)), fmt
        )
    target = abs(prose.value)
    if prose.percent and not out.percent:  # 0.2912 printed, "29%" or "29.1%" written
        return out.decimals >= prose.decimals + 2 and target in rounded(
            out.value * 100, prose.decimals
        )
    if prose.percent != out.percent:
        return False
    return out.decimals >= prose.decimals and target in rounded(
        out.value, prose.decimals
    )


def output_text(nb: dict) -> str:
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(parts)


def prose_of(nb: dict) -> str:
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    return NOT_PROSE.sub(" ", "\n".join("".join(c["source"]) for c in cells))


def checked(number: Number) -> bool:
    return number.decimals > 0 or number.percent


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_number_in_the_prose_is_an_output(chapter):
    nb = json.loads((NOTEBOOKS / f"{chapter}.ipynb").read_text())
    outputs = numbers(output_text(nb))
    allowed_here = allowed(chapter)
    prose = prose_of(nb)
    missing = []
    for number in filter(checked, numbers(prose)):
        if number.text in allowed_here:
            continue
        if not any(shown_by(number, out) for out in outputs):
            at = prose.find(number.text)
            context = prose[max(0, at - 60) : at + 30].replace("\n", " ")
            missing.append(f"{number.text!r} in '...{context}...'")
    assert missing == [], (
        f"{chapter}: prose numbers that no stored output prints (re-execute, fix the text, "
        f"or list a constant in tests/prose_numbers/{chapter}.yml with its reason):\n  "
        + "\n  ".join(missing)
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_allow_list_is_current_and_gives_reasons(chapter):
    nb = json.loads((NOTEBOOKS / f"{chapter}.ipynb").read_text())
    written = {n.text for n in numbers(prose_of(nb))}
    for number, reason in allowed(chapter).items():
        assert str(number) in written, (
            f"{chapter}: {number} is allowed but no longer written"
        )
        assert isinstance(reason, str) and len(reason.split()) >= 3, (
            f"{chapter}: {number} needs a one-line reason"
        )


@pytest.mark.parametrize(
    "prose, out, expected",
    [
        ("0.8588", "0.8588", True),
        ("0.86", "0.8588", True),  # rounded to the prose's precision
        ("0.859", "0.86", False),  # more precise than what was printed
        ("0.8589", "0.8588", False),
        ("29%", "0.2912", True),  # a printed fraction written as a percentage
        ("68%", "68%", True),
        ("68%", "0.68", True),
        ("47.91", "-47.91", True),  # the sign is the prose's business
        ("2.0e-05", "2.0e-05", True),
        ("2.0e-05", "2.1e-05", False),
        ("34,784.0", "34784.0", True),
        ("0.125", "0.1250", True),
    ],
)
def test_the_matching_rule(prose, out, expected):
    (p,), (o,) = numbers(prose), numbers(out)
    assert shown_by(p, o) is expected


def test_an_inequality_in_math_does_not_hide_the_prose_after_it():
    prose = prose_of(
        {
            "cells": [
                {"cell_type": "markdown", "source": ["$a < b$ and 0.42\n", "c > d"]}
            ]
        }
    )
    assert [n.text for n in numbers(prose)] == ["0.42"]
    assert prose_of(
        {"cells": [{"cell_type": "markdown", "source": ["<td>0.42</td>"]}]}
    ).split() == ["0.42"]


def test_versions_and_names_are_not_numbers():
    assert [
        n.text for n in numbers("torch 2.14.1, q1_generalization, v0.2.0, 1e-3")
    ] == ["1e-3"]
