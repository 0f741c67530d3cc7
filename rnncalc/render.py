"""Reports as text for people (tables) and for scripts (JSON); the only module that formats."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from html import escape
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError
from tabulate import tabulate, tabulate_formats

from rnncalc.config.enums import Framework
from rnncalc.config.inputs import InputArgs, shape_text
from rnncalc.config.keras import SequenceArgs, field_order
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig
from rnncalc.errors import RnncalcError, closest
from rnncalc.i18n import N_, Language, _, language
from rnncalc.report import LayerReport, MemoryReport
from rnncalc.writing import open_output

if TYPE_CHECKING:  # each command's report loads with the command
    from rnncalc.report.models import ModelReport
    from rnncalc.report.plans import GridReport, MemoryPlanReport
    from rnncalc.report.tables import CompareReport, TableReport
    from rnncalc.report.torch import TorchModelReport


def check_format(fmt: str) -> str:
    """Refuse a table format tabulate does not know, naming the closest one."""
    if fmt not in tabulate_formats:
        close = closest(fmt, tabulate_formats)
        raise RnncalcError(
            _("unknown table format {format!r}; did you mean {close!r}?").format(
                format=fmt, close=close
            )
            if close
            else _("unknown table format {format!r}").format(format=fmt),
            _("use one of {formats}").format(formats=", ".join(sorted(tabulate_formats))),
        )
    return fmt


def as_json(report: BaseModel, indent: int | None = 2) -> str:
    """The report as indented JSON: shapes are lists, unknown axes are null.

    A name that is not valid Unicode (a lone surrogate, from a file's JSON) comes out as its
    `\\udcxx` escape, which JSON readers take back."""
    try:
        return report.model_dump_json(indent=indent)
    except PydanticSerializationError:
        return json.dumps(report.model_dump(mode="json"), indent=indent)


def _where_input(report: LayerReport | TableReport) -> str:
    source = report.input_source
    if report.framework == Framework.TORCH:
        text = _("from {source}: the tensor given to forward")
    elif source.startswith(("input_shape", "--input-shape", "input_dim", "keras.Input(shape)")):
        fixed = "batch_size" in source.split("+") or "--batch-size" in source.split("+")
        if getattr(report, "input_axes", ("batch",))[0] == "timesteps":  # time_major=True
            text = (
                _(
                    "from {source}: Keras puts the batch size in front, which time_major=True "
                    "reads as the timesteps axis: the first number given is the batch"
                )
                if fixed
                else _(
                    "from {source}: Keras puts None in front, which time_major=True reads as "
                    "the timesteps axis: the first number given is the batch"
                )
            )
        elif fixed:
            text = _(
                "from {source}: it leaves out the batch axis, so Keras puts a fixed batch size "
                "in front"
            )
        else:
            text = _(
                "from {source}: it leaves out the batch axis, so Keras puts None (any batch "
                "size) in front"
            )
    else:
        text = _("from {source}: the full shape, batch axis included")
    return text.format(source=source)


def _whose(report: LayerReport | TableReport) -> str:
    if report.framework == Framework.TORCH:
        return _("nn.{layer}, PyTorch rules").format(layer=report.layer)
    return _("{layer}, Keras {keras} rules").format(layer=report.layer, keras=report.keras)


def _table(rows: Any, headers: Any, **options: Any) -> str:
    """`tabulate`, with Chinese headings measured as the two columns each character takes."""
    if language() is Language.EN:
        return tabulate(rows, headers=headers, **options)
    with _wide_characters():
        return tabulate(rows, headers=headers, **options)


@contextlib.contextmanager
def _wide_characters() -> Iterator[None]:
    """tabulate measuring East Asian wide characters as two columns, for one table. tabulate
    does so with wcwidth (`tabulate[widechars]`) where it is installed; elsewhere the standard
    library's `east_asian_width` stands in for wcwidth's one function tabulate calls. Only
    Chinese text needs it: English tables are measured as they always were, and load neither."""
    import tabulate as module

    before = module.wcwidth, module.WIDE_CHARS_MODE  # type: ignore[attr-defined]
    module.wcwidth = before[0] or _Columns  # type: ignore[attr-defined]
    module.WIDE_CHARS_MODE = True
    try:
        yield
    finally:
        module.wcwidth, module.WIDE_CHARS_MODE = before  # type: ignore[attr-defined]


def _width(text: str) -> int:
    """The columns `text` takes on a terminal: two for each East Asian wide character."""
    if text.isascii():
        return len(text)
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


class _Columns:
    """wcwidth's `wcswidth`, as much of it as rnncalc's text needs."""

    wcswidth = staticmethod(_width)


def summary_text(report: LayerReport, fmt: str = "simple") -> str:
    """`rnncalc summary`: input, returned tensors, weights and totals.

    Example:
        >>> print(summary_text(summary("GRU(5, input_shape=(10, 4))")).splitlines()[0])
        GRU, Keras 2 rules
    """
    axes = ", ".join(report.input_axes)
    values = ", ".join(f"{k}={v}" for k, v in report.formula_values.items())
    given = _("input: {shape} = ({axes})").format(shape=shape_text(report.input_shape), axes=axes)
    states = ", ".join(
        f"{n} {shape_text(s)}"
        for n, s in zip(report.initial_state_names, report.initial_state_shapes, strict=True)
    )
    params = (
        _("params: {params} = {formula}, with {values}")
        if values
        else _("params: {params} = {formula}")
    )
    lines = [
        _whose(report),
        given,
        " " * _width(given[: given.find(shape_text(report.input_shape))]) + _where_input(report),
        "",
        _table(
            [
                (n, shape_text(s))
                for n, s in zip(report.output_names, report.output_shapes, strict=True)
            ],
            headers=[_("returns"), _("shape")],
            tablefmt=fmt,
        ),
        "",
        _("initial states it takes: {states}").format(states=states),
        "",
        _table(
            [(w.name, shape_text(w.shape), f"{w.size:,}", w.formula) for w in report.weights],
            headers=[_("weight"), _("shape"), _("params"), _("formula")],
            tablefmt=fmt,
            colalign=("left", "left", "right", "left"),
        ),
        "",
        params.format(params=f"{report.params:,}", formula=report.params_formula, values=values),
        _("trainable: {trainable}   non-trainable: {non_trainable}").format(
            trainable=f"{report.trainable_params:,}",
            non_trainable=f"{report.non_trainable_params:,}",
        ),
        *_cost_lines(report.macs, report.flops, report.training_flops, report.memory),
    ]
    lines += _remarks(report.warnings, report.notes)
    return "\n".join(lines)


def _cost_lines(
    macs: int | None,
    flops: int | None,
    training: int | None,
    memory: MemoryReport | None,
    more: str = N_("rnncalc memory for the breakdown"),
) -> list[str]:
    if macs is None or flops is None or training is None or memory is None:
        return [
            _(
                "cost: give the batch size and timesteps (--batch-size, --timesteps) for MACs "
                "and memory"
            )
        ]
    return [
        _("forward pass: {macs} MACs, {flops}FLOPs; a training step about {training}FLOPs").format(
            macs=f"{macs:,}", flops=_si(flops), training=_si(training)
        ),
        _(
            "memory ({dtype}, {optimizer}): inference {inference}, training {training} ({more})"
        ).format(
            dtype=memory.dtype,
            optimizer=memory.optimizer,
            inference=binary(memory.total_inference_bytes),
            training=binary(memory.total_training_bytes),
            more=_(more),
        ),
    ]


def binary(size: int) -> str:
    """Bytes in binary units, labelled: `48.50 KiB` (1 KiB = 1,024 bytes)."""
    for unit, scale in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.2f} {unit}"
    return _("{size} bytes").format(size=size)


def _si(count: int) -> str:
    """`3.2 M` for 3,200,000: decimal prefixes for operation counts (1 M = 10^6)."""
    for unit, scale in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} "


def table_text(report: TableReport, fmt: str = "simple") -> str:
    """`rnncalc table`: one row per combination of settings."""
    names = list(report.rows[0].arguments) if report.rows else []
    rows = [
        (
            *(_setting(r.arguments[n]) for n in names),
            r.error
            if r.error
            else "  ".join(
                f"{n} {shape_text(s)}" for n, s in zip(r.output_names, r.output_shapes, strict=True)
            ),
        )
        for r in report.rows
    ]
    lines = [
        _("{whose}, input {shape}").format(
            whose=_whose(report), shape=shape_text(report.input_shape)
        ),
        "",
        _table(rows, headers=[*names, _("returns")], tablefmt=fmt),
    ]
    lines += _remarks([], report.notes)
    return "\n".join(lines)


def compare_text(report: CompareReport, fmt: str = "simple") -> str:
    """`rnncalc compare`: one layer in Keras and PyTorch, its outputs and weights mapped."""
    keras, torch = report.keras, report.torch
    shapes = dict(zip(keras.output_names, keras.output_shapes, strict=True))
    torch_shapes = {w.name: w.shape for w in torch.weights}
    keras_weights = {w.name: w.shape for w in keras.weights}
    returned = "  ".join(
        f"{n} {shape_text(s)}" for n, s in zip(torch.output_names, torch.output_shapes, strict=True)
    )
    lines = [
        _("Keras {keras}: {expression}   input {shape}").format(
            keras=keras.keras,
            expression=report.keras_expression,
            shape=shape_text(keras.input_shape),
        ),
        _("PyTorch: {expression}   input {shape}").format(
            expression=report.torch_expression, shape=shape_text(torch.input_shape)
        ),
        "",
        _table(
            [(o.keras, shape_text(shapes[o.keras]), o.torch) for o in report.outputs],
            headers=[_("Keras returns"), _("shape"), _("in PyTorch's (output, h_n, c_n)")],
            tablefmt=fmt,
        ),
        _("PyTorch returns {returned}").format(returned=returned),
        "",
        _table(
            [
                (
                    w.keras,
                    shape_text(keras_weights[w.keras]),
                    w.torch,
                    ", ".join(shape_text(torch_shapes[t]) for t in w.torch.split(", ")),
                    w.how,
                )
                for w in report.weights
            ],
            headers=[_("Keras weight"), _("shape"), "PyTorch", _("shape"), _("how")],
            tablefmt=fmt,
            maxcolwidths=[None, None, None, None, 50],
        ),
        "",
        _("params: Keras {keras}, PyTorch {torch} ({difference} in PyTorch)").format(
            keras=f"{keras.params:,}",
            torch=f"{torch.params:,}",
            difference=f"{report.params_difference:+,}",
        ),
        _("same function: yes") if report.exact else _("same function: no"),
        *(f"- {d}" for d in report.differences),
    ]
    lines += _remarks(keras.warnings + torch.warnings, [])
    return "\n".join(lines)


def torch_model_text(report: TorchModelReport, fmt: str = "simple") -> str:
    """`rnncalc model` of a PyTorch model: each module as `named_modules()` lists it, with its
    parameters (and, where `forward` was followed, its first call's shapes), then the totals."""
    shaped = any(m.output_shapes is not None for m in report.modules)
    rows = []
    for module in report.modules:
        depth = module.name.count(".") + 1 if module.name else 0
        row = ["  " * depth + (module.name or _("(model)")) + f" ({module.class_name})"]
        if shaped:
            inputs = module.input_shapes
            row += [
                ", ".join(_nested(s) for s in inputs) if inputs else "",
                "" if module.output_shapes is None else _nested(module.output_shapes),
            ]
        rows.append([*row, f"{module.params:,}", f"{module.own_params:,}"])
    shapes = [_("input shape"), _("output shape")] if shaped else []
    headers = [_("module (class)"), *shapes, _("params"), _("own")]
    lines = [
        _("Model: {model} (PyTorch), from {source} ({format})").format(
            model=report.model_class, source=report.source, format=report.format
        ),
        "",
        _table(rows, headers=headers, tablefmt=fmt, colalign=_align(len(headers))),
        "",
        _("total params: {params} (model.parameters(): a tied tensor once)").format(
            params=f"{report.total_params:,}"
        ),
        _("trainable params: {params}").format(params=f"{report.trainable_params:,}"),
    ]
    if report.output_shapes is not None:
        lines.append(_("forward returns: {shapes}").format(shapes=_nested(report.output_shapes)))
    if report.constructors:
        lines += ["", _("inferred from the weights:")]
        for c in report.constructors:
            unknown = (
                "  " + _("(not in the weights: {names})").format(names=c.unknown)
                if c.unknown
                else ""
            )
            lines.append(f"  {c.name or _('(model)')} = {c.expression}{unknown}")
    lines += [_("note: {message}").format(message=warning) for warning in report.warnings]
    return "\n".join(lines)


def _nested(shapes: Any) -> str:
    """A shape `[4, 5]` as `(4, 5)`; nested ones (a GRU's `(output, h_n)`) as tuples of them."""
    if isinstance(shapes, list) and all(isinstance(d, int) for d in shapes):
        return shape_text(tuple(shapes))
    if isinstance(shapes, list):
        return "(" + ", ".join(_nested(s) for s in shapes) + ")"
    return "None"  # what forward returned in its place: no tensor


def _align(columns: int) -> tuple[str, ...]:
    return ("left",) * (columns - 2) + ("right", "right")


def model_text(report: ModelReport, fmt: str = "simple") -> str:
    """`rnncalc model`: each layer as `model.summary()` shows it, then the totals."""
    functional = any(layer.inbound and "[" in layer.inbound[0] for layer in report.layers)
    dtype = report.params_dtype
    rows = []
    for layer in report.layers:
        shapes = layer.output_shapes
        if shapes is None:
            returns = "?"
        elif len(shapes) == 1:
            returns = shape_text(shapes[0])
        else:
            pairs = zip(layer.output_names, shapes, strict=True)
            returns = "\n".join(f"{n} {shape_text(s)}" for n, s in pairs)
        params = _("0 (unbuilt)") if layer.params is None else f"{layer.params:,}"  # as Keras 3
        row = [f"{layer.name} ({layer.class_name})", returns, params]
        rows.append([*row, "\n".join(layer.inbound)] if functional else row)
    headers = [_("layer (type)"), _("output shape"), _("params")]
    headers += [_("connected to")] if functional else []
    lines = [
        _('Model: "{name}" ({model}), Keras {keras} rules, from {source} ({format})').format(
            name=report.name,
            model=report.model_class,
            keras=report.keras,
            source=report.source,
            format=report.format,
        ),
        "",
        _table(
            rows,
            headers=headers,
            tablefmt=fmt,
            colalign=("left", "left", "right", "left")[: len(headers)],
        ),
        "",
        _("total params: {params}").format(
            params=_params(report.total_params, report.params_bytes, dtype)
        ),
        _("trainable params: {params}").format(
            params=_params(report.trainable_params, report.trainable_params_bytes, dtype)
        ),
        _("non-trainable params: {params}").format(
            params=_params(report.non_trainable_params, report.non_trainable_params_bytes, dtype)
        ),
        *_cost_lines(
            report.macs,
            report.flops,
            report.training_flops,
            report.memory,
            N_("--json for each part"),
        ),
    ]
    notes = [] if report.built else [_(UNBUILT)]
    if report.skipped:
        notes.append(
            _("skipped {count} statement(s) that build no model, not run: {statements}").format(
                count=len(report.skipped),
                statements="; ".join(report.skipped[:5])
                + ("; ..." if len(report.skipped) > 5 else ""),
            )
        )
    lines += _remarks(report.warnings, notes)
    return "\n".join(lines)


UNBUILT = N_(
    "the model was never built: no layer gave it an input shape, so layers whose weights depend "
    "on it are unbuilt (Keras's summary shows `?` and `0 (unbuilt)`, and its totals leave them "
    "out). Start the model with keras.Input(shape=...), or give the first layer input_shape "
    "(Keras 3 ignores Embedding's input_length)"
)


def _params(count: int, size: int, dtype: str) -> str:
    """`12,416 (48.50 KiB as float32)`: KiB and MiB are binary (1 KiB = 1,024 bytes)."""
    return _("{count} ({size} as {dtype})").format(
        count=f"{count:,}", size=binary(size), dtype=dtype
    )


def memory_text(report: MemoryPlanReport, fmt: str = "simple") -> str:
    """`rnncalc memory`: the breakdown, then the sweep or the fit."""
    layer = report.layer
    lines = [
        _("{whose}, input {shape}").format(whose=_whose(layer), shape=shape_text(layer.input_shape))
    ]
    used = layer.memory
    if used is not None:
        slots = {
            "sgd": _("optimizer state ({optimizer}: none)"),
            "adam": _("optimizer state ({optimizer}: 2 per weight)"),
            "adamw": _("optimizer state ({optimizer}: 2 per weight)"),
        }
        state = slots.get(used.optimizer) or _("optimizer state ({optimizer}: 1 per weight)")
        parts = [
            (_("weights"), used.params_bytes),
            (_("gradients"), used.gradients_bytes),
            (state.format(optimizer=used.optimizer), used.optimizer_bytes),
            (
                _("activations, inference (outputs and live state)"),
                used.activations_inference_bytes,
            ),
            (_("activations, training (kept for backward)"), used.activations_training_bytes),
            (_("total, inference"), used.total_inference_bytes),
            (_("total, training"), used.total_training_bytes),
        ]
        lines += [
            "",
            _table(
                [(what, f"{size:,}", binary(size)) for what, size in parts],
                headers=[_("memory ({dtype})").format(dtype=used.dtype), _("bytes"), _("size")],
                tablefmt=fmt,
                colalign=("left", "right", "right"),
            ),
            "",
            *_cost_lines(layer.macs, layer.flops, layer.training_flops, used)[:1],
        ]
    if report.sweep:
        lines += [
            "",
            _table(
                [
                    (
                        p.value,
                        f"{p.params:,}",
                        f"{p.macs:,}",
                        binary(p.total_inference_bytes),
                        binary(p.total_training_bytes),
                    )
                    for p in report.sweep
                ],
                headers=[
                    str(report.sweep_variable),
                    _("params"),
                    "MACs",
                    _("inference"),
                    _("training"),
                ],
                tablefmt=fmt,
                colalign=("right", "right", "right", "right", "right"),
            ),
        ]
    if report.fit is not None:
        fit = report.fit
        budget = binary(fit.budget_bytes)
        if fit.largest is None:
            lines += [
                "",
                _("nothing fits in {budget}: {variable} 1 needs {needed} for training").format(
                    budget=budget, variable=fit.variable, needed=binary(fit.bytes_one_more)
                ),
            ]
        else:
            lines += [
                "",
                _(
                    "largest {variable} that fits in {budget} ({budget_bytes} bytes) for "
                    "training: {largest}, needing {needed} bytes; {next} would need {next_needs}"
                ).format(
                    variable=fit.variable,
                    budget=budget,
                    budget_bytes=f"{fit.budget_bytes:,}",
                    largest=f"{fit.largest:,}",
                    needed=f"{fit.bytes_at_largest or 0:,}",
                    next=f"{fit.largest + 1:,}",
                    next_needs=f"{fit.bytes_one_more:,}",
                ),
            ]
    lines += [
        "",
        _(
            "note: counts the generic step-by-step implementation (PyTorch's CPU path without "
            "oneDNN); fused cuDNN/oneDNN kernels keep other buffers (see docs/cost.md)"
        ),
    ]
    return "\n".join(lines)


def plot_sweep(report: MemoryPlanReport, path: str) -> str:
    """Draw training and inference memory against the swept variable into a PNG or SVG file."""
    if not report.sweep:
        raise RnncalcError(
            _("--plot draws a sweep"), _("add --sweep, e.g. --sweep timesteps=100:2000:100")
        )
    if not path.lower().endswith((".png", ".svg")):
        raise RnncalcError(
            _("--plot {path!r}: rnncalc draws .png or .svg files").format(path=path),
            _("name a .png or .svg file"),
        )
    with _matplotlib() as pyplot:
        values = [p.value for p in report.sweep]
        figure, axis = pyplot.subplots(figsize=(7, 4))
        for label, key in (
            ("training", "total_training_bytes"),
            ("inference", "total_inference_bytes"),
        ):
            axis.plot(values, [getattr(p, key) / 2**20 for p in report.sweep], label=label)
        axis.set_xlabel(str(report.sweep_variable))
        axis.set_ylabel("memory (MiB, 1 MiB = 2^20 bytes)")
        axis.set_title(f"{_whose(report.layer)}, input {shape_text(report.layer.input_shape)}")
        axis.legend()
        axis.grid(alpha=0.3)
        drawn = io.BytesIO()
        try:
            figure.savefig(drawn, format=path.lower().rsplit(".", 1)[-1], bbox_inches="tight")
        finally:
            pyplot.close(figure)
    with open_output(path, "--plot") as stream:
        stream.write(drawn.getvalue())
    return path


@contextlib.contextmanager
def _matplotlib() -> Iterator[Any]:
    """pyplot, drawing off-screen, with its cache in a folder of its own for this call: never
    in the user's home folder (unless MPLCONFIGDIR already says where), and with matplotlib's
    own settings, not a `matplotlibrc` of the current folder (it reads that one first)."""
    with tempfile.TemporaryDirectory(prefix="rnncalc-mpl-") as cache:
        before = os.environ.get("MPLCONFIGDIR")
        try:
            here: str | None = os.getcwd()
        except OSError:  # the current folder was deleted: nothing to come back to
            here = None
        os.environ["MPLCONFIGDIR"] = before or cache
        try:
            os.chdir(cache)
            import matplotlib

            matplotlib.use("Agg")
            from matplotlib import pyplot
        except ImportError:
            raise RnncalcError(
                _("--plot needs matplotlib"), 'pip install "rnncalc[plot]"'
            ) from None
        finally:
            if here is not None:
                os.chdir(here)
        try:
            with matplotlib.rc_context(matplotlib.rcParamsDefault):
                matplotlib.use("Agg")
                yield pyplot
        finally:
            if before is None:
                del os.environ["MPLCONFIGDIR"]


GRID_COLUMNS = (N_("returns"), N_("params"), "MACs", N_("training bytes"), N_("error"))


def _grid_rows(report: GridReport, raw: bool = False) -> tuple[list[str], list[list[Any]]]:
    names = list(report.rows[0].arguments) if report.rows else []
    headers = [*names, *GRID_COLUMNS]  # in English: CSV's header is for scripts
    rows = [
        [
            *(row.arguments[n] if raw else _setting(row.arguments[n]) for n in names),
            "  ".join(shape_text(s) for s in row.output_shapes),
            row.params,
            row.macs,
            row.total_training_bytes,
            row.error or "",
        ]
        for row in report.rows
    ]
    return headers, rows


def grid_text(report: GridReport, fmt: str = "simple") -> str:
    """`rnncalc sweep`: one row per combination; sizes as numbers, errors in their column."""
    headers, rows = _grid_rows(report)
    names = len(headers) - len(GRID_COLUMNS)
    headers = [*headers[:names], *(_(h) if h != "MACs" else h for h in GRID_COLUMNS)]
    shown = [
        [*r[:-4], *(f"{v:,}" if isinstance(v, int) else "" for v in r[-4:-1]), r[-1]] for r in rows
    ]
    if not any(r[-1] for r in rows):
        headers, shown = headers[:-1], [r[:-1] for r in shown]
    title = _("{layer} on {shape}").format(layer=report.layer, shape=shape_text(report.input_shape))
    return f"{title}\n\n" + _table(shown, headers=headers, tablefmt=fmt)


def grid_jsonl(report: GridReport) -> str:
    """One JSON object per combination, one a line: for scripts that stream."""
    return "\n".join(as_json(row, indent=None) for row in report.rows)


def grid_csv(report: GridReport) -> str:
    """The grid as CSV: varied arguments, then returns, params, MACs, bytes, error."""
    import csv
    import io

    headers, rows = _grid_rows(report, raw=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().rstrip("\n")


def run_text(results: list[Any], output: str | None) -> str:
    """`rnncalc run`: each output array's shape and dtype, in Keras's order."""
    lines = [f"arr_{i}: {tuple(r.shape)} {r.dtype}" for i, r in enumerate(results)]
    written = [_("written to {path}").format(path=output)] if output else []
    return "\n".join([*lines, *written])


def check_text(checked: list[Any]) -> str:
    """`rnncalc check`: each combination, computed shapes against the shapes running gave."""
    lines = []
    for row in checked:
        settings = ", ".join(f"{k}={v}" for k, v in row.settings.items()) or _("as given")
        mark = "ok" if row.agrees else "MISMATCH"
        pairs = "  ".join(
            _("{computed} ran as {executed}").format(computed=shape_text(c), executed=e)
            for c, e in zip(row.computed, row.executed, strict=False)
        )
        lines.append(f"{mark:8} {settings}: {pairs}")
    agreeing = sum(row.agrees for row in checked)
    summary = _("{agreeing} of {count} agree").format(agreeing=agreeing, count=len(checked))
    return "\n".join([*lines, summary])


def convert_text(converted: Any, output: str) -> str:
    """`rnncalc convert`: what was written, and how closely both layouts agree."""
    target = converted.target
    name = target.class_name()
    name = f"nn.{name}" if hasattr(target, "hidden_size") else name
    return "\n".join(
        [
            _("wrote {path}: the weights of {layer}").format(path=output, layer=name),
            _("both layouts agree on a random input: largest difference {difference}").format(
                difference=f"{converted.max_difference:.2e}"
            ),
        ]
    )


def arguments_text(cls: type[BaseModel], fmt: str = "simple") -> str:
    """`rnncalc args LAYER`: every argument with its default, Keras versions and meaning."""
    fields = [(name, cls.model_fields[name]) for name in field_order(cls)]
    if issubclass(cls, SequenceArgs | BidirectionalConfig):
        fields += InputArgs.model_fields.items()
    rows: list[tuple[Any, ...]] = []
    for name, info in fields:
        extra = info.json_schema_extra
        keras = extra.get("keras") if isinstance(extra, dict) else None
        versions = "/".join(keras) if isinstance(keras, list) else "torch"  # type: ignore[arg-type]
        defaults = extra.get("defaults") if isinstance(extra, dict) else None
        if isinstance(defaults, dict):  # Keras 2 and 3 differ
            default = ", ".join(f"{value!r} (Keras {v})" for v, value in sorted(defaults.items()))
        elif info.is_required():
            default = _("required")
        else:
            default = repr(getattr(info.default, "value", info.default))
        rows.append((name, default, versions, info.description))
    title = f"nn.{cls.class_name()}" if issubclass(cls, TorchConfig) else cls.class_name()  # type: ignore[attr-defined]
    return f"{title}: {cls.__doc__}\n\n" + _table(
        rows,
        headers=[
            _("argument"),
            _("default"),
            _("framework") if issubclass(cls, TorchConfig) else "keras",
            _("description"),
        ],
        tablefmt=fmt,
        maxcolwidths=[None, None, None, 70],
    )


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return _yes(value)
    return repr(value) if value is None else str(value)


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def report_text(report: BaseModel, fmt: str = "simple") -> str:
    """A report as its command prints it."""
    shown: dict[str, Callable[[Any, str], str]] = {
        "LayerReport": summary_text,
        "TableReport": table_text,
        "CompareReport": compare_text,
        "ModelReport": model_text,
        "TorchModelReport": torch_model_text,
        "MemoryPlanReport": memory_text,
        "GridReport": grid_text,
    }
    return shown[type(report).__name__](report, fmt)


def notebook(report: BaseModel, html: bool) -> str:
    """A report as a notebook shows it: the CLI's text, with its table as Markdown or HTML.

    Example:
        >>> from rnncalc.api import summary
        >>> print(notebook(summary("LSTM(4, input_shape=(10, 3))"), html=False))
        LSTM, Keras 2 rules
        ...
    """
    text = report_text(report, "html" if html else "github")
    lines, table = [], False
    for line in text.splitlines():
        table = table or line.startswith(("<table", "|"))
        if table:
            lines.append(line)
        elif line:
            lines.append(escape(line) + "<br>" if html else line + "  ")  # a line break
        table = table and not line.startswith("</table") and (html or line.startswith("|"))
    return "\n".join(lines)


def _remarks(warnings: list[str], notes: list[str]) -> list[str]:
    lines = [_("warning: {message}").format(message=w) for w in warnings]
    lines += [_("note: {message}").format(message=n) for n in notes]
    return ["", *lines] if lines else []
