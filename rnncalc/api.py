"""The Python API: a layer expression or config and an input in, a report out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from rnncalc.calc import analysis
from rnncalc.calc.analysis import FrameworkLike, KerasLike
from rnncalc.config.enums import DType, KerasVersion, Optimizer
from rnncalc.config.inputs import InputArgs, Shape
from rnncalc.config.layers import AnyLayer
from rnncalc.errors import guarded
from rnncalc.parse.construct import config_class_of
from rnncalc.report import LayerReport

if TYPE_CHECKING:
    from rnncalc.report.tables import CompareReport, TableReport


@guarded
def parse_layer(
    expression: str, keras: KerasLike = "2", framework: FrameworkLike = None
) -> tuple[AnyLayer, InputArgs]:
    """Read a layer expression into its config and its input-shape arguments.

    Example:
        >>> config, inputs = parse_layer("keras.layers.GRU(units=8, reset_after=False)")
        >>> config.units, config.reset_after, inputs.input_shape
        (8, False, None)
        >>> parse_layer("nn.LSTM(10, 20, num_layers=2)")[0].num_layers
        2
    """
    return analysis.parse_layer(
        expression, KerasVersion.of(keras), analysis.framework_option(framework)
    )


@guarded
def summary(
    layer: str | AnyLayer,
    *,
    input_shape: Shape | None = None,
    batch_size: int | None = None,
    batch_input_shape: Shape | None = None,
    keras: KerasLike = "2",
    framework: FrameworkLike = None,
    timesteps: int | None = None,
    dtype: DType | str = DType.FLOAT32,
    optimizer: Optimizer | str = Optimizer.ADAM,
    initial_state: list[Shape] | None = None,
) -> LayerReport:
    """Shapes, parameters, warnings and notes of one layer, as its framework would report them.

    Args:
        layer: a layer expression (`"LSTM(32, input_shape=(10, 64))"`, `"nn.GRU(10, 20)"`) or
            a config.
        input_shape: one sample's shape, without the batch axis (like `keras.Input(shape=...)`).
        batch_size: the batch size in front of `input_shape`.
        batch_input_shape: the full input shape, batch axis first; for PyTorch, the tensor
            given to `forward`.
        keras: `"2"` (tf.keras, the default) or `"3"`.
        framework: `"torch"` reads a bare `LSTM(...)` as PyTorch's; `nn.LSTM(...)` always is.
        timesteps: fills the time axis where the input shape leaves it open (None).
        dtype: dtype or mixed-precision policy for the memory estimate.
        optimizer: the optimizer whose state the training memory counts.
        initial_state: the shapes of the initial states given to the layer: PyTorch's
            `[h_0]` or `[h_0, c_0]`, Keras's `initial_state`; checked as the framework
            checks them.

    Returns:
        The report; `rnncalc summary --json` prints it.

    Raises:
        RnncalcError: where the framework would refuse the layer or its input.

    Example:
        >>> report = summary("LSTM(32, input_shape=(10, 64))")
        >>> report.input_shape, report.output_shapes, report.params
        ((None, 10, 64), [(None, 32)], 12416)
        >>> summary("nn.LSTM(10, 20, proj_size=5)", batch_input_shape=(7, 3, 10)).output_shapes
        [(7, 3, 5), (1, 3, 5), (1, 3, 20)]
    """
    version = KerasVersion.of(keras)
    cell = analysis.torch_cell(layer, framework) if isinstance(layer, str) else None
    if cell is not None:  # nn.LSTMCell(...): one step of its layer
        from rnncalc.calc.cells import cell_summary

        shape = batch_input_shape or input_shape
        return cell_summary(cell, shape, initial_state, DType(dtype), Optimizer(optimizer))
    wrapped = analysis.distributed(layer, version) if isinstance(layer, str) else None
    if wrapped is not None:  # TimeDistributed(LSTM(...)): the layer on every step of axis 1
        inner, given = wrapped
        config, resolved, warnings = analysis.prepare(
            inner, input_shape, batch_size, batch_input_shape, version, None, timesteps, given
        )
        return analysis.distributed_summary(
            config, resolved, version, warnings, DType(dtype), Optimizer(optimizer)
        )
    config, resolved, version, warnings = analysis.question(
        layer, input_shape, batch_size, batch_input_shape, keras, framework, timesteps
    )
    return analysis.analyze(
        config, resolved, version, warnings, DType(dtype), Optimizer(optimizer), initial_state
    )


@guarded
def table(
    layer: str | AnyLayer,
    *,
    input_shape: Shape | None = None,
    batch_size: int | None = None,
    batch_input_shape: Shape | None = None,
    keras: KerasLike = "2",
    framework: FrameworkLike = None,
    timesteps: int | None = None,
) -> TableReport:
    """The returned shapes for every combination of the settings that change them.

    Keras layers: `return_sequences` × `return_state` × `time_major` (Keras 3 has no
    `time_major`: 4 rows); Bidirectional: `merge_mode` × `return_sequences` × `return_state`;
    PyTorch: `batch_first` × `bidirectional`.

    Example:
        >>> rows = table("LSTM(4)", batch_input_shape=(32, 10, 8)).rows
        >>> rows[-1].output_shapes  # time_major: axis 0 (32) is now time, axis 1 (10) batch
        [(32, 10, 4), (10, 4), (10, 4)]
    """
    config, resolved, version, _ = analysis.question(
        layer, input_shape, batch_size, batch_input_shape, keras, framework, timesteps
    )
    return analysis.layer_table(config, resolved, version)


@guarded
def compare(
    layer: str | AnyLayer,
    *,
    input_shape: Shape | None = None,
    batch_size: int | None = None,
    batch_input_shape: Shape | None = None,
    keras: KerasLike = "2",
    framework: FrameworkLike = None,
    timesteps: int | None = None,
) -> CompareReport:
    """One layer in Keras and in PyTorch side by side: shapes, parameters and weight mapping.

    Give either side (a Keras SimpleRNN/GRU/LSTM, a Bidirectional one, or `nn.RNN/GRU/LSTM`);
    rnncalc builds the other with the same input.

    Example:
        >>> report = compare("GRU(20)", input_shape=(5, 10))
        >>> report.torch_expression, report.keras.params, report.torch.params, report.exact
        ('nn.GRU(10, 20, batch_first=True)', 1920, 1920, True)
    """
    config, resolved, version, warnings = analysis.question(
        layer, input_shape, batch_size, batch_input_shape, keras, framework, timesteps
    )
    from rnncalc.calc.counterparts import comparison  # loaded with the command

    return comparison(config, resolved, version, warnings)


@guarded
def config_class(name: str, framework: FrameworkLike = None) -> type[BaseModel]:
    """The config class of a layer named as in code: `LSTM`, `keras.layers.GRU`, `nn.LSTM`.

    Example:
        >>> config_class("nn.GRU").__name__
        'TorchGRUConfig'
    """
    return config_class_of(name, analysis.framework_option(framework))
