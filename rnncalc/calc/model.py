"""Whole Keras models from their saved config: shapes propagated layer to layer, as Keras does."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from contextvars import ContextVar
from math import prod
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

if TYPE_CHECKING:  # the code reader loads when a model comes as code
    from rnncalc.parse.keras_code import Shapes
    from rnncalc.report.torch import TorchModelReport

from rnncalc.calc import analysis
from rnncalc.calc.cost import NOTHING, Cost, layer_cost, size_fields, total
from rnncalc.calc.layers import PLAIN
from rnncalc.calc.plain import MergeConfig, PlainConfig
from rnncalc.config.enums import DType, Framework, KerasVersion, Optimizer
from rnncalc.config.inputs import ResolvedInput, Shape, shape_text
from rnncalc.config.layers import AnyLayer
from rnncalc.errors import RnncalcError, guarded, invalid
from rnncalc.i18n import _
from rnncalc.limits import MODEL_CALLS, check_size
from rnncalc.parse.construct import KERAS, config_from_serialized
from rnncalc.parse.graph import (
    MODELS,
    Call,
    Entry,
    Graph,
    input_shape,
    layer_name,
    one_output,
    sequential_input,
    validated,
    walk_graph,
)
from rnncalc.parse.inputs import check_shape
from rnncalc.parse.keras_files import Loaded, is_torch_code, load
from rnncalc.report import WeightReport
from rnncalc.report.models import ModelLayerReport, ModelReport

TORCH_KINDS = ("tree", "pt", "safetensors")  # what only PyTorch writes


class Called(NamedTuple):
    """One layer called on its inputs: what it returned, the weights it holds, its cost."""

    shapes: list[Shape]
    names: list[str]  # a name per returned tensor (`output`, `state_h`, ...)
    weights: list[WeightReport]
    warnings: list[str]
    cost: Cost | None = NOTHING  # None while a size it depends on is unknown


class Layer(NamedTuple):
    """One entry of `model.layers`: its report, and its cost for the model's totals."""

    report: ModelLayerReport
    cost: Cost | None


class Sizes(NamedTuple):
    """What the cost estimate assumes where the model leaves sizes open."""

    batch: int | None = None
    timesteps: int | None = None
    dtype: DType = DType.FLOAT32
    optimizer: Optimizer = Optimizer.ADAM

    def fill(self, shape: Shape) -> Shape:
        """An input's open batch (axis 0) and time (axis 1) axes given their sizes."""
        given = (self.batch, self.timesteps)
        return tuple(given[i] if d is None and i < 2 else d for i, d in enumerate(shape))


class _Walk:
    """A walk of a model's graph under way: the layer calls computed so far, each call's result
    by layer and input shapes, and each layer's config (a dump of an entry holds all its calls'
    nodes, so it is built once)."""

    def __init__(self) -> None:
        self.computed = 0
        self.called: dict[tuple[Any, ...], Called] = {}
        self.configs: dict[tuple[int, KerasVersion], AnyLayer] = {}


_WALK: ContextVar[_Walk] = ContextVar("walk")


@contextlib.contextmanager
def walk() -> Iterator[None]:
    """One walk of a graph: within it, a layer called many times, or a nested model at every
    level of a deep nesting, is computed once per input shapes, and calls are bounded."""
    token = _WALK.set(_Walk())
    try:
        yield
    finally:
        _WALK.reset(token)


@contextlib.contextmanager
def collecting_after() -> Iterator[None]:
    """Python's cycle collector paused while a model is read and walked, and run after: a
    config holds a million small objects, which each collection scans again (half the time of
    reading a 10,000-layer model)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def layer_config(entry: Entry, keras: KerasVersion) -> AnyLayer:
    """A recurrent layer's config from its entry, built once per walk."""
    state = _WALK.get(None) or _Walk()
    key = (id(entry), keras)
    if key not in state.configs:
        state.configs[key] = config_from_serialized(entry.model_dump(), keras)
    return state.configs[key]


