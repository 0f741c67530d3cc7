"""A parsed layer call checked the way the framework's constructor checks it, into a config."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from rnncalc.config.conv import CONV
from rnncalc.config.enums import Framework, KerasVersion
from rnncalc.config.inputs import InputArgs
from rnncalc.config.keras import (
    CELLS,
    NO_TIME_MAJOR,
    RECURRENT,
    V1_DEFAULTS,
    V1_MODULE,
    KerasConfig,
    SequenceArgs,
    available,
)
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import NOT_LSTM, TORCH, TORCH_CELLS, TorchCellConfig, TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, RNNConfig, StackedRNNCellsConfig
from rnncalc.errors import RnncalcError, closest, invalid
from rnncalc.parse.expressions import LayerCall
from rnncalc.parse.inputs import parse_args

SEQUENCE: dict[str, type[KerasConfig]] = {**RECURRENT, **CONV, "RNN": RNNConfig}
KERAS: dict[str, type[KerasConfig]] = {
    **SEQUENCE,
    "Bidirectional": BidirectionalConfig,
    **CELLS,
    "StackedRNNCells": StackedRNNCellsConfig,
}
# Arguments holding layers or cells, and the classes each may hold.
NESTED: dict[str, dict[str, type[KerasConfig]]] = {
    "layer": SEQUENCE,
    "backward_layer": SEQUENCE,
    "cell": {**CELLS, "StackedRNNCells": StackedRNNCellsConfig},
    "cells": dict(CELLS),
}
TORCH_MODULES = ("nn", "torch.nn")


def framework_of(call: LayerCall, framework: Framework | None) -> Framework:
    """Whose layer the call names: `nn.LSTM` is PyTorch's; a bare `LSTM` is Keras's by default."""
    named = Framework.TORCH if call.module in TORCH_MODULES else None
    if named and framework is Framework.KERAS:
        raise RnncalcError(
            f"`{call.module}.{call.name}` is a PyTorch module, but --framework keras was given",
            "drop --framework, or write the Keras layer",
        )
    return framework or named or Framework.KERAS


def layer_from_call(
    call: LayerCall, keras: KerasVersion, framework: Framework | None = None
) -> tuple[AnyLayer, InputArgs]:
    """Validate a parsed call the way the framework's constructor would."""
    if framework_of(call, framework) is Framework.TORCH:
        return torch_from_call(call), InputArgs()
    config, inputs = _keras_config(call, KERAS, keras)
    if not isinstance(config, (*SEQUENCE.values(), BidirectionalConfig)):
        raise RnncalcError(
            f"{call.name} is a cell: it computes one timestep",
            f"wrap it in a layer that runs it over time: RNN({call.name}(...))",
        )
    return config, parse_args(inputs)  # type: ignore[return-value]


def keras_cell_from_call(call: LayerCall, keras: KerasVersion) -> KerasConfig:
    """A cell, validated where it is made: it is an argument of `RNN`, not a layer of a model.

    Example:
        >>> keras_cell_from_call(LayerCall("GRUCell", "", (4,), {}), KerasVersion.V2).units
        4
    """
    return _keras_config(call, NESTED["cell"], keras)[0]


def config_from_serialized(entry: dict[str, Any], keras: KerasVersion) -> AnyLayer:
    """A layer as Keras serializes it (`{"class_name", "config"}`), checked as a call would be.

    Example:
        >>> saved = {"class_name": "GRU", "config": {"units": 3}}
        >>> gru = config_from_serialized(saved, KerasVersion.V2)
        >>> gru.units, gru.reset_after
        (3, True)
    """
    config, _ = _nested(
        entry, SEQUENCE | {"Bidirectional": BidirectionalConfig}, keras, "the layer"
    )
    return config  # type: ignore[no-any-return]


def _keras_config(
    call: LayerCall, known: dict[str, type[KerasConfig]], keras: KerasVersion
) -> tuple[KerasConfig, dict[str, Any]]:
    if V1_MODULE in call.module and keras is KerasVersion.V2:  # Keras 3 serves it as its own
        call = call._replace(kwargs=V1_DEFAULTS.get(call.name, {}) | call.kwargs)
    if call.name == "TimeDistributed" and known is KERAS:
        raise RnncalcError(
            "TimeDistributed: `rnncalc summary` answers for it, and `rnncalc model` in a model",
            "ask table, compare and the others about the layer it wraps",
        )
    cls = known.get(call.name)
    if cls is None:
        raise _unknown_layer(call.name, known)
    layer = call.name
    if keras.value not in cls.keras_versions:
        raise RnncalcError(
            f"Keras {keras.value} has no {layer}",
            "use --keras 2 (tf.compat.v1.keras.layers), or LSTM/GRU, which use cuDNN on a GPU "
            "by themselves",
        )
    kwargs = _with_positional(call, cls.positional)
    inputs = {k: kwargs.pop(k) for k in list(kwargs) if k in InputArgs.names()}
    for name, allowed in NESTED.items():
        if name in kwargs and name in cls.model_fields and kwargs[name] is not None:
            kwargs[name], inner = _nested(kwargs[name], allowed, keras, f"`{name}` of {layer}")
            inputs = inner | inputs  # the outer call's input arguments win
    check_available(cls, kwargs, keras)
    for name, info in cls.model_fields.items():
        if info.is_required() and name not in kwargs:
            raise RnncalcError(f"{layer} needs `{name}`", f"e.g. {_example(layer, name)}")
    try:
        config = cls.model_validate(kwargs, context={"keras": keras.value})
    except ValidationError as exc:
        raise _invalid(exc, cls) from None
    return config, inputs


