"""Every layer rnncalc answers for: Keras's recurrent layers and wrappers, and PyTorch's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rnncalc.config.keras import KerasConfig
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, RNNConfig, SequenceLayer

AnyLayer = SequenceLayer | BidirectionalConfig | TorchConfig


def parts(layer: AnyLayer) -> list[KerasConfig]:
    """The Keras layer and every layer or cell inside it (PyTorch's module: none)."""
    if isinstance(layer, TorchConfig):
        return []
    if isinstance(layer, BidirectionalConfig):
        return [layer, *(part for inner in held(layer) for part in parts(inner))]
    cells = layer.cells if isinstance(layer, RNNConfig) else ()
    return [layer, *cells]


def held(layer: AnyLayer) -> tuple[SequenceLayer, ...]:
    """The layers a wrapper holds: Bidirectional's layer, and its backward_layer if given."""
    if not isinstance(layer, BidirectionalConfig):
        return ()
    return (layer.layer, *((layer.backward_layer,) if layer.backward_layer else ()))


def through(layer: AnyLayer, change: Callable[[Any], Any]) -> AnyLayer:
    """A wrapper with `change` applied to each layer it holds (Bidirectional passes its
    settings on to both directions); any other layer unchanged."""
    if not isinstance(layer, BidirectionalConfig):
        return layer
    update = {"layer": change(layer.layer)}
    if layer.backward_layer is not None:
        update["backward_layer"] = change(layer.backward_layer)
    return layer.model_copy(update=update)
