"""The shapes PyTorch's modules, functions and tensor methods return, from the shapes they are
given, with PyTorch's errors where it would refuse them."""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import Any

from rnncalc.calc import rules
from rnncalc.calc.cells import check_step
from rnncalc.calc.plan import plan
from rnncalc.calc.shapes import returned
from rnncalc.calc.states import check_states
from rnncalc.config.enums import KerasVersion
from rnncalc.config.families import TORCH_FAMILIES
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.parse.construct import torch_from_call
from rnncalc.parse.expressions import LayerCall
from rnncalc.parse.inputs import check_shape
from rnncalc.parse.torch_tree import Module, Packed, Size, Tensor

Shape = tuple[int, ...]
Rule = Callable[[dict[str, Any], list[Any], dict[str, Any]], Any]


def run(callee: Module | str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """What a module, or a function or method by name, returns for these inputs.

    Example:
        >>> from rnncalc.calc.torch_modules import build
        >>> run(build("Linear", [64, 5], {}), [Tensor((4, 64))], {})
        Tensor(shape=(4, 5))
    """
    if isinstance(callee, Module):
        rule = MODULES.get(callee.class_name)
        if rule is None:
            raise RnncalcError(
                _("rnncalc does not follow {module}'s forward yet").format(
                    module=callee.class_name
                ),
                _(
                    "its parameters are counted; give shapes after it with --input-shape to a "
                    "module further on"
                ),
            )
        return rule(callee.arguments or {}, args, kwargs)
    rule = FUNCTIONS.get(callee)
    if rule is None:
        raise RnncalcError(
            _("rnncalc does not follow `{function}` yet").format(function=callee),
            _("use a module instead"),
        )
    return rule({}, args, kwargs)


def _tensor(value: Any, what: str | None = None) -> Tensor:
    """`value` as a tensor; `what` names it in the error (an argument's name; the input)."""
    if isinstance(value, Tensor):
        return value
    raise RnncalcError(
        _("{what} is {kind}, not a tensor rnncalc knows the shape of").format(
            what=_("the input") if what is None else what, kind=type(value).__name__
        ),
        _("follow forward from tensors: --input-shape for each input"),
    )


def _dim(dim: int, ndim: int) -> int:
    if not isinstance(dim, int) or not -max(ndim, 1) <= dim < max(ndim, 1):
        raise RnncalcError(
            _(
                "Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
            ).format(low=-ndim, high=ndim - 1, dim=dim),
            _("give a dimension the tensor has"),
        )
    return dim % max(ndim, 1)


# -- modules


def _same(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    return _tensor(args[0] if args else kwargs.get("input"))


def _linear(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    if not x.shape or x.shape[-1] != a["in_features"]:
        rows = prod(x.shape[:-1]) if x.shape else 1
        raise RnncalcError(
            _(
                "mat1 and mat2 shapes cannot be multiplied ({rows}x{columns} and "
                "{in_features}x{out_features})"
            ).format(
                rows=rows,
                columns=x.shape[-1] if x.shape else 1,
                in_features=a["in_features"],
                out_features=a["out_features"],
            ),
            _("give it {in_features} features in the last axis, or change in_features").format(
                in_features=a["in_features"]
            ),
        )
    return Tensor((*x.shape[:-1], a["out_features"]))


def _bilinear(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x1, x2 = _tensor(args[0]), _tensor(args[1])
    if x1.shape[-1:] != (a["in1_features"],) or x2.shape[-1:] != (a["in2_features"],):
        raise RnncalcError(
            _("Input1 and input2 features must match in1_features and in2_features"),
            _("fix either"),
        )
    return Tensor((*x1.shape[:-1], a["out_features"]))


def _embedding(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    return Tensor((*_tensor(args[0]).shape, a["embedding_dim"]))


def _embedding_bag(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    if len(x.shape) == 2:
        return Tensor((x.shape[0], a["embedding_dim"]))
    offsets = args[1] if len(args) > 1 else kwargs.get("offsets")
    count = _tensor(offsets, "offsets").shape[0] if offsets is not None else 1
    return Tensor((count - bool(a["include_last_offset"]), a["embedding_dim"]))


def _window(
    sizes: Shape, kernel: Shape, stride: Shape, padding: Shape, dilation: Shape, ceil: bool
) -> Shape:
    found = []
    for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation, strict=True):
        span = n + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil else span // s) + 1
        if ceil and (out - 1) * s >= n + p:
            out -= 1
        if out <= 0:
            raise RnncalcError(
                _(
                    "Output size is too small: an axis of {size} with kernel {kernel}, stride "
                    "{stride}, padding {padding} and dilation {dilation} leaves {found}"
                ).format(size=n, kernel=k, stride=s, padding=p, dilation=d, found=out),
                _("give a longer input, or a smaller kernel"),
            )
        found.append(out)
    return tuple(found)


def _ntuple(value: Any, n: int) -> Shape:
    return (value,) * n if isinstance(value, int) else tuple(value)


def _spatial(x: Tensor, n: int, channels: int | None, what: str) -> tuple[Shape, Shape]:
    """(batch part, spatial sizes) of a batched (N, C, *sizes) or unbatched (C, *sizes) input."""
    if len(x.shape) not in (n + 1, n + 2):
        raise RnncalcError(
            _(
                "Expected {unbatched}D (unbatched) or {batched}D (batched) input to {module}, but "
                "got input of size: {shape}"
            ).format(unbatched=n + 1, batched=n + 2, module=what, shape=list(x.shape)),
            _("give {shape}").format(
                shape="(N, C, " + ", ".join("L" if n == 1 else f"D{i}" for i in range(n)) + ")"
            ),
        )
    lead, c = x.shape[: -n - 1], x.shape[-n - 1]
    if channels is not None and c != channels:
        raise RnncalcError(
            _(
                "{module} expected input{shape} to have {channels} channels, but got {found} "
                "channels instead"
            ).format(module=what, shape=list(x.shape), channels=channels, found=c),
            _("give {channels} channels on axis 1").format(channels=channels),
        )
    return lead, x.shape[-n:]


def _conv(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    cls = a["_class"]
    n, x = int(cls[-2]), _tensor(args[0])
    lead, sizes = _spatial(x, n, a["in_channels"], cls)
    kernel, stride, dilation = (_ntuple(a[k], n) for k in ("kernel_size", "stride", "dilation"))
    if a["padding"] == "same":
        return Tensor((*lead, a["out_channels"], *sizes))
    padding = (0,) * n if a["padding"] == "valid" else _ntuple(a["padding"], n)
    if cls.startswith("ConvTranspose"):
        extra = _ntuple(a["output_padding"], n)
        out = tuple(
            (i - 1) * s - 2 * p + d * (k - 1) + e + 1
            for i, s, p, d, k, e in zip(
                sizes, stride, padding, dilation, kernel, extra, strict=True
            )
        )
    else:
        out = _window(sizes, kernel, stride, padding, dilation, False)
    return Tensor((*lead, a["out_channels"], *out))


def _pool(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    cls = a["_class"]
    n, x = int(cls[-2]), _tensor(args[0])
    lead, sizes = _spatial(x, n, None, cls)
    kernel = _ntuple(a["kernel_size"], n)
    stride = _ntuple(a["stride"], n) if a["stride"] not in (None, []) else kernel
    padding, dilation = _ntuple(a["padding"], n), _ntuple(a.get("dilation", 1), n)
    out = Tensor(
        (*lead, x.shape[-n - 1], *_window(sizes, kernel, stride, padding, dilation, a["ceil_mode"]))
    )
    return (out, out) if a.get("return_indices") else out


def _adaptive(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    n, x = int(a["_class"][-2]), _tensor(args[0])
    lead, sizes = _spatial(x, n, None, a["_class"])
    wanted = _ntuple(a["output_size"], n)
    out = tuple(s if w is None else w for s, w in zip(sizes, wanted, strict=True))
    found = Tensor((*lead, x.shape[-n - 1], *out))
    return (found, found) if a.get("return_indices") else found


def _batch_norm(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x, n = _tensor(args[0]), int(a["_class"][-2])
    ranks = (2, 3) if n == 1 else (n + 2,)
    if "Instance" in a["_class"]:
        ranks = (n + 1, n + 2)
    if len(x.shape) not in ranks:
        raise RnncalcError(
            _("expected {ranks} input (got {rank}D input)").format(
                ranks=" or ".join(f"{r}D" for r in ranks), rank=len(x.shape)
            ),
            _("give {shape}").format(shape="(N, C, L)" if n == 1 else "(N, C, ...)"),
        )
    channel = (
        x.shape[1] if len(x.shape) == max(ranks) or "Instance" not in a["_class"] else x.shape[0]
    )
    if (a["affine"] or a.get("track_running_stats")) and channel != a["num_features"]:
        raise RnncalcError(
            _("running_mean should contain {found} elements not {num_features}").format(
                found=channel, num_features=a["num_features"]
            ),
            _("give {channels} channels on axis 1").format(channels=a["num_features"]),
        )
    return x


def _layer_norm(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    shape = _ntuple(a["normalized_shape"], 1)
    if x.shape[-len(shape) :] != shape:
        raise RnncalcError(
            _(
                "Given normalized_shape={normalized_shape}, expected input with shape [*, "
                "{sizes}], but got input of size{shape}"
            ).format(
                normalized_shape=list(shape),
                sizes=", ".join(map(str, shape)),
                shape=list(x.shape),
            ),
            _("normalize the last axes the input has"),
        )
    return x


def _group_norm(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    if len(x.shape) < 2 or x.shape[1] != a["num_channels"]:
        raise RnncalcError(
            _("Expected input to have {channels} channels on axis 1, got shape {shape}").format(
                channels=a["num_channels"], shape=list(x.shape)
            ),
            _("give {shape}").format(shape="(N, C, ...)"),
        )
    return x


def _flatten_shape(shape: Shape, start: int, end: int) -> Shape:
    if not shape:
        return (1,)
    start, end = _dim(start, len(shape)), _dim(end, len(shape))
    return (*shape[:start], prod(shape[start : end + 1]), *shape[end + 1 :])


def _flatten(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    return Tensor(_flatten_shape(x.shape, a["start_dim"], a["end_dim"]))


def _unflatten(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    dim = _dim(a["dim"], len(x.shape))
    sizes = _resolved(tuple(a["unflattened_size"]), x.shape[dim])
    return Tensor((*x.shape[:dim], *sizes, *x.shape[dim + 1 :]))


def _softmax(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    dim = a.get("dim", kwargs.get("dim"))
    if dim is not None:
        _dim(dim, len(x.shape))
    return x


def _recurrent(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    given = args[0] if args else kwargs.get("input")
    packed = isinstance(given, Packed)
    x = given.padded if isinstance(given, Packed) else _tensor(given)
    config = torch_from_call(LayerCall(a["_class"], "nn", (), _without(a, "_class")))
    if packed and isinstance(given, Packed) and given.batch_first != config.batch_first:
        x = Tensor((x.shape[1], x.shape[0], *x.shape[2:]))
    check_shape(x.shape, _("the input"))
    rules.check_input(config, x.shape, ("forward",), KerasVersion.V2)
    planned = plan(config, x.shape, KerasVersion.V2)
    named = [_known(shape) for _name, shape in returned(planned, KerasVersion.V2)]
    hx = args[1] if len(args) > 1 else kwargs.get("hx")
    if hx is not None:  # checked as RNNBase.forward checks it
        given = list(hx) if isinstance(hx, tuple | list) else [hx]
        check_states(planned, [_tensor(h, "hx").shape for h in given], KerasVersion.V2)
    states = [Tensor(shape) for shape in named[1:]]
    output: Any = Tensor(named[0])
    if packed and isinstance(given, Packed):
        output = Packed(output, config.batch_first)
    return (output, states[0] if len(states) == 1 else tuple(states))


def _known(shape: tuple[int | None, ...]) -> Shape:
    """A shape computed from a tensor's, whose every size is known."""
    return tuple(d for d in shape if d is not None)


def _cell(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    x = _tensor(args[0] if args else kwargs.get("input"))
    hx = args[1] if len(args) > 1 else kwargs.get("hx")
    given = [] if hx is None else list(hx) if isinstance(hx, tuple | list) else [hx]
    cls = a["_class"]
    check_step(cls, a["input_size"], a["hidden_size"], x.shape, [_tensor(h).shape for h in given])
    state = Tensor((*x.shape[:-1], a["hidden_size"]))
    count = len(TORCH_FAMILIES[cls.removesuffix("Cell")].states)
    return (state,) * count if count > 1 else state


def _attention(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    q = _tensor(args[0] if args else kwargs.get("query"), "query")
    k = _tensor(args[1] if len(args) > 1 else kwargs.get("key"), "key")
    e = a["embed_dim"]
    if q.shape[-1] != e:
        raise RnncalcError(
            _("was expecting embedding dimension of {expected}, but got {found}").format(
                expected=e, found=q.shape[-1]
            ),
            _("give queries of {count} features").format(count=e),
        )
    first = a["batch_first"] and len(q.shape) == 3
    length, source = (q.shape[1], k.shape[1]) if first else (q.shape[0], k.shape[0])
    if len(q.shape) == 2:  # unbatched
        weights: Any = Tensor((length, source + bool(a["add_bias_kv"]) + bool(a["add_zero_attn"])))
    else:
        batch = q.shape[0] if first else q.shape[1]
        extra = bool(a["add_bias_kv"]) + bool(a["add_zero_attn"])
        weights = Tensor((batch, length, source + extra))
    need = kwargs.get("need_weights", args[4] if len(args) > 4 else True)
    return (q, weights if need else None)


def _encoder_layer(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0] if args else kwargs.get("src"), "src")
    if x.shape[-1] != a["d_model"]:
        raise RnncalcError(
            _("was expecting embedding dimension of {expected}, but got {found}").format(
                expected=a["d_model"], found=x.shape[-1]
            ),
            _("give {count} features").format(count=a["d_model"]),
        )
    return x


MODULES_BY_RULE: dict[Rule, tuple[str, ...]] = {
    _linear: ("Linear", "NonDynamicallyQuantizableLinear"),
    _bilinear: ("Bilinear",),
    _embedding: ("Embedding",),
    _embedding_bag: ("EmbeddingBag",),
    _conv: tuple(f"Conv{t}{n}d" for t in ("", "Transpose") for n in (1, 2, 3)),
    _pool: tuple(f"{k}Pool{n}d" for k in ("Max", "Avg") for n in (1, 2, 3)),
    _adaptive: tuple(f"Adaptive{k}Pool{n}d" for k in ("Max", "Avg") for n in (1, 2, 3)),
    _batch_norm: tuple(f"{k}Norm{n}d" for k in ("Batch", "Instance") for n in (1, 2, 3)),
    _layer_norm: ("LayerNorm",),
    _group_norm: ("GroupNorm",),
    _flatten: ("Flatten",),
    _unflatten: ("Unflatten",),
    _softmax: ("Softmax", "LogSoftmax"),
    _attention: ("MultiheadAttention",),
    _encoder_layer: ("TransformerEncoderLayer",),
    _recurrent: ("RNN", "GRU", "LSTM"),
    _cell: ("RNNCell", "GRUCell", "LSTMCell"),
    _same: (
        "Identity",
        "Dropout",
        "Dropout1d",
        "Dropout2d",
        "Dropout3d",
        "AlphaDropout",
        "ReLU",
        "ReLU6",
        "SELU",
        "SiLU",
        "Mish",
        "Hardswish",
        "Hardsigmoid",
        "Tanh",
        "Sigmoid",
        "Softsign",
        "Tanhshrink",
        "LogSigmoid",
        "GELU",
        "LeakyReLU",
        "ELU",
        "CELU",
        "Softplus",
        "Hardtanh",
        "Threshold",
        "PReLU",
        "Softmax2d",
    ),
}


def _with_class(rule: Rule, name: str) -> Rule:
    return lambda a, args, kwargs: rule({**a, "_class": name}, args, kwargs)


MODULES: dict[str, Rule] = {
    name: _with_class(rule, name) for rule, names in MODULES_BY_RULE.items() for name in names
}


def _without(a: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in a.items() if k != key}


# -- functions and tensor methods


def _resolved(sizes: Shape, total: int) -> Shape:
    """A view's sizes with its one -1 worked out, as `view` and `reshape` check them."""
    if len(sizes) == 1 and isinstance(sizes[0], tuple | list):
        sizes = tuple(sizes[0])
    if not all(isinstance(s, int) for s in sizes) or sum(s == -1 for s in sizes) > 1:
        raise RnncalcError(
            _("invalid shape {sizes}").format(sizes=list(sizes)),
            _("give integer sizes, at most one -1"),
        )
    known = prod(s for s in sizes if s != -1)
    if -1 in sizes:
        if known == 0 or total % known:
            raise RnncalcError(
                _("shape '{sizes}' is invalid for input of size {total}").format(
                    sizes=list(sizes), total=total
                ),
                _("fix the sizes"),
            )
        sizes = tuple(total // known if s == -1 else s for s in sizes)
    elif known != total:
        raise RnncalcError(
            _("shape '{sizes}' is invalid for input of size {total}").format(
                sizes=list(sizes), total=total
            ),
            _("fix the sizes"),
        )
    return sizes


def _view(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    sizes = tuple(args[1:]) or tuple(kwargs.get("shape", kwargs.get("size", ())))
    return Tensor(_resolved(sizes, prod(x.shape)))


def _permute(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    dims = tuple(args[1:]) or tuple(kwargs.get("dims", ()))
    if len(dims) == 1 and isinstance(dims[0], tuple | list):
        dims = tuple(dims[0])
    found = [_dim(d, len(x.shape)) for d in dims]
    if sorted(found) != list(range(len(x.shape))):
        raise RnncalcError(
            _(
                "permute(sparse_coo): number of dimensions in the tensor input does not match the "
                "length of the desired ordering of dimensions"
            ),
            _("give each of the {count} dimensions once").format(count=len(x.shape)),
        )
    return Tensor(tuple(x.shape[d] for d in found))


def _transpose(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    first, second = (_dim(d, len(x.shape)) for d in (args[1:3] or (kwargs["dim0"], kwargs["dim1"])))
    shape = list(x.shape)
    shape[first], shape[second] = shape[second], shape[first]
    return Tensor(tuple(shape))


def _squeeze(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    if dim is None:
        return Tensor(tuple(d for d in x.shape if d != 1))
    dims = {_dim(d, len(x.shape)) for d in (dim if isinstance(dim, tuple | list) else (dim,))}
    return Tensor(tuple(d for i, d in enumerate(x.shape) if not (i in dims and d == 1)))


def _unsqueeze(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    dim = _dim(args[1] if len(args) > 1 else kwargs["dim"], len(x.shape) + 1)
    return Tensor((*x.shape[:dim], 1, *x.shape[dim:]))


def _flatten_function(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x = _tensor(args[0])
    start = args[1] if len(args) > 1 else kwargs.get("start_dim", 0)
    end = args[2] if len(args) > 2 else kwargs.get("end_dim", -1)
    return Tensor(_flatten_shape(x.shape, start, end))


def _size(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    x = _tensor(args[0])
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    return Size(x.shape) if dim is None else x.shape[_dim(dim, len(x.shape))]


def _reduce(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    x = _tensor(args[0])
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    keep = args[2] if len(args) > 2 else kwargs.get("keepdim", False)
    if dim is None:
        return Tensor(())
    dims = {_dim(d, len(x.shape)) for d in (dim if isinstance(dim, tuple | list) else (dim,))}
    shape = tuple(1 if i in dims else d for i, d in enumerate(x.shape) if keep or i not in dims)
    return Tensor(shape)


def _max(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) > 1 and isinstance(args[1], Tensor):
        return _broadcast(a, args[:2], {})
    found = _reduce(a, args, kwargs)
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    return found if dim is None else (found, found)  # (values, indices)


def _join(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    items = args[0] if args else kwargs.get("tensors")
    if not isinstance(items, list | tuple) or not items:
        raise RnncalcError(_("expected a non-empty list of Tensors"), _("give a list of tensors"))
    tensors = [_tensor(t, _("each tensor")) for t in items]
    dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
    first = tensors[0].shape
    if a["_class"] == "stack":
        if any(t.shape != first for t in tensors):
            raise RnncalcError(_("stack expects each tensor to be equal size"), _("fix the shapes"))
        d = _dim(dim, len(first) + 1)
        return Tensor((*first[:d], len(tensors), *first[d:]))
    d = _dim(dim, len(first))
    for t in tensors[1:]:
        if len(t.shape) != len(first) or any(
            x != y for i, (x, y) in enumerate(zip(t.shape, first, strict=True)) if i != d
        ):
            raise RnncalcError(
                _(
                    "Sizes of tensors must match except in dimension {dim}: {first} and {other}"
                ).format(dim=d, first=list(first), other=list(t.shape)),
                _("fix the shapes"),
            )
    return Tensor((*first[:d], sum(t.shape[d] for t in tensors), *first[d + 1 :]))


def _broadcast(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    shapes = [v.shape for v in args if isinstance(v, Tensor)]
    if any(not isinstance(v, Tensor | int | float | bool) for v in args):
        raise RnncalcError(
            _("arithmetic of a tensor and something else"), _("use tensors and numbers")
        )
    width = max(len(s) for s in shapes)
    found = []
    for axis in range(width):
        sizes = {s[axis - width + len(s)] for s in shapes if axis - width + len(s) >= 0} - {1}
        if len(sizes) > 1:
            raise RnncalcError(
                _(
                    "The size of tensor a ({first}) must match the size of tensor b ({second}) at "
                    "non-singleton dimension {axis}"
                ).format(first=shapes[0], second=shapes[-1], axis=axis),
                _("fix the shapes"),
            )
        found.append(sizes.pop() if sizes else 1)
    return Tensor(tuple(found))


def _matmul(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    """`torch.matmul` (and `@`, `bmm`, `mm`): vectors, matrices, and batches broadcast."""
    x, y = (_tensor(v) for v in args[:2])
    if not x.shape or not y.shape:
        raise RnncalcError(_("both arguments to matmul need to be at least 1D"), _("give tensors"))
    a_shape = (1, *x.shape) if len(x.shape) == 1 else x.shape
    b_shape = (*y.shape, 1) if len(y.shape) == 1 else y.shape
    if a_shape[-1] != b_shape[-2]:
        rows = prod(a_shape[:-1])
        raise RnncalcError(
            _(
                "mat1 and mat2 shapes cannot be multiplied ({rows}x{columns} and "
                "{in_features}x{out_features})"
            ).format(
                rows=rows, columns=a_shape[-1], in_features=b_shape[-2], out_features=b_shape[-1]
            ),
            _("make the first's last axis the second's second-to-last"),
        )
    lead = _broadcast({}, [Tensor(a_shape[:-2]), Tensor(b_shape[:-2])], {}).shape
    shape = (*lead, a_shape[-2], b_shape[-1])
    if len(x.shape) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(y.shape) == 1:
        shape = shape[:-1]
    return Tensor(shape)


def _expand(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    """`expand(*sizes)` (-1 keeps an axis), `expand_as(other)`, `repeat(*times)`."""
    x = _tensor(args[0])
    if a["_class"] == "expand_as":
        return Tensor(_tensor(args[1], "other").shape)
    sizes = tuple(args[1:])
    if len(sizes) == 1 and isinstance(sizes[0], tuple | list):
        sizes = tuple(sizes[0])
    if not all(type(s) is int for s in sizes) or len(sizes) < len(x.shape):
        raise RnncalcError(
            _(
                "{method}: the number of sizes provided ({count}) must be greater or equal to "
                "the number of dimensions in the tensor ({rank})"
            ).format(method=a["_class"], count=len(sizes), rank=len(x.shape)),
            _("give a size per axis"),
        )
    lead = (1,) * (len(sizes) - len(x.shape)) + x.shape
    if a["_class"] == "repeat":
        found = tuple(d * s for d, s in zip(lead, sizes, strict=True))
    else:
        found = tuple(d if s == -1 else s for d, s in zip(lead, sizes, strict=True))
        if any(d not in (1, s) and s != -1 for d, s in zip(lead, sizes, strict=True)):
            raise RnncalcError(
                _(
                    "The expanded size of the tensor must match the existing size at each "
                    "non-singleton dimension: {shape} to {sizes}"
                ).format(shape=list(x.shape), sizes=list(sizes)),
                _("expand only axes of size 1"),
            )
    check_shape(found, _("a tensor's shape"))
    return Tensor(found)


def _same_as_first(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    """`masked_fill(mask, value)` and the like: the tensor's own shape."""
    return _tensor(args[0])


def _new(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    sizes = tuple(args) or tuple(kwargs.get("size", ()))
    if len(sizes) == 1 and isinstance(sizes[0], tuple | list):
        sizes = tuple(sizes[0])
    if not all(type(s) is int and s >= 0 for s in sizes):
        raise RnncalcError(
            _("sizes {sizes} are not sizes").format(sizes=list(sizes)), _("give integers")
        )
    check_shape(sizes, _("a tensor's shape"))
    return Tensor(sizes)


def _index(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Tensor:
    x, key = _tensor(args[0]), args[1]
    keys = list(key) if isinstance(key, tuple) else [key]
    if Ellipsis in keys:
        at = keys.index(Ellipsis)
        keys[at : at + 1] = [slice(None)] * (len(x.shape) - len(keys) + 1)
    shape, axis = [], 0
    for k in keys:
        if k is None:
            shape.append(1)
            continue
        if axis >= len(x.shape):
            raise RnncalcError(
                _("too many indices for tensor of dimension {rank}").format(rank=len(x.shape)),
                _("index fewer axes"),
            )
        size = x.shape[axis]
        if isinstance(k, bool) or not isinstance(k, int | slice):
            raise RnncalcError(
                _("indexing with {kind}").format(kind=type(k).__name__),
                _("index with ints and slices"),
            )
        if isinstance(k, int):
            if not -size <= k < size:
                raise RnncalcError(
                    _(
                        "index {index} is out of bounds for dimension {axis} with size {size}"
                    ).format(index=k, axis=axis, size=size),
                    _("index within the axis"),
                )
        else:
            shape.append(len(range(*k.indices(size))))
        axis += 1
    return Tensor((*shape, *x.shape[axis:]))


def _pack(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Packed:
    first = kwargs.get("batch_first", args[2] if len(args) > 2 else False)
    return Packed(_tensor(args[0]), bool(first))


def _unpack(a: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> tuple[Tensor, Any]:
    packed = args[0]
    if not isinstance(packed, Packed):
        raise RnncalcError(_("pad_packed_sequence takes a PackedSequence"), _("pack it first"))
    first = kwargs.get("batch_first", args[1] if len(args) > 1 else False)
    x = packed.padded
    if bool(first) != packed.batch_first:
        x = Tensor((x.shape[1], x.shape[0], *x.shape[2:]))
    batch = x.shape[0] if first else x.shape[1]
    return (x, Tensor((batch,)))


BROADCAST = (
    "add", "sub", "mul", "div", "pow", "maximum", "minimum", "where", "Tensor.add", "Tensor.sub",
    "Tensor.mul", "Tensor.div", "Tensor.pow",
)  # fmt: skip
KEEP_SHAPE = (
    "masked_fill", "masked_fill_", "fill_", "zero_", "clamp_", "uniform_", "normal_", "type",
    "requires_grad_",
)  # fmt: skip
ELEMENTWISE = (
    "relu",
    "tanh",
    "sigmoid",
    "gelu",
    "elu",
    "selu",
    "silu",
    "leaky_relu",
    "relu6",
    "softplus",
    "hardtanh",
    "mish",
    "dropout",
    "alpha_dropout",
    "dropout1d",
    "dropout2d",
    "softsign",
    "abs",
    "exp",
    "log",
    "sqrt",
    "neg",
    "clone",
    "detach",
    "contiguous",
    "float",
    "double",
    "half",
    "long",
    "int",
    "bool",
    "to",
    "cuda",
    "cpu",
    "type_as",
    "Variable",
    "normalize",
    "square",
    "layer_norm",
    "clamp",
    "clip",
    "relu_",
    "tanh_",
    "sigmoid_",
)
_SAME_AXIS = ("softmax", "log_softmax")

FUNCTIONS: dict[str, Rule] = {
    **{name: _with_class(rule, name) for rule, name in ((_join, "cat"), (_join, "stack"))},
    "concat": _with_class(_join, "cat"),
    "concatenate": _with_class(_join, "cat"),
    **{name: _same for name in (*ELEMENTWISE, *_SAME_AXIS)},
    **{f"Tensor.{name}": _same for name in (*ELEMENTWISE, *_SAME_AXIS)},
    **{name: _new for name in ("zeros", "ones", "randn", "rand", "empty")},
    "Tensor.view": _view,
    "Tensor.reshape": _view,
    "reshape": lambda a, args, kwargs: _view(a, [args[0], *args[1:]], kwargs),
    "Tensor.permute": _permute,
    "permute": _permute,
    "Tensor.transpose": _transpose,
    "transpose": _transpose,
    "Tensor.squeeze": _squeeze,
    "squeeze": _squeeze,
    "Tensor.unsqueeze": _unsqueeze,
    "unsqueeze": _unsqueeze,
    "Tensor.flatten": _flatten_function,
    "flatten": _flatten_function,
    "Tensor.size": _size,
    "Tensor.dim": lambda a, args, kwargs: len(_tensor(args[0]).shape),
    "Tensor.numel": lambda a, args, kwargs: prod(_tensor(args[0]).shape),
    **{f"Tensor.{n}": _reduce for n in ("mean", "sum", "prod", "std", "var", "argmax")},
    **{n: _reduce for n in ("mean", "sum", "prod", "std", "var", "argmax")},
    "Tensor.max": _max,
    "Tensor.min": _max,
    "max": _max,
    "min": _max,
    "__getitem__": _index,
    "__binary__": _broadcast,
    **{name: _broadcast for name in BROADCAST},
    **{f"Tensor.{n}": _with_class(_expand, n) for n in ("expand", "expand_as", "repeat")},
    **{f"Tensor.{name}": _same_as_first for name in KEEP_SHAPE},
    "Tensor.t": lambda a, args, kwargs: _transpose(a, [args[0], 0, -1], {}),
    **{
        f"Tensor.new_{n}": lambda a, args, kwargs: _new(a, args[1:], kwargs)
        for n in ("zeros", "ones", "empty")
    },
    **{name: _matmul for name in ("matmul", "bmm", "mm", "Tensor.matmul", "Tensor.bmm")},
    "pack_padded_sequence": _pack,
    "pad_packed_sequence": _unpack,
}
