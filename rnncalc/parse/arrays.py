"""What model code does with the arrays it is given (`--set X.shape=...`): shapes only.

`X[:, :-1]`, `X.reshape(-1, 10, 1)`, `np.expand_dims(X, -1)`, `np.zeros((100, 10))` and the like
give arrays whose shapes follow NumPy's rules, so that `X.shape[1]` stays known after the data
preparation a snippet keeps. Anything else done to an array leaves an unknown value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import prod
from typing import Any

from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.limits import check_size

Dims = tuple[Any, ...]  # sizes, None where unknown


RANK = 64  # NumPy's own limit on the axes of an array


@dataclass(frozen=True)
class Array:
    """A free name given as an array: only its shape is known (`X_train.shape[1]`)."""

    shape: Dims

    def __post_init__(self) -> None:
        if len(self.shape) > RANK:
            raise RnncalcError(
                _("an array of {count} axes: NumPy takes at most {limit}").format(
                    count=len(self.shape), limit=RANK
                ),
                _("use fewer"),
            )


def index(shape: Dims, key: Any) -> Array | None:
    """`X[key]`: ints drop an axis, slices keep it (shortened), `...` and None as NumPy; None
    where the key is not one of those."""
    keys = list(key) if isinstance(key, tuple) else [key]
    if sum(k is Ellipsis for k in keys) > 1:
        return None
    if Ellipsis in keys:
        at = keys.index(Ellipsis)
        used = sum(k is not None for k in keys) - 1
        keys[at : at + 1] = [slice(None)] * max(len(shape) - used, 0)
    found: list[Any] = []
    axis = 0
    for k in keys:
        if k is None:
            found.append(1)
            continue
        if axis >= len(shape):
            raise RnncalcError(
                _("too many indices for an array of {count} axes").format(count=len(shape)),
                _("index fewer axes"),
            )
        size = shape[axis]
        if isinstance(k, bool) or not isinstance(k, int | slice):
            return None
        if isinstance(k, slice):
            if not all(v is None or type(v) is int for v in (k.start, k.stop, k.step)):
                return None
            found.append(None if size is None else len(range(*k.indices(size))))
        elif size is not None and not -size <= k < size:
            raise RnncalcError(
                _("index {index} is out of bounds for an axis of size {size}").format(
                    index=k, size=size
                ),
                _("index within it"),
            )
        axis += 1
    return Array((*found, *shape[axis:]))


def reshape(shape: Dims, new: Any) -> Array:
    """`X.reshape(...)` with NumPy's one -1."""
    dims = tuple(new[0]) if len(new) == 1 and isinstance(new[0], tuple | list) else tuple(new)
    if not all(type(d) is int and d >= -1 for d in dims) or list(dims).count(-1) > 1:
        raise RnncalcError(
            _("cannot reshape to {sizes!r}").format(sizes=dims),
            _("give sizes, and at most one -1"),
        )
    for d in dims:
        check_size(d, _("an axis of the reshaped array"))
    if -1 in dims:
        known = prod(d for d in dims if d != -1)
        if None in shape or known == 0:
            return Array(tuple(None if d == -1 else d for d in dims))
        total = prod(shape)
        if total % known:
            raise RnncalcError(
                _("cannot reshape an array of shape {shape} into {sizes}").format(
                    shape=shape, sizes=dims
                ),
                _("keep the total size"),
            )
        return Array(tuple(total // known if d == -1 else d for d in dims))
    if None not in shape and prod(shape) != prod(dims):
        raise RnncalcError(
            _("cannot reshape an array of shape {shape} into {sizes}").format(
                shape=shape, sizes=dims
            ),
            _("keep the total size"),
        )
    return Array(dims)


def expand_dims(shape: Dims, axis: int) -> Array:
    rank = len(shape) + 1
    if not -rank <= axis < rank:
        raise RnncalcError(
            _("axis {axis} is out of bounds for {rank} axes").format(axis=axis, rank=rank),
            _("give a valid axis"),
        )
    at = axis % rank
    return Array((*shape[:at], 1, *shape[at:]))


def squeeze(shape: Dims, axis: Any = None) -> Array:
    if axis is None:
        return Array(tuple(d for d in shape if d != 1))
    axes = {a % len(shape) for a in (axis if isinstance(axis, tuple | list) else [axis])}
    return Array(tuple(d for i, d in enumerate(shape) if i not in axes))


def _sizes(args: list[Any], kwargs: dict[str, Any], name: str = "size") -> Dims | None:
    given = kwargs.get(name, kwargs.get("shape", args[0] if args else None))
    if isinstance(given, int):
        given = (given,)
    if not isinstance(given, tuple | list) or not all(type(d) is int and d >= 0 for d in given):
        return None
    for d in given:
        check_size(d, _("an axis of an array"))
    return tuple(given)


def _made(args: list[Any], kwargs: dict[str, Any]) -> Array | None:
    sizes = _sizes(args, kwargs)
    return None if sizes is None else Array(sizes)


def _dims(args: list[Any], kwargs: dict[str, Any]) -> Array | None:
    """`np.random.rand(100, 10, 1)`: the sizes one by one."""
    if all(type(a) is int and a >= 0 for a in args):
        for a in args:
            check_size(a, _("an axis of an array"))
        return Array(tuple(args))
    return None


def _sampled(args: list[Any], kwargs: dict[str, Any]) -> Array | None:
    """`np.random.normal(0, 1, size=(...))`, `randint(0, 10, (...))`: the shape by `size`."""
    if "size" in kwargs:
        return _made([], {"size": kwargs["size"]})
    return _made(args[2:3], {}) if len(args) >= 3 else None


def _first(function: Callable[..., Array]) -> Callable[[list[Any], dict[str, Any]], Any]:
    """A NumPy function of an array: `np.reshape(X, ...)`, called as `X.reshape(...)`."""

    def called(args: list[Any], kwargs: dict[str, Any]) -> Any:
        if not args or not isinstance(args[0], Array):
            return None
        return function(args[0].shape, *args[1:], *kwargs.values())

    return called


SAME = lambda args, kwargs: args[0] if args and isinstance(args[0], Array) else None  # noqa: E731
# NumPy's functions and Array's methods that change only the shape, by name.
FUNCTIONS: dict[str, Callable[[list[Any], dict[str, Any]], Any]] = {
    "reshape": lambda args, kwargs: (
        reshape(args[0].shape, args[1:] or [kwargs.get("newshape", kwargs.get("shape"))])
        if args and isinstance(args[0], Array)
        else None
    ),
    "expand_dims": _first(expand_dims),
    "squeeze": _first(squeeze),
    "array": SAME,
    "asarray": SAME,
    "astype": SAME,
    "copy": SAME,
    "flatten": lambda args, kwargs: (
        Array((None if None in args[0].shape else prod(args[0].shape),))
        if args and isinstance(args[0], Array)
        else None
    ),
    "zeros": _made,
    "ones": _made,
    "empty": _made,
    "full": _made,
    "zeros_like": SAME,
    "ones_like": SAME,
    "rand": _dims,
    "randn": _dims,
    "random": _made,
    "random_sample": _made,
    "uniform": _sampled,
    "normal": _sampled,
    "randint": _sampled,
}
NUMPY = ("numpy.", "numpy.random.")


def numpy_function(path: str) -> Callable[[list[Any], dict[str, Any]], Any] | None:
    """The shape rule of `numpy.reshape`, `numpy.random.rand` and the like, or None."""
    for prefix in NUMPY:
        name = path.removeprefix(prefix)
        if path.startswith(prefix) and "." not in name and name in FUNCTIONS:
            return FUNCTIONS[name]
    return None
