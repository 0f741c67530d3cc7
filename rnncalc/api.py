"""The Python API: a layer expression or config and an input in, a report out."""

from __future__ import annotations

from itertools import product
from math import prod

from rnncalc import checks
from rnncalc.construct import check_available, layer_from_call
from rnncalc.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.expressions import parse
from rnncalc.inputs import (
    InputArgs,
    ResolvedInput,
    Shape,
    from_options,
    resolve,
    shape_text,
)
from rnncalc.layers import RecurrentConfig
from rnncalc.report import LayerReport, TableReport, TableRow, WeightReport
from rnncalc.shapes import output_shapes
from rnncalc.weights import params_formula, weights

KerasLike = KerasVersion | str | int


def parse_layer(expression: str, keras: KerasLike = "2") -> tuple[RecurrentConfig, InputArgs]:
    """Read a layer expression into its config and its input-shape arguments.

    Example:
        >>> config, inputs = parse_layer("keras.layers.GRU(units=8, reset_after=False)")
        >>> config.units, config.reset_after, inputs.input_shape
        (8, False, None)
    """
    return layer_from_call(parse(expression), _keras(keras))


def summary(
    layer: str | RecurrentConfig,
    *,
    input_shape: Shape | None = None,
    batch_size: int | None = None,
    batch_input_shape: Shape | None = None,
    keras: KerasLike = "2",
) -> LayerReport:
    """Shapes, parameters, warnings and notes of one layer, as Keras would report them.

    Args:
        layer: a layer expression (`"LSTM(32, input_shape=(10, 64))"`) or a config.
        input_shape: one sample's shape, without the batch axis (like `keras.Input(shape=...)`).
        batch_size: the batch size in front of `input_shape`.
        batch_input_shape: the full input shape, batch axis first.
        keras: `"2"` (tf.keras, the default) or `"3"`.

    Returns:
        The report; `rnncalc summary --json` prints it.

    Raises:
        RnncalcError: where Keras would refuse the layer or its input.

    Example:
        >>> report = summary("LSTM(32, input_shape=(10, 64))")
        >>> report.input_shape, report.output_shapes, report.params
        ((None, 10, 64), [(None, 32)], 12416)
    """
    version = _keras(keras)
    config, resolved, warnings = _prepare(
        layer, input_shape, batch_size, batch_input_shape, version
    )
    return analyze(config, resolved, version, warnings)


def table(
    layer: str | RecurrentConfig,
    *,
    input_shape: Shape | None = None,
    batch_size: int | None = None,
    batch_input_shape: Shape | None = None,
    keras: KerasLike = "2",
) -> TableReport:
    """The returned shapes for every `return_sequences` × `return_state` × `time_major`.

    Keras 3 has no `time_major`, so its table has 4 rows instead of 8.

    Example:
        >>> rows = table("LSTM(4)", batch_input_shape=(32, 10, 8)).rows
        >>> rows[-1].output_shapes  # time_major: axis 0 (32) is now time, axis 1 (10) batch
        [(32, 10, 4), (10, 4), (10, 4)]
    """
    version = _keras(keras)
    config, resolved, _ = _prepare(layer, input_shape, batch_size, batch_input_shape, version)
    rows = []
    time_majors = (False, True) if version is KerasVersion.V2 else (False,)
    for seq, state, major in product((False, True), (False, True), time_majors):
        flags = {"return_sequences": seq, "return_state": state, "time_major": major}
        try:
            report = analyze(config.model_copy(update=flags), resolved, version)
        except RnncalcError as exc:
            rows.append(TableRow(**flags, error=str(exc)))
        else:
            rows.append(
                TableRow(
                    **flags, output_names=report.output_names, output_shapes=report.output_shapes
                )
            )
    notes = (
        []
        if version is KerasVersion.V3
        else [
            "time_major=True reads axis 0 as timesteps and axis 1 as batch of the same tensor; "
            "Keras 3 has no time_major"
        ]
    )
    return TableReport(
        layer=config.class_name(),
        keras=version,
        input_shape=resolved.shape,
        input_source=resolved.source,
        rows=rows,
        notes=notes,
    )


