"""The pages' Python examples: keras.io-style code for a layer, and the check every Python
block on the site passes, through rnncalc's own code reader (the code is read, never run).

A block shows what the model returns with `print(x.shape)  # (16, 10, 32)` comments (PyTorch:
`# torch.Size([10, 16, 32])`), one per output in the model's order, and may show its
parameter count with a comment that is a number (`print(model.count_params())  # 12416`).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from rnncalc.calc.model import model_summary
from rnncalc.config.families import TORCH_FAMILIES
from rnncalc.config.inputs import Shape, shape_text

PRINTED = re.compile(r"^print\((.*)\)\s+# (.+)$", re.M)
FILE = re.compile(r"^# \S+\.py\n")  # a block that shows a file the tests read themselves


def _flat(shapes: Any) -> list[Shape]:
    """PyTorch's nested returns, `(output, (h_n, c_n))`, as the list of their shapes."""
    if shapes and all(isinstance(d, int) or d is None for d in shapes):
        return [tuple(shapes)]
    return [shape for part in shapes for shape in _flat(part)]


def outputs(code: str) -> tuple[list[Shape], int, bool]:
    """The model a block builds, by rnncalc's code reader: its outputs' shapes in order, its
    parameter count, and whether it is PyTorch's."""
    report = model_summary(code=code)
    if getattr(report, "framework", None) == "torch":
        root = report.modules[0]  # type: ignore[union-attr]
        return _flat(root.output_shapes), report.total_params, True
    return list(report.output_shapes or []), report.total_params, False


def shown(shape: Shape, torch: bool) -> str:
    return f"torch.Size({list(shape)})" if torch else shape_text(shape)


def signature(code: str) -> bool:
    """Whether a block is a constructor's signature (`keras.layers.LSTM(units, ...)`): one
    call whose arguments are parameter names and their defaults, building nothing."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return False
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return False
    call = body[0].value
    return isinstance(call, ast.Call) and all(isinstance(a, ast.Name) for a in call.args)


def problems(code: str) -> list[str]:
    """What a block's comments claim that rnncalc's reading of the code does not give."""
    if code.startswith(">>>") or FILE.match(code) or signature(code):
        return []  # doctests run as doctests; a file's block is checked against the file
    shapes, params, torch = outputs(code)
    claims = PRINTED.findall(code)
    found = [c for _, c in claims if not c.replace(",", "").isdigit()]
    expected = [shown(shape, torch) for shape in shapes]
    wrong = [] if found == expected else [f"the outputs are {expected}, the comments say {found}"]
    for _, count in claims:
        if count.replace(",", "").isdigit() and int(count.replace(",", "")) != params:
            wrong.append(f"the parameter count is {params}, the comment says {count}")
    return wrong


def returning_everything(expression: str) -> str:
    """The expression with `return_sequences=True, return_state=True` given to the layer that
    takes them: Bidirectional's layer, otherwise the outer layer."""
    start = (
        expression.index("(", expression.index("(") + 1)
        if expression.startswith("Bidirectional(")
        else expression.index("(")
    )
    depth = 0
    for end in range(start, len(expression)):
        depth += {"(": 1, ")": -1}.get(expression[end], 0)
        if depth == 0:
            break
    inside = expression[start + 1 : end]
    added = ", ".join([*([inside] if inside else []), "return_sequences=True", "return_state=True"])
    return f"{expression[: start + 1]}{added}{expression[end:]}"


def keras_example(expression: str, shape: Shape, names: list[str]) -> str:
    """The layer built the way keras.io shows it: on an Input, with every output returned
    (`names`: rnncalc's names of the outputs, in order)."""
    v1 = expression.startswith("CuDNN")  # Keras 2 only: tf-keras's tf.compat.v1 layers
    module, keras = ("tf.compat.v1.keras.layers", "tf.keras") if v1 else ("layers", "keras")
    call = re.sub(r"\b([A-Z]\w*)\(", rf"{module}.\1(", expression)
    variables = ["whole_seq_output", *(re.sub(r"\W", "_", n) for n in names[1:])]
    # stacked cells return their states cell by cell: a cell's two states as a pair
    cells = [n.partition("/")[0] for n in names[1:]]
    unpacked = ["whole_seq_output"]
    for cell in dict.fromkeys(cells):
        own = [v for v, c in zip(variables[1:], cells, strict=True) if c == cell]
        unpacked += own if len(own) == 1 else [f"({', '.join(own)})"]
    code = "\n".join(
        [
            *(
                ["import tensorflow as tf  # with TF_USE_LEGACY_KERAS=1: tf.keras is tf-keras"]
                if v1
                else ["import keras", "from keras import layers"]
            ),
            "",
            f"inputs = {keras}.Input(shape={shape_text(shape[1:])}, batch_size={shape[0]})",
            f"layer = {call}",
            f"{', '.join(unpacked)} = layer(inputs)",
            f"model = {keras}.Model(inputs, [{', '.join(variables)}])",
            *(f"print({v}.shape)  # {{{i}}}" for i, v in enumerate(variables)),
            "print(model.count_params())  # {params}",
        ]
    )
    shapes, params, _ = outputs(code)
    return code.format(*(shown(s, False) for s in shapes), params=params) + "\n"


def torch_example(expression: str, shape: Shape, module: str) -> str:
    """The module called on a tensor, the way pytorch.org shows it."""
    states = len(TORCH_FAMILIES[module].states)
    returned = "output, (h_n, c_n)" if states == 2 else "output, h_n"
    names = ["output", "h_n", "c_n"][: states + 1]
    code = "\n".join(
        [
            "import torch",
            "from torch import nn",
            "",
            f"rnn = {expression}",
            f"x = torch.randn{shape_text(shape)}",
            f"{returned} = rnn(x)",
            *(f"print({n}.shape)  # {{{n}}}" for n in names),
            "print(sum(p.numel() for p in rnn.parameters()))  # {params}",
        ]
    )
    shapes, params, _ = outputs(code)
    values = {n: shown(s, True) for n, s in zip(names, shapes, strict=True)}
    return code.format(params=params, **values) + "\n"