def _nested(
    value: Any, allowed: dict[str, type[KerasConfig]], keras: KerasVersion, where: str
) -> tuple[Any, dict[str, Any]]:
    """Configs for a nested layer call or serialized layer (`{"class_name", "config"}`)."""
    if isinstance(value, list | tuple):
        found = [_nested(v, allowed, keras, where) for v in value]
        inputs: dict[str, Any] = {}
        for _, inner in found:
            inputs |= inner
        return tuple(c for c, _ in found), inputs
    if not (isinstance(value, dict) and isinstance(value.get("class_name"), str)):
        raise RnncalcError(
            f"{where} must be a {' or '.join(_kinds(allowed))}, got {value!r}"[:200],
            f"write the call, e.g. {_example_nested(allowed)}",
        )
    name, config, args = value["class_name"], value.get("config") or {}, value.get("args", [])
    if not isinstance(config, dict) or not isinstance(args, list | tuple):
        raise RnncalcError(
            f"{where}: the {name} in it is malformed (its config is not a mapping)",
            "give what Keras wrote, unchanged",
        )
    if name not in allowed:
        raise RnncalcError(
            f"{where} must be a {' or '.join(_kinds(allowed))}, got {name}",
            f"use one of {', '.join(allowed)}, e.g. {_example_nested(allowed)}",
        )
    module = value.get("module")
    module = module if isinstance(module, str) else ""
    call = LayerCall(name, module, tuple(args), dict(config))
    return _keras_config(call, allowed, keras)


def _kinds(allowed: dict[str, type[KerasConfig]]) -> list[str]:
    return ["cell"] if "LSTM" not in allowed else ["recurrent layer"]


def _example_nested(allowed: dict[str, type[KerasConfig]]) -> str:
    return "LSTMCell(8)" if "LSTM" not in allowed else "LSTM(8)"


def _with_positional(call: LayerCall, positional: tuple[str, ...]) -> dict[str, Any]:
    return by_name(call.name, call.args, call.kwargs, positional, ", e.g. return_sequences=True")


def by_name(
    owner: str,
    args: Sequence[Any],
    given: dict[str, Any],
    positional: tuple[str, ...],
    example: str = "",
) -> dict[str, Any]:
    """A call's arguments by name: its positional ones named in the callee's order."""
    if len(args) > len(positional):
        raise RnncalcError(
            f"{owner} takes at most {len(positional)} positional arguments "
            f"({', '.join(positional)}), got {len(args)}",
            f"pass the others by keyword{example}",
        )
    kwargs = dict(given)
    for name, value in zip(positional, args, strict=False):
        if name in kwargs:
            raise RnncalcError(
                f"{owner} got two values for `{name}`",
                f"give `{name}` once, by position or by keyword",
            )
        kwargs[name] = value
    return kwargs


def torch_from_call(call: LayerCall) -> TorchConfig:
    """Validate `nn.LSTM(...)` as `torch.nn.LSTM.__init__` would."""
    cls = TORCH.get(call.name)
    if cls is None:
        raise _unknown_layer(call.name, TORCH, "PyTorch ")
    kwargs = _with_positional(call, cls.positional)
    if "proj_size" in call.kwargs and call.name != "LSTM":
        raise RnncalcError(NOT_LSTM, "drop proj_size, or use nn.LSTM")
    for name in kwargs:
        if name not in cls.model_fields:
            close = closest(name, cls.model_fields)
            raise RnncalcError(
                f"{call.name}.__init__() got an unexpected keyword argument '{name}'",
                f"did you mean `{close}`?" if close else f"see `rnncalc args nn.{call.name}`",
            )
    for name in ("input_size", "hidden_size"):
        if name not in kwargs:
            raise RnncalcError(
                f"nn.{call.name} needs `{name}`",
                f"e.g. nn.{call.name}(input_size=10, hidden_size=20)",
            )
    try:
        return cls.model_validate(kwargs)
    except ValidationError as exc:
        raise _invalid(exc, cls, torch=True) from None


def cell_from_call(call: LayerCall) -> TorchCellConfig:
    """Validate `nn.LSTMCell(...)` as `torch.nn.LSTMCell.__init__` would."""
    cls = TORCH_CELLS[call.name]
    kwargs = _with_positional(call, cls.positional)
    for name in kwargs:
        if name not in cls.model_fields:
            raise RnncalcError(
                f"{call.name}.__init__() got an unexpected keyword argument '{name}'",
                f"{call.name} takes {', '.join(cls.positional)}",
            )
    for name in ("input_size", "hidden_size"):
        if name not in kwargs:
            raise RnncalcError(f"nn.{call.name} needs `{name}`", f"e.g. nn.{call.name}(10, 20)")
    try:
        return cls.model_validate(kwargs)
    except ValidationError as exc:
        raise _invalid(exc, cls, torch=True) from None


