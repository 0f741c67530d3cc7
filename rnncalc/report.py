"""Result models: the pure data that tables and JSON are made of (numbers, never formatted)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rnncalc.enums import KerasVersion
from rnncalc.inputs import Shape


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True, use_enum_values=True)


class WeightReport(_Report):
    """One weight of a layer."""

    name: str = Field(description="Keras's short name: `kernel`, `recurrent_kernel` or `bias`.")
    shape: tuple[int, ...] = Field(description="The weight's shape.")
    size: int = Field(description="Number of scalars: the product of the shape.")
    formula: str = Field(description="The shape in symbols, e.g. `(input_dim, 4·units)`.")
    trainable: bool = Field(description="Whether training updates it.")


class LayerReport(_Report):
    """Everything rnncalc knows about one layer on one input: `rnncalc summary --json`."""

    layer: str = Field(description="Keras class name: `SimpleRNN`, `GRU` or `LSTM`.")
    keras: KerasVersion = Field(description='Whose rules were applied: `"2"` or `"3"`.')
    arguments: dict[str, Any] = Field(description="Every layer argument with its value.")
    input_shape: Shape = Field(
        description="Full input shape, batch axis included; null is unknown."
    )
    input_source: str = Field(description="The argument(s) or option(s) the input shape came from.")
    input_axes: tuple[str, str, str] = Field(
        description="What each input axis means: `time_major` swaps batch and timesteps."
    )
    output_names: list[str] = Field(
        description="Name of each returned tensor: `output`, then `state` or `state_h`, `state_c`."
    )
    output_shapes: list[Shape] = Field(
        description="One shape per returned tensor, in Keras's order."
    )
    params: int = Field(description="Total number of parameters.")
    trainable_params: int = Field(description="Parameters updated in training.")
    non_trainable_params: int = Field(description="Parameters not updated in training.")
    params_formula: str = Field(description="The total in symbols.")
    weights: list[WeightReport] = Field(description="Each weight, in Keras's order.")
    warnings: list[str] = Field(description="What Keras accepts but silently changes or ignores.")
    notes: list[str] = Field(description="Where the other Keras version would behave differently.")


class TableRow(_Report):
    """One combination of `return_sequences` × `return_state` × `time_major`."""

    return_sequences: bool
    return_state: bool
    time_major: bool
    output_names: list[str] = Field(default_factory=list)
    output_shapes: list[Shape] = Field(default_factory=list)
    error: str | None = Field(None, description="Why Keras refuses this combination, if it does.")


class TableReport(_Report):
    """Every output combination of one layer on one input: `rnncalc table --json`."""

    layer: str
    keras: KerasVersion
    input_shape: Shape
    input_source: str
    rows: list[TableRow]
    notes: list[str]
