"""The reference pages' figures, as SVG text: a layer's cell from the families table, its data
flow from its plan, and the tensors each return option gives. Nothing is drawn by hand, so a
figure cannot drift from the numbers beside it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from math import sqrt
from typing import NamedTuple

from rnncalc.calc.plan import Plan
from rnncalc.config.families import Family
from rnncalc.config.inputs import Shape, shape_text

FONT = 13  # px, monospace: a character is about 0.6 em wide
CHAR = FONT * 0.6
INK = "#1f2937"
BOX = "#eef2ff"
EDGE = "#4f46e5"
STATE = "#ecfdf5"
STATE_EDGE = "#059669"
CANDIDATES = ("c", "h")  # Keras names a block after what it computes: the candidate c or h
VARIABLE = {"state": "h", "state_h": "h", "state_c": "c"}  # what each returned state is


class Box(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    fill: str = BOX
    edge: str = EDGE

    @property
    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + self.height / 2

    @property
    def left(self) -> tuple[float, float]:
        return self.x, self.y + self.height / 2


def box(x: float, y: float, *lines: str, fill: str = BOX, edge: str = EDGE) -> Box:
    width = max(len(line) for line in lines) * CHAR + 20
    return Box(x, y, width, len(lines) * (FONT + 5) + 12, lines, fill, edge)


def _draw(item: Box) -> str:
    text = "".join(
        f'<text x="{item.x + item.width / 2:.1f}" y="{item.y + 6 + (i + 1) * (FONT + 5) - 4:.1f}"'
        f' text-anchor="middle">{escape(line)}</text>'
        for i, line in enumerate(item.lines)
    )
    return (
        f'<rect x="{item.x:.1f}" y="{item.y:.1f}" width="{item.width:.1f}" '
        f'height="{item.height:.1f}" rx="6" fill="{item.fill}" stroke="{item.edge}"/>' + text
    )


def _arrow(start: tuple[float, float], end: tuple[float, float], below: float = 0) -> str:
    """A curve from one box to the next; one that skips columns goes `below` them."""
    (x1, y1), (x2, y2) = start, end
    if below:  # down, along under the skipped columns, and up
        bend = (
            f"C{x1 + 40:.1f},{y1:.1f} {x1 + 10:.1f},{below:.1f} {x1 + 50:.1f},{below:.1f} "
            f"L{x2 - 50:.1f},{below:.1f} C{x2 - 10:.1f},{below:.1f} {x2 - 40:.1f},{y2:.1f}"
        )
    else:
        middle = (x1 + x2) / 2
        bend = f"C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f}"
    return (
        f'<path d="M{x1:.1f},{y1:.1f} {bend} {x2 - 2:.1f},{y2:.1f}" fill="none" '
        f'stroke="{INK}" marker-end="url(#arrow)"/>'
    )


def svg(title: str, parts: list[str], width: float, height: float) -> str:
    """A standalone SVG with its own light background, readable in light and dark themes."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" font-family="monospace" '
        f'font-size="{FONT}" fill="{INK}">\n<title>{escape(title)}</title>\n'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker>'
        "</defs>\n"
        f'<rect width="100%" height="100%" rx="8" fill="#ffffff"/>\n'
        + "\n".join(parts)
        + "\n</svg>\n"
    )


def _column(x: float, items: Sequence[tuple[str, ...]], top: float, **style: str) -> list[Box]:
    found, y = [], top
    for lines in items:
        found.append(box(x, y, *lines, **style))
        y += found[-1].height + 14
    return found


def _centered(boxes: list[Box], height: float) -> list[Box]:
    """The column moved down to sit in the middle of `height`."""
    used = boxes[-1].y + boxes[-1].height - boxes[0].y
    shift = (height - used) / 2 - boxes[0].y
    return [b._replace(y=b.y + shift) for b in boxes]


def _layout(columns: list[list[Box]], edges: list[tuple[int, int, int, int]], title: str) -> str:
    """Columns of boxes left to right, each centred; edges join (column, row) to (column, row)."""
    gap, x = 56.0, 16.0
    placed: list[list[Box]] = []
    height = max(c[-1].y + c[-1].height for c in columns) + 16
    for column in columns:
        width = max(b.width for b in column)
        moved = [b._replace(x=x + (width - b.width) / 2) for b in column]
        placed.append(_centered(moved, height))
        x += width + gap
    parts = [_draw(b) for column in placed for b in column]
    for a, i, b, j in edges:
        skipped = [box for column in placed[a + 1 : b] for box in column]
        below = max((box.y + box.height for box in skipped), default=0) + 24 if skipped else 0
        height = max(height, below + 8)
        parts.append(_arrow(placed[a][i].right, placed[b][j].left, below))
    return svg(title, parts, x - gap + 16, height)


