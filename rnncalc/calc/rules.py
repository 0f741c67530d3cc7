"""What the frameworks refuse, silently change, or do differently in the other Keras."""

from __future__ import annotations

from rnncalc.calc.plan import axes, directions
from rnncalc.calc.shapes import output_shapes
from rnncalc.config.conv import ConvLSTMConfig
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.inputs import Shape, shape_text
from rnncalc.config.keras import NO_TIME_MAJOR, available
from rnncalc.config.layers import AnyLayer, parts
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, RNNConfig, SequenceLayer
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _


def check_input(layer: AnyLayer, shape: Shape, given: tuple[str, ...], keras: KerasVersion) -> None:
    """Raise what the framework would raise for this layer and input, saying how to fix it.

    Example:
        >>> check_input(LSTMConfig(units=10), (None, 1, 3, 1), ("input_shape",), KerasVersion.V2)
        Traceback (most recent call last):
        ...
        rnncalc.errors.RnncalcError: LSTM expects a 3-D input ...
    """
    if isinstance(layer, TorchConfig):
        _check_torch(layer, shape)
    elif isinstance(layer, BidirectionalConfig):
        _check_bidirectional(layer, shape, given, keras)
    else:
        _check_sequence(layer, shape, given, keras)


def _check_sequence(
    layer: SequenceLayer, shape: Shape, given: tuple[str, ...], keras: KerasVersion
) -> None:
    name = layer.class_name()
    names = axes(layer)
    if len(shape) != len(names):
        raise RnncalcError(*_rank_message(name, names, shape, given))
    batch_axis, time_axis = names.index("batch"), names.index("timesteps")
    if isinstance(layer, ConvLSTMConfig):
        _check_conv(layer, shape, keras)
    elif shape[-1] is None:
        raise RnncalcError(
            _(
                "{layer} needs to know the number of features (the last input axis), got {shape}"
            ).format(layer=name, shape=shape_text(shape)),
            _(
                "give the feature size, e.g. input_shape=(timesteps, 64); only the batch and "
                "timesteps axes may be None"
            ),
        )
    if layer.stateful and shape[batch_axis] is None:
        problem = (
            _(
                "a stateful {layer} needs a fixed batch size, but the batch axis (axis 1, "
                "because time_major=True) of {shape} is None"
            )
            if layer.runs_time_major
            else _(
                "a stateful {layer} needs a fixed batch size, but the batch axis of {shape} is None"
            )
        )
        raise RnncalcError(
            problem.format(layer=name, shape=shape_text(shape)),
            _(
                "give the batch size: batch_input_shape=(32, timesteps, features), "
                "Input(batch_shape=...) or --batch-size 32"
            ),
        )
    if layer.unroll and shape[time_axis] is None and keras is KerasVersion.V2:
        problem = (
            _(
                "unroll=True needs a fixed number of timesteps, but the time axis (axis 0, "
                "because time_major=True) of {shape} is None"
            )
            if layer.runs_time_major
            else _(
                "unroll=True needs a fixed number of timesteps, but the time axis of {shape} is "
                "None"
            )
        )
        raise RnncalcError(
            problem.format(shape=shape_text(shape)),
            _("give the timesteps, e.g. input_shape=(10, features), or leave unroll=False"),
        )


def _check_conv(layer: ConvLSTMConfig, shape: Shape, keras: KerasVersion) -> None:
    name = layer.class_name()
    names = axes(layer)
    if layer.unroll and keras is KerasVersion.V2:
        raise RnncalcError(
            _(
                "{layer} cannot unroll (Keras 2: Unrolling is not possible with convolutional RNNs)"
            ).format(layer=name),
            _("leave unroll=False"),
        )
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise RnncalcError(
            _(
                "{layer} refuses strides > 1 together with dilation_rate > 1 (strides="
                "{strides}, dilation_rate={dilation_rate})"
            ).format(layer=name, strides=layer.strides, dilation_rate=layer.dilation_rate),
            _("use strides=1 or dilation_rate=1"),
        )
    channels = names.index("channels")
    if shape[channels] is None:
        raise RnncalcError(
            _(
                "{layer} needs to know the number of channels (axis {axis}, {data_format}), "
                "got {shape}"
            ).format(
                layer=name,
                axis=channels,
                data_format=layer.data_format.value if layer.data_format else "channels_last",
                shape=shape_text(shape),
            ),
            _(
                "give the channel count; with channels_first the channels come right after the "
                "time axis"
            ),
        )
    spatial = [i for i, n in enumerate(names) if n not in ("batch", "timesteps", "channels")]
    if keras is KerasVersion.V3 and any(shape[i] is None for i in spatial):
        raise RnncalcError(
            _("Keras 3 {layer} needs every spatial axis known, got {shape}").format(
                layer=name, shape=shape_text(shape)
            ),
            _("give the sizes, or use --keras 2, which accepts None there"),
        )
    out = output_shapes(layer.model_copy(update={"return_sequences": False}), shape, keras)[0][1]
    out_spatial = out[2:] if layer.channels_first else out[1:-1]
    for i, size in zip(spatial, out_spatial, strict=True):
        if size is not None and size <= 0:
            raise RnncalcError(
                _(
                    "{layer}'s kernel {kernel_size} (dilation {dilation_rate}) is larger than "
                    "axis {axis} of the input {shape} with padding='valid'"
                ).format(
                    layer=name,
                    kernel_size=layer.kernel_size,
                    dilation_rate=layer.dilation_rate,
                    axis=i,
                    shape=shape_text(shape),
                ),
                _("use padding='same', a smaller kernel_size, or a larger input"),
            )