@guarded
def model_summary(
    path: str | None = None,
    keras: KerasVersion | str | None = None,
    sizes: Sizes | None = None,
    *,
    code: str | None = None,
    variables: dict[str, Any] | None = None,
    target: str | None = None,
    framework: Framework | str | None = None,
    input_shapes: list[Shape] | None = None,
) -> ModelReport | TorchModelReport:
    """`model.summary()` of a saved model (model JSON, a `.keras` archive or an `.h5` file),
    or of the model that Python code builds, read without running it; for PyTorch, the module
    table of a `print(model)` tree, of the module's code, or of a saved `state_dict`.

    Args:
        path: the file; `-` reads JSON or code from standard input. A `.py` file, or text
            that is not JSON, is code.
        keras: whose rules to apply; by default, those of the Keras that wrote the file, and
            Keras 2 for code.
        sizes: batch and timesteps for the inputs' open axes, dtype and optimizer, for MACs and
            memory.
        code: Python code that builds the model, in place of a file.
        variables: values of the names the code uses but never defines: `{"units": 64,
            "X_train": {"shape": [1000, 10, 64]}, "vocab": {"len": 5000}, "config":
            {"max_len": 100}}`.
        target: which model the code builds: an expression (`model`, `build_model((60, 1))`,
            `Net(vocab=5000)`), `@N` for the N-th the top level creates; by default the last.
        framework: `"torch"` reads the file as a PyTorch model; by default, what the file is.
        input_shapes: PyTorch: the shape of each tensor given to `forward`.

    Raises:
        RnncalcError: naming the file, and the layer (or the line of code) at fault.

    Example:
        >>> code = ("from keras import layers, models; "
        ...     "model = models.Sequential([layers.LSTM(4, input_shape=(10, 3))])")
        >>> report = model_summary(code=code)
        >>> report.layers[0].name, report.layers[0].output_shapes, report.total_params
        ('lstm', [(None, 4)], 128)
    """
    sizes = sizes or Sizes()
    torch = framework is not None and Framework(framework) is Framework.TORCH
    for option, size in (("--batch-size", sizes.batch), ("--timesteps", sizes.timesteps)):
        check_shape((size,), option)
    with collecting_after():
        if code is not None:
            loaded = Loaded({}, KerasVersion.V2, "code", code)
        elif path is None:
            raise RnncalcError(_("give a model file, or code"), "model_summary('model.json')")
        else:
            loaded = load(path)
        source = path or "<code>"
        if torch or loaded.kind in TORCH_KINDS or (framework is None and is_torch_code(loaded)):
            from rnncalc.calc import torch_model

            return torch_model.summary(loaded, source, input_shapes, variables, target)
        version = loaded.keras if keras is None else KerasVersion.of(keras)
        if loaded.kind != "code":
            return summarize(loaded.config, version, source, loaded.kind, sizes)
        from rnncalc.parse.code import read_code

        read = read_code(loaded.code, version, _shapes(version, sizes), variables, target)
        found = summarize(read.config, version, source, "code", sizes, built=read.built)
        warnings = list(dict.fromkeys([*read.warnings, *found.warnings]))  # the reader's first
        return found.model_copy(update={"skipped": read.skipped, "warnings": warnings})


def _shapes(keras: KerasVersion, sizes: Sizes) -> Shapes:
    """The calculator's output shapes of one layer call, for the code reader."""

    def shapes(config: dict[str, Any], inputs: list[Shape], where: str) -> list[Shape]:
        entry = validated(Entry, config, where)
        return _checked(entry, inputs, keras, where, sizes).shapes

    return shapes


