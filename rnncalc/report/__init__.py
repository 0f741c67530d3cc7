"""Result models: the pure data that tables and JSON are made of (numbers, never formatted)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rnncalc.config.enums import DType, Framework, KerasVersion, Optimizer
from rnncalc.config.inputs import Shape


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True, use_enum_values=True, defer_build=True)


class Shown(_Report):
    """A report a notebook shows as the CLI's table (Jupyter calls these methods)."""

    def _repr_markdown_(self) -> str:
        from rnncalc import render  # upward, and only when a notebook displays the report

        return render.notebook(self, html=False)

    def _repr_html_(self) -> str:
        from rnncalc import render

        return render.notebook(self, html=True)


class WeightReport(_Report):
    """One weight of a layer."""

    name: str = Field(
        description="Keras's short name (`kernel`, `recurrent_kernel`, `bias`), after the "
        "direction or cell it belongs to (`forward_lstm/kernel`); PyTorch's parameter name."
    )
    shape: tuple[int, ...] = Field(description="The weight's shape.")
    size: int = Field(description="Number of scalars: the product of the shape.")
    formula: str = Field(description="The shape in symbols, e.g. `(input_dim, 4·units)`.")
    trainable: bool = Field(description="Whether training updates it.")


class MemoryReport(_Report):
    """Bytes one layer or model needs, by what they hold (docs/cost.md)."""

    dtype: DType = Field(description="Dtype or mixed-precision policy assumed.")
    optimizer: Optimizer = Field(description="Optimizer whose state is counted for training.")
    params_bytes: int = Field(description="The weights.")
    gradients_bytes: int = Field(description="One gradient per trainable weight.")
    optimizer_bytes: int = Field(description="The optimizer's state per trainable weight.")
    activations_inference_bytes: int = Field(
        description="What the layers return, and the recurrent state they carry."
    )
    activations_training_bytes: int = Field(
        description="What backpropagation through time keeps: per-timestep gate values and "
        "states, and the inputs of upper layers."
    )
    total_inference_bytes: int = Field(description="Weights and inference activations.")
    total_training_bytes: int = Field(
        description="Weights, gradients, optimizer state and both kinds of activations."
    )


class LayerReport(Shown):
    """Everything rnncalc knows about one layer on one input: `rnncalc summary --json`."""

    layer: str = Field(description="Class name: `LSTM`, `Bidirectional`, `ConvLSTM2D`, ...")
    framework: Framework = Field(description="`keras` or `torch`.")
    keras: KerasVersion | None = Field(
        description='Whose Keras rules were applied: `"2"` or `"3"`; null for PyTorch.'
    )
    arguments: dict[str, Any] = Field(description="Every layer argument with its value.")
    input_shape: Shape = Field(
        description="Full input shape, batch axis included; null is unknown."
    )
    input_source: str = Field(description="The argument(s) or option(s) the input shape came from.")
    input_axes: tuple[str, ...] = Field(
        description="What each input axis means: `time_major` swaps batch and timesteps."
    )
    output_names: list[str] = Field(
        description="Name of each returned tensor: `output`, then `state` or `state_h`, `state_c` "
        "(Bidirectional: `forward_`/`backward_` ones; PyTorch: `output`, `h_n`, `c_n`)."
    )
    output_shapes: list[Shape] = Field(
        description="One shape per returned tensor, in Keras's order."
    )
    initial_state_names: list[str] = Field(
        default_factory=list,
        description="The initial states the layer takes, in its framework's order: PyTorch's "
        "`h_0` (and `c_0`); Keras's per cell, as `initial_state` lists them.",
    )
    initial_state_shapes: list[Shape] = Field(
        default_factory=list,
        description="The shape each initial state must have (`--hx`, `--cx`, "
        "`--initial-state` are checked against them).",
    )
    params: int = Field(description="Total number of parameters.")
    trainable_params: int = Field(description="Parameters updated in training.")
    non_trainable_params: int = Field(description="Parameters not updated in training.")
    params_formula: str = Field(description="The total in symbols.")
    formula_values: dict[str, int] = Field(description="The value of each symbol of the formula.")
    weights: list[WeightReport] = Field(description="Each weight, in Keras's order.")
    macs: int | None = Field(
        description="Multiply-accumulates of the matrix products of one forward pass over the "
        "whole input; null while the batch or timesteps are unknown."
    )
    macs_per_timestep: int | None = Field(
        description="`macs` of one timestep, for the whole batch."
    )
    flops: int | None = Field(
        description="FLOPs of one forward pass: 2·macs plus the element-wise operations."
    )
    training_flops: int | None = Field(
        description="FLOPs of one training step: the forward pass and a backward pass of about "
        "twice its cost."
    )
    memory: MemoryReport | None = Field(description="Bytes, for the given batch and timesteps.")
    warnings: list[str] = Field(description="What Keras accepts but silently changes or ignores.")
    notes: list[str] = Field(description="Where the other Keras version would behave differently.")
