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
from rnncalc.i18n import _
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
            _("`{module}.{layer}` is a PyTorch module, but --framework keras was given").format(
                module=call.module, layer=call.name
            ),
            _("drop --framework, or write the Keras layer"),
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
            _("{layer} is a cell: it computes one timestep").format(layer=call.name),
            _("wrap it in a layer that runs it over time: RNN({layer}(...))").format(
                layer=call.name
            ),
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
            _("TimeDistributed: `rnncalc summary` answers for it, and `rnncalc model` in a model"),
            _("ask table, compare and the others about the layer it wraps"),
        )
    cls = known.get(call.name)
    if cls is None:
        raise _unknown_layer(call.name, known)
    layer = call.name
    if keras.value not in cls.keras_versions:
        raise RnncalcError(
            _("Keras {keras} has no {layer}").format(keras=keras.value, layer=layer),
            _(
                "use --keras 2 (tf.compat.v1.keras.layers), or LSTM/GRU, which use cuDNN on a "
                "GPU by themselves"
            ),
        )
    kwargs = _with_positional(call, cls.positional)
    inputs = {k: kwargs.pop(k) for k in list(kwargs) if k in InputArgs.names()}
    for name, allowed in NESTED.items():
        if name in kwargs and name in cls.model_fields and kwargs[name] is not None:
            where = _("`{argument}` of {layer}").format(argument=name, layer=layer)
            kwargs[name], inner = _nested(kwargs[name], allowed, keras, where)
            inputs = inner | inputs  # the outer call's input arguments win
    check_available(cls, kwargs, keras)
    for name, info in cls.model_fields.items():
        if info.is_required() and name not in kwargs:
            raise RnncalcError(
                _("{layer} needs `{argument}`").format(layer=layer, argument=name),
                _("e.g. {example}").format(example=_example(layer, name)),
            )
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
        for _config, inner in found:
            inputs |= inner
        return tuple(c for c, _inputs in found), inputs
    cells = "LSTM" not in allowed
    if not (isinstance(value, dict) and isinstance(value.get("class_name"), str)):
        problem = (
            _("{where} must be a cell, got {value!r}")
            if cells
            else _("{where} must be a recurrent layer, got {value!r}")
        )
        raise RnncalcError(
            problem.format(where=where, value=value)[:200],
            _("write the call, e.g. {example}").format(example=_example_nested(allowed)),
        )
    name, config, args = value["class_name"], value.get("config") or {}, value.get("args", [])
    if not isinstance(config, dict) or not isinstance(args, list | tuple):
        raise RnncalcError(
            _("{where}: the {layer} in it is malformed (its config is not a mapping)").format(
                where=where, layer=name
            ),
            _("give what Keras wrote, unchanged"),
        )
    if name not in allowed:
        problem = (
            _("{where} must be a cell, got {layer}")
            if cells
            else _("{where} must be a recurrent layer, got {layer}")
        )
        raise RnncalcError(
            problem.format(where=where, layer=name),
            _("use one of {names}, e.g. {example}").format(
                names=", ".join(allowed), example=_example_nested(allowed)
            ),
        )
    module = value.get("module")
    module = module if isinstance(module, str) else ""
    call = LayerCall(name, module, tuple(args), dict(config))
    return _keras_config(call, allowed, keras)


def _example_nested(allowed: dict[str, type[KerasConfig]]) -> str:
    return "LSTMCell(8)" if "LSTM" not in allowed else "LSTM(8)"


def _with_positional(call: LayerCall, positional: tuple[str, ...]) -> dict[str, Any]:
    return by_name(call.name, call.args, call.kwargs, positional, "return_sequences=True")


