"""Every `$ rnncalc ...` example in the README and the docs prints exactly what is written."""

import os
import re
import shlex
from pathlib import Path

import pytest

from conftest import run_cli

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
UPDATE = os.environ.get("RNNCALC_UPDATE_DOCS") == "1"


def examples(page: Path) -> list[tuple[str, str]]:
    """(command, expected output) for each `$ ` line of the page's console blocks."""
    found = []
    for block in BLOCK.findall(page.read_text()):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


def run(command: str) -> str:
    argv = shlex.split(command)
    assert argv[0] == "rnncalc", command
    result = run_cli(*argv[1:])
    assert result.exit_code in (0, 2), result.output
    return result.output


def refresh(page: Path) -> None:
    def block(match: re.Match) -> str:
        chunks = re.split(r"^\$ ", match.group(1), flags=re.M)[1:]
        body = "".join(
            f"$ {c.partition(chr(10))[0]}\n{run(c.partition(chr(10))[0])}" for c in chunks
        )
        return f"```console\n{body}```"

    page.write_text(BLOCK.sub(block, page.read_text()))


FILE = re.compile(r"```python\n# ((?:docs/examples|tests/data/snippets)/\S+\.py)\n(.*?)```", re.S)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_code_shown_is_the_file_the_example_reads(page):
    for path, shown in FILE.findall(page.read_text()):
        assert (ROOT / path).read_text() == shown, f"{page.name}: {path}"


PYTHON = re.compile(r"```python\n(.*?)```", re.S)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_examples_say_what_rnncalc_reads_in_them(page):
    """Every Python block on the site is read by rnncalc's own code reader (never run): the
    shapes and counts its comments give are those of the model it builds."""
    from rnncalc.docs.code import problems

    for block in PYTHON.findall(page.read_text()):
        assert not problems(block), f"{page.name}:\n{block}\n{problems(block)}"


def test_a_python_example_that_says_a_wrong_shape_or_count_is_caught():
    from rnncalc.docs.code import problems

    block = PYTHON.findall((ROOT / "docs/reference/lstm.md").read_text())[0]
    assert "# (16, 32)" in block and not problems(block)
    assert problems(block.replace("# (16, 32)", "# (16, 31)", 1))
    assert problems(block.replace("# 12416", "# 12417"))
    assert problems(block.replace("print(state_c.shape)  # (16, 32)\n", ""))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_print_what_the_page_says(page):
    if UPDATE:
        refresh(page)
    for command, expected in examples(page):
        assert run(command) == expected, f"{page.name}: $ {command}"


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.name.endswith(".zh.md")], ids=lambda p: p.name
)
def test_chinese_prose_uses_chinese_punctuation(page):
    """（）， ：；。 between Chinese words, never their half-width forms (code is left alone)."""
    from rnncalc.docs.words import halfwidth_marks

    assert not halfwidth_marks(page.read_text()), page.name
