"""A parsed layer call checked the way Keras's constructor checks it, into a config."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

from pydantic import ValidationError

from rnncalc.checks import NO_TIME_MAJOR
from rnncalc.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.expressions import LayerCall
from rnncalc.inputs import InputArgs, parse_args
from rnncalc.layers import CONFIGS, RecurrentConfig, available


def layer_from_call(call: LayerCall, keras: KerasVersion) -> tuple[RecurrentConfig, InputArgs]:
    """Validate a parsed call the way Keras's constructor would."""
    cls = CONFIGS.get(call.name)
    if cls is None:
        close = get_close_matches(call.name, list(CONFIGS), n=1, cutoff=0.5)
        raise RnncalcError(
            f"unknown layer `{call.name}`" + (f"; did you mean `{close[0]}`?" if close else ""),
            f"rnncalc knows {', '.join(CONFIGS)}",
        )
    layer = call.name
    if len(call.args) > len(cls.positional):
        raise RnncalcError(
            f"{layer} takes at most {len(cls.positional)} positional arguments "
            f"({', '.join(cls.positional)}), got {len(call.args)}",
            "pass the others by keyword, e.g. return_sequences=True",
        )
    kwargs = dict(call.kwargs)
    for name, value in zip(cls.positional, call.args, strict=False):
        if name in kwargs:
            raise RnncalcError(
                f"{layer} got two values for `{name}`",
                f"give `{name}` once, by position or by keyword",
            )
        kwargs[name] = value
    input_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in InputArgs.names()}
    check_available(cls, kwargs, keras)
    if "units" not in kwargs:
        raise RnncalcError(f"{layer} needs `units`", f"e.g. {layer}(32) or {layer}(units=32)")
    try:
        config = cls.model_validate(kwargs, context={"keras": keras.value})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"][:1])
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise RnncalcError(
            f"invalid value for `{name}` of {layer}: {msg}", _fix_for(cls, name)
        ) from None
    return config, parse_args(input_kwargs)


def check_available(cls: type[RecurrentConfig], names: Iterable[str], keras: KerasVersion) -> None:
    """Refuse an argument this Keras version's layer does not take, naming the closest one."""
    for name in names:
        if not available(cls, name, keras):
            raise _unknown_argument(cls, name, keras)


def _unknown_argument(cls: type[RecurrentConfig], name: str, keras: KerasVersion) -> RnncalcError:
    layer = cls.class_name()
    if name in cls.model_fields:
        other = "3" if keras is KerasVersion.V2 else "2"
        fix = NO_TIME_MAJOR if name == "time_major" else f"drop it, or use --keras {other}"
        return RnncalcError(f"Keras {keras.value} {layer} does not accept `{name}`", fix)
    names = [n for n in cls.model_fields if available(cls, n, keras)] + sorted(InputArgs.names())
    close = get_close_matches(name, names, n=1)
    fix = f"did you mean `{close[0]}`?" if close else f"see `rnncalc args {layer}`"
    return RnncalcError(f"unknown argument `{name}` for Keras {keras.value} {layer}", fix)


def _fix_for(cls: type[RecurrentConfig], name: str) -> str:
    if name == "units":
        return f"give a whole number of 1 or more, e.g. {cls.class_name()}(32)"
    return f"e.g. {name}={cls.model_fields[name].default!r} (the default)"
