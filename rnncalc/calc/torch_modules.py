"""PyTorch's common modules by class name: their constructors' signatures, and the parameters
and submodules each constructor makes, as `torch.nn` makes them."""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import cache
from typing import Any

from rnncalc.calc.weights import weights
from rnncalc.config.enums import KerasVersion
from rnncalc.config.families import TORCH_FAMILIES
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.limits import CODE_ITEMS
from rnncalc.parse.construct import by_name, torch_from_call
from rnncalc.parse.expressions import LayerCall
from rnncalc.parse.torch_tree import Module, Parameter, copied

Arguments = dict[str, Any]
_REQUIRED = object()

_CONV = "in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, "
_CONV_T = (
    "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, "
)
_NORM = "num_features, eps=1e-05, momentum=0.1, "
_MAX_POOL = "kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False"
_AVG_POOL = "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True"
_RECURRENT = "input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, "
_CELL = "input_size, hidden_size, bias=True, "
_INPLACE = "inplace=False"

# Each constructor's arguments, as torch.nn declares them (device= and dtype= are accepted by
# every module that makes parameters, and change no shape).
SIGNATURES: dict[str, str] = {
    "Linear": "in_features, out_features, bias=True",
    "Bilinear": "in1_features, in2_features, out_features, bias=True",
    "Identity": "*args, **kwargs",
    "Embedding": "num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, "
    "scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False",
    "EmbeddingBag": "num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, "
    "scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None, "
    "include_last_offset=False, padding_idx=None",
    **{f"Conv{n}d": _CONV + "bias=True, padding_mode='zeros'" for n in (1, 2, 3)},
    **{
        f"ConvTranspose{n}d": _CONV_T + "bias=True, dilation=1, padding_mode='zeros'"
        for n in (1, 2, 3)
    },
    **{
        f"BatchNorm{n}d": _NORM + "affine=True, track_running_stats=True, bias=True"
        for n in (1, 2, 3)
    },
    **{
        f"InstanceNorm{n}d": _NORM + "affine=False, track_running_stats=False, bias=True"
        for n in (1, 2, 3)
    },
    "LayerNorm": "normalized_shape, eps=1e-05, elementwise_affine=True, bias=True",
    "GroupNorm": "num_groups, num_channels, eps=1e-05, affine=True, bias=True",
    **{
        name: "p=0.5, inplace=False"
        for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout")
    },
    **{
        name: _INPLACE
        for name in ("ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid")
    },
    **{
        name: "*args, **kwargs"  # these take anything, and ignore it
        for name in ("Tanh", "Sigmoid", "Softsign", "Tanhshrink", "LogSigmoid", "Softmax2d")
    },
    "GELU": "approximate='none'",
    "LeakyReLU": "negative_slope=0.01, inplace=False",
    "ELU": "alpha=1.0, inplace=False",
    "CELU": "alpha=1.0, inplace=False",
    "Softplus": "beta=1.0, threshold=20.0",
    "Hardtanh": "min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None",
    "Threshold": "threshold, value, inplace=False",
    "PReLU": "num_parameters=1, init=0.25",
    "Softmax": "dim=None",
    "LogSoftmax": "dim=None",
    "GLU": "dim=-1",
    **{f"MaxPool{n}d": _MAX_POOL for n in (1, 2, 3)},
    "AvgPool1d": _AVG_POOL,
    **{f"AvgPool{n}d": _AVG_POOL + ", divisor_override=None" for n in (2, 3)},
    **{f"AdaptiveAvgPool{n}d": "output_size" for n in (1, 2, 3)},
    **{f"AdaptiveMaxPool{n}d": "output_size, return_indices=False" for n in (1, 2, 3)},
    "Flatten": "start_dim=1, end_dim=-1",
    "Unflatten": "dim, unflattened_size",
    "MultiheadAttention": "embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, "
    "add_zero_attn=False, kdim=None, vdim=None, batch_first=False",
    "NonDynamicallyQuantizableLinear": "in_features, out_features, bias=True",
    "TransformerEncoderLayer": "d_model, nhead, dim_feedforward=2048, dropout=0.1, "
    "activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True",
    "TransformerEncoder": "encoder_layer, num_layers, norm=None, enable_nested_tensor=True, "
    "mask_check=True",
    # nn.RNN takes nonlinearity fourth: RNN(input_size, hidden_size, num_layers, nonlinearity)
    "RNN": "input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, "
    "batch_first=False, dropout=0.0, bidirectional=False",
    "GRU": _RECURRENT + "bidirectional=False",
    "LSTM": _RECURRENT + "bidirectional=False, proj_size=0",
    "RNNCell": _CELL + "nonlinearity='tanh'",
    "GRUCell": _CELL.removesuffix(", "),
    "LSTMCell": _CELL.removesuffix(", "),
    "Sequential": "*args",
    "ModuleList": "modules=None",
    "ModuleDict": "modules=None",
}
CONTAINERS = frozenset({"Sequential", "ModuleList", "ModuleDict"})


