"""Keras's objects as model code makes them: layers, models, inputs, the tensors between them
and the calls that made them; and a functional model's graph, ordered and numbered as
`model.layers` and `model.to_json()` give it (Keras's `map_graph`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import Shape
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.parse.graph import MASKS, keyword_inputs
from rnncalc.parse.python import Module


@dataclass
class KerasName:
    """A class or function of Keras, not yet called: `LSTM`, `Sequential`, `Input`."""

    name: str
    module: tuple[str, ...]  # its module under keras: ("layers",), ("regularizers",), ()
    v1: bool = False  # from tf.compat.v1.keras: tf-keras's legacy defaults


@dataclass
class KerasObject:
    """A Keras object that is not a layer: a regularizer, initializer or constraint."""

    name: str
    args: list[Any]
    kwargs: dict[str, Any]


@dataclass(eq=False)
class Node:
    """One call of a layer: what it was given (positional first), and the shapes it returned."""

    args: list[Any]
    kwargs: dict[str, Any]
    outputs: list[Shape]

    def tensors(self) -> list[Tensor]:
        """The tensors it computes on: positional first, then keyword ones that are inputs."""
        return list(tensors([self.args, keyword_inputs(self.kwargs)]))

    def graph(self, keras: KerasVersion) -> list[Tensor]:
        """Every tensor it took, masks too, in the order Keras walks a call to order its graph:
        Keras 3 flattens the keyword arguments by name; tf-keras takes them as the layer's
        call signature lists them (MultiHeadAttention's query, value, key, then the masks)."""
        if keras is KerasVersion.V3:
            return list(tensors([self.args, self.kwargs]))
        masks = [v for k, v in self.kwargs.items() if k in MASKS]
        return list(tensors([self.args, keyword_inputs(self.kwargs), masks]))


@dataclass(eq=False)
class InputLayer:
    name: str
    shape: Shape


@dataclass(eq=False)
class Layer:
    """A layer object: its class, Keras name, arguments, and the calls made of it."""

    class_name: str
    name: str
    config: dict[str, Any]  # its arguments by name, as Keras serializes them
    input: Shape | None = None  # what input_shape and the like give a Sequential it starts
    built: bool = False  # holds weights before any call (Keras 3: Embedding(weights=...))
    nodes: list[Node] = field(default_factory=list)

    def entry(self) -> dict[str, Any]:
        entry = {"class_name": self.class_name, "name": self.name, "config": dump(self.config)}
        return entry | ({"built": True} if self.built else {})


@dataclass(eq=False)
class Sequential:
    name: str
    layers: list[Any] = field(default_factory=list)
    input: InputLayer | None = None  # once it has an input shape
    outputs: list[Shape] | None = None  # the last layer's outputs, once built
    trainable: bool = True
    nodes: list[Node] = field(default_factory=list)

    def entry(self) -> dict[str, Any]:
        first = [_input_entry(self.input)] if self.input else []
        layers = first + [layer.entry() for layer in self.layers]
        config = {"name": self.name, "trainable": self.trainable, "layers": layers}
        return {"class_name": "Sequential", "name": self.name, "config": config}


@dataclass(eq=False)
class Functional:
    name: str
    inputs: list[Tensor]
    outputs: list[Tensor]
    keras: KerasVersion
    trainable: bool = True
    nodes: list[Node] = field(default_factory=list)

    def entry(self) -> dict[str, Any]:
        return {"class_name": "Functional", "name": self.name, "config": _graph(self)}


@dataclass(eq=False)
class Tensor:
    """A symbolic tensor: the `index`-th output of call `node` of `source`."""

    source: Layer | Sequential | Functional | InputLayer
    node: int
    index: int
    shape: Shape


Callable_ = Layer | Sequential | Functional


def tensors(value: Any) -> Iterator[Tensor]:
    """The tensors in a call's arguments, in the order Keras flattens them (dicts by key)."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from tensors(item)
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from tensors(value[key])


def dump(value: Any) -> Any:
    """An argument as Keras serializes it: a nested layer as `{"class_name", "config"}`."""
    if isinstance(value, Layer | Sequential | Functional):
        return value.entry()
    if isinstance(value, KerasObject):
        found: dict[str, Any] = {"class_name": value.name, "config": dump(value.kwargs)}
        return found | ({"args": dump(value.args)} if value.args else {})
    if isinstance(value, KerasName | Module):  # activation=tf.nn.relu: Keras saves "relu"
        return (value.name if isinstance(value, KerasName) else value.path).rpartition(".")[2]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(dump(v) for v in value)
    return value


def _input_entry(layer: InputLayer) -> dict[str, Any]:
    config = {"name": layer.name, "batch_shape": list(layer.shape)}
    return {"class_name": "InputLayer", "name": layer.name, "config": config, "inbound_nodes": []}


# ---------------------------------------------------------------- a functional model's graph


def network(model: Functional) -> tuple[list[Any], dict[tuple[int, int], int]]:
    """A functional model's layers in `model.layers` order, and the calls that belong to it,
    numbered per layer: Keras's `map_graph`, which walks back from the outputs and sorts the
    layers by depth, then by when the walk first met them."""
    order: list[tuple[Any, int]] = []  # calls, each after the calls whose outputs it takes
    met: dict[int, int] = {}  # layer -> when the walk from the outputs first met it
    layers: dict[int, Any] = {}
    done: set[tuple[int, int]] = set()
    for output in model.outputs:
        stack: list[tuple[Tensor, bool]] = [(output, False)]
        while stack:  # depth first without recursion: a model may be 10,000 layers deep
            tensor, expanded = stack.pop()
            key = (id(tensor.source), tensor.node)
            if expanded or key in done:
                if expanded and key not in done:
                    done.add(key)
                    order.append((tensor.source, tensor.node))
                continue
            layers.setdefault(id(tensor.source), tensor.source)
            met.setdefault(id(tensor.source), len(met))
            stack.append((tensor, True))
            if not isinstance(tensor.source, InputLayer):
                given = tensor.source.nodes[tensor.node].graph(model.keras)
                stack += [(t, False) for t in reversed(given)]
    # A call is one deeper than every call that takes its outputs; a layer is as deep as its
    # deepest call.
    node_depth: dict[tuple[int, int], int] = {}
    layer_depth: dict[int, int] = {}
    for source, node in reversed(order):
        key = (id(source), node)
        depth = max(node_depth.get(key, 0), layer_depth.get(id(source), 0))
        node_depth[key] = layer_depth[id(source)] = depth
        if not isinstance(source, InputLayer):
            for given in source.nodes[node].graph(model.keras):
                parent = (id(given.source), given.node)
                node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for tensor in model.inputs:
        known = id(tensor.source)
        if known not in layer_depth:  # an input no output needs
            layers[known] = tensor.source
            layer_depth[known], met[known] = 0, -1
            node_depth[known, 0] = 0
    given_inputs = {id(t.source) for t in model.inputs}
    for known, source in layers.items():
        if isinstance(source, InputLayer) and known not in given_inputs:
            raise RnncalcError(
                _(
                    "Graph disconnected: the model's outputs need Input {name!r}, which is not "
                    "among its inputs"
                ).format(name=source.name),
                _("add it to the model's inputs: Model(inputs=[..., {name}], ...)").format(
                    name=source.name
                ),
            )
    ordered = [layers[k] for k in sorted(layers, key=lambda k: (-layer_depth[k], met[k]))]
    numbers: dict[tuple[int, int], int] = {}
    counts: Counter[int] = Counter()
    for layer, node in sorted(node_depth, key=lambda key: key[1]):
        numbers[layer, node] = counts[layer]
        counts[layer] += 1
    return ordered, numbers


def _graph(model: Functional) -> dict[str, Any]:
    """A functional model's config, as Keras 3's `model.to_json()` writes it."""
    ordered, numbers = network(model)
    calls: dict[int, list[int]] = {}
    for layer, node in numbers:
        calls.setdefault(layer, []).append(node)
    entries = []
    for source in ordered:
        if isinstance(source, InputLayer):
            entries.append(_input_entry(source))
            continue
        entry = source.entry()
        entry["inbound_nodes"] = [
            {
                "args": _refs(source.nodes[n].args, numbers),
                "kwargs": _refs(source.nodes[n].kwargs, numbers),
            }
            for n in sorted(calls[id(source)])
        ]
        entries.append(entry)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": entries,
        "input_layers": [_ref(t, numbers) for t in model.inputs],
        "output_layers": [_ref(t, numbers) for t in model.outputs],
    }


def _ref(tensor: Tensor, numbers: dict[tuple[int, int], int]) -> list[Any]:
    return [tensor.source.name, numbers[id(tensor.source), tensor.node], tensor.index]


def _refs(value: Any, numbers: dict[tuple[int, int], int]) -> Any:
    """A call's arguments with each tensor as Keras 3 writes it (`__keras_tensor__`)."""
    if isinstance(value, Tensor):
        history = _ref(value, numbers)
        return {"class_name": "__keras_tensor__", "config": {"keras_history": history}}
    if isinstance(value, dict):
        return {k: _refs(v, numbers) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_refs(v, numbers) for v in value]
    return dump(value)
