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
from rnncalc.i18n import _
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
            _("{path} holds no weights: model JSON is the architecture only").format(path=path),
            _("run the .keras or .h5 file that model.save() wrote"),
        )
    the_model = _("{path}: the model").format(path=path)
    top = validated(Entry, loaded.config, the_model)
    graph = validated(Graph, top.config, the_model)
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
            raise RnncalcError(
                _("{path}: an InputLayer is no model input").format(path=path),
                _("give what Keras saved"),
            )
        return arrays[position], None

    def call(step: Call, given: list[Tensor]) -> list[Tensor]:
        name, entry = step.name, step.entry
        if entry.is_operation:  # Keras 3's mask ops: masks are followed here instead, and ops
            return [(np.empty(0), None)]  # feed only other ops and the masks the walk leaves out
        return _call(entry, given, weights.get(name, []), keras, work, path, name)

    with walk():
        outputs = walk_graph(graph, top.class_name == "Sequential", start, call, path)
    return [x for x, _mask in outputs]


def _inputs(
    graph: Graph, sequential: bool, given: list[Array] | list[str], where: str
) -> list[Array]:
    """The model's inputs, counted before any is read and each checked against the shape the
    model declares; files are read within one bound on their bytes together."""
    if sequential:
        declared = [sequential_input(graph, where)]
        names = [_("the input")]
    else:
        names = [r[0] for r in tensor_refs(graph.input_layers, where)]
        entries = {layer_name(e, i): e for i, e in enumerate(graph.layers)}
        if any(n not in entries for n in names):
            raise RnncalcError(
                _("{where}: a model input is no layer").format(where=where),
                _("give what Keras saved"),
            )
        declared = [input_shape(entries[n], where) for n in names]
    if len(given) != len(names):
        raise RnncalcError(
            _("{where}: the model takes {count} inputs ({names}), got {given}").format(
                where=where, count=len(names), names=", ".join(names), given=len(given)
            ),
            _("give one array per input, in order"),
        )
    budget = Budget("--input")
    arrays = [load_array(i, budget) if isinstance(i, str) else np.asarray(i) for i in given]
    for array, shape, name in zip(arrays, declared, names, strict=True):
        _check_input(array, shape, where, name)
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
    what = _("running {path} on {shapes}").format(path=path, shapes=", ".join(map(str, shapes)))
    fix = _("run a smaller input or model")
    if report.macs is None or report.memory is None:
        raise RnncalcError(
            _("{what}: its size cannot be told before running").format(what=what), fix
        )
    RUN_MACS.check(report.macs, what, fix)
    RUN_VALUES.check(report.memory.total_inference_bytes // 4, what, fix)  # float32
    for layer in report.layers:
        found = [a.shape for a in weights.get(layer.name, [])]
        expected = [w.shape for w in layer.weights]
        if layer.class_name in SIMPLE and found != expected:
            raise RnncalcError(
                _(
                    "{path}: layer {name!r} ({layer}) holds weights of shapes {found}, its "
                    "config says {expected}"
                ).format(
                    path=path,
                    name=layer.name,
                    layer=layer.class_name,
                    found=found,
                    expected=expected,
                ),
                _("give the weights model.save() wrote with this config"),
            )


def _check_input(array: Array, shape: tuple[int | None, ...], where: str, name: str) -> None:
    expected = shape[1:]
    if array.ndim != len(shape) or any(
        e is not None and a != e for a, e in zip(array.shape[1:], expected, strict=False)
    ):
        raise RnncalcError(
            _("{where}: {name}: the input has shape {shape}, the model expects {expected}").format(
                where=where, name=name, shape=array.shape, expected=(None, *expected)
            ),
            _("give an array of the model's input shape"),
        )


def _call(
    entry: Entry,
    given: list[Tensor],
    weights: list[Array],
    keras: KerasVersion,
    work: Work,
    path: str,
    name: str,
) -> list[Tensor]:
    """Run one layer of the model; a refusal names it: `model.keras: layer 'lstm' (LSTM)`."""
    try:
        return _run(entry, given, weights, keras, work)
    except RnncalcError as exc:
        raise RnncalcError(
            _("{path}: layer {name!r} ({layer}): {message}").format(
                path=path, name=name, layer=entry.class_name, message=exc.message
            ),
            exc.hint,
        ) from None
    except ValueError as exc:  # NumPy's own complaint about shapes that do not fit
        raise RnncalcError(
            _("{path}: layer {name!r} ({layer}): {message}").format(
                path=path, name=name, layer=entry.class_name, message=exc
            ),
            _("check the model and the input shapes"),
        ) from None


def _run(
    entry: Entry, given: list[Tensor], weights: list[Array], keras: KerasVersion, work: Work
) -> list[Tensor]:
    kind, config = entry.class_name, entry.config
    x, mask = given[0]
    if kind in KERAS:
        layer = layer_config(entry, keras)
        if mask is None and getattr(layer, "stateful", False):
            raise RnncalcError(
                _("stateful layers run through the Python API"), _("use LayerRunner")
            )
        # The tensors after the first are the call's initial_state (h, or h and c).
        states = [state for state, _mask in given[1:]] or None
        outputs = run_layer(layer, weights, x, keras, states, mask, work)
        sequences = getattr(layer, "return_sequences", None)
        if sequences is None:
            sequences = layer.layer.return_sequences  # type: ignore[union-attr]
        out_mask = mask if sequences else None
        return [(outputs[0], out_mask), *((o, None) for o in outputs[1:])]
    simple = SIMPLE.get(kind)
    if simple is None:
        raise RnncalcError(
            _("the executor cannot run {layer}").format(layer=kind),
            _("it runs the recurrent layers and {layers}").format(layers=", ".join(sorted(SIMPLE))),
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
                    _(
                        "{where}: layer {name!r} is called with mask={mask}: the executor "
                        "follows masks from Masking and Embedding(mask_zero=True) only"
                    ).format(where=where, name=name, mask=history[0]),
                    _("rnncalc model counts its shapes and parameters without running it"),
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
        raise RnncalcError(
            _("{path} has no recurrent layer").format(path=path), _("give a model that holds one")
        )
    if name not in layers:
        found = (
            _("{path} has no recurrent layer {name!r}").format(path=path, name=name)
            if name
            else _("{path} has {count} recurrent layers").format(path=path, count=len(layers))
        )
        raise RnncalcError(
            found, _("choose one with --layer NAME: {layers}").format(layers=", ".join(layers))
        )
    if weights is None and loaded.kind == "json":
        raise RnncalcError(
            _("{path} holds no weights: model JSON is the architecture only").format(path=path),
            _("give the weights file with --weights"),
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