class Signature:
    """A constructor's parameters: names in order, defaults, and whether it takes more."""

    def __init__(self, text: str) -> None:
        placed = "device=None, dtype=None" if "*" not in text else ""  # keyword-only there
        function = ast.parse(f"def f({', '.join(filter(None, (text, placed)))}): pass").body[0]
        assert isinstance(function, ast.FunctionDef)
        spec = function.args
        names = [a.arg for a in spec.args]
        given = [ast.literal_eval(d) for d in spec.defaults]
        self.names: tuple[str, ...] = tuple(names)
        self.positional = len(names) - (2 if placed else 0)
        self.defaults: dict[str, Any] = dict(
            zip(names, [_REQUIRED] * (len(names) - len(given)) + given, strict=True)
        )
        self.varargs = spec.vararg is not None
        self.varkw = spec.kwarg is not None

    def bind(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Arguments:
        """The arguments by name with the defaults filled in, refused as Python refuses them."""
        if self.varargs:
            return {"args": list(args), **kwargs}
        owner = f"{name}.__init__()"
        if len(args) > self.positional:
            raise RnncalcError(
                _("{owner} takes {count} positional arguments but {given} were given").format(
                    owner=owner, count=self.positional, given=len(args)
                ),
                _see(name),
            )
        bound = by_name(owner, args, kwargs, self.names)
        unknown = [key for key in bound if key not in self.defaults]
        if unknown and not self.varkw:
            raise RnncalcError(
                _("{owner} got an unexpected keyword argument '{argument}'").format(
                    owner=owner, argument=unknown[0]
                ),
                _see(name),
            )
        missing = [key for key, v in self.defaults.items() if v is _REQUIRED and key not in bound]
        if missing:
            raise RnncalcError(
                _("{owner} missing {count} required positional argument(s): {names}").format(
                    owner=owner, count=len(missing), names=", ".join(f"'{m}'" for m in missing)
                ),
                _("give them: {name}({signature})").format(name=name, signature=SIGNATURES[name]),
            )
        return {**self.defaults, **bound}


def _see(name: str) -> str:
    return _("see torch.nn.{name}'s signature: {name}({signature})").format(
        name=name, signature=SIGNATURES[name]
    )


@cache
def signature(name: str) -> Signature:
    return Signature(SIGNATURES[name])


def known(name: str) -> bool:
    return name in SIGNATURES


def build(name: str, args: list[Any], kwargs: dict[str, Any]) -> Module:
    """The module `torch.nn.<name>(*args, **kwargs)` makes: its parameters and submodules.

    Example:
        >>> m = build("Linear", [64, 5], {})
        >>> [(k, p.shape) for k, p in m.parameters.items()]
        [('weight', (5, 64)), ('bias', (5,))]
    """
    if name not in SIGNATURES:
        raise RnncalcError(
            _("nn.{name} is not a module rnncalc knows").format(name=name),
            _("see `rnncalc model --help` for those it does, or give its parameters another way"),
        )
    arguments = signature(name).bind(name, args, kwargs)
    made = Module(name, arguments=arguments)
    if name in CONTAINERS:
        items = arguments["args"] if name == "Sequential" else arguments["modules"]
        if name == "Sequential" and len(items) == 1 and isinstance(items[0], dict):
            items = items[0]  # Sequential(OrderedDict([...]))
        pairs = items.items() if isinstance(items, dict) else enumerate(items or [])
        for key, child in pairs:
            if not isinstance(child, Module):
                raise RnncalcError(
                    _("{container} got {kind} where it takes modules ({key})").format(
                        container=name, kind=type(child).__name__, key=key
                    ),
                    _("give it nn modules"),
                )
            made.children[str(key)] = child
        return made
    rule = _RULES.get(name)
    if rule is not None:
        rule(made, arguments)
    return made


def _size(arguments: Arguments, *names: str) -> None:
    for key in names:
        value = arguments[key]
        if type(value) is not int or value <= 0:
            raise RnncalcError(
                _("{argument}={value!r}: a size must be a positive integer").format(
                    argument=key, value=value
                ),
                _("give {argument} as one").format(argument=key),
            )


def _tuple(value: Any, n: int, what: str) -> tuple[int, ...]:
    found = (value,) * n if isinstance(value, int) else tuple(value)
    if len(found) != n or not all(type(v) is int and v > 0 for v in found):
        raise RnncalcError(
            _("{argument}={value!r} is not {count} positive integer(s)").format(
                argument=what, value=value, count=n
            ),
            _("fix {argument}").format(argument=what),
        )
    return found


def _add(module: Module, name: str, shape: tuple[int, ...], when: bool = True) -> None:
    if when:
        module.parameters[name] = Parameter(shape)


def _linear(m: Module, a: Arguments) -> None:
    _size(a, "in_features", "out_features")
    _add(m, "weight", (a["out_features"], a["in_features"]))
    _add(m, "bias", (a["out_features"],), a["bias"])


def _bilinear(m: Module, a: Arguments) -> None:
    _size(a, "in1_features", "in2_features", "out_features")
    _add(m, "weight", (a["out_features"], a["in1_features"], a["in2_features"]))
    _add(m, "bias", (a["out_features"],), a["bias"])


def _embedding(m: Module, a: Arguments) -> None:
    _size(a, "num_embeddings", "embedding_dim")
    padding = a["padding_idx"]
    if padding is not None and not -a["num_embeddings"] <= padding < a["num_embeddings"]:
        raise RnncalcError(
            _("Padding_idx must be within num_embeddings"),
            _("give a padding_idx below num_embeddings"),
        )
    _add(m, "weight", (a["num_embeddings"], a["embedding_dim"]))


def _conv(m: Module, a: Arguments) -> None:
    _size(a, "in_channels", "out_channels", "groups")
    n = int(m.class_name[-2])
    kernel = _tuple(a["kernel_size"], n, "kernel_size")
    groups = a["groups"]
    for key in ("in_channels", "out_channels"):
        if a[key] % groups:
            raise RnncalcError(
                _("{argument} must be divisible by groups").format(argument=key),
                _("fix {argument} or groups").format(argument=key),
            )
    if m.class_name.startswith("ConvTranspose"):
        shape = (a["in_channels"], a["out_channels"] // groups, *kernel)
    else:
        shape = (a["out_channels"], a["in_channels"] // groups, *kernel)
    _add(m, "weight", shape)
    _add(m, "bias", (a["out_channels"],), a["bias"])


def _norm(m: Module, a: Arguments) -> None:
    _size(a, "num_features")
    _add(m, "weight", (a["num_features"],), a["affine"])
    _add(m, "bias", (a["num_features"],), a["affine"] and a["bias"])


def _layer_norm(m: Module, a: Arguments) -> None:
    value = a["normalized_shape"]
    shape = (value,) if isinstance(value, int) else tuple(value)
    _tuple(shape, len(shape), "normalized_shape")
    _add(m, "weight", shape, a["elementwise_affine"])
    _add(m, "bias", shape, a["elementwise_affine"] and a["bias"])


def _group_norm(m: Module, a: Arguments) -> None:
    _size(a, "num_groups", "num_channels")
    if a["num_channels"] % a["num_groups"]:
        raise RnncalcError(_("num_channels must be divisible by num_groups"), _("fix either"))
    _add(m, "weight", (a["num_channels"],), a["affine"])
    _add(m, "bias", (a["num_channels"],), a["affine"] and a["bias"])


def _prelu(m: Module, a: Arguments) -> None:
    _size(a, "num_parameters")
    _add(m, "weight", (a["num_parameters"],))


def _attention(m: Module, a: Arguments) -> None:
    _size(a, "embed_dim", "num_heads")
    e = a["embed_dim"]
    if e % a["num_heads"]:
        raise RnncalcError(_("embed_dim must be divisible by num_heads"), _("fix either"))
    kdim, vdim = a["kdim"] or e, a["vdim"] or e
    if kdim == e and vdim == e:
        _add(m, "in_proj_weight", (3 * e, e))
    else:
        for key, columns in (("q", e), ("k", kdim), ("v", vdim)):
            _add(m, f"{key}_proj_weight", (e, columns))
    _add(m, "in_proj_bias", (3 * e,), a["bias"])
    m.children["out_proj"] = build("NonDynamicallyQuantizableLinear", [e, e], {"bias": a["bias"]})
    _add(m, "bias_k", (1, 1, e), a["add_bias_kv"])
    _add(m, "bias_v", (1, 1, e), a["add_bias_kv"])


def _encoder_layer(m: Module, a: Arguments) -> None:
    d, ff, bias, drop = a["d_model"], a["dim_feedforward"], a["bias"], a["dropout"]
    norm = {"eps": a["layer_norm_eps"], "bias": bias}
    m.children.update(
        self_attn=build(
            "MultiheadAttention",
            [d, a["nhead"]],
            {"dropout": drop, "bias": bias, "batch_first": a["batch_first"]},
        ),
        linear1=build("Linear", [d, ff], {"bias": bias}),
        dropout=build("Dropout", [drop], {}),
        linear2=build("Linear", [ff, d], {"bias": bias}),
        norm1=build("LayerNorm", [d], norm),
        norm2=build("LayerNorm", [d], norm),
        dropout1=build("Dropout", [drop], {}),
        dropout2=build("Dropout", [drop], {}),
    )
    if isinstance(a["activation"], Module):
        m.children["activation"] = a["activation"]


def _encoder(m: Module, a: Arguments) -> None:
    layer, count = a["encoder_layer"], a["num_layers"]
    if not isinstance(layer, Module):
        raise RnncalcError(_("TransformerEncoder takes an encoder_layer module"), _("give one"))
    _size(a, "num_layers")
    CODE_ITEMS.check(count, _("TransformerEncoder's num_layers"), _("stack fewer"))
    m.children["layers"] = build("ModuleList", [[copied(layer) for _i in range(count)]], {})
    if isinstance(a["norm"], Module):
        m.children["norm"] = a["norm"]


def _recurrent(m: Module, a: Arguments) -> None:
    config = torch_from_call(LayerCall(m.class_name, "nn", (), dict(a)))
    for spec in weights(config, (1, 1, config.input_size), KerasVersion.V2):
        _add(m, spec.name, spec.shape)


def _cell(m: Module, a: Arguments) -> None:
    _size(a, "input_size", "hidden_size")
    family = TORCH_FAMILIES[m.class_name.removesuffix("Cell")]
    rows, hidden = family.gates * a["hidden_size"], a["hidden_size"]
    if "nonlinearity" in a and a["nonlinearity"] not in family.torch_activations:
        raise RnncalcError(
            _("Unknown nonlinearity: {value}").format(value=a["nonlinearity"]),
            _("give nonlinearity='tanh' or 'relu'"),
        )
    _add(m, "weight_ih", (rows, a["input_size"]))
    _add(m, "weight_hh", (rows, hidden))
    _add(m, "bias_ih", (rows,), a["bias"])
    _add(m, "bias_hh", (rows,), a["bias"])


_RULES: dict[str, Callable[[Module, Arguments], None]] = {
    "Linear": _linear,
    "NonDynamicallyQuantizableLinear": _linear,
    "Bilinear": _bilinear,
    "Embedding": _embedding,
    "EmbeddingBag": _embedding,
    **{name: _conv for name in SIGNATURES if name.startswith("Conv")},
    **{name: _norm for name in SIGNATURES if name[:-2] in ("BatchNorm", "InstanceNorm")},
    "LayerNorm": _layer_norm,
    "GroupNorm": _group_norm,
    "PReLU": _prelu,
    "MultiheadAttention": _attention,
    "TransformerEncoderLayer": _encoder_layer,
    "TransformerEncoder": _encoder,
    **{name: _recurrent for name in ("RNN", "GRU", "LSTM")},
    **{name: _cell for name in ("RNNCell", "GRUCell", "LSTMCell")},
}
