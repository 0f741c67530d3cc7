"""rnncalc: shapes, parameter counts and errors of recurrent layers, without a framework.

The names below load with their stage, when first used: a question loads only what it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rnncalc.api import compare, config_class, parse_layer, summary, table
    from rnncalc.calc.model import model_summary
    from rnncalc.calc.planning import grid, memory_plan
    from rnncalc.config.conv import (
        ConvLSTM1DConfig,
        ConvLSTM2DConfig,
        ConvLSTM3DConfig,
        ConvLSTMConfig,
    )
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
    from rnncalc.i18n import set_language
    from rnncalc.report import LayerReport, WeightReport
    from rnncalc.report.models import ModelLayerReport, ModelReport
    from rnncalc.report.tables import (
        CompareReport,
        OutputMapping,
        TableReport,
        TableRow,
        WeightMapping,
    )

__version__ = "0.2.0"

_WHERE = {
    "compare": "rnncalc.api",
    "config_class": "rnncalc.api",
    "parse_layer": "rnncalc.api",
    "summary": "rnncalc.api",
    "table": "rnncalc.api",
    "grid": "rnncalc.calc.planning",
    "memory_plan": "rnncalc.calc.planning",
    "ConvLSTM1DConfig": "rnncalc.config.conv",
    "ConvLSTM2DConfig": "rnncalc.config.conv",
    "ConvLSTM3DConfig": "rnncalc.config.conv",
    "ConvLSTMConfig": "rnncalc.config.conv",
    "DataFormat": "rnncalc.config.enums",
    "Framework": "rnncalc.config.enums",
    "KerasVersion": "rnncalc.config.enums",
    "MergeMode": "rnncalc.config.enums",
    "Padding": "rnncalc.config.enums",
    "FAMILIES": "rnncalc.config.families",
    "InputArgs": "rnncalc.config.inputs",
    "CuDNNGRUConfig": "rnncalc.config.keras",
    "CuDNNLSTMConfig": "rnncalc.config.keras",
    "GRUCellConfig": "rnncalc.config.keras",
    "GRUConfig": "rnncalc.config.keras",
    "LSTMCellConfig": "rnncalc.config.keras",
    "LSTMConfig": "rnncalc.config.keras",
    "RecurrentConfig": "rnncalc.config.keras",
    "SimpleRNNCellConfig": "rnncalc.config.keras",
    "SimpleRNNConfig": "rnncalc.config.keras",
    "TorchConfig": "rnncalc.config.torch",
    "TorchGRUConfig": "rnncalc.config.torch",
    "TorchLSTMConfig": "rnncalc.config.torch",
    "TorchRNNConfig": "rnncalc.config.torch",
    "BidirectionalConfig": "rnncalc.config.wrappers",
    "RNNConfig": "rnncalc.config.wrappers",
    "StackedRNNCellsConfig": "rnncalc.config.wrappers",
    "RnncalcError": "rnncalc.errors",
    "set_language": "rnncalc.i18n",
    "CompareReport": "rnncalc.report.tables",
    "LayerReport": "rnncalc.report",
    "ModelLayerReport": "rnncalc.report.models",
    "ModelReport": "rnncalc.report.models",
    "OutputMapping": "rnncalc.report.tables",
    "TableReport": "rnncalc.report.tables",
    "TableRow": "rnncalc.report.tables",
    "WeightMapping": "rnncalc.report.tables",
    "WeightReport": "rnncalc.report",
    "model_summary": "rnncalc.calc.model",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'rnncalc' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [*_WHERE, "__version__"]
