"""Every layer rnncalc answers for: Keras's recurrent layers and wrappers, and PyTorch's."""

from __future__ import annotations

from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, SequenceLayer

AnyLayer = SequenceLayer | BidirectionalConfig | TorchConfig
