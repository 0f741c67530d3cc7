"""Memory planning for one layer: its cost at many sizes (sweeps), the largest size that fits."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from fractions import Fraction
from itertools import product
from math import prod
from typing import Any, NamedTuple

from pydantic import ValidationError

from rnncalc.calc import analysis
from rnncalc.calc.cost import layer_cost, memory
from rnncalc.calc.plan import axes, cell_runs
from rnncalc.calc.weights import weights
from rnncalc.config.enums import DType, KerasVersion, Optimizer
from rnncalc.config.inputs import InputArgs, Shape, shape_text
from rnncalc.config.layers import AnyLayer, held, through
from rnncalc.config.torch import TorchConfig
from rnncalc.errors import RnncalcError, guarded, invalid
from rnncalc.i18n import _
from rnncalc.limits import (
    ANALYSED_LAYERS,
    BUDGET,
    GRID_POINTS,
    SWEEP_POINTS,
    TORCH_LAYERS,
    Limit,
    check_size,
)
from rnncalc.parse.construct import check_available
from rnncalc.parse.expressions import LayerCall
from rnncalc.report.plans import FitReport, GridReport, GridRow, MemoryPlanReport, SweepPoint

VARIABLES = ("batch", "timesteps", "units")
UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


class Sweep(NamedTuple):
    """What to vary, and its values: `timesteps=100:2000:100` or `batch=1,2,4`."""

    variable: str
    values: list[int]


def parse_sweep(text: str) -> Sweep:
    """`VARIABLE=START:STOP:STEP` (STOP included) or `VARIABLE=A,B,C`.

    Example:
        >>> parse_sweep("timesteps=100:500:100")
        Sweep(variable='timesteps', values=[100, 200, 300, 400, 500])
    """
    name, _equals, spec = text.partition("=")
    fix = _("e.g. --sweep timesteps=100:2000:100 or --sweep batch=1,8,32")
    if name not in VARIABLES or not spec:
        raise RnncalcError(
            _("--sweep {text!r}: sweep one of {names}").format(
                text=text, names=", ".join(VARIABLES)
            ),
            fix,
        )
    try:
        values = _values(spec, f"--sweep {text!r}", SWEEP_POINTS)
    except RnncalcError:
        raise
    except ValueError:
        raise RnncalcError(
            _("--sweep {text!r} is not a range or a list of integers").format(text=text), fix
        ) from None
    if not all(isinstance(v, int) and v >= 1 for v in values):
        raise RnncalcError(_("--sweep {text!r}: give values of 1 or more").format(text=text), fix)
    return Sweep(name, values)


def parse_values(text: str) -> tuple[str, list[Any]]:
    """`ARGUMENT=VALUES` for a grid: `units=64,128,256`, `num_layers=1:4` (stop included),
    `bidirectional=True,False` or `merge_mode=concat,sum`.

    Example:
        >>> parse_values("num_layers=1:3"), parse_values("merge_mode=concat,None")
        (('num_layers', [1, 2, 3]), ('merge_mode', ['concat', None]))
    """
    name, _equals, spec = text.partition("=")
    if not name.isidentifier() or not spec:
        raise RnncalcError(
            _("--vary {text!r} is not ARGUMENT=VALUES").format(text=text),
            _("e.g. --vary units=64,128"),
        )
    if re.fullmatch(r"-?\d+:-?\d+(:\d+)?", spec):
        values = _values(spec, f"--vary {text!r}", GRID_POINTS)
    else:
        values = [_literal(part.strip(), text) for part in spec.split(",")]
    GRID_POINTS.check(len(values), f"--vary {text!r}", "vary fewer values")
    for value in values:
        if type(value) is int:
            check_size(value, f"a value of --vary {text!r}")
    if not values:
        raise RnncalcError(
            _("--vary {text!r} gives no values").format(text=text), _("e.g. --vary units=64,128")
        )
    return name, values


def _values(spec: str, option: str, limit: Limit) -> list[int]:
    """`START:STOP[:STEP]` (STOP included) or `A,B,C` as integers, counted before any list is
    made of them.

    Example:
        >>> _values("2:10:4", "--vary", GRID_POINTS), _values("1,8", "--vary", GRID_POINTS)
        ([2, 6, 10], [1, 8])
    """
    if ":" not in spec:
        limit.check(spec.count(",") + 1, option, "give fewer values")
        values = [int(p) for p in spec.split(",")]
    else:
        start, stop, *step = (int(p) for p in spec.split(":"))
        if len(step) > 1 or (step and step[0] <= 0):
            raise RnncalcError(
                _("{option}: the step must be 1 or more").format(option=option),
                _("e.g. 100:2000:100"),
            )
        span = range(start, stop + 1, step[0] if step else 1)
        limit.check(len(span), option, "give a larger step or a shorter range")
        values = list(span)
    for value in values:
        check_size(value, f"a value of {option}")
    return values


def _literal(text: str, option: str) -> Any:
    if re.fullmatch(r"[-+]?\d{20,}", text):  # too long for a size, or for Python to read
        check_size(10 ** (len(text) - 1), f"a value of --vary {option[:40]!r}")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare word: a string such as concat or tanh


def parse_size(text: str) -> int:
    """A memory budget: `16GiB` (binary), `16GB` (decimal) or a number of bytes.

    Example:
        >>> parse_size("16GiB"), parse_size("1.5 MB")
        (17179869184, 1500000)
    """
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).upper() if match else ""
    if not match or unit not in UNITS:
        raise RnncalcError(
            _("--fit {text!r} is not a memory size").format(text=text),
            _("write a number with a unit: 16GiB, 512MiB (binary) or 16GB (decimal)"),
        )
    number = match.group(1)
    whole = number.partition(".")[0]
    # Exact, with no float to overflow; past 20 digits, a lower bound is enough to refuse it.
    size = int(Fraction(number) * UNITS[unit]) if len(whole) <= 20 else 10 ** len(whole)
    BUDGET.check(size, f"--fit {text!r}", "give a budget of at most 8 EiB")
    return size


Measure = Callable[[int], SweepPoint]


def measurer(
    layer: AnyLayer,
    shape: Shape,
    keras: KerasVersion,
    dtype: DType,
    optimizer: Optimizer,
    variable: str,
) -> Measure:
    """A function giving the layer's cost with `variable` set to a value.

    Example:
        >>> at = measurer(LSTMConfig(units=8), (32, None, 4), KerasVersion.V2,
        ...               DType.FLOAT32, Optimizer.ADAM, "timesteps")
        >>> at(10).macs, at(20).macs
        (122880, 245760)
    """
    if variable == "units":
        return lambda value: _point(with_units(layer, value), shape, keras, dtype, optimizer, value)
    names = axes(layer, len(shape))
    if variable not in names or len(names) != len(shape):
        raise RnncalcError(
            _("the input {shape} has no {variable} axis to vary").format(
                shape=shape_text(shape), variable=variable
            ),
            _("sweep another"),
        )
    index = names.index(variable)

    def at(value: int) -> SweepPoint:
        sized = (*shape[:index], value, *shape[index + 1 :])
        return _point(layer, sized, keras, dtype, optimizer, value)

    return at


def with_units(layer: AnyLayer, units: int) -> AnyLayer:
    """The layer with another width: `units`, `filters` or PyTorch's `hidden_size`."""
    if held(layer):
        return through(layer, lambda inner: with_units(inner, units))
    for name in ("units", "filters", "hidden_size"):
        if name in type(layer).model_fields:
            if isinstance(layer, TorchConfig) and layer.proj_size >= units:
                raise RnncalcError(
                    _("hidden_size={units} is not larger than proj_size={proj_size}").format(
                        units=units, proj_size=layer.proj_size
                    ),
                    _("sweep widths above proj_size"),
                )
            return layer.model_copy(update={name: units})
    raise RnncalcError(
        _("{layer} has no single width to vary").format(layer=layer.class_name()),
        _("sweep batch or timesteps instead"),
    )


