"""What the CLI asks of the executor: check computed shapes, convert weights, with proof."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from rnncalc.calc import analysis
from rnncalc.calc.counterparts import KerasLayer, differences, recurrent, sides
from rnncalc.calc.plan import axes, plan
from rnncalc.calc.shapes import output_shapes
from rnncalc.config.enums import Framework, KerasVersion
from rnncalc.config.inputs import ResolvedInput, Shape
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.errors import RnncalcError, guarded
from rnncalc.execute.activations import Array
from rnncalc.execute.convert import keras_to_torch, torch_to_keras
from rnncalc.execute.io import load_weights
from rnncalc.execute.layers import Work, check_run, check_weights, random_weights, run_layer
from rnncalc.execute.models import model_layer
from rnncalc.i18n import _

RUN_BATCH, RUN_TIMESTEPS = 2, 5  # sizes that stand in for open axes when running


class Checked(NamedTuple):
    settings: dict[str, object]  # the table row's settings ({} for the layer as given)
    computed: list[Shape]
    executed: list[tuple[int, ...]]

    @property
    def agrees(self) -> bool:
        return len(self.computed) == len(self.executed) and all(
            len(c) == len(e) and all(a is None or a == b for a, b in zip(c, e, strict=True))
            for c, e in zip(self.computed, self.executed, strict=True)
        )


@guarded
def check(layer: AnyLayer, shape: Shape, keras: KerasVersion, every: bool = False) -> list[Checked]:
    """Run the layer with random weights and compare each returned array's shape with the
    calculator's; `every` checks each combination `rnncalc table` shows."""
    given = ResolvedInput(shape=shape, given=("check",))
    analysis.analyze(layer, given, keras)  # what summary refuses, check refuses
    settings = analysis.table_settings(layer, keras) if every else [{}]
    found, work = [], Work()  # every combination's steps and MACs add up to one bound
    for flags in settings:
        config = analysis.with_settings(layer, flags) if flags else layer
        try:
            computed = [s for _, s in output_shapes(config, shape, keras)]
            analysis.analyze(config, given, keras)
        except RnncalcError:
            continue  # the framework refuses this combination of the table: nothing to run
        sized = _sized(config, shape, keras)
        check_run(config, sized, keras, work)  # before the random input is made
        arrays = run_layer(config, random_weights(config, sized, keras), _random(sized), keras)
        found.append(Checked(flags, computed, [a.shape for a in arrays]))
    return found


