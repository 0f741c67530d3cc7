"""Result models: the pure data that tables and JSON are made of (numbers, never formatted)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rnncalc.config.enums import DType, Framework, KerasVersion, Optimizer
from rnncalc.config.inputs import Shape


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True, use_enum_values=True, defer_build=True)


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


class LayerReport(_Report):
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


class TableRow(_Report):
    """One combination of settings, e.g. `return_sequences` × `return_state` × `time_major`."""

    arguments: dict[str, Any] = Field(description="The settings of this row, by argument name.")
    return_sequences: bool | None = Field(None, description="Keras layers: as in `arguments`.")
    return_state: bool | None = Field(None, description="Keras layers: as in `arguments`.")
    time_major: bool | None = Field(None, description="Keras layers: as in `arguments`.")
    output_names: list[str] = Field(default_factory=list)
    output_shapes: list[Shape] = Field(default_factory=list)
    error: str | None = Field(None, description="Why Keras refuses this combination, if it does.")


class TableReport(_Report):
    """Every output combination of one layer on one input: `rnncalc table --json`."""

    layer: str
    framework: Framework
    keras: KerasVersion | None
    input_shape: Shape
    input_source: str
    rows: list[TableRow]
    notes: list[str]


class WeightMapping(_Report):
    """One Keras weight and the PyTorch parameter(s) it corresponds to."""

    keras: str = Field(description="The Keras weight, as in `weights` of the Keras report.")
    torch: str = Field(description="The PyTorch parameter(s), as `named_parameters()` names them.")
    how: str = Field(description="How to turn one into the other (transpose, reorder, add).")


class OutputMapping(_Report):
    """One tensor Keras returns and where PyTorch's `(output, h_n, c_n)` holds it."""

    keras: str = Field(description="The Keras output's name, as in `output_names`.")
    torch: str = Field(description="The PyTorch expression giving the same tensor.")


class CompareReport(_Report):
    """One layer in Keras and in PyTorch: `rnncalc compare --json`."""

    keras_expression: str = Field(description="The Keras layer, written as code.")
    torch_expression: str = Field(description="The PyTorch module, written as code.")
    keras: LayerReport = Field(description="The Keras side, as `summary --json` reports it.")
    torch: LayerReport = Field(description="The PyTorch side, as `summary --json` reports it.")
    params_difference: int = Field(description="PyTorch's parameters minus Keras's.")
    exact: bool = Field(description="Whether PyTorch can compute exactly the same function.")
    differences: list[str] = Field(description="Why the two differ, in words.")
    outputs: list[OutputMapping] = Field(description="Each Keras output in PyTorch's terms.")
    weights: list[WeightMapping] = Field(description="Each Keras weight in PyTorch's terms.")


class ModelLayerReport(_Report):
    """One entry of `model.layers`: what it returns and the weights it holds."""

    name: str = Field(description="The layer's name in the model.")
    class_name: str = Field(description="Keras class name, as in the model's config.")
    output_names: list[str] = Field(
        description="Name of each returned tensor: `output`, then an RNN's states."
    )
    output_shapes: list[Shape] = Field(description="One shape per returned tensor (first call).")
    params: int = Field(description="Parameters of the layer (`count_params()`).")
    trainable_params: int = Field(description="Parameters updated in training.")
    non_trainable_params: int = Field(description="Parameters not updated in training.")
    macs: int | None = Field(
        description="Multiply-accumulates of the layer in one forward pass (all its calls); "
        "null while a size it needs is open."
    )
    flops: int | None = Field(description="FLOPs of the layer in one forward pass.")
    memory: MemoryReport | None = Field(description="The layer's own bytes (docs/cost.md).")
    weights: list[WeightReport] = Field(description="Each weight, named `layer/weight`.")
    inbound: list[str] = Field(
        description="What the layer's first call takes: `layer[node][tensor]` of a Functional "
        "model, or the previous layer of a Sequential one."
    )


