"""What `rnncalc model` reports: every layer of a model, and the totals."""

from __future__ import annotations

from pydantic import Field

from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import Shape
from rnncalc.report import MemoryReport, Shown, WeightReport, _Report


class ModelLayerReport(_Report):
    """One entry of `model.layers`: what it returns and the weights it holds."""

    name: str = Field(description="The layer's name in the model.")
    class_name: str = Field(description="Keras class name, as in the model's config.")
    output_names: list[str] = Field(
        description="Name of each returned tensor: `output`, then an RNN's states."
    )
    output_shapes: list[Shape] | None = Field(
        description="One shape per returned tensor (first call); null in a model never built."
    )
    params: int | None = Field(
        description="Parameters of the layer (`count_params()`); null while the layer is "
        "unbuilt (its weights depend on an input shape the model never got)."
    )
    trainable_params: int | None = Field(description="Parameters updated in training.")
    non_trainable_params: int | None = Field(description="Parameters not updated in training.")
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


class ModelReport(Shown):
    """A whole model, like `model.summary()`: `rnncalc model --json`."""

    source: str = Field(
        description="The file (or `-`, or `<code>` for code given from Python) the model was "
        "read from."
    )
    format: str = Field(
        description="What the file was: `json`, `keras` (archive), `h5`, or `code` (Python "
        "that builds the model, read without running it)."
    )
    keras: KerasVersion = Field(description='Whose rules were applied: `"2"` or `"3"`.')
    model_class: str = Field(description="`Sequential` or `Functional`.")
    name: str | None = Field(description="The model's name.")
    built: bool = Field(
        True,
        description="False for a Sequential model that never got an input shape: Keras's "
        "summary shows its layers unbuilt (`?`, `0 (unbuilt)`), and so does rnncalc.",
    )
    output_shapes: list[Shape] | None = Field(
        description="The model's outputs, in order; null when it was never built."
    )
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
    skipped: list[str] = Field(
        [],
        description="Code only: each statement or call that builds no model and was skipped, "
        "not run (`line 13: model.compile(...)`).",
    )
