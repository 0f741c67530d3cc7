"""What Keras refuses, silently changes, or does differently in Keras 3, for a layer and input."""

from __future__ import annotations

from rnncalc.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.inputs import Shape, shape_text
from rnncalc.layers import RecurrentConfig, available

NO_TIME_MAJOR = (
    "Keras 3 has no time_major: transpose to (batch, timesteps, features) first, "
    "e.g. keras.ops.swapaxes(x, 0, 1)"
)


def axes(config: RecurrentConfig) -> tuple[str, str, str]:
    """The meaning of the input's three axes: `time_major` swaps batch and time."""
    if config.time_major:
        return ("timesteps", "batch", "features")
    return ("batch", "timesteps", "features")


def check_input(config: RecurrentConfig, shape: Shape, source: str, keras: KerasVersion) -> None:
    """Raise what Keras would raise for this input, in words that say how to fix it.

    Example:
        >>> check_input(LSTMConfig(units=10), (None, 1, 3, 1), "input_shape", KerasVersion.V2)
        Traceback (most recent call last):
        ...
        rnncalc.errors.RnncalcError: LSTM expects a 3-D input ...
    """
    layer = config.class_name()
    if len(shape) != 3:
        raise RnncalcError(*_rank_message(layer, shape, source))
    names = axes(config)
    batch_axis, time_axis = names.index("batch"), names.index("timesteps")
    if shape[2] is None:
        raise RnncalcError(
            f"{layer} needs to know the number of features (the last input axis), got "
            f"{shape_text(shape)}",
            "give the feature size, e.g. input_shape=(timesteps, 64); only the batch and "
            "timesteps axes may be None",
        )
    if config.stateful and shape[batch_axis] is None:
        where = " (axis 1, because time_major=True)" if config.time_major else ""
        raise RnncalcError(
            f"a stateful {layer} needs a fixed batch size, but the batch axis{where} of "
            f"{shape_text(shape)} is None",
            "give the batch size: batch_input_shape=(32, timesteps, features), "
            "Input(batch_shape=...) or --batch-size 32",
        )
    if config.unroll and shape[time_axis] is None and keras is KerasVersion.V2:
        where = " (axis 0, because time_major=True)" if config.time_major else ""
        raise RnncalcError(
            f"unroll=True needs a fixed number of timesteps, but the time axis{where} of "
            f"{shape_text(shape)} is None",
            "give the timesteps, e.g. input_shape=(10, features), or leave unroll=False",
        )


def _rank_message(layer: str, shape: Shape, source: str) -> tuple[str, str]:
    problem = (
        f"{layer} expects a 3-D input (batch, timesteps, features), got {len(shape)}-D "
        f"{shape_text(shape)} (Keras: expected ndim=3, found ndim={len(shape)})"
    )
    per_sample = shape[1:]
    excludes_batch = source.startswith(("input_shape", "--input-shape", "input_dim"))
    if len(shape) > 3:
        if excludes_batch:
            return (
                f"{problem}; `input_shape` excludes the batch axis, so "
                f"{shape_text(per_sample)} already has {len(per_sample)} axes",
                f"give one sample's shape, (timesteps, features): e.g. input_shape="
                f"{shape_text(per_sample[-2:])}, or Reshape to 3-D first",
            )
        return (
            problem,
            f"reshape to (batch, timesteps, features), e.g. "
            f"{shape_text((shape[0], *shape[-2:]))}, or put a Reshape or "
            "TimeDistributed layer first",
        )
    if len(shape) == 2:
        hint = (
            f"add a time axis: input_shape=(1, {shape[-1]}) for one step, or (timesteps, "
            f"{shape[-1]}); `input_shape` excludes the batch axis"
            if excludes_batch
            else f"add a time axis: {shape_text((shape[0], 1, shape[-1]))} for one step"
        )
        return problem, hint
    return problem, "give (batch, timesteps, features), e.g. --batch-input-shape 32,10,64"


def warnings_for(config: RecurrentConfig, shape: Shape) -> list[str]:
    """What Keras accepts but silently changes or ignores."""
    found = []
    for name in ("dropout", "recurrent_dropout"):
        value = getattr(config, name)
        if not 0.0 <= value <= 1.0:
            found.append(
                f"{name}={value} is outside [0, 1]: Keras clips it to "
                f"{min(1.0, max(0.0, value))} without a word"
            )
    if "implementation" in config.model_fields_set and config.class_name() == "SimpleRNN":
        found.append("SimpleRNN ignores `implementation` (Keras 2 drops it with a warning)")
    if 0 in shape:
        found.append(
            f"the input {shape_text(shape)} has a zero-length axis: Keras 3 builds "
            "it, TensorFlow fails on some such configurations"
        )
    return found


def version_notes(
    config: RecurrentConfig, shape: Shape, source: str, keras: KerasVersion
) -> list[str]:
    """Where the other Keras version would behave differently from the rules applied."""
    other = KerasVersion.V3 if keras is KerasVersion.V2 else KerasVersion.V2
    layer = config.class_name()
    notes = [
        f"Keras {other.value} {layer} does not accept `{name}`"
        for name in sorted(config.model_fields_set)
        if not available(type(config), name, other)
    ]
    if other is KerasVersion.V2:
        if config.unroll and shape[1] is None:
            notes.append("Keras 2 refuses unroll=True with unknown timesteps; Keras 3 builds it")
        return notes
    if config.time_major:
        notes.append(NO_TIME_MAJOR)
    given = source.split("+")
    for name in ("batch_input_shape", "input_length", "batch_size"):
        if name in given:
            notes.append(
                f"Keras 3 refuses `{name}` as a layer argument: use "
                "keras.Input(shape=..., batch_size=...) or keras.Input(batch_shape=...)"
            )
    if given == ["input_dim"]:
        notes.append(
            "Keras 3 reads input_dim alone as input_shape=(input_dim,), a 2-D input that "
            "recurrent layers refuse: use keras.Input(shape=(timesteps, features))"
        )
    return notes
