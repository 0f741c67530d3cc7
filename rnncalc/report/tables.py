"""What `rnncalc table` and `rnncalc compare` report."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from rnncalc.config.enums import Framework, KerasVersion
from rnncalc.config.inputs import Shape
from rnncalc.report import LayerReport, Shown, _Report


class TableRow(_Report):
    """One combination of settings, e.g. `return_sequences` × `return_state` × `time_major`."""

    arguments: dict[str, Any] = Field(description="The settings of this row, by argument name.")
    return_sequences: bool | None = Field(None, description="Keras layers: as in `arguments`.")
    return_state: bool | None = Field(None, description="Keras layers: as in `arguments`.")
    time_major: bool | None = Field(None, description="Keras layers: as in `arguments`.")
    output_names: list[str] = Field(default_factory=list)
    output_shapes: list[Shape] = Field(default_factory=list)
    error: str | None = Field(None, description="Why Keras refuses this combination, if it does.")


class TableReport(Shown):
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


class CompareReport(Shown):
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
