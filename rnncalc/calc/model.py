"""Whole Keras models from their saved config: shapes propagated layer to layer, as Keras does."""

from __future__ import annotations

import contextlib
import gc
from collections import Counter, deque
from collections.abc import Iterator
from contextvars import ContextVar
from math import prod
from typing import Annotated, Any, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    TypeAdapter,
    ValidationError,
)

from rnncalc.calc import analysis
from rnncalc.calc.cost import NOTHING, Cost, layer_cost, memory, total
from rnncalc.calc.plain import PLAIN, MergeConfig
from rnncalc.config.enums import DType, KerasVersion, Optimizer
from rnncalc.config.inputs import ResolvedInput, Shape, shape_text
from rnncalc.config.layers import AnyLayer
from rnncalc.errors import RnncalcError, guarded
from rnncalc.limits import MODEL_CALLS, check_size
from rnncalc.parse.construct import KERAS, config_from_serialized
from rnncalc.parse.inputs import check_shape
from rnncalc.parse.keras_files import load
from rnncalc.report import ModelLayerReport, ModelReport, WeightReport

MODELS = ("Sequential", "Functional", "Model")
Ref = tuple[str, int, int]  # (layer name, node index, tensor index): one tensor of the graph
REF: TypeAdapter[Ref] = TypeAdapter(tuple[str, StrictInt, StrictInt])
SHAPE: TypeAdapter[Shape] = TypeAdapter(
    Annotated[tuple[Annotated[StrictInt, Field(ge=0)] | None, ...], Field(min_length=1)]
)


