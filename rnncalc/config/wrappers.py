"""Configs of Keras layers built from other layers or cells: Bidirectional, RNN, StackedRNNCells."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationInfo, field_validator, model_validator

from rnncalc.config.conv import ConvLSTMConfig
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.keras import (
    KERAS2,
    Cell,
    DenseLayer,
    KerasConfig,
    SequenceArgs,
    _context_keras,
    arg,
)
from rnncalc.i18n import _
from rnncalc.limits import CELLS


def _not_empty(cells: tuple[Cell, ...], info: ValidationInfo) -> tuple[Cell, ...]:
    # tf-keras runs an empty stack as a pass-through; Keras 3 fails with an IndexError.
    if not cells and _context_keras(info) is KerasVersion.V3:
        raise ValueError(_("Keras 3 fails on an empty list of cells (IndexError when called)"))
    return cells


def _few(cells: Any) -> Any:
    """Count a list of cells before each one is validated."""
    if isinstance(cells, list | tuple):
        CELLS.check(len(cells), "the list of cells", "stack fewer cells")
    return cells


class StackedRNNCellsConfig(KerasConfig):
    """`keras.layers.StackedRNNCells`: cells run one after another within each timestep."""

    positional: ClassVar[tuple[str, ...]] = ("cells",)

    cells: tuple[Cell, ...] = arg(
        ..., "The cells, first to last; each cell's output is the next cell's input."
    )
    reverse_state_order: bool = arg(
        False,
        "Keep the states last cell first (tf-keras, for old checkpoints; deprecated). It "
        "runs only when every cell has the same units.",
        keras=KERAS2,
    )

    _counted = field_validator("cells", mode="before")(_few)

    @field_validator("cells")
    @classmethod
    def _some(cls, cells: tuple[Cell, ...], info: ValidationInfo) -> tuple[Cell, ...]:
        return _not_empty(cells, info)

    @model_validator(mode="after")
    def _reversible(self) -> StackedRNNCellsConfig:
        # tf-keras hands each cell the states of the cell in its mirror position.
        if self.reverse_state_order and len({cell.units for cell in self.cells}) > 1:
            raise ValueError(
                _(
                    "with reverse_state_order=True, tf-keras gives each cell the states of the "
                    "cell in its mirror position, so it fails unless every cell has the same units"
                )
            )
        return self


class RNNConfig(SequenceArgs):
    """`keras.layers.RNN`: runs a cell, or a list of cells stacked, over the time axis."""

    # Keras 2 and 3 agree on the first six (then time_major in 2, zero_output_for_mask in 3).
    positional: ClassVar[tuple[str, ...]] = (
        "cell",
        "return_sequences",
        "return_state",
        "go_backwards",
        "stateful",
        "unroll",
    )

    cell: Cell | StackedRNNCellsConfig | tuple[Cell, ...] = arg(
        ...,
        "A cell such as `LSTMCell(8)`, or a list of cells (stacked, as `StackedRNNCells`).",
    )

    _counted = field_validator("cell", mode="before")(_few)

    @field_validator("cell")
    @classmethod
    def _some(
        cls, cell: Cell | StackedRNNCellsConfig | tuple[Cell, ...], info: ValidationInfo
    ) -> Cell | StackedRNNCellsConfig | tuple[Cell, ...]:
        return _not_empty(cell, info) if isinstance(cell, tuple) else cell

    @property
    def cells(self) -> tuple[Cell, ...]:
        """The cells one step runs through, first to last."""
        if isinstance(self.cell, StackedRNNCellsConfig):
            return self.cell.cells
        return self.cell if isinstance(self.cell, tuple) else (self.cell,)

    @property
    def stacked(self) -> bool:
        return not isinstance(self.cell, Cell)

    @property
    def reversed_states(self) -> bool:
        """Whether the states come last cell first (`StackedRNNCells(reverse_state_order=True)`)."""
        return isinstance(self.cell, StackedRNNCellsConfig) and self.cell.reverse_state_order


SequenceLayer = DenseLayer | ConvLSTMConfig | RNNConfig  # a layer that runs over time


class BidirectionalConfig(KerasConfig):
    """`keras.layers.Bidirectional`: one recurrent layer run forwards and one backwards."""

    positional: ClassVar[tuple[str, ...]] = ("layer", "merge_mode", "weights", "backward_layer")

    layer: SequenceLayer = arg(
        ..., "The recurrent layer run forwards; a copy runs backwards unless `backward_layer`."
    )
    merge_mode: MergeMode | None = arg(
        MergeMode.CONCAT,
        "How the two outputs combine: `concat` (the last axis doubles), `sum`, `mul`, `ave`, "
        "or `None` (both returned, forward first).",
    )
    weights: None = arg(None, "Initial weights; rnncalc reads shapes, not values.")
    backward_layer: SequenceLayer | None = arg(
        None,
        "The layer run backwards (with `go_backwards=True`); by default a copy of `layer`.",
    )
