"""Attention layers found over RNN outputs: Attention (Luong), AdditiveAttention (Bahdanau) and
MultiHeadAttention, with output shapes and weights as Keras gives them."""

from __future__ import annotations

from math import prod
from typing import ClassVar, Literal

from pydantic import Field

from rnncalc.calc.plain import PlainConfig
from rnncalc.calc.weights import WeightSpec
from rnncalc.config.inputs import Shape, shape_text
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _


def _inputs(shapes: list[Shape], layer: str) -> tuple[Shape, Shape, Shape]:
    """The query, the value and the key (the value unless given) of an attention call."""
    if len(shapes) not in (2, 3):
        raise RnncalcError(
            _("{layer} takes a query and a value (and a key), got {count} inputs").format(
                layer=layer, count=len(shapes)
            ),
            _("call it on [query, value]: {layer}()([query, value])").format(layer=layer),
        )
    query, value = shapes[0], shapes[1]
    return query, value, shapes[2] if len(shapes) == 3 else value


def _last(shape: Shape, layer: str, what: str) -> int:
    if not shape or shape[-1] is None:
        raise RnncalcError(
            _("{layer} needs the last axis of its {what}, got {shape}").format(
                layer=layer, what=what, shape=shape_text(shape)
            ),
            _("give that axis a size"),
        )
    return shape[-1]


class AttentionConfig(PlainConfig):
    """Attention: scores from the query and key, averaging the value; a scalar weight for
    `use_scale`, another for `score_mode="concat"`."""

    inputs: ClassVar[int | None] = None
    use_scale: bool = False
    score_mode: Literal["dot", "concat"] = "dot"

    def outputs(self, shapes: list[Shape]) -> Shape:
        query, value, _ = _inputs(shapes, "Attention")
        return (*query[:-1], value[-1])

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        found = [WeightSpec("scale", (), "()")] if self.use_scale else []
        concat = [WeightSpec("concat_score_weight", (), "()")]
        return found + (concat if self.score_mode == "concat" else [])


class AdditiveAttentionConfig(PlainConfig):
    """AdditiveAttention: a scale per feature unless `use_scale=False`."""

    inputs: ClassVar[int | None] = None
    use_scale: bool = True

    def outputs(self, shapes: list[Shape]) -> Shape:
        query, value, _ = _inputs(shapes, "AdditiveAttention")
        return (*query[:-1], value[-1])

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        if not self.use_scale:
            return []
        query, _, _ = _inputs(shapes, "AdditiveAttention")
        return [WeightSpec("scale", (_last(query, "AdditiveAttention", "query"),), "(dim,)")]


class MultiHeadAttentionConfig(PlainConfig):
    """MultiHeadAttention: query, key and value projections into `num_heads` heads, and one
    projection of the heads back to the output's size."""

    inputs: ClassVar[int | None] = None
    num_heads: int = Field(ge=1)
    key_dim: int = Field(ge=1)
    value_dim: int | None = Field(None, ge=1)
    output_shape: int | tuple[int, ...] | None = None
    use_bias: bool = True

    def sizes(self, shapes: list[Shape]) -> tuple[int, int, int, tuple[int, ...]]:
        query, value, key = _inputs(shapes, "MultiHeadAttention")
        q, v, k = (
            _last(s, "MultiHeadAttention", n)
            for s, n in ((query, "query"), (value, "value"), (key, "key"))
        )
        given = self.output_shape
        out = (q,) if given is None else (given,) if isinstance(given, int) else tuple(given)
        return q, v, k, out

    def outputs(self, shapes: list[Shape]) -> Shape:
        query = shapes[0]
        return (*query[:-1], *self.sizes(shapes)[3])

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        q, v, k, out = self.sizes(shapes)
        heads, key_dim = self.num_heads, self.key_dim
        value_dim = self.value_dim or key_dim
        found = []
        for name, features, per_head, symbol in (
            ("query", q, key_dim, "key_dim"),
            ("key", k, key_dim, "key_dim"),
            ("value", v, value_dim, "value_dim"),
        ):
            found.append(
                WeightSpec(
                    f"{name}/kernel",
                    (features, heads, per_head),
                    f"({name}_features, num_heads, {symbol})",
                )
            )
            if self.use_bias:
                found.append(
                    WeightSpec(f"{name}/bias", (heads, per_head), f"(num_heads, {symbol})")
                )
        found.append(
            WeightSpec(
                "attention_output/kernel",
                (heads, value_dim, *out),
                "(num_heads, value_dim, output_dim)",
            )
        )
        if self.use_bias:
            found.append(WeightSpec("attention_output/bias", out, "(output_dim,)"))
        return found

    def macs(self, shapes: list[Shape], out: tuple[int, ...]) -> int:
        """The projections, the scores and the weighted sum, for known shapes."""
        query, value, key = _inputs(shapes, "MultiHeadAttention")
        if None in (*query, *value, *key):
            return 0
        q_steps, v_steps = prod(query[1:-1]), prod(value[1:-1])  # type: ignore[arg-type]
        batch = query[0] or 0
        projections = sum(
            prod(w.shape) * (q_steps if w.name.startswith(("query", "attention")) else v_steps)
            for w in self.weights(shapes)
            if w.name.endswith("kernel")
        )
        value_dim = self.value_dim or self.key_dim
        scores = self.num_heads * q_steps * v_steps * (self.key_dim + value_dim)
        return batch * (projections + scores)


ATTENTION: dict[str, type[PlainConfig]] = {
    "Attention": AttentionConfig,
    "AdditiveAttention": AdditiveAttentionConfig,
    "MultiHeadAttention": MultiHeadAttentionConfig,
}