def analyze(
    config: RecurrentConfig,
    resolved: ResolvedInput,
    keras: KerasVersion,
    warnings: list[str] | None = None,
) -> LayerReport:
    """The calculation itself, from a validated config and a full input shape."""
    shape = resolved.shape
    checks.check_input(config, shape, resolved.source, keras)
    features = shape[2]
    assert features is not None  # check_input refuses an unknown feature axis
    returned = output_shapes(config, shape)
    specs = [
        WeightReport(
            name=w.name,
            shape=w.shape,
            size=prod(w.shape),
            formula=w.formula,
            trainable=config.trainable,
        )
        for w in weights(config, features)
    ]
    params = sum(w.size for w in specs)
    trainable = params if config.trainable else 0
    return LayerReport(
        layer=config.class_name(),
        keras=keras,
        arguments=config.model_dump(mode="json"),
        input_shape=shape,
        input_source=resolved.source,
        input_axes=checks.axes(config),
        output_names=[name for name, _ in returned],
        output_shapes=[s for _, s in returned],
        params=params,
        trainable_params=trainable,
        non_trainable_params=params - trainable,
        params_formula=params_formula(config),
        weights=specs,
        warnings=[*(warnings or []), *checks.warnings_for(config, shape)],
        notes=checks.version_notes(config, shape, resolved.source, keras),
    )


def _prepare(
    layer: str | RecurrentConfig,
    input_shape: Shape | None,
    batch_size: int | None,
    batch_input_shape: Shape | None,
    keras: KerasVersion,
) -> tuple[RecurrentConfig, ResolvedInput, list[str]]:
    if isinstance(layer, str):
        config, input_args = parse_layer(layer, keras)
    else:
        check_available(type(layer), layer.model_fields_set, keras)
        config, input_args = layer, InputArgs()
    from_layer, warnings = resolve(input_args, keras)
    if from_layer is None:
        # A `batch_size` in the expression alone gives no shape, but joins the options' shape.
        batch_size = input_args.batch_size if batch_size is None else batch_size
        resolved = from_options(input_shape, batch_size, batch_input_shape)
    elif input_shape is not None or batch_input_shape is not None:
        raise RnncalcError(
            f"the input shape is given twice: by `{from_layer.source}` in the expression and "
            "by a command-line option",
            "keep one of them",
        )
    else:
        resolved = _with_batch(from_layer, batch_size)
    if resolved is None:
        raise RnncalcError(
            f"no input shape: {config.class_name()}'s weights depend on the number of features",
            "give --input-shape TIMESTEPS,FEATURES (e.g. 10,64; None for unknown), "
            "--batch-input-shape BATCH,TIMESTEPS,FEATURES, or input_shape=(10, 64) in the "
            "expression",
        )
    return config, resolved, warnings


def _with_batch(resolved: ResolvedInput, batch_size: int | None) -> ResolvedInput:
    """`--batch-size` on an expression's input_shape, like Keras's `batch_size` argument."""
    shape = resolved.shape
    if batch_size is None or not shape:
        return resolved
    if shape[0] not in (None, batch_size):
        raise RnncalcError(
            f"--batch-size {batch_size} disagrees with the batch axis of {shape_text(shape)}",
            "drop --batch-size, or change the shape in the expression",
        )
    return ResolvedInput(shape=(batch_size, *shape[1:]), source=f"{resolved.source}+--batch-size")


def _keras(keras: KerasLike) -> KerasVersion:
    try:
        return KerasVersion(str(keras) if isinstance(keras, int) else keras)
    except ValueError:
        raise RnncalcError(f"unknown Keras version {keras!r}", "use 2 or 3") from None
