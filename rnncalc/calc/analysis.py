"""One layer's calculation: its config and input resolved from any way of giving them, then
every number of its report."""

from __future__ import annotations

from itertools import product
from math import prod
from typing import TYPE_CHECKING, Any

from rnncalc.calc import rules
from rnncalc.calc.cost import Cost, layer_cost, planned_cost, size_fields
from rnncalc.calc.plan import axes, plan
from rnncalc.calc.shapes import returned
from rnncalc.calc.states import check_states, initial_states
from rnncalc.calc.weights import planned as planned_weights
from rnncalc.calc.weights import planned_formula
from rnncalc.config.conv import ConvLSTMConfig
from rnncalc.config.enums import DType, Framework, KerasVersion, MergeMode, Optimizer
from rnncalc.config.inputs import InputArgs, ResolvedInput, Shape, shape_text
from rnncalc.config.keras import field_order
from rnncalc.config.layers import AnyLayer, through
from rnncalc.config.torch import TORCH_CELLS, TorchCellConfig, TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.parse.construct import TORCH_MODULES, cell_from_call, check_available, layer_from_call
from rnncalc.parse.expressions import LayerCall, parse
from rnncalc.parse.inputs import check_shape, from_options, keras_input, parse_args, resolve
from rnncalc.report import LayerReport, WeightReport

if TYPE_CHECKING:
    from rnncalc.report.tables import TableReport

KerasLike = KerasVersion | str | int
FrameworkLike = Framework | str | None


def parse_layer(
    expression: str, keras: KerasVersion, framework: Framework | None = None
) -> tuple[AnyLayer, InputArgs]:
    """A layer expression read into its config and its input-shape arguments."""
    return layer_from_call(parse(expression), keras, framework)


LEGACY_FLAGS = ("return_sequences", "return_state", "time_major")


def table_settings(config: AnyLayer, keras: KerasVersion) -> list[dict[str, Any]]:
    """The combinations `table` shows for this kind of layer."""
    names: tuple[str, ...]
    values: list[Any]
    if isinstance(config, TorchConfig):
        names, values = ("batch_first", "bidirectional"), [(False, True)] * 2
    elif isinstance(config, BidirectionalConfig):
        modes = [*(m.value for m in MergeMode), None]
        names, values = ("merge_mode", *LEGACY_FLAGS[:2]), [modes, (False, True), (False, True)]
    else:  # ConvLSTM takes time_major and ignores it
        v2 = keras is KerasVersion.V2 and not isinstance(config, ConvLSTMConfig)
        names = LEGACY_FLAGS if v2 else LEGACY_FLAGS[:2]
        values = [(False, True)] * len(names)
    return [dict(zip(names, combo, strict=True)) for combo in product(*values)]


def with_settings(config: AnyLayer, flags: dict[str, Any]) -> AnyLayer:
    """The config with a table row's settings; Bidirectional passes them to its layers."""
    own = {k: v for k, v in flags.items() if k in type(config).model_fields}
    inner = {k: v for k, v in flags.items() if k not in own}
    if own.get("merge_mode") is not None:
        own["merge_mode"] = MergeMode(own["merge_mode"])
    return through(config, lambda layer: layer.model_copy(update=inner)).model_copy(update=own)


