"""The input-shape arguments a layer takes, and the full input shape they resolve to."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rnncalc.config.keras import KERAS2, arg

Dim = int | None
Shape = tuple[Dim, ...]


class InputArgs(BaseModel):
    """The input-shape arguments a Keras layer takes (they make Keras add an `InputLayer`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    input_shape: tuple[Dim, ...] | None = arg(
        None,
        "Shape of one sample, without the batch axis: `(timesteps, features)`. Keras adds "
        "the batch axis in front. Keras 3 accepts it with a warning.",
    )
    batch_input_shape: tuple[Dim, ...] | None = arg(
        None,
        "Full input shape, batch axis included: `(batch, timesteps, features)`. Wins over "
        "`input_shape` and `batch_size`. Keras 3: `keras.Input(batch_shape=...)`.",
        keras=KERAS2,
    )
    input_dim: Dim = arg(
        None,
        "Number of features; with `input_length`, the same as "
        "`input_shape=(input_length, input_dim)`. Ignored when `input_shape` is given. Keras 3 "
        "reads it as `input_shape=(input_dim,)`, a 2-D input that recurrent layers refuse.",
    )
    input_length: Dim = arg(
        None, "Number of timesteps, used together with `input_dim`.", keras=KERAS2
    )
    batch_size: Dim = arg(
        None,
        "Fixed batch size put in front of `input_shape`. Keras 3: "
        "`keras.Input(shape=..., batch_size=...)`.",
        keras=KERAS2,
    )

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(cls.model_fields)


class ResolvedInput(BaseModel):
    """The full input shape (batch axis included) and the argument(s) it came from."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    shape: Shape = Field(description="Full input shape, batch axis included; `None` is unknown.")
    given: tuple[str, ...] = Field(
        description="The arguments or options the shape was read from, first the one that "
        "gave it (`input_shape`, `--batch-input-shape`), then those that filled an axis."
    )
    note: str = Field("", description="How the shape differs from what was given.")

    @property
    def source(self) -> str:
        """The origin in words, as reports give it: `input_shape+batch_size`."""
        return "+".join(self.given) + (f", {self.note}" if self.note else "")


def dim_text(d: Dim) -> str:
    return "None" if d is None else str(d)


def shape_text(shape: Shape) -> str:
    """`(None, 10, 64)`: a shape as Python and Keras print it."""
    return "(" + ", ".join(dim_text(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