def _point(
    layer: AnyLayer,
    shape: Shape,
    keras: KerasVersion,
    dtype: DType,
    optimizer: Optimizer,
    value: int,
) -> SweepPoint:
    cost = layer_cost(layer, shape, keras)
    if cost is None:
        raise RnncalcError(
            _("the input {shape} leaves an axis open: memory needs every size").format(
                shape=shape_text(shape)
            ),
            _("give --batch-size and --timesteps (or sweep the open one)"),
        )
    params = sum(prod(w.shape) for w in weights(layer, shape, keras))
    trainable = params if getattr(layer, "trainable", True) else 0
    used = memory(cost, params, trainable, dtype, optimizer)
    return SweepPoint(
        value=value,
        macs=cost.macs,
        params=params,
        total_inference_bytes=used.total_inference_bytes,
        total_training_bytes=used.total_training_bytes,
    )


Progress = Callable[[list[int]], Iterable[int]]  # wraps the values, e.g. in a progress bar


def sweep_points(
    at: Measure, values: list[int], progress: Progress | None = None
) -> list[SweepPoint]:
    """The cost at each value, in order."""
    return [at(value) for value in (progress(values) if progress else values)]


def largest_fitting(at: Measure, budget: int, variable: str, training: bool = True) -> FitReport:
    """The largest value of `variable` whose total memory fits `budget` bytes.

    Memory grows with batch, timesteps and units, so a doubling search then a bisection finds
    the boundary: the answer fits, one more does not.

    Example:
        >>> at = measurer(LSTMConfig(units=8), (None, 10, 4), KerasVersion.V2,
        ...               DType.FLOAT32, Optimizer.ADAM, "batch")
        >>> report = largest_fitting(at, 1_000_000, "batch")
        >>> report.bytes_at_largest <= 1_000_000 < report.bytes_one_more
        True
    """

    def need(value: int) -> int:
        point = at(value)
        return point.total_training_bytes if training else point.total_inference_bytes

    if need(1) > budget:
        return FitReport(
            variable=variable,
            budget_bytes=budget,
            largest=None,
            bytes_at_largest=None,
            bytes_one_more=need(1),
        )
    low, high = 1, 2
    while need(high) <= budget:
        low, high = high, high * 2
        if high > 2**48:
            raise RnncalcError(
                _("any {variable} up to {largest} fits in {budget} bytes").format(
                    variable=variable, largest=f"{low:,}", budget=f"{budget:,}"
                ),
                _("give a smaller budget"),
            )
    while high - low > 1:  # need(low) fits, need(high) does not
        middle = (low + high) // 2
        low, high = (middle, high) if need(middle) <= budget else (low, middle)
    return FitReport(
        variable=variable,
        budget_bytes=budget,
        largest=low,
        bytes_at_largest=need(low),
        bytes_one_more=need(high),
    )


