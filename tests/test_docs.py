"""Every `$ rnncalc ...` example in the README and the docs prints exactly what is written."""

import os
import re
import shlex
from pathlib import Path

import pytest

from rnncalc.docs import words

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


def language(page: Path) -> str:
    """A page's language: a Chinese page's commands run as a Chinese locale runs them."""
    return "zh" if page.name.endswith(".zh.md") else "en"


def run(command: str, page: Path) -> str:
    argv = shlex.split(command)
    assert argv[0] == "rnncalc", command
    result = run_cli(*argv[1:], language=language(page))
    assert result.exit_code in (0, 2), result.output
    return result.output


def refresh(page: Path) -> None:
    def block(match: re.Match) -> str:
        chunks = re.split(r"^\$ ", match.group(1), flags=re.M)[1:]
        body = "".join(
            f"$ {c.partition(chr(10))[0]}\n{run(c.partition(chr(10))[0], page)}" for c in chunks
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
        assert run(command, page) == expected, f"{page.name}: $ {command}"


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.name.endswith(".zh.md")], ids=lambda p: p.name
)
def test_chinese_prose_uses_chinese_punctuation(page):
    """（）， ：；。 between Chinese words, never their half-width forms (code is left alone)."""
    from rnncalc.docs.words import halfwidth_marks

    assert not halfwidth_marks(page.read_text()), page.name


CJK = re.compile(rf"[{words.CJK}]")


def prose(markdown: str) -> list[str]:
    """A page's prose outside code: its paragraphs, and each list item and table row alone."""
    text = re.sub(r"^---\n.*?\n---\n", "", markdown, flags=re.S)  # front matter
    text = re.sub(r"```.*?```|<math.*?</math>|<[^>]+>", "", text, flags=re.S)
    found = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().split("\n")
        listed = lines[0].lstrip().startswith(("|", "- ", "* ", "1. "))
        found += [line.strip() for line in lines] if listed else [" ".join(lines)]
    return [p for p in found if p]


def english(paragraph: str) -> bool:
    """Words of an English sentence and no Chinese: code, links' targets and class names
    (LSTM, nn.GRU) are not words."""
    words = re.sub(r"`[^`]*`|\]\([^)]*\)|https?://\S+", " ", paragraph)
    found = re.findall(r"(?<![\w.])[a-z]{2,}(?![\w(])", words)
    return not CJK.search(words) and len([w for w in found if w not in UNITS]) >= 4


UNITS = {"ms", "us", "ns", "kib", "mib", "gib", "kb", "mb", "gb"}  # numbers' units, not words


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.name.endswith(".zh.md")], ids=lambda p: p.name
)
def test_chinese_pages_have_no_english_prose(page):
    english_paragraphs = [p for p in prose(page.read_text()) if english(p)]
    assert not english_paragraphs, f"{page.name}: English outside code: {english_paragraphs}"
