"""The layers around the recurrent ones, run in NumPy: Dense, Embedding, merges, activations,
padding and pooling along time. Each takes its config, its inputs with their Keras masks, its
weights and the Keras version, and returns its output with its mask."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from rnncalc.config.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.execute.activations import Array, activation
from rnncalc.i18n import _
from rnncalc.parse.graph import Entry, validated

Tensor = tuple[Array, Array | None]  # an array and its Keras mask (batch, timesteps), if any


def _dense(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    x, mask = given[0]
    y = x @ w[0] + (w[1] if len(w) > 1 else 0)
    return activation(config.get("activation", "linear"), keras)(y), mask


def _time_distributed(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    inner = validated(Entry, config.get("layer"), _("the wrapped layer"))
    if inner.class_name != "Dense":
        raise RnncalcError(
            _("the executor runs TimeDistributed(Dense), not TimeDistributed({layer})").format(
                layer=inner.class_name
            ),
            _("rnncalc model counts its shapes and parameters without running it"),
        )
    return _dense(inner.config, given, w, keras)  # Dense acts on the last axis at every step


def _embedding(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    values = given[0][0]
    rows = w[0].shape[0]
    whole = np.isfinite(values).all() and (values == np.round(values)).all()
    if not whole or values.min(initial=0) < 0 or values.max(initial=0) >= rows:
        raise RnncalcError(
            _(
                "Embedding takes whole numbers from 0 to {largest} (its input_dim), and the "
                "input holds others"
            ).format(largest=rows - 1),
            _("give token ids within the vocabulary"),
        )
    ids = values.astype(np.int64)
    return w[0][ids], (ids != 0) if config.get("mask_zero") else None


def _masking(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    x = given[0][0]
    keep = np.any(x != config.get("mask_value", 0.0), axis=-1)
    return x * keep[..., None], keep


def _merge(op: Callable[[list[Array]], Array]) -> Callable[..., Tensor]:
    """A merge layer: its inputs combined two at a time (never stacked: a thousand inputs
    take no more memory than two), and their masks together, as Keras ANDs them."""

    def merged(
        config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
    ) -> Tensor:
        masks = [mask for _, mask in given if mask is not None]
        mask = functools.reduce(np.logical_and, masks) if masks else None
        return op([x for x, _ in given]), mask

    return merged


def _concatenate(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    """Concatenate, and its mask as Keras makes it: the masks joined along the time axis where
    the tensors are, else ANDed (an input without a mask counts as unmasked)."""
    arrays = [x for x, _ in given]
    axis = config.get("axis", -1) % arrays[0].ndim
    joined = np.concatenate(arrays, axis=axis)
    if all(mask is None for _, mask in given):
        return joined, None
    masks = [np.ones(x.shape[:2], bool) if m is None else m for x, m in given]
    return joined, np.concatenate(masks, axis=1) if axis == 1 else functools.reduce(
        np.logical_and, masks
    )


def _reshape(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    x = given[0][0]
    return x.reshape(x.shape[0], *config["target_shape"]), None


def _padded(sign: int) -> Callable[..., Tensor]:
    """ZeroPadding1D (sign 1) or Cropping1D (-1) along the time axis; the mask is dropped."""

    def padded(
        config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
    ) -> Tensor:
        x = given[0][0]
        amount = config.get("padding" if sign > 0 else "cropping", 1)  # Keras's defaults
        before, after = (amount, amount) if isinstance(amount, int) else amount
        if sign > 0:
            return np.pad(x, ((0, 0), (before, after), (0, 0))), None
        return x[:, before : x.shape[1] - after], None

    return padded


def _relu(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    x, mask = given[0]
    slope = config.get("negative_slope") or 0.0
    threshold = config.get("threshold") or 0.0
    y = np.where(x >= threshold, x, slope * (x - threshold))
    top = config.get("max_value")
    return (y if top is None else np.minimum(y, top)), mask


def _leaky(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    x, mask = given[0]
    slope = config.get("negative_slope", config.get("alpha", 0.3))  # Keras 3's name, Keras 2's
    return np.where(x >= 0, x, slope * x), mask


def _elu(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    x, mask = given[0]
    alpha = config.get("alpha", 1.0)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), mask


def _softmax(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    x, mask = given[0]
    axis = config.get("axis", -1)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True), mask


def _global(average: bool) -> Callable[..., Tensor]:
    """GlobalAveragePooling1D (over the unmasked steps, as Keras) or GlobalMaxPooling1D."""

    def pooled(
        config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
    ) -> Tensor:
        x, mask = given[0]
        if config.get("data_format") == "channels_first":
            x, mask = np.swapaxes(x, 1, 2), None
        keep = np.ones(x.shape[:2], bool) if mask is None or not average else mask
        if average:
            weights = keep[..., None].astype(x.dtype)
            y = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1)
        else:
            y = x.max(axis=1)
        return (y[:, None] if config.get("keepdims") else y), None

    return pooled


def _same(
    config: dict[str, Any], given: list[Tensor], w: list[Array], keras: KerasVersion
) -> Tensor:
    return given[0]  # noise, dropout, regularization: nothing at inference


SIMPLE: dict[str, Callable[..., Tensor]] = {
    "Dense": _dense,
    "TimeDistributed": _time_distributed,
    "Embedding": _embedding,
    "Masking": _masking,
    **dict.fromkeys(
        (
            "Dropout",
            "SpatialDropout1D",
            "GaussianNoise",
            "GaussianDropout",
            "AlphaDropout",
            "ActivityRegularization",
        ),
        _same,
    ),
    "ReLU": _relu,
    "LeakyReLU": _leaky,
    "ELU": _elu,
    "Softmax": _softmax,
    "PReLU": lambda c, g, w, k: (np.where(g[0][0] >= 0, g[0][0], w[0] * g[0][0]), g[0][1]),
    "ZeroPadding1D": _padded(1),
    "Cropping1D": _padded(-1),
    "UpSampling1D": lambda c, g, w, k: (np.repeat(g[0][0], c.get("size", 2), axis=1), None),
    "GlobalAveragePooling1D": _global(average=True),
    "GlobalMaxPooling1D": _global(average=False),
    "Activation": lambda c, g, w, k: (activation(c.get("activation"), k)(g[0][0]), g[0][1]),
    "Flatten": lambda c, g, w, k: (g[0][0].reshape(g[0][0].shape[0], -1), None),
    "Reshape": _reshape,
    "RepeatVector": lambda c, g, w, k: (np.repeat(g[0][0][:, None], c["n"], axis=1), None),
    "Concatenate": _concatenate,
    "Add": _merge(lambda xs: functools.reduce(np.add, xs)),
    "Multiply": _merge(lambda xs: functools.reduce(np.multiply, xs)),
    "Average": _merge(lambda xs: functools.reduce(np.add, xs) / len(xs)),
}
