"""A saved model's graph as Keras serializes it, and the one walk of it that `rnncalc model`,
`rnncalc run` and any other reader of models share."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from typing import Annotated, Any, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter, ValidationError

from rnncalc.config.inputs import Shape
from rnncalc.errors import RnncalcError, invalid
from rnncalc.i18n import _

T = TypeVar("T")

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
    # Read from code only: a layer that holds its weights before any call (Keras 3 builds
    # an Embedding given `weights=` at once).
    built: bool = False

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


def validated(schema: Any, value: Any, where: str) -> Any:
    """Validate a piece of the saved config, or say where it is malformed."""
    try:
        if isinstance(schema, TypeAdapter):
            return schema.validate_python(value)
        return schema.model_validate(value)
    except ValidationError as exc:
        bad = invalid(exc)
        at = "".join(f"[{p!r}]" for p in bad.loc)
        raise RnncalcError(
            _("{where} is malformed: {at}: {reason}").format(
                where=where, at=at or _("the value"), reason=bad.message
            ),
            _("give what Keras wrote, unchanged"),
        ) from None


def sequential_input(graph: Graph, where: str) -> Shape:
    first = graph.layers[0].config if graph.layers else {}
    for shape in (
        first.get("batch_shape"),
        first.get("batch_input_shape"),
        graph.build_input_shape,
    ):
        if shape is not None:
            here = _("{where}: the input shape").format(where=where)
            return validated(SHAPE, shape, here)  # type: ignore[no-any-return]
    raise RnncalcError(
        _("{where}: the Sequential model has no input shape (it was never built)").format(
            where=where
        ),
        _("build the model before saving it: start it with keras.Input(shape=...)"),
    )


def one_output(where: str, count: int) -> None:
    """Keras's refusal of a layer that returns several tensors inside a Sequential model."""
    if count != 1:
        raise RnncalcError(
            _(
                "{where} returns {count} tensors; all layers in a Sequential model should have a "
                "single output tensor"
            ).format(where=where, count=count),
            _("use the functional API for layers with return_state=True"),
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
    pending = [(layer_name(e, i), e, call_nodes(e, where)) for i, e in enumerate(graph.layers)]
    own = {name: int(own_node(entry)) for name, entry, _nodes in pending}
    inputs = {name for name, entry, _nodes in pending if entry.class_name == "InputLayer"}
    calls = {name: (entry, nodes) for name, entry, nodes in pending if name not in inputs}
    # Call k of a layer makes its node own + k; it needs its call k - 1 and every node it takes.
    waiting: dict[tuple[str, int], list[tuple[str, int]]] = {}
    lacking: dict[tuple[str, int], int] = {}
    for name, (_entry, nodes) in calls.items():
        for k, refs in enumerate(nodes):
            needs = {(layer, node) for layer, node, _index in refs}
            if k:
                needs.add((name, own[name] + k - 1))
            needs -= {(layer, node) for layer, node in needs if 0 <= node < own.get(layer, 0)}
            needs -= {(layer, 0) for layer in inputs}
            lacking[name, k] = len(needs)
            for need in needs:
                waiting.setdefault(need, []).append((name, k))
    order = [Call(name, e, 0, []) for name, e, _nodes in pending if name in inputs]
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
    for name, _entry, nodes in pending:
        if name not in inputs and done[name] < max(1, len(nodes)):
            raise RnncalcError(
                _(
                    "{where}: layer {name!r} takes inputs that no layer of the model produces"
                ).format(where=where, name=name),
                _("give what model.to_json() wrote, unchanged"),
            )
    return order


def lookup(tensors: dict[str, list[list[Any]]], ref: Ref, where: str) -> Any:
    """One tensor of the graph (a shape, or an array when running), or why it is missing."""
    name, node, index = ref
    calls = tensors.get(name, [])
    if not (0 <= node < len(calls) and 0 <= index < len(calls[node])):
        raise RnncalcError(
            _("{where}: {name}[{node}][{index}] is no layer's output").format(
                where=where, name=name, node=node, index=index
            ),
            _("give what model.to_json() wrote, unchanged"),
        )
    return calls[node][index]


def own_node(entry: Entry) -> bool:
    nodes = entry.inbound_nodes or [{}]
    return entry.class_name in MODELS and isinstance(nodes[0], list)


def tensor_refs(value: list[Any], where: str) -> list[Ref]:
    """`input_layers`/`output_layers`: `[name, node, tensor]` or a list of them."""
    if value and isinstance(value[0], str):
        value = [value]
    here = _("{where}: a model input or output").format(where=where)
    return [validated(REF, v, here) for v in value]


# Keyword arguments that hold masks, not inputs; the others are inputs in this order, after the
# positional ones (MultiHeadAttention's query, value and key; an RNN's initial_state).
MASKS = frozenset({"mask", "attention_mask", "query_mask", "value_mask", "key_mask"})
KEYWORD_INPUTS = ("query", "value", "key", "initial_state", "constants")


def keyword_inputs(kwargs: dict[str, Any]) -> list[Any]:
    """A call's keyword arguments that are inputs, in the order the layer takes them."""
    names = [k for k in kwargs if k not in MASKS]
    order = {k: i for i, k in enumerate(KEYWORD_INPUTS)}
    return [kwargs[k] for k in sorted(names, key=lambda k: (order.get(k, len(order)), k))]


def call_nodes(entry: Entry, where: str) -> list[list[Ref]]:
    """The tensors each call of the layer took, in Keras 2's or Keras 3's form: the inputs
    first, then tensors given by keyword (an RNN's `initial_state`), but not masks."""
    here = _("{where}: the inputs of layer {name!r}").format(
        where=where, name=entry.name or entry.config.get("name")
    )
    nodes = []
    for node in entry.inbound_nodes or []:
        if isinstance(node, dict) and isinstance(node.get("kwargs") or {}, dict):
            # Keras 3: {"args": [...], "kwargs": {...}}
            given = [node.get("args", []), keyword_inputs(node.get("kwargs") or {})]
            nodes.append([validated(REF, h, here) for h in history(given, here)])
        elif isinstance(node, list):  # Keras 2: [[name, node, tensor, kwargs], ...]
            refs = [validated(REF, t[:3] if isinstance(t, list) else t, here) for t in node]
            for t in node:  # tensors given by keyword: MultiHeadAttention's value and key
                kwargs = t[3] if isinstance(t, list) and len(t) > 3 else None
                if isinstance(kwargs, dict):
                    given = keyword_inputs(kwargs)
                    refs += [validated(REF, r, here) for r in _keras2_refs(given)]
            nodes.append(refs)
        else:
            raise RnncalcError(
                _("{where} are malformed: {value!r}").format(where=here, value=node)[:200],
                _("give what Keras wrote"),
            )
    return nodes


def _keras2_refs(value: Any) -> Any:
    """The `[name, node, tensor]` refs in a Keras 2 call's keyword arguments."""
    ref = isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
    if ref and all(type(v) is int for v in value[1:]):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _keras2_refs(item)


def history(value: Any, where: str) -> Any:
    """The `keras_history` of every `__keras_tensor__` in a Keras 3 call's arguments."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            config = value.get("config")
            if not isinstance(config, dict):
                raise RnncalcError(
                    _("{where} are malformed: {value!r}").format(where=where, value=value)[:200],
                    _("give what Keras wrote"),
                )
            yield config.get("keras_history")
    elif isinstance(value, list | tuple):
        for item in value:
            yield from history(item, where)


def input_shape(entry: Entry, where: str) -> Shape:
    shape = entry.config.get("batch_shape", entry.config.get("batch_input_shape"))
    if shape is None:
        raise RnncalcError(
            _("{where}: InputLayer {name!r} has no shape").format(
                where=where, name=entry.config.get("name")
            ),
            _("give what model.to_json() wrote, unchanged"),
        )
    here = _("{where}: the shape of InputLayer {name!r}").format(where=where, name=entry.name)
    return validated(SHAPE, shape, here)  # type: ignore[no-any-return]


def layer_name(entry: Entry, index: int) -> str:
    name = entry.name or entry.config.get("name")
    return name if isinstance(name, str) else f"layer {index}"


def walk_graph(
    graph: Graph,
    sequential: bool,
    start: Callable[[Call | None, int | None], T],
    call: Callable[[Call, list[T]], list[T]],
    where: str,
) -> list[T]:
    """The graph's outputs, each layer called in turn on the values of the tensors it takes.

    A value is whatever the caller computes with: a shape for `rnncalc model`, an array for
    `rnncalc run`. `start` gives the value of each input: of an InputLayer (with its position
    among the model's inputs, if it is one), or of a Sequential's input (None, 0); `call` a
    layer's, or a Keras 3 operation's, values from its inputs'. A Sequential's layers take the
    previous layer's output (its first one's ref is `("input", 0, 0)`).
    """
    if sequential:
        layers = graph.layers
        if layers and layers[0].class_name == "InputLayer":
            layers = layers[1:]  # model.layers leaves a Sequential's InputLayer out
        values, previous = [start(None, 0)], "input"
        for index, entry in enumerate(layers):  # Keras 3 passes on every output of a layer
            name = layer_name(entry, index)
            refs: list[Ref] = [(previous, 0, i) for i in range(len(values))]
            values = call(Call(name, entry, 0, refs), values)
            previous = name
        return values
    inputs = [r[0] for r in tensor_refs(graph.input_layers, where)]
    tensors: dict[str, list[list[T]]] = {}  # layer name -> node -> returned values
    for step in schedule(graph, where):
        name, entry = step.name, step.entry
        if entry.class_name == "InputLayer":
            tensors[name] = [[start(step, inputs.index(name) if name in inputs else None)]]
            continue
        here = _("{where}: layer {name!r} ({layer})").format(
            where=where, name=name, layer=entry.class_name
        )
        given = [lookup(tensors, ref, here) for ref in step.refs]
        calls = tensors.setdefault(name, [[]] if own_node(entry) else [])
        calls.append(call(step, given))
    here = _("{where}: the model's output").format(where=where)
    return [lookup(tensors, ref, here) for ref in tensor_refs(graph.output_layers, where)]