def analyze(
    config: AnyLayer,
    resolved: ResolvedInput,
    keras: KerasVersion,
    warnings: list[str] | None = None,
    dtype: DType = DType.FLOAT32,
    optimizer: Optimizer = Optimizer.ADAM,
    initial_state: list[Shape] | None = None,
) -> LayerReport:
    """The calculation itself, from a validated config and a full input shape (and the
    initial states given, checked as the framework checks them)."""
    shape = resolved.shape
    rules.check_input(config, shape, resolved.given, keras)
    planned = plan(config, shape, keras)
    torch = planned.torch
    outputs = returned(planned, keras)
    states = initial_states(planned, keras)
    warnings = [*(warnings or []), *check_states(planned, initial_state or [], keras)]
    trainable = getattr(config, "trainable", True)
    specs = [
        WeightReport(
            name=w.name,
            shape=w.shape,
            size=prod(w.shape),
            formula=w.formula,
            trainable=trainable and w.trainable,
        )
        for w in planned_weights(planned, keras)
    ]
    params = sum(w.size for w in specs)
    trained = sum(w.size for w in specs if w.trainable)
    params_formula = planned_formula(planned)
    dumped = config.model_dump(mode="json")
    cost = planned_cost(planned, keras)
    return LayerReport(
        layer=config.class_name(),
        framework=Framework.TORCH if torch else Framework.KERAS,
        keras=None if torch else keras,
        arguments={k: dumped[k] for k in field_order(type(config))},
        input_shape=shape,
        input_source=resolved.source,
        input_axes=axes(config, len(shape)),
        output_names=[name for name, _ in outputs],
        output_shapes=[s for _, s in outputs],
        initial_state_names=[name for name, _ in states],
        initial_state_shapes=[s for _, s in states],
        params_formula=params_formula.text,
        formula_values=params_formula.values,
        weights=specs,
        macs_per_timestep=None if cost is None else cost.macs // _timesteps(config, shape),
        **size_fields(cost, params, trained, dtype, optimizer),
        warnings=[*warnings, *rules.warnings_for(config, shape, keras)],
        notes=rules.version_notes(config, shape, resolved.given, keras),
    )


def _timesteps(config: AnyLayer, shape: Shape) -> int:
    """The length of the input's time axis (known, where a cost was computed)."""
    return shape[axes(config, len(shape)).index("timesteps")] or 1


def prepare(
    layer: str | AnyLayer,
    input_shape: Shape | None,
    batch_size: int | None,
    batch_input_shape: Shape | None,
    keras: KerasVersion,
    framework: Framework | None,
    timesteps: int | None = None,
    wrapper: tuple[InputArgs, dict[str, Any] | None] | None = None,
) -> tuple[AnyLayer, ResolvedInput, list[str]]:
    """The config, the full input shape and the input warnings, from any way of giving them
    (`wrapper`: a wrapper's input arguments, and the keras.Input it is called on)."""
    called_on = None
    if isinstance(layer, str):
        call = parse(layer)
        config, input_args = layer_from_call(call, keras, framework)
        called_on = call.input
    else:
        if not isinstance(layer, TorchConfig):
            check_available(type(layer), layer.model_fields_set, keras)
        config, input_args = layer, InputArgs()
        if wrapper is not None:
            input_args, called_on = wrapper
    if isinstance(config, TorchConfig):
        if called_on is not None:
            raise RnncalcError(
                _("a PyTorch module is called on a tensor, not on keras.Input"),
                _("give the tensor's shape with --batch-input-shape"),
            )
        if input_shape is not None:
            raise RnncalcError(
                _("PyTorch modules take the whole input tensor: --input-shape does not apply"),
                _("give the tensor's shape with --batch-input-shape, e.g. 5,3,10 for (L, N, H_in)"),
            )
        if batch_input_shape is None:
            raise RnncalcError(
                _("no input shape: nn.{layer}'s outputs depend on the input tensor").format(
                    layer=config.class_name()
                ),
                _(
                    "give --batch-input-shape L,N,H_in (N,L,H_in with batch_first=True, or "
                    "L,H_in unbatched)"
                ),
            )
        check_shape(batch_input_shape, "--batch-input-shape")
        given = ResolvedInput(shape=batch_input_shape, given=("--batch-input-shape",))
        given = _fill(config, given, "batch", batch_size, "--batch-size")
        return config, _fill(config, given, "timesteps", timesteps, "--timesteps"), []
    from_layer, warnings = resolve(input_args, keras)
    if called_on is not None:
        if from_layer is not None:
            raise RnncalcError(
                _(
                    "the input shape is given twice: by `{source}` and by the keras.Input the "
                    "layer is called on"
                ).format(source=from_layer.source),
                _("keep the keras.Input"),
            )
        from_layer = keras_input(called_on)
    if from_layer is None:
        # A `batch_size` in the expression alone gives no shape, but joins the options' shape.
        batch_size = input_args.batch_size if batch_size is None else batch_size
        resolved = from_options(input_shape, batch_size, batch_input_shape)
    elif input_shape is not None or batch_input_shape is not None:
        raise RnncalcError(
            _(
                "the input shape is given twice: by `{source}` in the expression and by a "
                "command-line option"
            ).format(source=from_layer.source),
            _("keep one of them"),
        )
    else:
        resolved = _with_batch(from_layer, batch_size)
    if resolved is None:
        raise RnncalcError(
            _("no input shape: {layer}'s weights depend on the input's last axis").format(
                layer=config.class_name()
            ),
            _(
                "give --input-shape TIMESTEPS,FEATURES (e.g. 10,64; None for unknown), "
                "--batch-input-shape BATCH,TIMESTEPS,FEATURES, or input_shape=(10, 64) in the "
                "expression"
            ),
        )
    return config, _fill(config, resolved, "timesteps", timesteps, "--timesteps"), warnings