def check_available(cls: type[BaseModel], names: Iterable[str], keras: KerasVersion) -> None:
    """Refuse an argument this Keras version's layer does not take, naming the closest one."""
    for name in names:
        if not available(cls, name, keras):
            raise _unknown_argument(cls, name, keras)


def _unknown_layer(name: str, known: dict[str, Any], whose: str = "") -> RnncalcError:
    close = closest(name, known, cutoff=0.5)
    return RnncalcError(
        f"unknown {whose}layer `{name}`" + (f"; did you mean `{close}`?" if close else ""),
        f"rnncalc knows {', '.join(known)}",
    )


def _unknown_argument(cls: type[BaseModel], name: str, keras: KerasVersion) -> RnncalcError:
    layer = cls.class_name()  # type: ignore[attr-defined]
    if name in cls.model_fields:
        other = "3" if keras is KerasVersion.V2 else "2"
        fix = NO_TIME_MAJOR if name == "time_major" else f"drop it, or use --keras {other}"
        return RnncalcError(f"Keras {keras.value} {layer} does not accept `{name}`", fix)
    if name in TorchConfig.model_fields or name == "nonlinearity":
        return RnncalcError(
            f"unknown argument `{name}` for Keras {keras.value} {layer}: it is PyTorch's",
            f"for PyTorch's module write nn.{layer}(...) or add --framework torch",
        )
    if name in SequenceArgs.model_fields:  # LSTMCell(4, return_sequences=True)
        return RnncalcError(
            f"{layer} does not take `{name}`: a cell computes one timestep",
            f"give it to the layer that runs the cell: RNN({layer}(...), {name}=...)",
        )
    names = [n for n in cls.model_fields if available(cls, n, keras)] + sorted(InputArgs.names())
    close = closest(name, names)
    fix = f"did you mean `{close}`?" if close else f"see `rnncalc args {layer}`"
    return RnncalcError(f"unknown argument `{name}` for Keras {keras.value} {layer}", fix)


def _invalid(exc: ValidationError, cls: type[BaseModel], torch: bool = False) -> RnncalcError:
    bad = invalid(exc)
    layer = ("nn." if torch else "") + cls.class_name()  # type: ignore[attr-defined]
    if bad.limit:  # one of rnncalc's limits: its own fix
        return RnncalcError(
            f"invalid value for `{bad.name}` of {layer}: {bad.limit.message}", bad.limit.hint
        )
    if not bad.name:  # a check across arguments
        fix = (
            "use 0 < proj_size < hidden_size, or 0 for none"
            if torch
            else "give every cell the same units, or drop reverse_state_order"
        )
        return RnncalcError(f"{layer}: {bad.message}", fix)
    return RnncalcError(
        f"invalid value for `{bad.name}` of {layer}: {bad.message}", _fix_for(cls, bad.name)
    )


def _example(layer: str, name: str) -> str:
    return {
        "units": f"{layer}(32)",
        "filters": f"{layer}(16, 3)",
        "kernel_size": f"{layer}(16, kernel_size=3)",
        "layer": "Bidirectional(LSTM(8))",
        "cell": "RNN(LSTMCell(8))",
        "cells": "StackedRNNCells([GRUCell(8), LSTMCell(4)])",
    }.get(name, f"{layer}({name}=...)")


def _fix_for(cls: type[BaseModel], name: str) -> str:
    layer = cls.class_name()  # type: ignore[attr-defined]
    info = cls.model_fields[name]
    if name in ("units", "filters") or (info.is_required() and name.endswith("_size")):
        example = f"nn.{layer}(10, 20)" if issubclass(cls, TorchConfig) else _example(layer, name)
        return f"give a whole number of 1 or more, e.g. {example}"
    if info.is_required():
        return f"e.g. {_example(layer, name)}"
    if name == "weights":
        return "drop it: rnncalc works from shapes, not weight values"
    default = getattr(info.default, "value", info.default)
    return f"e.g. {name}={default!r} (the default)"


def config_class_of(name: str, framework: Framework | None) -> type[BaseModel]:
    """The config class of a layer named as in code: `LSTM`, `keras.layers.GRU`, `nn.LSTM`."""
    module, _, short = name.strip().rpartition(".")
    call = LayerCall(short, module, (), {})
    known: dict[str, type[BaseModel]] = (
        dict(TORCH) if framework_of(call, framework) is Framework.TORCH else dict(KERAS)
    )
    if short not in known:
        close = closest(short, known, cutoff=0.5)
        raise RnncalcError(
            f"unknown layer {name!r}" + (f"; did you mean {close!r}?" if close else ""),
            f"use one of {', '.join(known)}",
        )
    return known[short]