def flow(plan: Plan, title: str, names: list[str], shapes: list[Shape]) -> str:
    """The data flow of a layer on its worked example: the input, each stage's directions (a
    direction's cells in the order they run), the merge of two directions, and every output
    from where it comes: the output from the last stage (or the merge), a direction's states
    from that direction, PyTorch's h_n and c_n from every layer."""
    columns: list[list[Box]] = [_column(0, [("input", shape_text(plan.shape))], 16)]
    edges: list[tuple[int, int, int, int]] = []
    stages = []
    for depth, stage in enumerate(plan.stages):
        rows = []
        for direction in stage:
            arrow = "<- backward" if direction.backwards else "-> forward"
            named = f"layer {depth}" if plan.torch else direction.name
            label = f"{named} {arrow}".strip() if plan.torch or len(stage) > 1 else arrow
            cells = [f"{cell.family.name} cell, {cell.units} units" for cell in direction.cells]
            rows.append((label, *cells))
        previous = len(columns) - 1
        columns.append(_column(0, rows, 16))
        stages.append(len(columns) - 1)
        edges += [
            (previous, i, previous + 1, j)
            for i in range(len(columns[previous]))
            for j in range(len(rows))
        ]
        if len(stage) > 1 and stage is plan.stages[-1] and plan.merge_mode is not None:
            columns.append(_column(0, [("merge", plan.merge_mode.value)], 16))
            edges += [(len(columns) - 2, j, len(columns) - 1, 0) for j in range(len(rows))]
    outputs = [(name, shape_text(shape)) for name, shape in zip(names, shapes, strict=True)]
    columns.append(_column(0, outputs, 16, fill=STATE, edge=STATE_EDGE))
    end = len(columns) - 1
    for j, name in enumerate(names):
        if name == "output":
            sources = [(end - 1, i) for i in range(len(columns[end - 1]))]
        elif plan.torch:  # h_n and c_n: the final state of every layer and direction
            sources = [(c, i) for c in stages for i in range(len(columns[c]))]
        elif name.startswith(("forward_", "backward_")):
            sources = [(stages[0], int(name.startswith("backward_")))]
        else:
            sources = [(stages[-1], i) for i in range(len(columns[stages[-1]]))]
        edges += [(c, i, end, j) for c, i in sources]
    return _layout(columns, edges, title)


def cell(family: Family, title: str, torch: bool = False, width: str = "units wide") -> str:
    """One timestep of a family's cell: the input and previous states feed every gate block
    (one per block of the weights, in the framework's order and words), which make the new
    states."""
    variables = [VARIABLE[state] for state in family.states]
    inputs = [("x(t)",), ("h(t-1)",), *((f"{v}(t-1)",) for v in variables if v != "h")]
    names = family.torch_gate_names if torch else family.gate_names
    meanings = family.torch_order if torch else family.gate_names
    products = "W x(t) + U h(t-1) + b" if torch else "x(t) W + h(t-1) U + b"
    blocks = [
        (f"{name}: {'tanh' if meaning in CANDIDATES else 'sigmoid'}", width)
        for name, meaning in zip(names, meanings, strict=True)
    ]
    outputs = [(f"{v}(t)",) for v in variables]
    columns = [
        _column(0, inputs, 16),
        _column(0, [(products, f"{family.gates} block{'s' if family.gates > 1 else ''}")], 16),
        _column(0, blocks, 16),
        _column(0, [("update",)], 16),
        _column(0, outputs, 16, fill=STATE, edge=STATE_EDGE),
    ]
    edges = [(0, 0, 1, 0), (0, 1, 1, 0)]  # x and h enter every block's products
    edges += [(1, 0, 2, j) for j in range(len(blocks))]
    edges += [(2, j, 3, 0) for j in range(len(blocks))]
    edges += [(0, i, 3, 0) for i in range(2, len(inputs))]  # the cell state: straight to the update
    edges += [(3, 0, 4, k) for k in range(len(outputs))]
    return _layout(columns, edges, title)


def _side(size: int | None) -> float:
    return 22 + 5 * sqrt(size or 8)


def tensor(x: float, y: float, shape: Shape, axes: tuple[str, ...], name: str) -> tuple[str, float]:
    """A tensor drawn to (square-root) scale: the last axis across, the first down, a middle
    axis as depth. Returns the drawing and its width."""
    across, down = _side(shape[-1]), _side(shape[0])
    depth = _side(shape[1]) * 0.5 if len(shape) == 3 else 0.0
    top = y + depth
    parts = [
        f'<rect x="{x:.1f}" y="{top:.1f}" width="{across:.1f}" height="{down:.1f}" '
        f'fill="{STATE}" stroke="{STATE_EDGE}"/>'
    ]
    if depth:
        corners = [
            (x, top),
            (x + depth, y),
            (x + depth + across, y),
            (x + across, top),
        ]
        side = [
            (x + across, top),
            (x + depth + across, y),
            (x + depth + across, y + down),
            (x + across, top + down),
        ]
        for points in (corners, side):
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in points)
            parts.append(f'<polygon points="{path}" fill="#d1fae5" stroke="{STATE_EDGE}"/>')
    label = y + depth + down + FONT + 4
    parts.append(f'<text x="{x:.1f}" y="{label:.1f}">{escape(name)} {shape_text(shape)}</text>')
    parts.append(
        f'<text x="{x:.1f}" y="{label + FONT + 3:.1f}" font-size="{FONT - 2}">'
        f"{escape(' × '.join(axes))}</text>"
    )
    width = max(across + depth, (len(name) + len(shape_text(shape)) + 1) * CHAR)
    return "".join(parts), width


def tensors(title: str, items: list[tuple[str, Shape, tuple[str, ...]]]) -> str:
    """Tensors side by side, each labelled with its name, shape and the meaning of its axes."""
    parts, x = [], 16.0
    tallest = max(_side(s[0]) + (_side(s[1]) * 0.5 if len(s) == 3 else 0) for _, s, _ in items)
    for name, shape, meaning in items:
        drawn, width = tensor(x, 16, shape, meaning, name)
        parts.append(drawn)
        x += width + 28
    return svg(title, parts, x, tallest + 2 * FONT + 36)