def _check_bidirectional(
    layer: BidirectionalConfig, shape: Shape, given: tuple[str, ...], keras: KerasVersion
) -> None:
    forward, backward = directions(layer, keras)
    if forward.go_backwards == backward.go_backwards:
        fix = (
            _("drop go_backwards from the wrapped layer: Keras 3 always runs the copy backwards")
            if layer.backward_layer is None
            else _("give backward_layer go_backwards=True and the forward layer go_backwards=False")
        )
        raise RnncalcError(
            _(
                "Bidirectional needs forward and backward layers with different go_backwards, "
                "got {value} for both"
            ).format(value=forward.go_backwards),
            fix,
        )
    for flag in ("stateful", "return_sequences", "return_state"):
        if getattr(forward, flag) != getattr(backward, flag):
            raise RnncalcError(
                _(
                    "Bidirectional needs the same {argument} in both layers, got {forward} "
                    "forward and {backward} backward"
                ).format(
                    argument=flag,
                    forward=getattr(forward, flag),
                    backward=getattr(backward, flag),
                ),
                _("give both layers {argument}={value}").format(
                    argument=flag, value=getattr(forward, flag)
                ),
            )
    for direction in (forward, backward):
        _check_sequence(direction, shape, given, keras)
    if (
        layer.merge_mode in (MergeMode.SUM, MergeMode.MUL, MergeMode.AVE)
        and keras is KerasVersion.V2
    ):
        out_f, out_b = (output_shapes(d, shape, keras)[0][1] for d in (forward, backward))
        if out_f != out_b:
            raise RnncalcError(
                _(
                    "merge_mode={merge_mode!r} adds or multiplies the two outputs, but they "
                    "differ: {forward} forward, {backward} backward"
                ).format(
                    merge_mode=layer.merge_mode.value,
                    forward=shape_text(out_f),
                    backward=shape_text(out_b),
                ),
                _("give both layers the same units, or use merge_mode='concat' or None"),
            )


def _check_torch(layer: TorchConfig, shape: Shape) -> None:
    name = layer.class_name()
    if len(shape) not in (2, 3):
        raise RnncalcError(
            _("{layer}: Expected input to be 2D or 3D, got {rank}D instead ({shape})").format(
                layer=name, rank=len(shape), shape=shape_text(shape)
            ),
            _("give (L, N, H_in), (N, L, H_in) with batch_first=True, or unbatched (L, H_in)"),
        )
    time = shape[1] if layer.batch_first and len(shape) == 3 else shape[0]
    if time == 0:
        raise RnncalcError(
            _("Expected sequence length to be larger than 0 in RNN, got {shape}").format(
                shape=shape_text(shape)
            ),
            _("give at least one timestep"),
        )
    if shape[-1] != layer.input_size:
        raise RnncalcError(
            _(
                "input.size(-1) must be equal to input_size. Expected {input_size}, got {found}"
            ).format(input_size=layer.input_size, found="None" if shape[-1] is None else shape[-1]),
            _("make the last input axis {input_size}, or set input_size={found}").format(
                input_size=layer.input_size, found=shape[-1]
            ),
        )


def _rank_message(
    layer: str, names: tuple[str, ...], shape: Shape, given: tuple[str, ...]
) -> tuple[str, str]:
    rank = len(names)
    found = {
        "layer": layer,
        "rank": rank,
        "axes": ", ".join(names),
        "found": len(shape),
        "shape": shape_text(shape),
    }
    problem = _(
        "{layer} expects a {rank}-D input ({axes}), got {found}-D {shape} (Keras: expected "
        "ndim={rank}, found ndim={found})"
    ).format(**found)
    per_sample = shape[1:]
    excludes_batch = given[:1] in (("input_shape",), ("--input-shape",), ("input_dim",))
    if rank != 3:
        return problem, _("give ({axes}), e.g. --batch-input-shape with {rank} axes").format(
            **found
        )
    if len(shape) > 3:
        if excludes_batch:
            return (
                _(
                    "{layer} expects a {rank}-D input ({axes}), got {found}-D {shape} (Keras: "
                    "expected ndim={rank}, found ndim={found}); `input_shape` excludes the batch "
                    "axis, so {sample} already has {count} axes"
                ).format(**found, sample=shape_text(per_sample), count=len(per_sample)),
                _(
                    "give one sample's shape, (timesteps, features): e.g. input_shape={shape}, "
                    "or Reshape to 3-D first"
                ).format(shape=shape_text(per_sample[-2:])),
            )
        return (
            problem,
            _(
                "reshape to (batch, timesteps, features), e.g. {shape}, or put a Reshape or "
                "TimeDistributed layer first"
            ).format(shape=shape_text((shape[0], *shape[-2:]))),
        )
    if len(shape) == 2:
        hint = (
            _(
                "add a time axis: input_shape=(1, {features}) for one step, or (timesteps, "
                "{features}); `input_shape` excludes the batch axis"
            ).format(features=shape[-1])
            if excludes_batch
            else _("add a time axis: {shape} for one step").format(
                shape=shape_text((shape[0], 1, shape[-1]))
            )
        )
        return problem, hint
    return problem, _("give (batch, timesteps, features), e.g. --batch-input-shape 32,10,64")