def summarize(
    config: dict[str, Any],
    keras: KerasVersion,
    source: str,
    kind: str = "json",
    sizes: Sizes | None = None,
    inputs: list[Shape] | None = None,
    built: bool = True,
) -> ModelReport:
    """Every layer of a serialized model with its output shapes and weights, and the totals.

    Args:
        config: what `model.to_json()` wrote (or a `.keras` archive's `config.json`).
        keras: whose rules to apply.
        source: where the config came from, for messages.
        kind: `json`, `keras` or `h5`: what the file was.
        sizes: what the cost estimate assumes.
        inputs: the shapes of the tensors given to the model, in place of its own input
            shapes (as running it on arrays does).
        built: False for a Sequential model that never got an input shape (from code): each
            layer is reported unbuilt, as Keras's summary shows it.

    Example:
        >>> seq = {"class_name": "Sequential", "config": {"layers": [
        ...     {"class_name": "InputLayer", "config": {"batch_shape": [None, 10, 3]}},
        ...     {"class_name": "LSTM", "config": {"name": "lstm", "units": 4}}]}}
        >>> report = summarize(seq, KerasVersion.V3, "model.json")
        >>> report.layers[0].output_shapes, report.total_params
        ([(None, 4)], 128)
    """
    sizes = sizes or Sizes()
    top = validated(Entry, config, f"{source}: the model")
    with walk():
        if built:
            called, layers = _model(top, inputs, keras, source, sizes)
        else:
            called, layers = _unbuilt(top, keras, source)
    weights = [w for layer in layers for w in layer.weights]
    total = sum(w.size for w in weights)
    built_shapes = called.shapes if built else None
    trainable = sum(w.size for w in weights if w.trainable)
    cost = called.cost
    return ModelReport(
        source=source,
        format=kind,
        keras=keras,
        # Keras 2.3+ and 3 rebuild a saved `Model` as the Functional it is
        model_class="Functional" if top.class_name == "Model" else top.class_name,
        name=validated(Graph, top.config, source).name,
        built=built,
        output_shapes=built_shapes,
        layers=layers,
        total_params=total,
        **_without(size_fields(cost, total, trainable, sizes.dtype, sizes.optimizer), "params"),
        params_dtype=sizes.dtype.variable_dtype,
        params_bytes=total * sizes.dtype.variable_bytes,
        trainable_params_bytes=trainable * sizes.dtype.variable_bytes,
        non_trainable_params_bytes=(total - trainable) * sizes.dtype.variable_bytes,
        warnings=called.warnings,
    )


def _model(
    entry: Entry, given: list[Shape] | None, keras: KerasVersion, where: str, sizes: Sizes
) -> tuple[Called, list[ModelLayerReport]]:
    """A (possibly nested) model: its outputs and its layers, as `model.layers` lists them.

    Its cost adds up its layers', and training keeps every layer's output as the input of the
    next.
    """
    graph = validated(Graph, entry.config, f"{where}: the {entry.class_name} model")
    sequential = entry.class_name == "Sequential"
    reports: dict[str, Layer] = {}
    warnings: list[str] = []

    def start(step: Call | None, position: int | None) -> Shape:
        if step is None:  # a Sequential's input
            return given[0] if given else sizes.fill(sequential_input(graph, where))
        shape = sizes.fill(input_shape(step.entry, where))
        if given is not None and position is not None:
            shape = given[position]
        called = Called([shape], ["output"], [], [])
        reports[step.name] = _report(step.entry, step.name, called, [], sizes)
        return shape

    def call(step: Call, shapes: list[Shape]) -> list[Shape]:
        name, layer = step.name, step.entry
        here = f"{where}: layer {name!r} ({layer.class_name})"
        if layer.is_operation:
            return [_operation(layer, shapes, here)]
        called = _call(layer, shapes, keras, here, sizes)
        if sequential and keras is KerasVersion.V2:
            one_output(f"{where}: layer {name!r}", len(called.shapes))
        if step.node == 0:  # model.summary() shows a shared layer's first call
            refs = step.refs[:1] if sequential else step.refs
            inbound = [r[0] if sequential else f"{r[0]}[{r[1]}][{r[2]}]" for r in refs]
            reports[name] = _report(layer, name, called, inbound, sizes)
            warnings.extend(called.warnings)
        else:  # a shared layer costs again at each call
            first = reports[name].cost
            more = None if first is None or called.cost is None else total([first, called.cost])
            reports[name] = reports[name]._replace(cost=more)
        return called.shapes

    outputs = walk_graph(graph, sequential, start, call, where)
    if sequential:
        layers = list(reports.values())
    else:
        names = [layer_name(e, i) for i, e in enumerate(graph.layers) if not e.is_operation]
        layers = [reports[n] for n in names]
    called = Called(outputs, ["output"] * len(outputs), [], warnings)
    costs = [layer.cost for layer in layers if layer.cost is not None]
    if len(costs) < len(layers):
        return called._replace(cost=None), [layer.report for layer in layers]
    cost = total(costs)
    kept = sum(c.inference for c in costs)  # an upper bound: every output, and the states
    return called._replace(cost=cost._replace(training=cost.training + kept)), [
        layer.report for layer in layers
    ]


