"""Console blocks as the site shows them: the tables a command prints become Markdown tables,
and the rest stays console text, which wraps (so an error's "Fix:" is always on screen).

The pages keep each block exactly as the command prints it (the tests run every command and
compare); this is applied when the site is built (rnncalc/docs/hooks.py), to the HTML's
Markdown only.

Example:
    >>> block = "$ rnncalc x\\nLSTM\\n\\nname    shape\\n------  -------\\nkernel  (3, 16)\\n"
    >>> print(rendered(block))
    ```console
    $ rnncalc x
    LSTM
    ```
    <BLANKLINE>
    | name | shape |
    |---|---|
    | kernel | (3, 16) |
    <BLANKLINE>
"""

from __future__ import annotations

import re

BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.S | re.M)
RULE = re.compile(r"^-+(?:  +-+)*$")  # tabulate's "simple" header rule
PIPE_RULE = re.compile(r"^\|(?:[-:]+\|)+$")  # its "github"/"pipe" rule


def _cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    return [line[start:end].strip() for start, end in spans]


def _simple(lines: list[str], at: int) -> tuple[list[list[str]], int] | None:
    """The "simple" table whose rule is line `at` (the header above it): its rows, and the
    index after its last line; None where the line is no such rule."""
    if at == 0 or not RULE.match(lines[at]):
        return None
    spans = [m.span() for m in re.finditer(r"-+", lines[at])]
    spans[-1] = (spans[-1][0], max(len(line) for line in lines))  # the last column runs on
    rows = [_cells(lines[at - 1], spans)]
    end = at + 1
    while end < len(lines) and lines[end].strip():
        rows.append(_cells(lines[end], spans))
        end += 1
    return rows, end


def _pipe(lines: list[str], at: int) -> tuple[list[list[str]], int] | None:
    if at == 0 or not PIPE_RULE.match(lines[at].replace(" ", "")):
        return None
    rows = [[c.strip() for c in lines[at - 1].strip().strip("|").split("|")]]
    end = at + 1
    while end < len(lines) and lines[end].startswith("|"):
        rows.append([c.strip() for c in lines[end].strip().strip("|").split("|")])
        end += 1
    return rows, end


def _table(rows: list[list[str]]) -> str:
    escape = [[cell.replace("|", "\\|") for cell in row] for row in rows]
    head, *body = escape
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in body)]) + "\n"


def rendered(block: str) -> str:
    """One console block's text (command and output) as Markdown: console code around each
    table, each table a Markdown table."""
    lines = block.rstrip("\n").split("\n")
    parts: list[str] = []
    text: list[str] = []
    index = 0
    while index < len(lines):
        found = None if index + 1 >= len(lines) else _simple(lines, index + 1)
        found = found or (None if index + 1 >= len(lines) else _pipe(lines, index + 1))
        if found is None:
            text.append(lines[index])
            index += 1
            continue
        rows, index = found
        while text and not text[-1].strip():
            text.pop()
        if text:
            parts.append("```console\n" + "\n".join(text) + "\n```\n")
        parts.append(_table(rows))
        text = []
    while text and not text[0].strip():
        text.pop(0)
    if any(line.strip() for line in text):
        parts.append("```console\n" + "\n".join(text).rstrip("\n") + "\n```\n")
    return "\n".join(parts)


def page(markdown: str) -> str:
    """Every console block of a page rendered so."""
    return BLOCK.sub(lambda m: rendered(m.group(1)) + "\n", markdown)