@guarded
def memory_plan(
    layer: str | AnyLayer,
    *,
    input_shape: Shape | None = None,
    batch_size: int | None = None,
    batch_input_shape: Shape | None = None,
    keras: analysis.KerasLike = "2",
    framework: analysis.FrameworkLike = None,
    timesteps: int | None = None,
    dtype: DType | str = DType.FLOAT32,
    optimizer: Optimizer | str = Optimizer.ADAM,
    sweep: str | None = None,
    fit: str | None = None,
    fit_over: str = "batch",
    progress: Progress | None = None,
) -> MemoryPlanReport:
    """A layer's memory and cost, and how they grow: a sweep, or the largest size that fits.

    Args:
        sweep: `timesteps=100:2000:100`, `batch=1,8,32` or `units=64:512:64`.
        fit: a budget such as `16GiB`: the largest `fit_over` (batch, timesteps or units)
            whose training memory fits it.
        progress: wraps the swept values, e.g. to show a progress bar.
        The others: as for `summary`.

    Example:
        >>> plan = memory_plan("LSTM(256)", input_shape=(None, 128), batch_size=32,
        ...                    fit="1GiB", fit_over="timesteps")
        >>> plan.fit.largest, plan.fit.bytes_at_largest <= 2**30 < plan.fit.bytes_one_more
        (4653, True)
    """
    config, resolved, version, warnings = analysis.question(
        layer, input_shape, batch_size, batch_input_shape, keras, framework, timesteps
    )
    dtype, optimizer = DType(dtype), Optimizer(optimizer)
    report = analysis.analyze(config, resolved, version, warnings, dtype, optimizer)
    if report.memory is None and sweep is None and fit is None:
        raise RnncalcError(
            _(
                "the input {shape} leaves the batch or timesteps open: memory needs every size"
            ).format(shape=shape_text(resolved.shape)),
            _("give --batch-size and --timesteps (or --sweep / --fit the open one)"),
        )
    steps = parse_sweep(sweep) if sweep else None
    points = []
    if steps is not None:
        at = measurer(config, resolved.shape, version, dtype, optimizer, steps.variable)
        ANALYSED_LAYERS.check(
            len(steps.values) * cell_runs(config, version),
            f"--sweep {sweep!r} over {config.class_name()}",
            "sweep fewer values, or stack fewer layers",
        )
        points = sweep_points(at, steps.values, progress)
    fitted = None
    if fit is not None:
        if fit_over not in VARIABLES:
            raise RnncalcError(
                _("--fit-over {value!r} is not a size").format(value=fit_over),
                _("use {names}").format(names=", ".join(VARIABLES)),
            )
        budget = parse_size(fit)
        at = measurer(config, resolved.shape, version, dtype, optimizer, fit_over)
        fitted = largest_fitting(at, budget, fit_over)
    return MemoryPlanReport(
        layer=report, sweep_variable=steps and steps.variable, sweep=points, fit=fitted
    )


