"""What `rnncalc memory` and `rnncalc sweep` report: sweeps, fits and grids."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from rnncalc.config.inputs import Shape
from rnncalc.report import LayerReport, Shown, _Report


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


class MemoryPlanReport(Shown):
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


class GridReport(Shown):
    """`rnncalc sweep --json`: a layer analysed over every combination of some arguments."""

    layer: str = Field(description="The class name.")
    input_shape: Shape = Field(description="The full input shape.")
    rows: list[GridRow] = Field(description="One row per combination, the last argument fastest.")
