"""rnncalc: shapes, parameter counts and errors of recurrent layers, without a framework."""

from rnncalc.api import parse_layer, summary, table
from rnncalc.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.inputs import InputArgs
from rnncalc.layers import FAMILIES, GRUConfig, LSTMConfig, RecurrentConfig, SimpleRNNConfig
from rnncalc.report import LayerReport, TableReport, TableRow, WeightReport

__version__ = "0.1.0"

__all__ = [
    "FAMILIES",
    "GRUConfig",
    "InputArgs",
    "KerasVersion",
    "LSTMConfig",
    "LayerReport",
    "RecurrentConfig",
    "RnncalcError",
    "SimpleRNNConfig",
    "TableReport",
    "TableRow",
    "WeightReport",
    "__version__",
    "parse_layer",
    "summary",
    "table",
]