def _operation(entry: Entry, shapes: list[Shape], where: str) -> Shape:
    """An operation's output: a reduction over `axis`, or its tensors broadcast together."""
    if not shapes:
        raise RnncalcError(
            _("{where}: the operation takes no tensor").format(where=where),
            _("give what Keras wrote"),
        )
    if "axis" not in entry.config:
        return shapes[0] if len(shapes) == 1 else MergeConfig().outputs(shapes)
    shape = shapes[0]
    axis = entry.config["axis"]
    given = [] if axis is None else axis if isinstance(axis, list) else [axis]
    if not all(isinstance(a, int) and -len(shape) <= a < len(shape) for a in given):
        raise RnncalcError(
            _("{where}: axis {axis!r} is not an axis of {shape}").format(
                where=where, axis=axis, shape=shape_text(shape)
            ),
            _("give what Keras wrote, unchanged"),
        )
    axes = set(range(len(shape))) if axis is None else {a % len(shape) for a in given}
    if entry.config.get("keepdims"):
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _call(
    entry: Entry, shapes: list[Shape], keras: KerasVersion, where: str, sizes: Sizes
) -> Called:
    """One layer on its input shapes: what it returns and its weights.

    Computed once per layer and input shapes: a layer called many times, or a nested model
    called at every level of a deep nesting, costs one computation, not one per call.
    """
    state = _WALK.get(None) or _Walk()
    key = (id(entry), tuple(shapes), keras, sizes)
    if key in state.called:
        return state.called[key]
    state.computed += 1
    MODEL_CALLS.check(state.computed, f"{where}: the model", "give a smaller model")
    state.called[key] = called = _checked(entry, shapes, keras, where, sizes)
    return called


def _checked(
    entry: Entry, shapes: list[Shape], keras: KerasVersion, where: str, sizes: Sizes
) -> Called:
    """One layer on its input shapes, with the sizes of what it returns checked, and its
    errors named by `where`."""
    try:
        called = _compute(entry, shapes, keras, where, sizes)
        for shape in called.shapes:  # RepeatVector(n) on Flatten on ...: sizes that multiply
            for size in shape:
                if size is not None:
                    check_size(size, "an axis of its output")
        return called
    except RnncalcError as exc:
        if exc.message.startswith(where):
            raise
        raise RnncalcError(
            _("{where}: {message}").format(where=where, message=exc.message), exc.hint
        ) from None


def _compute(
    entry: Entry, shapes: list[Shape], keras: KerasVersion, where: str, sizes: Sizes
) -> Called:
    kind = entry.class_name
    if not shapes:
        raise RnncalcError(
            _("{layer} is called on no tensor").format(layer=kind),
            _("give what Keras wrote, unchanged"),
        )
    if kind in MODELS:
        called, layers = _model(entry, shapes, keras, where, sizes)
        return called._replace(weights=[w for layer in layers for w in layer.weights])
    if kind == "TimeDistributed":
        return _time_distributed(entry, shapes, keras, where, sizes)
    if kind in KERAS:
        layer = layer_config(entry, keras)
        report = analysis.analyze(
            layer,
            ResolvedInput(shape=shapes[0], given=("the model",)),
            keras,
            initial_state=shapes[1:],  # the tensors after the input: initial_state=[...]
        )
        cost = layer_cost(layer, shapes[0], keras)
        return Called(
            report.output_shapes, report.output_names, report.weights, report.warnings, cost
        )
    if kind in PLAIN:
        return _plain(entry, shapes, keras)
    raise _unknown_class(kind)


def _unknown_class(kind: str) -> RnncalcError:
    """Why a layer class cannot be counted: a Lambda's function, a custom class's code, or a
    Keras layer rnncalc does not know yet."""
    known = ", ".join(sorted({*KERAS, *PLAIN, "InputLayer", "TimeDistributed", *MODELS}))
    from rnncalc.parse.keras_code import keras_names

    if not any(kind in keras_names(v) for v in KerasVersion):
        return RnncalcError(
            _(
                "`{layer}` is a custom layer class: its code is not in the model, so its shapes "
                "and weights cannot be known"
            ).format(layer=kind),
            _("ask about the model up to it, or use Keras's own layers"),
        )
    return RnncalcError(
        _("rnncalc does not know the layer class `{layer}` yet").format(layer=kind),
        _("it cannot count what it does not know; rnncalc knows {names}").format(names=known),
    )


def _plain(entry: Entry, shapes: list[Shape], keras: KerasVersion) -> Called:
    cls = PLAIN[entry.class_name]
    try:
        layer = cls.model_validate(entry.config, context={"keras": keras.value})
    except ValidationError as exc:
        bad = invalid(exc)
        raise RnncalcError(
            _("invalid `{argument}` of {layer}: {reason}").format(
                argument=bad.path, layer=entry.class_name, reason=bad.message
            ),
            _("give a value Keras accepts"),
        ) from None
    if cls.inputs == 1 and len(shapes) != 1:
        raise RnncalcError(
            _("{layer} takes one input, got {count}").format(
                layer=entry.class_name, count=len(shapes)
            ),
            _("give it one tensor"),
        )
    out = layer.outputs(shapes)
    return Called([out], ["output"], _weight_reports(layer, shapes), [], layer.cost(shapes, out))


