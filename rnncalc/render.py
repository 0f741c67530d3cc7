"""Reports as text for people (tables) and for scripts (JSON); the only module that formats."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel
from tabulate import tabulate, tabulate_formats

from rnncalc.errors import RnncalcError
from rnncalc.inputs import InputArgs, shape_text
from rnncalc.layers import RecurrentConfig
from rnncalc.report import LayerReport, TableReport


def check_format(fmt: str) -> str:
    """Refuse a table format tabulate does not know, naming the closest one."""
    if fmt not in tabulate_formats:
        close = get_close_matches(fmt, tabulate_formats, n=1)
        raise RnncalcError(
            f"unknown table format {fmt!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
            "use one of " + ", ".join(sorted(tabulate_formats)),
        )
    return fmt


def as_json(report: BaseModel) -> str:
    """The report as indented JSON: shapes are lists, unknown axes are null."""
    return report.model_dump_json(indent=2)


def _where_input(report: LayerReport | TableReport) -> str:
    source = report.input_source
    if source.startswith(("input_shape", "--input-shape", "input_dim")):
        batch = "a fixed batch size" if "batch_size" in source else "None (any batch size)"
        return f"from {source}: it leaves out the batch axis, so Keras puts {batch} in front"
    return f"from {source}: the full shape, batch axis included"


def summary_text(report: LayerReport, fmt: str = "simple") -> str:
    """`rnncalc summary`: input, returned tensors, weights and totals.

    Example:
        >>> print(summary_text(summary("GRU(5, input_shape=(10, 4))")).splitlines()[0])
        GRU, Keras 2 rules
    """
    axes = ", ".join(report.input_axes)
    lines = [
        f"{report.layer}, Keras {report.keras} rules",
        f"input: {shape_text(report.input_shape)} = ({axes})",
        f"       {_where_input(report)}",
        "",
        tabulate(
            [
                (n, shape_text(s))
                for n, s in zip(report.output_names, report.output_shapes, strict=True)
            ],
            headers=["returns", "shape"],
            tablefmt=fmt,
        ),
        "",
        tabulate(
            [(w.name, shape_text(w.shape), f"{w.size:,}", w.formula) for w in report.weights],
            headers=["weight", "shape", "params", "formula"],
            tablefmt=fmt,
            colalign=("left", "left", "right", "left"),
        ),
        "",
        f"params: {report.params:,} = {report.params_formula}, with units="
        f"{report.arguments['units']}, input_dim={report.input_shape[-1]}",
        f"trainable: {report.trainable_params:,}   non-trainable: {report.non_trainable_params:,}",
    ]
    lines += _remarks(report.warnings, report.notes)
    return "\n".join(lines)


def table_text(report: TableReport, fmt: str = "simple") -> str:
    """`rnncalc table`: one row per output combination."""
    rows = [
        (
            _yes(r.return_sequences),
            _yes(r.return_state),
            _yes(r.time_major),
            r.error
            if r.error
            else "  ".join(
                f"{n} {shape_text(s)}" for n, s in zip(r.output_names, r.output_shapes, strict=True)
            ),
        )
        for r in report.rows
    ]
    lines = [
        f"{report.layer} on input {shape_text(report.input_shape)}, Keras {report.keras} rules",
        "",
        tabulate(
            rows,
            headers=["return_sequences", "return_state", "time_major", "returns"],
            tablefmt=fmt,
        ),
    ]
    lines += _remarks([], report.notes)
    return "\n".join(lines)


def arguments_text(cls: type[RecurrentConfig], fmt: str = "simple") -> str:
    """`rnncalc args LAYER`: every argument with its default, Keras versions and meaning."""
    rows: list[tuple[Any, ...]] = []
    for model in (cls, InputArgs):
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra
            versions = "/".join(extra["keras"]) if isinstance(extra, dict) else ""  # type: ignore[arg-type]
            default = "required" if info.is_required() else repr(info.default)
            rows.append((name, default, versions, info.description))
    return f"{cls.class_name()}: {cls.__doc__}\n\n" + tabulate(
        rows,
        headers=["argument", "default", "keras", "description"],
        tablefmt=fmt,
        maxcolwidths=[None, None, None, 70],
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _remarks(warnings: list[str], notes: list[str]) -> list[str]:
    lines = [f"warning: {w}" for w in warnings] + [f"note: {n}" for n in notes]
    return ["", *lines] if lines else []