def _fill(
    config: AnyLayer, resolved: ResolvedInput, axis: str, size: int | None, option: str
) -> ResolvedInput:
    """An open axis (`batch` or `timesteps`) of the input given its size by an option.

    Example:
        >>> given = ResolvedInput(shape=(None, None, 8), given=("--input-shape",))
        >>> _fill(LSTMConfig(units=4), given, "timesteps", 100, "--timesteps").shape
        (None, 100, 8)
    """
    shape = resolved.shape
    names = axes(config, len(shape))
    if size is None or axis not in names or len(names) != len(shape):
        return resolved  # a wrong rank is refused later, with the layer's own words
    check_shape((size,), option)
    index = names.index(axis)
    if shape[index] not in (None, size):
        raise RnncalcError(
            _("{option} {size} disagrees with the {axis} axis of {shape}").format(
                option=option, size=size, axis=axis, shape=shape_text(shape)
            ),
            _("drop {option}, or change the shape").format(option=option),
        )
    filled = (*shape[:index], size, *shape[index + 1 :])
    return ResolvedInput(shape=filled, given=(*resolved.given, option))


def _with_batch(resolved: ResolvedInput, batch_size: int | None) -> ResolvedInput:
    """`--batch-size` on an expression's input_shape, like Keras's `batch_size` argument."""
    shape = resolved.shape
    if batch_size is None or not shape:
        return resolved
    if shape[0] not in (None, batch_size):
        raise RnncalcError(
            _("--batch-size {batch_size} disagrees with the batch axis of {shape}").format(
                batch_size=batch_size, shape=shape_text(shape)
            ),
            _("drop --batch-size, or change the shape in the expression"),
        )
    return ResolvedInput(shape=(batch_size, *shape[1:]), given=(*resolved.given, "--batch-size"))


def question(
    layer: str | AnyLayer,
    input_shape: Shape | None,
    batch_size: int | None,
    batch_input_shape: Shape | None,
    keras: KerasLike,
    framework: FrameworkLike,
    timesteps: int | None = None,
) -> tuple[AnyLayer, ResolvedInput, KerasVersion, list[str]]:
    """A question as the API takes it: the config, its full input, the Keras version and the
    input's warnings."""
    version = KerasVersion.of(keras)
    config, resolved, warnings = prepare(
        layer,
        input_shape,
        batch_size,
        batch_input_shape,
        version,
        framework_option(framework),
        timesteps,
    )
    return config, resolved, version, warnings


def layer_table(config: AnyLayer, resolved: ResolvedInput, keras: KerasVersion) -> TableReport:
    """The returned shapes for every combination of the settings that change them."""
    from rnncalc.report.tables import TableReport, TableRow  # loaded with the command

    analyze(config, resolved, keras)  # what summary refuses, table refuses
    torch = isinstance(config, TorchConfig)
    rows = []
    for flags in table_settings(config, keras):
        row: dict[str, Any] = {"arguments": flags}
        if not torch:  # the keys rows had before `arguments`: still there for Keras layers
            row |= {"time_major": False} | {k: v for k, v in flags.items() if k in LEGACY_FLAGS}
        try:
            report = analyze(with_settings(config, flags), resolved, keras)
        except RnncalcError as exc:
            row["error"] = str(exc)
        else:
            row |= {"output_names": report.output_names, "output_shapes": report.output_shapes}
        rows.append(TableRow(**row))
    notes = []
    if "time_major" in rows[0].arguments:
        notes.append(
            _(
                "time_major=True reads axis 0 as timesteps and axis 1 as batch of the same "
                "tensor; Keras 3 has no time_major"
            )
        )
    if torch:
        notes.append(_("batch_first never applies to h_n and c_n: they are (layers, batch, size)"))
    return TableReport(
        layer=config.class_name(),
        framework=Framework.TORCH if torch else Framework.KERAS,
        keras=None if torch else keras,
        input_shape=resolved.shape,
        input_source=resolved.source,
        rows=rows,
        notes=notes,
    )