@guarded
def grid(
    layer: str | AnyLayer,
    vary: list[str],
    *,
    input_shape: Shape | None = None,
    batch_size: int | None = None,
    batch_input_shape: Shape | None = None,
    keras: analysis.KerasLike = "2",
    framework: analysis.FrameworkLike = None,
    timesteps: int | None = None,
) -> GridReport:
    """The layer over every combination of some arguments: shapes, parameters, cost.

    Args:
        vary: `ARGUMENT=VALUES` each, e.g. `["units=64,128,256", "num_layers=1:4"]`. A
            Bidirectional layer passes the arguments it does not take itself to its layers.

    Example:
        >>> rows = grid("nn.LSTM(64, 32)", ["hidden_size=32,64", "num_layers=1:2"],
        ...             batch_input_shape=(10, 16, 64)).rows
        >>> [(r.arguments, r.params) for r in rows][:2]
        [({'hidden_size': 32, 'num_layers': 1}, 12544),
         ({'hidden_size': 32, 'num_layers': 2}, 20992)]
    """
    config, resolved, version, _warnings = analysis.question(
        layer, input_shape, batch_size, batch_input_shape, keras, framework, timesteps
    )
    analysis.analyze(config, resolved, version)  # what summary refuses, a grid refuses
    axes = [parse_values(text) for text in vary]
    rows = []
    fix = "vary fewer arguments or values"
    GRID_POINTS.check(prod(len(v) for _name, v in axes), "the grid of --vary", fix)
    # The work is in the layers analysed: a stack of num_layers counts as that many.
    stacks = dict(axes).get("num_layers", [getattr(config, "num_layers", 1)])
    ANALYSED_LAYERS.check(
        prod(len(v) for n, v in axes if n != "num_layers")
        * sum(n for n in stacks if type(n) is int and 0 < n <= TORCH_LAYERS.value)
        * cell_runs(config, version)
        // getattr(config, "num_layers", 1),
        "the grid of --vary",
        fix,
    )
    names = [n for n, _values in axes]
    if len(set(names)) < len(names):
        raise RnncalcError(_("--vary names an argument twice"), _("give each argument once"))
    for name in set(names) & set(InputArgs.names()) - set(SIZES):
        raise RnncalcError(
            _("`{name}` is part of the input shape, which --vary does not change").format(
                name=name
            ),
            _("vary {sizes}, or ask once per --input-shape").format(sizes=" or ".join(SIZES)),
        )
    for values in product(*(v for _name, v in axes)):
        chosen = dict(zip([n for n, _values in axes], values, strict=True))
        sizes = {k: chosen[k] for k in SIZES if k in chosen}
        try:
            point = resolved
            if sizes:  # the input's sizes, not the layer's arguments: the input again
                batch = sizes.get("batch_size", batch_size)
                steps = sizes.get("timesteps", timesteps)
                point = analysis.question(
                    layer, input_shape, batch, batch_input_shape, keras, framework, steps
                )[1]
            arguments = {k: v for k, v in chosen.items() if k not in SIZES}
            report = analysis.analyze(_revalidated(config, arguments, version), point, version)
        except RnncalcError as exc:
            rows.append(GridRow(arguments=chosen, error=str(exc)))
            continue
        used = report.memory
        rows.append(
            GridRow(
                arguments=chosen,
                output_shapes=report.output_shapes,
                params=report.params,
                macs=report.macs,
                total_training_bytes=None if used is None else used.total_training_bytes,
            )
        )
    return GridReport(layer=config.class_name(), input_shape=resolved.shape, rows=rows)


SIZES = ("batch_size", "timesteps")  # what --vary may change of the input


def _revalidated(config: AnyLayer, chosen: dict[str, Any], keras: KerasVersion) -> AnyLayer:
    """The config with some arguments changed, checked as if written so."""
    own = {k: v for k, v in chosen.items() if k in type(config).model_fields}
    inner = {k: v for k, v in chosen.items() if k not in own}
    if inner and held(config):
        config = through(config, lambda layer: _revalidated(layer, inner, keras))
    elif inner:
        name = next(iter(inner))
        raise RnncalcError(
            _("{layer} has no argument `{argument}`").format(
                layer=config.class_name(), argument=name
            ),
            _("see `rnncalc args {layer}`").format(layer=config.class_name()),
        )
    if not own:
        return config
    # The arguments given, as they are (nested layers stay configs), with the chosen ones.
    kwargs = {**{k: getattr(config, k) for k in config.model_fields_set}, **own}
    if isinstance(config, TorchConfig):
        from rnncalc.parse.construct import torch_from_call

        return torch_from_call(LayerCall(config.class_name(), "nn", (), kwargs))
    check_available(type(config), own, keras)
    try:
        return type(config).model_validate(kwargs, context={"keras": keras.value})
    except ValidationError as exc:
        bad = invalid(exc)
        raise RnncalcError(
            _("invalid value for `{argument}`: {reason}").format(
                argument=bad.path, reason=bad.message
            ),
            _("give a value the framework accepts"),
        ) from None