def by_name(
    owner: str,
    args: Sequence[Any],
    given: dict[str, Any],
    positional: tuple[str, ...],
    example: str = "",
) -> dict[str, Any]:
    """A call's arguments by name: its positional ones named in the callee's order (`example`:
    a keyword argument the fix shows, `return_sequences=True`)."""
    if len(args) > len(positional):
        raise RnncalcError(
            _("{owner} takes at most {count} positional arguments ({names}), got {given}").format(
                owner=owner, count=len(positional), names=", ".join(positional), given=len(args)
            ),
            _("pass the others by keyword, e.g. {example}").format(example=example)
            if example
            else _("pass the others by keyword"),
        )
    kwargs = dict(given)
    for name, value in zip(positional, args, strict=False):
        if name in kwargs:
            raise RnncalcError(
                _("{owner} got two values for `{argument}`").format(owner=owner, argument=name),
                _("give `{argument}` once, by position or by keyword").format(argument=name),
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
        raise RnncalcError(_(NOT_LSTM), _("drop proj_size, or use nn.LSTM"))
    for name in kwargs:
        if name not in cls.model_fields:
            close = closest(name, cls.model_fields)
            raise RnncalcError(
                f"{call.name}.__init__() got an unexpected keyword argument '{name}'",
                _("did you mean `{name}`?").format(name=close)
                if close
                else _("see `rnncalc args nn.{layer}`").format(layer=call.name),
            )
    for name in ("input_size", "hidden_size"):
        if name not in kwargs:
            raise RnncalcError(
                _("nn.{layer} needs `{argument}`").format(layer=call.name, argument=name),
                _("e.g. nn.{layer}(input_size=10, hidden_size=20)").format(layer=call.name),
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
                _("{layer} takes {names}").format(layer=call.name, names=", ".join(cls.positional)),
            )
    for name in ("input_size", "hidden_size"):
        if name not in kwargs:
            raise RnncalcError(
                _("nn.{layer} needs `{argument}`").format(layer=call.name, argument=name),
                _("e.g. nn.{layer}(10, 20)").format(layer=call.name),
            )
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
    if whose:  # PyTorch's
        problem = (
            _("unknown PyTorch layer `{name}`; did you mean `{close}`?")
            if close
            else _("unknown PyTorch layer `{name}`")
        )
    else:
        problem = (
            _("unknown layer `{name}`; did you mean `{close}`?")
            if close
            else _("unknown layer `{name}`")
        )
    return RnncalcError(
        problem.format(name=name, close=close),
        _("rnncalc knows {names}").format(names=", ".join(known)),
    )


def _unknown_argument(cls: type[BaseModel], name: str, keras: KerasVersion) -> RnncalcError:
    layer = cls.class_name()  # type: ignore[attr-defined]
    if name in cls.model_fields:
        other = "3" if keras is KerasVersion.V2 else "2"
        fix = (
            _(NO_TIME_MAJOR)
            if name == "time_major"
            else _("drop it, or use --keras {keras}").format(keras=other)
        )
        return RnncalcError(
            _("Keras {keras} {layer} does not accept `{argument}`").format(
                keras=keras.value, layer=layer, argument=name
            ),
            fix,
        )
    if name in TorchConfig.model_fields or name == "nonlinearity":
        return RnncalcError(
            _("unknown argument `{argument}` for Keras {keras} {layer}: it is PyTorch's").format(
                argument=name, keras=keras.value, layer=layer
            ),
            _("for PyTorch's module write nn.{layer}(...) or add --framework torch").format(
                layer=layer
            ),
        )
    if name in SequenceArgs.model_fields:  # LSTMCell(4, return_sequences=True)
        return RnncalcError(
            _("{layer} does not take `{argument}`: a cell computes one timestep").format(
                layer=layer, argument=name
            ),
            _("give it to the layer that runs the cell: RNN({layer}(...), {argument}=...)").format(
                layer=layer, argument=name
            ),
        )
    names = [n for n in cls.model_fields if available(cls, n, keras)] + sorted(InputArgs.names())
    close = closest(name, names)
    fix = (
        _("did you mean `{name}`?").format(name=close)
        if close
        else _("see `rnncalc args {layer}`").format(layer=layer)
    )
    return RnncalcError(
        _("unknown argument `{argument}` for Keras {keras} {layer}").format(
            argument=name, keras=keras.value, layer=layer
        ),
        fix,
    )


def _invalid(exc: ValidationError, cls: type[BaseModel], torch: bool = False) -> RnncalcError:
    bad = invalid(exc)
    layer = ("nn." if torch else "") + cls.class_name()  # type: ignore[attr-defined]
    invalid_value = _("invalid value for `{argument}` of {layer}: {reason}")
    if bad.limit:  # one of rnncalc's limits: its own fix
        return RnncalcError(
            invalid_value.format(argument=bad.name, layer=layer, reason=bad.limit.message),
            bad.limit.hint,
        )
    if not bad.name:  # a check across arguments
        fix = (
            _("use 0 < proj_size < hidden_size, or 0 for none")
            if torch
            else _("give every cell the same units, or drop reverse_state_order")
        )
        return RnncalcError(f"{layer}: {bad.message}", fix)
    return RnncalcError(
        invalid_value.format(argument=bad.name, layer=layer, reason=bad.message),
        _fix_for(cls, bad.name),
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
        return _("give a whole number of 1 or more, e.g. {example}").format(example=example)
    if info.is_required():
        return _("e.g. {example}").format(example=_example(layer, name))
    if name == "weights":
        return _("drop it: rnncalc works from shapes, not weight values")
    default = getattr(info.default, "value", info.default)
    return _("e.g. {argument}={default!r} (the default)").format(argument=name, default=default)


def config_class_of(name: str, framework: Framework | None) -> type[BaseModel]:
    """The config class of a layer named as in code: `LSTM`, `keras.layers.GRU`, `nn.LSTM`."""
    module, _dot, short = name.strip().rpartition(".")
    call = LayerCall(short, module, (), {})
    known: dict[str, type[BaseModel]] = (
        dict(TORCH) if framework_of(call, framework) is Framework.TORCH else dict(KERAS)
    )
    if short not in known:
        close = closest(short, known, cutoff=0.5)
        raise RnncalcError(
            _("unknown layer {name!r}; did you mean {close!r}?").format(name=name, close=close)
            if close
            else _("unknown layer {name!r}").format(name=name),
            _("use one of {names}").format(names=", ".join(known)),
        )
    return known[short]
