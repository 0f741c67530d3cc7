"""The table of how recurrent families differ: by numbers and names, never by code."""

from __future__ import annotations

from typing import NamedTuple


class Family(NamedTuple):
    """How one recurrent family differs from the others, in Keras and in PyTorch."""

    name: str  # Keras's layer: SimpleRNN, GRU, LSTM
    gates: int  # blocks of `units` columns in each kernel
    states: tuple[str, ...]  # the states `return_state` appends, in Keras's order
    gate_names: tuple[str, ...]  # the column blocks of Keras's kernels, in order
    torch_name: str  # the PyTorch module of the same family
    torch_gate_names: tuple[str, ...]  # the row blocks of PyTorch's weights, in PyTorch's words
    torch_order: tuple[str, ...]  # the same blocks in Keras's words
    torch_activations: tuple[str, ...]  # the activations PyTorch offers (`nonlinearity`)
    torch_gate_activation: str | None  # the gates' activation PyTorch fixes
    keeps_two_biases: bool  # Keras can keep PyTorch's two biases (GRU with reset_after)
    # Cost conventions (docs/cost.md), per unit and timestep of one sample:
    elementwise: int  # FLOPs besides the matrix products: adds, multiplies, activations
    saved: int  # values backpropagation through time keeps (measured on PyTorch's CPU path)
    saved_initial: int  # values kept once per sequence (SimpleRNN: the initial state)


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family(
            name="SimpleRNN",
            gates=1,
            states=("state",),
            gate_names=("h",),
            torch_name="RNN",
            torch_gate_names=("h",),
            torch_order=("h",),
            torch_activations=("tanh", "relu"),
            torch_gate_activation=None,
            keeps_two_biases=False,
            elementwise=3,
            saved=1,
            saved_initial=1,
        ),
        Family(
            name="GRU",
            gates=3,
            states=("state",),
            gate_names=("z", "r", "h"),
            torch_name="GRU",
            torch_gate_names=("r", "z", "n"),
            torch_order=("r", "z", "h"),
            torch_activations=("tanh",),
            torch_gate_activation="sigmoid",
            keeps_two_biases=True,
            elementwise=14,
            saved=7,
            saved_initial=0,
        ),
        Family(
            name="LSTM",
            gates=4,
            states=("state_h", "state_c"),
            gate_names=("i", "f", "c", "o"),
            torch_name="LSTM",
            torch_gate_names=("i", "f", "g", "o"),
            torch_order=("i", "f", "c", "o"),
            torch_activations=("tanh",),
            torch_gate_activation="sigmoid",
            keeps_two_biases=False,
            elementwise=17,
            saved=7,
            saved_initial=0,
        ),
    )
}
# The same families by PyTorch's module names: RNN, GRU, LSTM (and their cells, RNNCell, ...)
TORCH_FAMILIES: dict[str, Family] = {family.torch_name: family for family in FAMILIES.values()}
