"""The modules a saved `state_dict` came from, inferred from its tensors' names and shapes: the
constructor calls that make exactly those parameters, or the ones it cannot tell apart."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from rnncalc.calc.torch_modules import build
from rnncalc.config.families import FAMILIES, Family
from rnncalc.i18n import N_, _
from rnncalc.parse.torch_tree import Module, Parameter, named_parameters
from rnncalc.parse.torch_weights import Saved

BUFFERS = ("running_mean", "running_var", "num_batches_tracked")
_NONLINEARITY = N_("nonlinearity (tanh or relu)")
_LAYER = re.compile(r"weight_ih_l(\d+)(_reverse)?$")


class Inferred(NamedTuple):
    """One module the state_dict shows: the call that makes it, what the weights do not say
    (`nonlinearity`, `batch_first`), and the other calls that make the same parameters."""

    name: str
    expression: str
    unknown: str
    alternatives: str


def infer(tensors: dict[str, Saved]) -> tuple[Module, list[Inferred]]:
    """The module tree of a state_dict, each module whose class the names and shapes show
    built as its constructor builds it.

    Example:
        >>> saved = {n: Saved(s, "float32", "0", 0, ()) for n, s in [
        ...     ("lstm.weight_ih_l0", (512, 64)), ("lstm.weight_hh_l0", (512, 128)),
        ...     ("lstm.bias_ih_l0", (512,)), ("lstm.bias_hh_l0", (512,)),
        ...     ("fc.weight", (5, 128)), ("fc.bias", (5,))]}
        >>> root, found = infer(saved)
        >>> [f.expression for f in found]
        ['nn.LSTM(64, 128)', 'nn.Linear(128, 5)']
    """
    owners: dict[str, dict[str, tuple[int, ...]]] = {}
    buffers: set[str] = set()
    for name, saved in tensors.items():
        path, _dot, local = name.rpartition(".")
        if local in BUFFERS:
            buffers.add(path)
            continue
        owners.setdefault(path, {})[local] = saved.shape
    root = Module("?")
    modules = {"": root}
    for path in owners:
        _module(modules, path)
    found = []
    for path, own in owners.items():
        parent = modules.get(path.rpartition(".")[0]) if path else None
        guess = _guess(own, path in buffers, parent.class_name if parent else "", path)
        module = modules[path]
        if guess is None:
            module.parameters = {k: Parameter(s) for k, s in own.items()}
            module.class_name = "?"
            continue
        cls, args, kwargs, unknown, alternatives = guess
        made = build(cls, args, kwargs)
        shown = {k: p.shape for k, p in named_parameters(made)}
        if shown != own:  # the guess must make exactly the tensors saved
            module.parameters = {k: Parameter(s) for k, s in own.items()}
            module.class_name = "?"
            continue
        module.class_name, module.arguments = cls, made.arguments
        module.parameters = {k: Parameter(s) for k, s in own.items()}
        if cls != "NonDynamicallyQuantizableLinear":
            found.append(Inferred(path, _expression(cls, args, kwargs), unknown, alternatives))
    return root, found


def _module(modules: dict[str, Module], path: str) -> Module:
    if path in modules:
        return modules[path]
    parent_path, _dot, key = path.rpartition(".")
    parent = _module(modules, parent_path)
    made = Module("?")
    parent.children[key] = made
    modules[path] = made
    return made


# class, arguments, keyword arguments, what the weights do not say, the other calls
Guess = tuple[str, list[Any], dict[str, Any], str, str]
_CONV = "stride, padding, dilation"


def _guess(own: dict[str, tuple[int, ...]], stats: bool, parent: str, path: str) -> Guess | None:
    """The class and arguments whose constructor makes these parameters."""
    layers = [m for m in (_LAYER.match(k) for k in own) if m]
    if layers:
        return _recurrent(own, layers)
    if "weight_ih" in own and "weight_hh" in own:
        rows, hidden = own["weight_ih"][0], own["weight_hh"][1]
        family = _family(rows // hidden if hidden and rows % hidden == 0 else 0)
        if family is None:
            return None
        cls = family.torch_name + "Cell"
        unknown = _(_NONLINEARITY) if len(family.torch_activations) > 1 else ""
        return cls, [own["weight_ih"][1], hidden], {"bias": "bias_ih" in own}, unknown, ""
    if "in_proj_weight" in own or "q_proj_weight" in own:
        e = (own.get("in_proj_weight") or own["q_proj_weight"])[1]
        kwargs: dict[str, Any] = {"bias": "in_proj_bias" in own, "add_bias_kv": "bias_k" in own}
        if "k_proj_weight" in own:
            kwargs |= {"kdim": own["k_proj_weight"][1], "vdim": own["v_proj_weight"][1]}
        return "MultiheadAttention", [e, 1], kwargs, "num_heads, dropout, batch_first", ""
    weight, bias = own.get("weight"), own.get("bias")
    if weight is None or set(own) - {"weight", "bias"}:
        return None
    has_bias = {"bias": bias is not None}
    n = weight[0]
    if parent == "MultiheadAttention":
        return "NonDynamicallyQuantizableLinear", [weight[1], n], has_bias, "", ""
    if len(weight) == 1:
        if stats:
            return (
                "BatchNorm1d",
                [n],
                has_bias,
                "eps, momentum",
                f"nn.BatchNorm2d({n}), nn.BatchNorm3d({n})",
            )
        if bias is None:
            return "PReLU", [], {"num_parameters": n}, "", f"nn.LayerNorm({n}, bias=False)"
        return (
            "LayerNorm",
            [n],
            {},
            "eps",
            f"nn.GroupNorm(G, {n}), nn.BatchNorm1d({n}, track_running_stats=False)",
        )
    if len(weight) == 2 and bias is None:
        linear = f"nn.Linear({weight[1]}, {n}, bias=False)"
        if "emb" in path.rpartition(".")[2].lower():  # the name says which
            return "Embedding", [n, weight[1]], {}, "padding_idx, max_norm", linear
        return "Linear", [weight[1], n], has_bias, "", f"nn.Embedding({n}, {weight[1]})"
    if len(weight) == 2:
        return "Linear", [weight[1], n], has_bias, "", ""
    if len(weight) in (3, 4, 5):
        d = len(weight) - 2
        kernel = weight[2:] if d > 1 else weight[2]
        other = f"nn.ConvTranspose{d}d({n}, {weight[1]}, {kernel})"
        if d == 1 and bias is not None:
            other += f", nn.Bilinear({weight[1]}, {weight[2]}, {n})"
        return (
            f"Conv{d}d",
            [weight[1], n, kernel],
            has_bias,
            "stride, padding, dilation, groups",
            other,
        )
    return None


def _recurrent(own: dict[str, tuple[int, ...]], layers: list[re.Match[str]]) -> Guess | None:
    first = own.get("weight_ih_l0")
    hh, hr = own.get("weight_hh_l0"), own.get("weight_hr_l0")
    if first is None or hh is None:
        return None
    hidden = hr[1] if hr is not None else hh[1]
    family = _family(first[0] // hidden if hidden and first[0] % hidden == 0 else 0)
    if family is None:
        return None
    kwargs: dict[str, Any] = {}
    count = 1 + max(int(m[1]) for m in layers)
    if count > 1:
        kwargs["num_layers"] = count
    if "bias_ih_l0" not in own:
        kwargs["bias"] = False
    if any(m[2] for m in layers):
        kwargs["bidirectional"] = True
    if hr is not None:
        kwargs["proj_size"] = hr[0]
    unknown = "batch_first" + (", dropout" if count > 1 else "")
    if len(family.torch_activations) > 1:  # nn.RNN's tanh or relu: not in the weights
        unknown = f"{_(_NONLINEARITY)}, {unknown}"
    return family.torch_name, [first[1], hidden], kwargs, unknown, ""


def _family(gates: int) -> Family | None:
    return next((f for f in FAMILIES.values() if f.gates == gates), None)


def _expression(cls: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """The call, with the arguments that differ from the constructor's defaults."""
    defaults = {"bias": True, "add_bias_kv": False}
    shown = [str(a) for a in args] + [
        f"{k}={v!r}" for k, v in kwargs.items() if defaults.get(k, not v) != v
    ]
    if cls == "MultiheadAttention":
        shown[1] = "num_heads=?"
    return f"nn.{cls}({', '.join(shown)})"