def framework_option(framework: FrameworkLike) -> Framework | None:
    try:
        return None if framework is None else Framework(framework)
    except ValueError:
        raise RnncalcError(
            _("unknown framework {framework!r}").format(framework=framework),
            _("use keras or torch"),
        ) from None


def torch_cell(expression: str, framework: FrameworkLike) -> TorchCellConfig | None:
    """`nn.LSTMCell(10, 20)` (or a bare `LSTMCell(...)` with framework torch) as its config;
    None for anything else."""
    try:
        call = parse(expression)
    except RnncalcError:
        return None
    torch = call.module in TORCH_MODULES or framework_option(framework) is Framework.TORCH
    return cell_from_call(call) if torch and call.name in TORCH_CELLS else None


def distributed(
    expression: str, keras: KerasVersion
) -> tuple[AnyLayer, tuple[InputArgs, dict[str, Any] | None]] | None:
    """`TimeDistributed(LSTM(4))`: the layer it wraps, and the wrapper's input arguments and
    the keras.Input it is called on; None for any other expression."""
    call = parse(expression)
    if call.name != "TimeDistributed":
        return None
    given = dict(zip(("layer",), call.args, strict=False)) | call.kwargs
    inner = given.pop("layer", None)
    for name in ("name", "trainable", "dtype"):
        given.pop(name, None)
    inputs = {k: given.pop(k) for k in list(given) if k in InputArgs.names()}
    if given or not isinstance(inner, dict) or not isinstance(inner.get("class_name"), str):
        raise RnncalcError(
            _("TimeDistributed takes one layer, not `{argument}`").format(
                argument=next(iter(given))
            )
            if given
            else _("TimeDistributed takes one layer"),
            _('wrap a recurrent layer: "TimeDistributed(LSTM(8))"'),
        )
    wrapped = LayerCall(
        inner["class_name"],
        inner.get("module", ""),
        tuple(inner.get("args", ())),
        dict(inner.get("config") or {}),
    )
    config, _inputs = layer_from_call(wrapped, keras)
    return config, (parse_args(inputs), call.input)


def distributed_summary(
    config: AnyLayer,
    outer: ResolvedInput,
    keras: KerasVersion,
    warnings: list[str],
    dtype: DType,
    optimizer: Optimizer,
) -> LayerReport:
    """`TimeDistributed(layer)`: the layer run on every step of axis 1 of the input, with its
    own weights, as Keras builds it; its cost is the layer's times the number of steps."""
    shape = outer.shape
    if len(shape) < 4:
        raise RnncalcError(
            _(
                "TimeDistributed({layer}) needs an input of at least 4 axes (batch, steps, "
                "timesteps, features), got {shape}"
            ).format(layer=config.class_name(), shape=shape_text(shape)),
            _("give the axis it distributes over: --input-shape STEPS,TIMESTEPS,FEATURES"),
        )
    steps = shape[1]
    inner = ResolvedInput(shape=(shape[0], *shape[2:]), given=outer.given)
    report = analyze(config, inner, keras, warnings, dtype, optimizer)
    if len(report.output_shapes) > 1:
        raise RnncalcError(
            _(
                "TimeDistributed cannot wrap a layer that returns {count} tensors (Keras fails "
                "when it is called)"
            ).format(count=len(report.output_shapes)),
            _("drop return_state, or run the layer without TimeDistributed"),
        )
    cost = layer_cost(config, inner.shape, keras)
    cost = None if cost is None or steps is None else Cost(*(v * steps for v in cost))
    trainable = sum(w.size for w in report.weights if w.trainable)
    per_step = report.macs_per_timestep
    return report.model_copy(
        update={
            "layer": "TimeDistributed",
            "arguments": {"layer": {"class_name": report.layer, "config": report.arguments}},
            "input_shape": shape,
            "input_source": outer.source,
            "input_axes": ("batch", "distributed", *report.input_axes[1:]),
            "output_shapes": [(s[0], steps, *s[1:]) for s in report.output_shapes],
            "macs_per_timestep": None if per_step is None or steps is None else per_step * steps,
            **size_fields(cost, report.params, trainable, dtype, optimizer),
        }
    )