def _sized(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> tuple[int, ...]:
    """The shape with open axes given small sizes, to run."""
    names = axes(layer, len(shape))
    stand_in = {"batch": RUN_BATCH, "timesteps": RUN_TIMESTEPS}
    return tuple(stand_in.get(n, 1) if d is None else d for n, d in zip(names, shape, strict=False))


def _random(shape: tuple[int, ...], seed: int = 1) -> Array:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


class Converted(NamedTuple):
    target: AnyLayer  # the layer in the other framework
    weights: list[Array] | dict[str, Array]  # Keras's list, or PyTorch's state_dict
    max_difference: float  # between both layouts' outputs on a random input


@guarded
def convert(
    layer: AnyLayer, params: list[Array] | dict[str, Array], shape: Shape, keras: KerasVersion
) -> Converted:
    """Keras weights as PyTorch's state_dict, or the reverse, checked by running both."""
    resolved = ResolvedInput(shape=shape, given=("convert",))
    check_run(layer, _sized(layer, shape, keras), keras)  # before any copy of the weights
    keras_layer, keras_input, torch_layer, torch_input = sides(layer, resolved, "convert")
    cells = plan(torch_layer, torch_input.shape, keras).cells  # PyTorch's l0 (and l0_reverse)
    if layer is torch_layer:  # PyTorch's state_dict into Keras's list
        named = _named(params)
        check_weights(layer, named, shape, keras)
        arrays: list[Array] = []
        for cell in cells:
            w = torch_to_keras(cell.family, named, cell.name)
            arrays += [w.kernel, w.recurrent] + ([w.bias] if w.bias is not None else [])
        keras_shape = keras_input.shape if len(shape) == 3 else (1, *keras_input.shape[1:])
        gap = _difference(keras_layer, arrays, torch_layer, named, keras_shape, shape, keras)
        _finite(gap)
        return Converted(keras_layer, arrays, gap)
    blocking, _notes = differences(keras_layer)
    if blocking:
        raise RnncalcError(
            _("no PyTorch layer computes what this {layer} does: {reasons}").format(
                layer=layer.class_name(), reasons=" ".join(blocking)
            ),
            _(
                "only layers PyTorch can express port: activation tanh (or relu, for "
                "SimpleRNN), recurrent_activation sigmoid, and for a GRU reset_after=True "
                "(tf.keras's default)"
            ),
        )
    if isinstance(params, dict):
        raise RnncalcError(
            _("Keras weights go in order"), _("give layer.get_weights() as arr_0, ...")
        )
    check_weights(layer, params, shape, keras)
    half = len(params) // len(cells)
    converted: dict[str, Array] = {}
    for index, cell in enumerate(cells):
        part = list(params[index * half : (index + 1) * half])
        converted |= keras_to_torch(cell.family, part, cell.name)
    gap = _difference(
        keras_layer, list(params), torch_layer, converted, shape, torch_input.shape, keras
    )
    _finite(gap)
    return Converted(torch_layer, converted, gap)


def _finite(gap: float) -> None:
    if not np.isfinite(gap):
        raise RnncalcError(
            _(
                "the weights hold, or overflow to, NaN or infinity on a random input: no run "
                "can show the two layouts agree"
            ),
            _("give weights of a trained layer (finite, not near float32's largest)"),
        )


def is_model_file(source: str) -> bool:
    """Whether `convert`'s source names a saved model rather than a layer expression."""
    return Path(source).is_file() or source.endswith((".keras", ".h5", ".json"))


@guarded
def convert_expression(
    expression: str,
    weights: str,
    layer: str | None,
    input_shape: Shape | None,
    batch_input_shape: Shape | None,
    keras: KerasVersion,
    framework: Framework | None,
) -> Converted:
    """`convert` of a layer written as an expression, its weights in a file (`layer` picks one
    of a Keras file's). Where no shape is given, the input size comes from the weights."""
    params = load_weights(weights, layer)
    _, in_expression = analysis.parse_layer(expression, keras, framework)
    given = input_shape or batch_input_shape or in_expression.model_fields_set
    if not given and (features := _input_size(params)):
        batch_input_shape = (None, None, features)
    config, resolved, _ = analysis.prepare(
        expression, input_shape, None, batch_input_shape, keras, framework
    )
    return convert(config, params, resolved.shape, keras)


def _input_size(params: list[Array] | dict[str, Array]) -> int | None:
    """The input size a recurrent layer's weights show: PyTorch's weight_ih_l0's columns, or
    the rows of Keras's kernel (None for a convolution's kernel)."""
    if isinstance(params, dict):
        kernel = params.get("weight_ih_l0")
        return int(kernel.shape[1]) if kernel is not None and kernel.ndim == 2 else None
    return int(params[0].shape[0]) if params and params[0].ndim == 2 else None


@guarded
def convert_saved(path: str, weights: str | None, layer: str | None) -> Converted:
    """`convert` of a recurrent layer in a saved model; its input size comes from its kernel."""
    config, arrays, keras = model_layer(path, weights, layer)
    features = int(arrays[0].shape[0]) if arrays else 1
    return convert(config, arrays, (None, None, features), keras)


def _named(params: list[Array] | dict[str, Array]) -> dict[str, Array]:
    if not isinstance(params, dict):
        raise RnncalcError(_("PyTorch weights go by name"), _("give a state_dict as an npz file"))
    return params


def _difference(
    keras_layer: KerasLayer,
    keras_weights: list[Array],
    torch_layer: TorchConfig,
    torch_weights: dict[str, Array],
    keras_shape: Shape,
    torch_shape: Shape,
    keras: KerasVersion,
) -> float:
    """The largest difference between the Keras layout's whole sequences and final states and
    PyTorch's, on one random input."""
    full = {"return_sequences": True, "return_state": True}
    every = analysis.with_settings(keras_layer, {**full, "merge_mode": None})
    sized = _sized(every, keras_shape, keras)
    check_run(every, sized, keras)  # before the random input is made
    x = _random(sized)
    keras_out = run_layer(every, keras_weights, x, keras)
    # Swap batch and time where the two layouts differ (Keras's time_major, PyTorch's default).
    swap = len(torch_shape) == 3 and recurrent(keras_layer).time_major == torch_layer.batch_first
    torch_x = x[0] if len(torch_shape) == 2 else np.swapaxes(x, 0, 1) if swap else x
    output, *states = run_layer(torch_layer, torch_weights, torch_x)
    output = np.swapaxes(output, 0, 1) if swap else output
    if output.ndim == 2:
        output, states = output[None], [s[:, None] for s in states]
    d = torch_layer.directions
    sequences = np.split(output, d, axis=-1)
    per_direction = [[s[i] for s in states] for i in range(d)]  # (h, c) of each direction
    expected = sequences + [s for direction in per_direction for s in direction]
    if len(expected) != len(keras_out):
        raise RnncalcError(_("the two layouts return different tensors"), _("report this as a bug"))
    return max(
        float(np.max(np.abs(a - b))) if a.size else 0.0
        for a, b in zip(keras_out, expected, strict=True)
    )
