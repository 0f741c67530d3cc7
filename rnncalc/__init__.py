"""rnncalc: shapes, parameter counts and errors of recurrent layers, without a framework."""

from rnncalc.api import compare, config_class, parse_layer, summary, table
from rnncalc.calc.planning import grid, memory_plan
from rnncalc.config.conv import ConvLSTM1DConfig, ConvLSTM2DConfig, ConvLSTM3DConfig, ConvLSTMConfig
from rnncalc.config.enums import DataFormat, Framework, KerasVersion, MergeMode, Padding
from rnncalc.config.families import FAMILIES
from rnncalc.config.inputs import InputArgs
from rnncalc.config.keras import (
    CuDNNGRUConfig,
    CuDNNLSTMConfig,
    GRUCellConfig,
    GRUConfig,
    LSTMCellConfig,
    LSTMConfig,
    RecurrentConfig,
    SimpleRNNCellConfig,
    SimpleRNNConfig,
)
from rnncalc.config.torch import TorchConfig, TorchGRUConfig, TorchLSTMConfig, TorchRNNConfig
from rnncalc.config.wrappers import BidirectionalConfig, RNNConfig, StackedRNNCellsConfig
from rnncalc.errors import RnncalcError
from rnncalc.report import (
    CompareReport,
    LayerReport,
    ModelLayerReport,
    ModelReport,
    OutputMapping,
    TableReport,
    TableRow,
    WeightMapping,
    WeightReport,
)

__version__ = "0.2.0"


def __getattr__(name: str) -> object:
    # `rnncalc model` reads files; the calculator's start-up needs none of that code.
    if name == "model_summary":
        from rnncalc.calc.model import model_summary

        return model_summary
    raise AttributeError(f"module 'rnncalc' has no attribute {name!r}")


__all__ = [
    "FAMILIES",
    "BidirectionalConfig",
    "CompareReport",
    "ConvLSTM1DConfig",
    "ConvLSTM2DConfig",
    "ConvLSTM3DConfig",
    "ConvLSTMConfig",
    "CuDNNGRUConfig",
    "CuDNNLSTMConfig",
    "DataFormat",
    "Framework",
    "GRUCellConfig",
    "GRUConfig",
    "InputArgs",
    "KerasVersion",
    "LSTMCellConfig",
    "LSTMConfig",
    "LayerReport",
    "MergeMode",
    "ModelLayerReport",
    "ModelReport",
    "OutputMapping",
    "Padding",
    "RNNConfig",
    "RecurrentConfig",
    "RnncalcError",
    "SimpleRNNCellConfig",
    "SimpleRNNConfig",
    "StackedRNNCellsConfig",
    "TableReport",
    "TableRow",
    "TorchConfig",
    "TorchGRUConfig",
    "TorchLSTMConfig",
    "TorchRNNConfig",
    "WeightMapping",
    "WeightReport",
    "__version__",
    "compare",
    "config_class",
    "grid",
    "memory_plan",
    "model_summary",
    "parse_layer",
    "summary",
    "table",
]