def _weight_reports(layer: PlainConfig, shapes: list[Shape]) -> list[WeightReport]:
    frozen = layer.non_trainable()
    return [
        WeightReport(
            name=w.name,
            shape=w.shape,
            size=prod(w.shape),
            formula=w.formula,
            trainable=layer.trainable and w.name not in frozen,
        )
        for w in layer.weights(shapes)
    ]


def _unbuilt(
    entry: Entry, keras: KerasVersion, where: str
) -> tuple[Called, list[ModelLayerReport]]:
    """A Sequential model that never got an input shape, as Keras's summary shows it: no
    output shapes, and no weights but those a layer holds before any call (none, or an
    Embedding given its `weights`); the other layers' parameters are unknown (None)."""
    graph = validated(Graph, entry.config, f"{where}: the Sequential model")
    layers: list[ModelLayerReport] = []
    previous: list[str] = []
    for index, layer in enumerate(graph.layers):
        name = layer_name(layer, index)
        weights = _weights_before_call(layer, keras)
        found = [w.model_copy(update={"name": f"{name}/{w.name}"}) for w in weights or []]
        params = None if weights is None else sum(w.size for w in found)
        trainable = None if weights is None else sum(w.size for w in found if w.trainable)
        report = ModelLayerReport(
            name=name,
            class_name=layer.class_name,
            output_names=[],
            output_shapes=None,
            params=params,
            trainable_params=trainable,
            non_trainable_params=None if params is None else params - (trainable or 0),
            macs=None,
            flops=None,
            memory=None,
            weights=found,
            inbound=previous,
        )
        layers.append(report)
        previous = [name]
    return Called([], [], [], [], None), layers


def _weights_before_call(entry: Entry, keras: KerasVersion) -> list[WeightReport] | None:
    cls = PLAIN.get(entry.class_name)
    if cls is None:
        return None
    try:
        layer = cls.model_validate(entry.config, context={"keras": keras.value})
        weights = _weight_reports(layer, [(None,)])
    except (ValidationError, RnncalcError):
        return None
    return weights if entry.built or not weights else None


def _time_distributed(
    entry: Entry, shapes: list[Shape], keras: KerasVersion, where: str, sizes: Sizes
) -> Called:
    shape = shapes[0]
    if len(shape) < 3:
        raise RnncalcError(
            _("TimeDistributed needs an input of at least 3 axes, got {shape}").format(
                shape=shape_text(shape)
            ),
            _("give it (batch, timesteps, ...), e.g. a sequence from return_sequences=True"),
        )
    inner = validated(Entry, entry.config.get("layer"), f"{where}: the wrapped layer")
    called = _compute(inner, [(shape[0], *shape[2:])], keras, where, sizes)
    outs = [(s[0], shape[1], *s[1:]) for s in called.shapes]
    cost, time = called.cost, shape[1]
    if cost is not None:  # the wrapped layer runs once per timestep
        cost = None if time is None else Cost(*(value * time for value in cost))
    trainable = entry.config.get("trainable", True) is not False
    weights = [
        w.model_copy(update={"trainable": w.trainable and trainable}) for w in called.weights
    ]
    return called._replace(shapes=outs, weights=weights, cost=cost)


def _report(entry: Entry, name: str, called: Called, inbound: list[str], sizes: Sizes) -> Layer:
    weights = [w.model_copy(update={"name": f"{name}/{w.name}"}) for w in called.weights]
    params = sum(w.size for w in weights)
    trainable = sum(w.size for w in weights if w.trainable)
    cost = called.cost
    report = ModelLayerReport(
        name=name,
        class_name=entry.class_name,
        output_names=called.names,
        output_shapes=called.shapes,
        # model.summary() shows no layer's training FLOPs: the model's total has them
        **_without(
            size_fields(cost, params, trainable, sizes.dtype, sizes.optimizer), "training_flops"
        ),
        weights=weights,
        inbound=inbound,
    )
    return Layer(report, cost)


def _without(fields: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k != name}
