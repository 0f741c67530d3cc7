"""Saved Keras models (`.keras`, `.h5`) run end to end in NumPy, weights read in memory."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from rnncalc.calc.model import collecting_after, layer_config, summarize, walk
from rnncalc.config.enums import KerasVersion
from rnncalc.config.keras import snake_case
from rnncalc.config.layers import AnyLayer
from rnncalc.errors import RnncalcError, guarded
from rnncalc.execute.activations import Array
from rnncalc.execute.io import (
    Budget,
    SavedLayer,
    load_array,
    read_keras_weights,
    read_tfjs_weights,
)
from rnncalc.execute.layers import Work, run_layer
from rnncalc.execute.simple import SIMPLE, Tensor
from rnncalc.limits import RUN_MACS, RUN_VALUES
from rnncalc.parse.construct import KERAS
from rnncalc.parse.graph import (
    Call,
    Entry,
    Graph,
    input_shape,
    layer_name,
    sequential_input,
    tensor_refs,
    validated,
    walk_graph,
)
from rnncalc.parse.keras_files import load


@guarded
def run_model(path: str, inputs: list[Array] | list[str]) -> list[Array]:
    """Run a saved model on its inputs (inference), returning its outputs in Keras's order.

    `inputs` are arrays, or paths of .npy files (read once the model is known to be runnable).

    Raises:
        RnncalcError: for a layer the executor cannot run, naming it, or inputs of the wrong
            shape.
    """
    with collecting_after():
        return _run_model(path, inputs)


def _run_model(path: str, inputs: list[Array] | list[str]) -> list[Array]:
    loaded = load(path)
    if loaded.kind == "json" and loaded.manifest is None:
        raise RnncalcError(
            f"{path} holds no weights: model JSON is the architecture only",
            "run the .keras or .h5 file that model.save() wrote",
        )
    top = validated(Entry, loaded.config, f"{path}: the model")
    graph = validated(Graph, top.config, f"{path}: the model")
    saved = (
        read_tfjs_weights(path, loaded.manifest) if loaded.manifest else read_keras_weights(path)
    )
    weights = _by_name(saved, graph.layers)
    keras = loaded.keras
    arrays = _inputs(
        graph, top.class_name == "Sequential", [inputs] if isinstance(inputs, str) else inputs, path
    )
    _check_model_run(loaded.config, keras, path, arrays, weights)
    _check_masks(graph, path)
    work = Work()

    def start(step: Call | None, position: int | None) -> Tensor:
        if position is None:
            raise RnncalcError(f"{path}: an InputLayer is no model input", "give what Keras saved")
        return arrays[position], None

    def call(step: Call, given: list[Tensor]) -> list[Tensor]:
        name, entry = step.name, step.entry
        if entry.is_operation:  # Keras 3's mask ops: masks are followed here instead, and ops
            return [(np.empty(0), None)]  # feed only other ops and the masks the walk leaves out
        here = f"{path}: layer {name!r} ({entry.class_name})"
        return _call(entry, given, weights.get(name, []), keras, here, work)

    with walk():
        outputs = walk_graph(graph, top.class_name == "Sequential", start, call, path)
    return [x for x, _ in outputs]


def _inputs(
    graph: Graph, sequential: bool, given: list[Array] | list[str], where: str
) -> list[Array]:
    """The model's inputs, counted before any is read and each checked against the shape the
    model declares; files are read within one bound on their bytes together."""
    if sequential:
        declared = [sequential_input(graph, where)]
        names = ["the input"]
    else:
        names = [r[0] for r in tensor_refs(graph.input_layers, where)]
        entries = {layer_name(e, i): e for i, e in enumerate(graph.layers)}
        if any(n not in entries for n in names):
            raise RnncalcError(f"{where}: a model input is no layer", "give what Keras saved")
        declared = [input_shape(entries[n], where) for n in names]
    if len(given) != len(names):
        raise RnncalcError(
            f"{where}: the model takes {len(names)} inputs ({', '.join(names)}), got {len(given)}",
            "give one array per input, in order",
        )
    budget = Budget("--input")
    arrays = [load_array(i, budget) if isinstance(i, str) else np.asarray(i) for i in given]
    for array, shape, name in zip(arrays, declared, names, strict=True):
        _check_input(array, shape, f"{where}: {name}")
    return arrays


def _check_model_run(
    config: dict[str, Any],
    keras: KerasVersion,
    path: str,
    arrays: list[Array],
    weights: dict[str, list[Array]],
) -> None:
    """Refuse a run too large for the executor's bounds, or weights unlike the layers', before
    any layer runs: the calculator's multiply-accumulates and inference memory of the whole
    model on these very inputs, Dense and Embedding layers included."""
    shapes = [tuple(a.shape) for a in arrays]
    report = summarize(config, keras, path, inputs=shapes)
    what, fix = f"running {path} on {', '.join(map(str, shapes))}", "run a smaller input or model"
    if report.macs is None or report.memory is None:
        raise RnncalcError(f"{what}: its size cannot be told before running", fix)
    RUN_MACS.check(report.macs, what, fix)
    RUN_VALUES.check(report.memory.total_inference_bytes // 4, what, fix)  # float32
    for layer in report.layers:
        found = [a.shape for a in weights.get(layer.name, [])]
        expected = [w.shape for w in layer.weights]
        if layer.class_name in SIMPLE and found != expected:
            raise RnncalcError(
                f"{path}: layer {layer.name!r} ({layer.class_name}) holds weights of shapes "
                f"{found}, its config says {expected}",
                "give the weights model.save() wrote with this config",
            )


def _check_input(array: Array, shape: tuple[int | None, ...], where: str) -> None:
    expected = shape[1:]
    if array.ndim != len(shape) or any(
        e is not None and a != e for a, e in zip(array.shape[1:], expected, strict=False)
    ):
        raise RnncalcError(
            f"{where}: the input has shape {array.shape}, the model expects {(None, *expected)}",
            "give an array of the model's input shape",
        )


def _call(
    entry: Entry,
    given: list[Tensor],
    weights: list[Array],
    keras: KerasVersion,
    where: str,
    work: Work,
) -> list[Tensor]:
    try:
        return _run(entry, given, weights, keras, work)
    except RnncalcError as exc:
        raise RnncalcError(f"{where}: {exc.message}", exc.hint) from None
    except ValueError as exc:  # NumPy's own complaint about shapes that do not fit
        raise RnncalcError(f"{where}: {exc}", "check the model and the input shapes") from None


def _run(
    entry: Entry, given: list[Tensor], weights: list[Array], keras: KerasVersion, work: Work
) -> list[Tensor]:
    kind, config = entry.class_name, entry.config
    x, mask = given[0]
    if kind in KERAS:
        layer = layer_config(entry, keras)
        if mask is None and getattr(layer, "stateful", False):
            raise RnncalcError("stateful layers run through the Python API", "use LayerRunner")
        # The tensors after the first are the call's initial_state (h, or h and c).
        states = [state for state, _ in given[1:]] or None
        outputs = run_layer(layer, weights, x, keras, states, mask, work)
        sequences = getattr(layer, "return_sequences", None)
        if sequences is None:
            sequences = layer.layer.return_sequences  # type: ignore[union-attr]
        out_mask = mask if sequences else None
        return [(outputs[0], out_mask), *((o, None) for o in outputs[1:])]
    simple = SIMPLE.get(kind)
    if simple is None:
        raise RnncalcError(
            f"the executor cannot run {kind}",
            "it runs the recurrent layers and " + ", ".join(sorted(SIMPLE)),
        )
    return [simple(config, given, weights, keras)]


def _check_masks(graph: Graph, where: str) -> None:
    """Refuse a call given `mask=` by the model's own code: Keras 3 writes the masks it
    propagates (from Masking, Embedding(mask_zero=True)) as operations, which the executor
    follows itself; any other mask it would silently drop."""
    names = [layer_name(e, i) for i, e in enumerate(graph.layers)]
    operations = {n for n, e in zip(names, graph.layers, strict=True) if e.is_operation}
    for name, entry in zip(names, graph.layers, strict=True):
        for node in entry.inbound_nodes or []:
            kwargs = node.get("kwargs") if isinstance(node, dict) else None
            mask = kwargs.get("mask") if isinstance(kwargs, dict) else None
            history = (
                mask.get("config", {}).get("keras_history") if isinstance(mask, dict) else None
            )
            if isinstance(history, list) and history and history[0] not in operations:
                raise RnncalcError(
                    f"{where}: layer {name!r} is called with mask={history[0]}: the executor "
                    "follows masks from Masking and Embedding(mask_zero=True) only",
                    "rnncalc model counts its shapes and parameters without running it",
                )


def model_layer(
    path: str, weights: str | None, name: str | None
) -> tuple[AnyLayer, list[Array], KerasVersion]:
    """A recurrent layer of a saved model (`name`, or its only one), with its weights: from
    the model file, or from `weights` (what `save_weights` wrote, say, beside model JSON)."""
    loaded = load(path)
    graph = validated(Graph, validated(Entry, loaded.config, path).config, path)
    layers = {layer_name(e, i): e for i, e in enumerate(graph.layers) if e.class_name in KERAS}
    if name is None and len(layers) == 1:
        name = next(iter(layers))
    if not layers:
        raise RnncalcError(f"{path} has no recurrent layer", "give a model that holds one")
    if name not in layers:
        found = f"no recurrent layer {name!r}" if name else f"{len(layers)} recurrent layers"
        listed = ", ".join(layers)
        raise RnncalcError(f"{path} has {found}", f"choose one with --layer NAME: {listed}")
    if weights is None and loaded.kind == "json":
        raise RnncalcError(
            f"{path} holds no weights: model JSON is the architecture only",
            "give the weights file with --weights",
        )
    arrays = _by_name(read_keras_weights(weights or path), graph.layers)[name]
    return layer_config(layers[name], loaded.keras), arrays, loaded.keras


def _by_name(saved: list[SavedLayer], layers: list[Entry]) -> dict[str, list[Array]]:
    """Each layer's weights by its name in the model. An archive's layout keeps them under a
    path, as Keras's saving_lib names it: the class in snake case, numbered in `model.layers`
    order (`lstm`, `lstm_1`, ...), never the layer's name; legacy HDF5 under the name."""
    by_path = {s.path: s.arrays for s in saved if s.path is not None}
    by_name = {s.name: s.arrays for s in saved if s.path is None}
    used: Counter[str] = Counter()
    found = {}
    for index, entry in enumerate(layers):
        base = snake_case(entry.class_name)
        path = f"{base}_{used[base]}" if used[base] else base
        used[base] += 1
        name = layer_name(entry, index)
        found[name] = by_path.get(path, by_name.get(name, []))
    return found