class Entry(BaseModel):
    """One layer as Keras serializes it into a model's config."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    class_name: str
    config: dict[str, Any]
    name: str | None = None
    module: str | None = None
    inbound_nodes: list[Any] | None = None

    @property
    def is_operation(self) -> bool:
        """A Keras 3 operation (a mask's NotEqual): in the graph, but not in `model.layers`."""
        return (self.module or "").startswith("keras.src.ops")


class Graph(BaseModel):
    """The `config` of a serialized Sequential or Functional model: what rnncalc reads of it."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    name: str | None = None
    layers: list[Entry]
    input_layers: list[Any] = []
    output_layers: list[Any] = []
    build_input_shape: list[Any] | None = None


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
    path: str, keras: KerasVersion | str | None = None, sizes: Sizes | None = None
) -> ModelReport:
    """`model.summary()` of a saved model: model JSON, a `.keras` archive or an `.h5` file.

    Args:
        path: the file; `-` reads JSON from standard input.
        keras: whose rules to apply; by default, those of the Keras that wrote the file.
        sizes: batch and timesteps for the inputs' open axes, dtype and optimizer, for MACs and
            memory.

    Raises:
        RnncalcError: naming the file, and the layer at fault, when the file or the model is
            bad.
    """
    sizes = sizes or Sizes()
    for option, size in (("--batch-size", sizes.batch), ("--timesteps", sizes.timesteps)):
        check_shape((size,), option)
    with collecting_after():
        loaded = load(path)
        version = loaded.keras if keras is None else KerasVersion(keras)
        return summarize(loaded.config, version, path, loaded.kind, sizes)


def summarize(
    config: dict[str, Any],
    keras: KerasVersion,
    source: str,
    kind: str = "json",
    sizes: Sizes | None = None,
    inputs: list[Shape] | None = None,
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

    Example:
        >>> seq = {"class_name": "Sequential", "config": {"layers": [
        ...     {"class_name": "InputLayer", "config": {"batch_shape": [None, 10, 3]}},
        ...     {"class_name": "LSTM", "config": {"name": "lstm", "units": 4}}]}}
        >>> report = summarize(seq, KerasVersion.V3, "model.json")
        >>> report.layers[0].output_shapes, report.total_params
        ([(None, 4)], 128)
    """
    sizes = sizes or Sizes()
    top = _parse(Entry, config, f"{source}: the model")
    with walk():
        called, layers = _model(top, inputs, keras, source, sizes)
    weights = [w for layer in layers for w in layer.weights]
    total = sum(w.size for w in weights)
    trainable = sum(w.size for w in weights if w.trainable)
    cost = called.cost
    return ModelReport(
        source=source,
        format=kind,
        keras=keras,
        model_class=top.class_name,
        name=_parse(Graph, top.config, source).name,
        output_shapes=called.shapes,
        layers=layers,
        total_params=total,
        trainable_params=trainable,
        non_trainable_params=total - trainable,
        macs=None if cost is None else cost.macs,
        flops=None if cost is None else cost.flops,
        training_flops=None if cost is None else cost.training_flops,
        memory=None
        if cost is None
        else memory(cost, total, trainable, sizes.dtype, sizes.optimizer),
        warnings=called.warnings,
    )


def _parse(schema: Any, value: Any, where: str) -> Any:
    """Validate a piece of the saved config, or say where it is malformed."""
    try:
        if isinstance(schema, TypeAdapter):
            return schema.validate_python(value)
        return schema.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        at = "".join(f"[{p!r}]" for p in err["loc"])
        raise RnncalcError(
            f"{where} is malformed: {at or 'the value'}: {err['msg']}",
            "give what Keras wrote, unchanged",
        ) from None


def _model(
    entry: Entry, given: list[Shape] | None, keras: KerasVersion, where: str, sizes: Sizes
) -> tuple[Called, list[ModelLayerReport]]:
    """A (possibly nested) model: its outputs and its layers, as `model.layers` lists them.

    Its cost adds up its layers', and training keeps every layer's output as the input of the
    next.
    """
    graph = _parse(Graph, entry.config, f"{where}: the {entry.class_name} model")
    run = _sequential if entry.class_name == "Sequential" else _functional
    called, layers = run(graph, given, keras, where, sizes)
    reports = [layer.report for layer in layers]
    costs = [layer.cost for layer in layers if layer.cost is not None]
    if len(costs) < len(layers):
        return called._replace(cost=None), reports
    cost = total(costs)
    kept = sum(c.inference for c in costs)  # an upper bound: every output, and the states
    return called._replace(cost=cost._replace(training=cost.training + kept)), reports


def _sequential(
    graph: Graph, given: list[Shape] | None, keras: KerasVersion, where: str, sizes: Sizes
) -> tuple[Called, list[Layer]]:
    layers = graph.layers
    shape = given[0] if given else sizes.fill(_sequential_input(graph, where))
    if layers and layers[0].class_name == "InputLayer":
        layers = layers[1:]  # model.layers leaves a Sequential's InputLayer out
    reports: list[Layer] = []
    warnings: list[str] = []
    previous = "input"
    for index, entry in enumerate(layers):
        name = _name(entry, index)
        called = _call(
            entry, [shape], keras, f"{where}: layer {name!r} ({entry.class_name})", sizes
        )
        if len(called.shapes) != 1:
            raise RnncalcError(
                f"{where}: layer {name!r} returns {len(called.shapes)} tensors; all layers in a "
                "Sequential model should have a single output tensor",
                "use the functional API for layers with return_state=True",
            )
        reports.append(_report(entry, name, called, [previous], sizes))
        warnings += called.warnings
        shape, previous = called.shapes[0], name
    return Called([shape], ["output"], [], warnings), reports


def _sequential_input(graph: Graph, where: str) -> Shape:
    first = graph.layers[0].config if graph.layers else {}
    for shape in (
        first.get("batch_shape"),
        first.get("batch_input_shape"),
        graph.build_input_shape,
    ):
        if shape is not None:
            return _parse(SHAPE, shape, f"{where}: the input shape")  # type: ignore[no-any-return]
    raise RnncalcError(
        f"{where}: the Sequential model has no input shape (it was never built)",
        "build the model before saving it: start it with keras.Input(shape=...)",
    )


class Call(NamedTuple):
    """One call of a layer in a Functional graph: its node, and the tensors it takes."""

    name: str
    entry: Entry
    node: int
    refs: list[Ref]


def schedule(graph: Graph, where: str) -> list[Call]:
    """Every call of a Functional graph, in an order where each call's inputs come first.

    Keras 2 counts a nested model's own construction as its node 0: the outer model's calls
    of it start at node 1. Linear in the graph's size, in whatever order its layers are
    listed: each call waits on a count of the tensors it lacks.
    """
    pending = [(_name(e, i), e, _nodes(e, where)) for i, e in enumerate(graph.layers)]
    own = {name: int(_own_node(entry)) for name, entry, _ in pending}
    inputs = {name for name, entry, _ in pending if entry.class_name == "InputLayer"}
    calls = {name: (entry, nodes) for name, entry, nodes in pending if name not in inputs}
    # Call k of a layer makes its node own + k; it needs its call k - 1 and every node it takes.
    waiting: dict[tuple[str, int], list[tuple[str, int]]] = {}
    lacking: dict[tuple[str, int], int] = {}
    for name, (_, nodes) in calls.items():
        for k, refs in enumerate(nodes):
            needs = {(layer, node) for layer, node, _ in refs}
            if k:
                needs.add((name, own[name] + k - 1))
            needs -= {(layer, node) for layer, node in needs if 0 <= node < own.get(layer, 0)}
            needs -= {(layer, 0) for layer in inputs}
            lacking[name, k] = len(needs)
            for need in needs:
                waiting.setdefault(need, []).append((name, k))
    order = [Call(name, e, 0, []) for name, e, _ in pending if name in inputs]
    ready = deque(key for key, count in lacking.items() if count == 0)
    while ready:
        name, k = ready.popleft()
        entry, nodes = calls[name]
        order.append(Call(name, entry, k, nodes[k]))
        for then in waiting.pop((name, own[name] + k), []):
            lacking[then] -= 1
            if not lacking[then]:
                ready.append(then)
    done = Counter(call.name for call in order)
    for name, _, nodes in pending:
        if name not in inputs and done[name] < max(1, len(nodes)):
            raise RnncalcError(
                f"{where}: layer {name!r} takes inputs that no layer of the model produces",
                "give what model.to_json() wrote, unchanged",
            )
    return order


def lookup(tensors: dict[str, list[list[Any]]], ref: Ref, where: str) -> Any:
    """One tensor of the graph (a shape, or an array when running), or why it is missing."""
    name, node, index = ref
    calls = tensors.get(name, [])
    if not (0 <= node < len(calls) and 0 <= index < len(calls[node])):
        raise RnncalcError(
            f"{where}: {name}[{node}][{index}] is no layer's output",
            "give what model.to_json() wrote, unchanged",
        )
    return calls[node][index]


def _functional(
    graph: Graph, given: list[Shape] | None, keras: KerasVersion, where: str, sizes: Sizes
) -> tuple[Called, list[Layer]]:
    inputs = [r[0] for r in _refs(graph.input_layers, where)]
    tensors: dict[str, list[list[Shape]]] = {}  # layer name -> node -> returned shapes
    reports: dict[str, Layer] = {}
    warnings: list[str] = []
    for name, entry, node, refs in schedule(graph, where):
        here = f"{where}: layer {name!r} ({entry.class_name})"
        if entry.class_name == "InputLayer":
            shape = sizes.fill(_input_shape(entry, where))
            if given is not None and name in inputs:
                shape = given[inputs.index(name)]
            tensors[name] = [[shape]]
            reports[name] = _report(entry, name, Called([shape], ["output"], [], []), [], sizes)
            continue
        shapes = [lookup(tensors, ref, here) for ref in refs]
        calls = tensors.setdefault(name, [[]] if _own_node(entry) else [])
        if entry.is_operation:
            calls.append([_operation(entry, shapes, here)])
            continue
        called = _call(entry, shapes, keras, here, sizes)
        calls.append(called.shapes)
        if node == 0:  # model.summary() shows a shared layer's first call
            sources = [f"{r[0]}[{r[1]}][{r[2]}]" for r in refs]
            reports[name] = _report(entry, name, called, sources, sizes)
            warnings += called.warnings
        else:  # a shared layer costs again at each call
            first = reports[name].cost
            more = None if first is None or called.cost is None else total([first, called.cost])
            reports[name] = reports[name]._replace(cost=more)
    outputs = [
        lookup(tensors, ref, f"{where}: the model's output")
        for ref in _refs(graph.output_layers, where)
    ]
    ordered = [reports[_name(e, i)] for i, e in enumerate(graph.layers) if not e.is_operation]
    return Called(outputs, ["output"] * len(outputs), [], warnings), ordered


def _operation(entry: Entry, shapes: list[Shape], where: str) -> Shape:
    """An operation's output: a reduction over `axis`, or its tensors broadcast together."""
    if not shapes:
        raise RnncalcError(f"{where}: the operation takes no tensor", "give what Keras wrote")
    if "axis" not in entry.config:
        return shapes[0] if len(shapes) == 1 else MergeConfig().outputs(shapes)
    shape = shapes[0]
    axis = entry.config["axis"]
    given = [] if axis is None else axis if isinstance(axis, list) else [axis]
    if not all(isinstance(a, int) and -len(shape) <= a < len(shape) for a in given):
        raise RnncalcError(
            f"{where}: axis {axis!r} is not an axis of {shape_text(shape)}",
            "give what Keras wrote, unchanged",
        )
    axes = set(range(len(shape))) if axis is None else {a % len(shape) for a in given}
    if entry.config.get("keepdims"):
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _own_node(entry: Entry) -> bool:
    nodes = entry.inbound_nodes or [{}]
    return entry.class_name in MODELS and isinstance(nodes[0], list)


def _refs(value: list[Any], where: str) -> list[Ref]:
    """`input_layers`/`output_layers`: `[name, node, tensor]` or a list of them."""
    if value and isinstance(value[0], str):
        value = [value]
    return [_parse(REF, v, f"{where}: a model input or output") for v in value]


def _nodes(entry: Entry, where: str) -> list[list[Ref]]:
    """The tensors each call of the layer took, in Keras 2's or Keras 3's form: the inputs
    first, then tensors given by keyword (an RNN's `initial_state`), but not masks."""
    here = f"{where}: the inputs of layer {entry.name or entry.config.get('name')!r}"
    nodes = []
    for node in entry.inbound_nodes or []:
        if isinstance(node, dict) and isinstance(node.get("kwargs") or {}, dict):
            # Keras 3: {"args": [...], "kwargs": {...}}
            kwargs = node.get("kwargs") or {}
            given = [node.get("args", []), [v for k, v in kwargs.items() if k != "mask"]]
            nodes.append([_parse(REF, h, here) for h in _history(given, here)])
        elif isinstance(node, list):  # Keras 2: [[name, node, tensor, kwargs], ...]
            nodes.append([_parse(REF, t[:3] if isinstance(t, list) else t, here) for t in node])
        else:
            raise RnncalcError(f"{here} are malformed: {node!r}"[:200], "give what Keras wrote")
    return nodes


def _history(value: Any, where: str) -> Any:
    """The `keras_history` of every `__keras_tensor__` in a Keras 3 call's arguments."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            config = value.get("config")
            if not isinstance(config, dict):
                raise RnncalcError(
                    f"{where} are malformed: {value!r}"[:200], "give what Keras wrote"
                )
            yield config.get("keras_history")
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _history(item, where)


def _input_shape(entry: Entry, where: str) -> Shape:
    shape = entry.config.get("batch_shape", entry.config.get("batch_input_shape"))
    if shape is None:
        raise RnncalcError(
            f"{where}: InputLayer {entry.config.get('name')!r} has no shape",
            "give what model.to_json() wrote, unchanged",
        )
    return _parse(SHAPE, shape, f"{where}: the shape of InputLayer {entry.name!r}")  # type: ignore[no-any-return]


def _name(entry: Entry, index: int) -> str:
    name = entry.name or entry.config.get("name")
    return name if isinstance(name, str) else f"layer {index}"


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
    try:
        called = _compute(entry, shapes, keras, where, sizes)
        for shape in called.shapes:  # RepeatVector(n) on Flatten on ...: sizes that multiply
            for size in shape:
                if size is not None:
                    check_size(size, "an axis of its output")
        state.called[key] = called
        return called
    except RnncalcError as exc:
        if exc.message.startswith(where):
            raise
        raise RnncalcError(f"{where}: {exc.message}", exc.hint) from None


def _compute(
    entry: Entry, shapes: list[Shape], keras: KerasVersion, where: str, sizes: Sizes
) -> Called:
    kind = entry.class_name
    if not shapes:
        raise RnncalcError(f"{kind} is called on no tensor", "give what Keras wrote, unchanged")
    if kind in MODELS:
        called, layers = _model(entry, shapes, keras, where, sizes)
        return called._replace(weights=[w for layer in layers for w in layer.weights])
    if kind == "TimeDistributed":
        return _time_distributed(entry, shapes, keras, where, sizes)
    if kind in KERAS:
        layer = layer_config(entry, keras)
        report = analysis.analyze(layer, ResolvedInput(shape=shapes[0], source="the model"), keras)
        cost = layer_cost(layer, shapes[0], keras)
        return Called(
            report.output_shapes, report.output_names, report.weights, report.warnings, cost
        )
    if kind in PLAIN:
        return _plain(entry, shapes, keras)
    raise RnncalcError(
        f"rnncalc does not know the layer class `{kind}`",
        "it cannot count what it does not know; rnncalc knows "
        + ", ".join(sorted({*KERAS, *PLAIN, "InputLayer", "TimeDistributed", *MODELS})),
    )


def _plain(entry: Entry, shapes: list[Shape], keras: KerasVersion) -> Called:
    cls = PLAIN[entry.class_name]
    try:
        layer = cls.model_validate(entry.config, context={"keras": keras.value})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"])
        raise RnncalcError(
            f"invalid `{name}` of {entry.class_name}: {err['msg']}", "give a value Keras accepts"
        ) from None
    if cls.inputs == 1 and len(shapes) != 1:
        raise RnncalcError(
            f"{entry.class_name} takes one input, got {len(shapes)}", "give it one tensor"
        )
    out = layer.outputs(shapes)
    frozen = layer.non_trainable()
    cost = layer.cost(shapes, out)
    weights = [
        WeightReport(
            name=w.name,
            shape=w.shape,
            size=prod(w.shape),
            formula=w.formula,
            trainable=layer.trainable and w.name not in frozen,
        )
        for w in layer.weights(shapes)
    ]
    return Called([out], ["output"], weights, [], cost)


def _time_distributed(
    entry: Entry, shapes: list[Shape], keras: KerasVersion, where: str, sizes: Sizes
) -> Called:
    shape = shapes[0]
    if len(shape) < 3:
        raise RnncalcError(
            f"TimeDistributed needs an input of at least 3 axes, got {shape_text(shape)}",
            "give it (batch, timesteps, ...), e.g. a sequence from return_sequences=True",
        )
    inner = _parse(Entry, entry.config.get("layer"), f"{where}: the wrapped layer")
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
        params=params,
        trainable_params=trainable,
        non_trainable_params=params - trainable,
        macs=None if cost is None else cost.macs,
        flops=None if cost is None else cost.flops,
        memory=None
        if cost is None
        else memory(cost, params, trainable, sizes.dtype, sizes.optimizer),
        weights=weights,
        inbound=inbound,
    )
    return Layer(report, cost)
