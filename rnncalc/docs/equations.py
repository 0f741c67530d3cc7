"""A layer's equations in LaTeX, from its plan and the families table, and as MathML (rendered
at build time by latex2mathml: the site needs no JavaScript and no network for them).

Keras writes a timestep with row vectors, `x_t W + h_{t-1} U + b`: W is `kernel` and U is
`recurrent_kernel`, one column block per gate, in the family's `gate_names` order. PyTorch
writes `W_{i·} x_t + b_{i·} + W_{h·} h_{t-1} + b_{h·}` with its own names for the blocks.
"""

from __future__ import annotations

from rnncalc.calc.plan import CellPlan, Plan
from rnncalc.docs.figures import CANDIDATES


def _keras_terms(gate: str, bias: int, state: str, conv: bool) -> tuple[str, str]:
    """The input and recurrent products of one block: `x_t W_g + b_g`, `h_{t-1} U_g + b'_g`."""
    if conv:
        inputs, recurrent = rf"W{gate} * X_t", rf"U{gate} * {state}"
    else:
        inputs, recurrent = rf"x_t W{gate}", rf"{state} U{gate}"
    if bias == 2:
        return rf"{inputs} + b{gate}", rf"{recurrent} + b'{gate}"
    return inputs, recurrent + (rf" + b{gate}" if bias else "")


def _torch_terms(gate: str, bias: int) -> tuple[str, str]:
    products = (rf"W_{{i{gate}}} x_t", rf"W_{{h{gate}}} h_{{t-1}}")
    if not bias:
        return products
    return rf"{products[0]} + b_{{i{gate}}}", rf"{products[1]} + b_{{h{gate}}}"


def family_equations(cell: CellPlan, torch: bool, activation: str = "tanh") -> list[str]:
    """One timestep of a cell: each gate block in its framework's order, then the new states.
    A block named after what it computes (`CANDIDATES`) is the candidate: Keras writes it with
    a tilde, PyTorch by its own letter (n, g)."""
    family, conv = cell.family, cell.positions > 1
    names = family.torch_gate_names if torch else family.gate_names
    meanings = family.torch_order if torch else family.gate_names
    act = r"\tanh" if activation == "tanh" else rf"\operatorname{{{activation}}}"
    h, c = ("H", "C") if conv else ("h", "c")
    previous = rf"{h}_{{t-1}}"
    lines: list[str] = []
    for name, meaning in zip(names, meanings, strict=True):
        index = f"_{name}" if family.gates > 1 else ""
        inputs, recurrent = (
            _torch_terms(name, cell.bias)
            if torch
            else _keras_terms(index, cell.bias, previous, conv)
        )
        if meaning not in CANDIDATES:
            lines.append(rf"{name}_t = \sigma({inputs} + {recurrent})")
            continue
        symbol = (
            f"{h}_t"
            if family.gates == 1
            else (f"{name}_t" if torch else rf"\tilde{{{meaning.upper() if conv else meaning}}}_t")
        )
        if family.keeps_two_biases and (torch or cell.bias == 2):  # GRU: reset after
            lines.append(rf"{symbol} = {act}({inputs} + r_t \odot ({recurrent}))")
        elif family.keeps_two_biases:  # GRU: the reset state enters the product, one bias
            reset = rf"(r_t \odot {previous})"
            product = rf"U{index} * {reset}" if conv else rf"{reset} U{index}"
            bias = rf" + b{index}" if cell.bias else ""
            lines.append(rf"{symbol} = {act}({inputs} + {product}{bias})")
        else:
            lines.append(rf"{symbol} = {act}({inputs} + {recurrent})")
    return lines + _updates(family.name, torch, h, c, cell.projection)


def _updates(family: str, torch: bool, h: str, c: str, projection: int) -> list[str]:
    if family == "GRU":
        candidate = "n_t" if torch else rf"\tilde{{{h}}}_t"
        return [rf"{h}_t = z_t \odot {h}_{{t-1}} + (1 - z_t) \odot {candidate}"]
    if family == "LSTM":
        candidate = "g_t" if torch else rf"\tilde{{{c}}}_t"
        state = rf"o_t \odot \tanh({c}_t)"
        return [
            rf"{c}_t = f_t \odot {c}_{{t-1}} + i_t \odot {candidate}",
            rf"{h}_t = W_{{hr}}({state})" if projection else rf"{h}_t = {state}",
        ]
    return []


def equations(plan: Plan) -> list[str]:
    """Every equation of a layer on its plan: how directions and stacked cells combine, then
    each family's timestep, once per family."""
    lines: list[str] = []
    if len(plan.directions) == 2:
        merge = plan.merge_mode.value if plan.merge_mode is not None else "None"
        lines += [
            r"\overrightarrow{h}_t = \mathrm{cell}(x_t, \overrightarrow{h}_{t-1})",
            r"\overleftarrow{h}_t = \mathrm{cell}(x_t, \overleftarrow{h}_{t+1})",
            rf"y_t = \mathrm{{{merge}}}(\overrightarrow{{h}}_t, \overleftarrow{{h}}_t)",
        ]
    if len(plan.stages) > 1:
        lines.append(r"x^{(l)}_t = h^{(l-1)}_t, \quad l = 1, \dots, \mathrm{num\_layers} - 1")
    if len(plan.directions[0].cells) > 1:
        lines += [
            r"h^{(1)}_t = \mathrm{cell}_1(x_t, s^{(1)}_{t-1})",
            r"h^{(k)}_t = \mathrm{cell}_k(h^{(k-1)}_t, s^{(k)}_{t-1})",
        ]
    seen = set()
    for cell in plan.cells:
        if cell.family.name not in seen:
            seen.add(cell.family.name)
            lines += family_equations(cell, plan.torch, _activation(cell))
    return lines


def _activation(cell: CellPlan) -> str:
    return str(
        getattr(cell.config, "activation", None) or getattr(cell.config, "nonlinearity", "tanh")
    )


def mathml(latex: str) -> str:
    """One equation as display MathML, on one line (Markdown keeps a one-line HTML block)."""
    try:
        from latex2mathml.converter import convert
    except ImportError as exc:  # only the site needs it
        raise ImportError('building the reference pages needs pip install "rnncalc[docs]"') from exc
    return convert(latex, display="block")
