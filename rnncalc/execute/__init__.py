"""The NumPy reference executor: layers and saved models run without a framework.

Optional: `pip install "rnncalc[exec]"` (NumPy and h5py). Imported only when used.
"""

from rnncalc.errors import RnncalcError
from rnncalc.i18n import _

try:
    import numpy  # noqa: F401
except ImportError:  # pragma: no cover - exercised where the extra is missing
    raise RnncalcError(_("running layers needs NumPy"), 'pip install "rnncalc[exec]"') from None

from rnncalc.execute import io
from rnncalc.execute.convert import keras_to_torch, torch_to_keras
from rnncalc.execute.layers import LayerRunner, random_weights, run_layer
from rnncalc.execute.models import run_model

__all__ = [
    "LayerRunner",
    "io",
    "keras_to_torch",
    "random_weights",
    "run_layer",
    "run_model",
    "torch_to_keras",
]