def warnings_for(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> list[str]:
    """What the framework accepts but silently changes or ignores, or warns about."""
    if isinstance(layer, TorchConfig):
        if layer.dropout > 0 and layer.num_layers == 1:
            return [
                _(
                    "PyTorch warns: dropout={dropout} does nothing with num_layers=1 (dropout "
                    "acts between stacked layers, after all but the last)"
                ).format(dropout=layer.dropout)
            ]
        return []
    found = []
    for config in parts(layer):
        for name in ("dropout", "recurrent_dropout"):
            value = getattr(config, name, 0.0)
            if not 0.0 <= value <= 1.0:
                found.append(
                    _(
                        "{argument}={value} is outside [0, 1]: Keras clips it to {clipped} "
                        "without a word"
                    ).format(argument=name, value=value, clipped=min(1.0, max(0.0, value)))
                )
        name = config.class_name()
        if "implementation" in config.model_fields_set and name.startswith("SimpleRNN"):
            found.append(
                _("{layer} ignores `implementation` (Keras 2 drops it with a warning)").format(
                    layer=name
                )
            )
        if isinstance(config, ConvLSTMConfig) and config.time_major:
            found.append(
                _(
                    "{layer} ignores time_major: Keras 2 accepts it and reads (batch, time, ...)"
                ).format(layer=name)
            )
        if isinstance(config, RNNConfig) and not config.cells:
            found.append(_("an RNN without cells returns its input's last timestep unchanged"))
    if isinstance(layer, BidirectionalConfig) and keras is KerasVersion.V3:
        forward, backward = (output_shapes(d, shape, keras) for d in directions(layer, keras))
        if forward != backward:
            found.append(
                _(
                    "Keras 3 reports the backward outputs with the forward layer's shapes; run, "
                    "the backward layer returns {shapes}"
                ).format(shapes=", ".join(shape_text(s) for _name, s in backward))
            )
    if 0 in shape:
        found.append(
            _(
                "the input {shape} has a zero-length axis: Keras 3 builds it, TensorFlow fails "
                "on some such configurations"
            ).format(shape=shape_text(shape))
        )
    return list(dict.fromkeys(found))


def version_notes(
    layer: AnyLayer, shape: Shape, given: tuple[str, ...], keras: KerasVersion
) -> list[str]:
    """Where the other Keras version would behave differently from the rules applied."""
    if isinstance(layer, TorchConfig):
        return []
    other = KerasVersion.V3 if keras is KerasVersion.V2 else KerasVersion.V2
    notes = []
    for config in parts(layer):
        name = config.class_name()
        if other.value not in config.keras_versions:
            notes.append(_("Keras {keras} has no {layer}").format(keras=other.value, layer=name))
            continue
        notes += [
            _("Keras {keras} {layer} does not accept `{argument}`").format(
                keras=other.value, layer=name, argument=arg
            )
            for arg in sorted(config.model_fields_set)
            if not available(type(config), arg, other)
        ]
    sequence = layer.layer if isinstance(layer, BidirectionalConfig) else layer
    if other is KerasVersion.V2:
        if sequence.unroll and shape[1] is None:
            notes.append(_("Keras 2 refuses unroll=True with unknown timesteps; Keras 3 builds it"))
        if isinstance(layer, BidirectionalConfig) and sequence.go_backwards:
            notes.append(_("Keras 2's Bidirectional flips go_backwards for its copy instead"))
        return list(dict.fromkeys(notes))
    if sequence.time_major:
        notes.append(_(NO_TIME_MAJOR))
    for name in ("batch_input_shape", "input_length", "batch_size"):
        if name in given:
            notes.append(
                _(
                    "Keras 3 refuses `{argument}` as a layer argument: use "
                    "keras.Input(shape=..., batch_size=...) or keras.Input(batch_shape=...)"
                ).format(argument=name)
            )
    if given == ("input_dim",):
        notes.append(
            _(
                "Keras 3 reads input_dim alone as input_shape=(input_dim,), a 2-D input that "
                "recurrent layers refuse: use keras.Input(shape=(timesteps, features))"
            )
        )
    return list(dict.fromkeys(notes))
