"""Every bound rnncalc puts on its input, checked before anything is allocated or looped.

Each limit is far above what a real layer, model or file needs and low enough that a hostile
input is refused within a second and a gigabyte. docs/speed.md lists them with their reasons
(a test keeps the two in step).
"""

from __future__ import annotations

from typing import NamedTuple

from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, _


class Limit(NamedTuple):
    """One bound: its value, what it counts, and why it is where it is."""

    value: int
    counts: str  # what the value counts, for messages: "characters", "bytes", ... (N_-marked)
    why: str

    def check(self, found: int, what: str, fix: str) -> None:
        """Refuse `found` above the limit, naming `what` and the limit.

        Example:
            >>> EXPRESSION_LENGTH.check(12, "the layer expression", "write one layer call")
            >>> EXPRESSION_LENGTH.check(20_000, "the layer expression", "write one layer call")
            Traceback (most recent call last):
            ...
            rnncalc.errors.RnncalcError: the layer expression has 20,000 characters, more than \
rnncalc's limit of 10,000. Fix: write one layer call
        """
        if found > self.value:
            raise RnncalcError(
                _("{what} has {amount} {counts}, more than rnncalc's limit of {limit:,}").format(
                    what=what, amount=amount(found), counts=_(self.counts), limit=self.value
                ),
                fix,
            )


def amount(number: int) -> str:
    """A count for a message, even one too long for Python to print (over 4,300 digits).

    Example:
        >>> amount(12345), amount(10**5000)
        ('12,345', 'about 10^5000')
    """
    if number.bit_length() <= 256:
        return f"{number:,}"
    return _("about 10^{exponent}").format(exponent=int(number.bit_length() * 0.30103))


def check_size(number: int, what: str) -> None:
    """Refuse an integer no tensor can have as a size, before any arithmetic overflows.

    Example:
        >>> check_size(10**30, "units")
        Traceback (most recent call last):
        ...
        rnncalc.errors.RnncalcError: units is 1,000,000,000,000,000,000,000,000,000,000, larger \
than any size a tensor can have (9,223,372,036,854,775,807). Fix: give a size that fits in 64 bits
    """
    if abs(number) > SIZE.value:
        raise RnncalcError(
            _("{what} is {amount}, larger than any size a tensor can have ({limit:,})").format(
                what=what, amount=amount(number), limit=SIZE.value
            ),
            _("give a size that fits in 64 bits"),
        )


# What people type
EXPRESSION_LENGTH = Limit(10_000, N_("characters"), "a layer call is a line or two of code")
EXPRESSION_DEPTH = Limit(
    32, N_("levels of nesting"), "wrappers and cell lists nest a few levels; Python's parser less"
)
SIZE = Limit(
    2**63 - 1,
    N_("as one size"),
    "TensorFlow and PyTorch hold sizes in 64-bit integers; a larger one is no tensor",
)

# Saved models
CONFIG_BYTES = Limit(
    16 * 2**20,
    N_("bytes"),
    "real model configs are kilobytes to a few MiB; reading 16 MiB takes a second",
)
JSON_VALUES = Limit(
    1_000_000,
    N_("values (counted as commas and brackets)"),
    "a 10,000-layer Keras 3 model has about 600,000; a million parse in about a second",
)
JSON_DEPTH = Limit(100, N_("levels of nesting"), "Keras's configs nest about 20 deep at most")
MODEL_LAYERS = Limit(
    10_000,
    N_("layers and cells"),
    "the largest Keras applications have about 1,000 layers; each costs a check",
)
MODEL_CALLS = Limit(
    20_000,
    N_("layer calls"),
    "each call is computed (a nested model's anew for new shapes); models call each layer once "
    "or twice",
)
CODE_BYTES = Limit(
    1_000_000, N_("bytes"), "model-building code is a few kilobytes; a whole notebook's export less"
)
CODE_STEPS = Limit(
    1_000_000,
    N_("steps (statements and expressions evaluated)"),
    "building a model takes hundreds; a million take about a second, so a loop without end "
    "is refused within one",
)
CODE_DEPTH = Limit(50, N_("levels of calls"), "helper functions call each other a few levels deep")
CODE_ITEMS = Limit(
    100_000, N_("items"), "lists, ranges and strings in model code hold a few hundred at most"
)
CELLS = Limit(1_000, N_("cells"), "an RNN over stacked cells stacks a handful")
ARCHIVE_MEMBERS = Limit(10_000, N_("files"), "a .keras archive holds three")

# PyTorch modules
TORCH_LAYERS = Limit(1_000, N_("layers"), "num_layers stacks a few; each adds four weights")

# Planning
SWEEP_POINTS = Limit(20_000, N_("values"), "a sweep of 20,000 points takes about a second")
GRID_POINTS = Limit(10_000, N_("combinations"), "each combination is a whole analysis")
ANALYSED_LAYERS = Limit(
    50_000,
    N_("layers to analyse"),
    "a sweep or grid analyses about 50,000 layers a second; num_layers=4 counts as four",
)
BUDGET = Limit(2**63, N_("bytes"), "8 EiB: no machine has more memory than a 64-bit count")

# Files the executor reads (arrays, weights) and what it runs
FILE_BYTES = Limit(4 * 2**30, N_("bytes"), "the largest input or weights file opened at all")
ARRAY_BYTES = Limit(
    512 * 2**20,
    N_("bytes"),
    "arrays read from one file (.npy, .npz, HDF5 datasets), checked on their headers",
)
HDF5_OBJECTS = Limit(
    20_000,
    N_("groups, datasets and links"),
    "a Keras weights file has a few per layer; each costs 0.1 ms",
)
HDF5_CHUNKS = Limit(
    100_000, N_("chunks"), "Keras stores datasets whole; each chunk read costs about 10 µs"
)
RUN_VALUES = Limit(2**26, N_("values"), "weights, input and outputs of one run: 256 MiB of float32")
RUN_STEPS = Limit(
    100_000,
    N_("steps (timesteps × stacked layers or cells × directions)"),
    "each step is a round of NumPy calls, about 20 µs; counted across a model's layers",
)
RUN_MACS = Limit(10**10, N_("multiply-accumulates"), "a few seconds of NumPy on two cores")

ALL = {name: value for name, value in globals().items() if isinstance(value, Limit)}