class ModelReport(_Report):
    """A whole model, like `model.summary()`: `rnncalc model --json`."""

    source: str = Field(description="The file (or `-`) the model was read from.")
    format: str = Field(description="What the file was: `json`, `keras` (archive) or `h5`.")
    keras: KerasVersion = Field(description='Whose rules were applied: `"2"` or `"3"`.')
    model_class: str = Field(description="`Sequential` or `Functional`.")
    name: str | None = Field(description="The model's name.")
    output_shapes: list[Shape] = Field(description="The model's outputs, in order.")
    layers: list[ModelLayerReport] = Field(description="Each layer, in `model.layers` order.")
    total_params: int = Field(description="`model.count_params()`.")
    trainable_params: int = Field(description="Parameters updated in training.")
    non_trainable_params: int = Field(description="Parameters not updated in training.")
    params_dtype: str = Field(
        description="The dtype the parameters are kept in (`--dtype`; mixed policies: float32)."
    )
    params_bytes: int = Field(description="`total_params` in bytes of `params_dtype`.")
    trainable_params_bytes: int = Field(description="`trainable_params` in bytes.")
    non_trainable_params_bytes: int = Field(description="`non_trainable_params` in bytes.")
    macs: int | None = Field(description="Multiply-accumulates of one forward pass.")
    flops: int | None = Field(description="FLOPs of one forward pass.")
    training_flops: int | None = Field(description="FLOPs of one training step.")
    memory: MemoryReport | None = Field(
        description="Bytes of the whole model; its training activations keep every layer's "
        "output for the backward pass (docs/cost.md)."
    )
    warnings: list[str] = Field(description="What Keras accepts but silently changes.")


class SweepPoint(_Report):
    """The cost of the layer at one value of the swept variable."""

    value: int = Field(description="The swept variable's value.")
    macs: int = Field(description="Multiply-accumulates of one forward pass.")
    params: int = Field(description="Parameters (they change when `units` is swept).")
    total_inference_bytes: int = Field(description="As `memory.total_inference_bytes`.")
    total_training_bytes: int = Field(description="As `memory.total_training_bytes`.")


class FitReport(_Report):
    """The largest value of a variable whose memory fits a budget."""

    variable: str = Field(description="`batch`, `timesteps` or `units`.")
    budget_bytes: int = Field(description="The memory budget.")
    largest: int | None = Field(description="The largest value that fits; null if even 1 does not.")
    bytes_at_largest: int | None = Field(description="Memory needed at `largest`.")
    bytes_one_more: int = Field(description="Memory needed at `largest + 1` (does not fit).")


class MemoryPlanReport(_Report):
    """`rnncalc memory --json`: one layer's memory and cost, swept or fitted to a budget."""

    layer: LayerReport = Field(description="The layer at the given sizes, as `summary` reports it.")
    sweep_variable: str | None = Field(description="What `sweep` varies.")
    sweep: list[SweepPoint] = Field(description="The cost at each swept value.")
    fit: FitReport | None = Field(description="The answer of `--fit`.")


class GridRow(_Report):
    """One combination of a grid: its arguments and what the layer is with them."""

    arguments: dict[str, Any] = Field(description="The varied arguments' values in this row.")
    output_shapes: list[Shape] = Field(default_factory=list, description="As in `summary`.")
    params: int | None = Field(None, description="As in `summary`.")
    macs: int | None = Field(None, description="As in `summary`; null while sizes are open.")
    total_training_bytes: int | None = Field(None, description="As in `summary`'s memory.")
    error: str | None = Field(None, description="Why the framework refuses this combination.")


class GridReport(_Report):
    """`rnncalc sweep --json`: a layer analysed over every combination of some arguments."""

    layer: str = Field(description="The class name.")
    input_shape: Shape = Field(description="The full input shape.")
    rows: list[GridRow] = Field(description="One row per combination, the last argument fastest.")
