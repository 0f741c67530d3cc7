"""Every way people give an input shape, normalised to one full shape with the batch axis."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import Dim, InputArgs, ResolvedInput, Shape, dim_text, shape_text
from rnncalc.errors import RnncalcError, invalid
from rnncalc.i18n import _
from rnncalc.limits import check_size


def parse_args(kwargs: dict[str, Any]) -> InputArgs:
    """Validate the input-shape arguments found in a layer call."""
    try:
        args = InputArgs.model_validate(kwargs)
    except ValidationError as exc:
        bad = invalid(exc)
        name = bad.name
        raise RnncalcError(
            _("invalid value for `{argument}`: {value!r} ({reason})").format(
                argument=name, value=bad.value, reason=bad.message
            ),
            _("give `{argument}` as a tuple of integers or None, e.g. {argument}=(10, 64)").format(
                argument=name
            )
            if "shape" in name
            else _("give `{argument}` as a positive integer or None").format(argument=name),
        ) from None
    for name in ("input_shape", "batch_input_shape"):
        check_shape(getattr(args, name), name)
    for name in ("input_dim", "input_length", "batch_size"):
        check_shape((getattr(args, name),), name)
    return args


def check_shape(shape: Shape | None, name: str) -> None:
    """Refuse negative axes, the way TensorFlow does (`Dimension -3 must be >= 0`), and axes
    larger than any tensor's."""
    for d in shape or ():
        if isinstance(d, int):
            one = len(shape or ()) == 1
            check_size(d, f"`{name}`" if one else _("an axis of `{name}`").format(name=name))
    if shape and any(d is not None and d < 0 for d in shape):
        raise RnncalcError(
            _("`{argument}` has a negative axis: {shape}").format(
                argument=name, shape=shape_text(shape)
            ),
            _("every axis is a size (0 or more) or None for unknown"),
        )


def resolve(args: InputArgs, keras: KerasVersion) -> tuple[ResolvedInput | None, list[str]]:
    """Turn the layer's input-shape arguments into one full shape, as Keras would.

    Args:
        args: the input-shape arguments of the layer call.
        keras: whose rules to follow.

    Returns:
        The full shape (or None when no argument gives one) and the warnings Keras would print.

    Example:
        >>> resolved, _ = resolve(InputArgs(input_shape=(10, 64), batch_size=32), KerasVersion.V2)
        >>> resolved.shape
        (32, 10, 64)
    """
    given = {k for k, v in args.model_dump().items() if v is not None}
    if keras is KerasVersion.V3:
        return _resolve_keras3(args, given)
    warnings: list[str] = []
    if args.batch_input_shape is not None:
        if args.batch_size is not None and args.batch_size != args.batch_input_shape[0]:
            warnings.append(
                _(
                    "batch_size={batch_size} is ignored: batch_input_shape wins (batch {batch})"
                ).format(batch_size=args.batch_size, batch=args.batch_input_shape[0])
            )
        return ResolvedInput(shape=args.batch_input_shape, given=("batch_input_shape",)), warnings
    if args.input_shape is not None:
        if args.input_length is not None:
            raise RnncalcError(
                _(
                    "`input_length` cannot go with `input_shape` (Keras 2: Keyword argument not "
                    "understood: input_length)"
                ),
                _(
                    "put the timesteps into input_shape: input_shape=({timesteps}, {features})"
                ).format(
                    timesteps=args.input_length,
                    features=dim_text(args.input_shape[-1]) if args.input_shape else "features",
                ),
            )
        if args.input_dim is not None and args.input_shape[-1:] != (args.input_dim,):
            warnings.append(
                _(
                    "input_dim={input_dim} is ignored: Keras 2 uses input_shape={shape} when "
                    "both are given"
                ).format(input_dim=args.input_dim, shape=shape_text(args.input_shape))
            )
        shape = (args.batch_size, *args.input_shape)
        return ResolvedInput(shape=shape, given=_given(("input_shape",), given)), warnings
    if "input_dim" in given or "input_length" in given:
        shape = (args.batch_size, args.input_length, args.input_dim)
        names = tuple(n for n in ("input_dim", "input_length") if n in given)
        return ResolvedInput(shape=shape, given=_given(names, given)), warnings
    return None, warnings


def _resolve_keras3(args: InputArgs, given: set[str]) -> tuple[ResolvedInput | None, list[str]]:
    for name, fix in (
        ("batch_input_shape", _("use keras.Input(batch_shape=...) or --batch-input-shape")),
        ("input_length", _("use keras.Input(shape=(timesteps, features)) or --input-shape")),
        ("batch_size", _("use keras.Input(shape=..., batch_size=...) or --batch-size")),
    ):
        if name in given:
            raise RnncalcError(
                _("Keras 3 does not accept `{argument}` as a layer argument").format(argument=name),
                fix,
            )
    if "input_dim" in given and "input_shape" in given:
        raise RnncalcError(
            _(
                "Keras 3 does not accept `input_shape` together with `input_dim` (Unrecognized "
                "keyword arguments: input_shape)"
            ),
            _("give only input_shape=(timesteps, features)"),
        )
    warning = _(
        "Keras 3 warns: do not pass an `input_shape`/`input_dim` argument to a layer; "
        "prefer keras.Input(shape) as the first layer"
    )
    if args.input_dim is not None:
        return ResolvedInput(shape=(None, args.input_dim), given=("input_dim",)), [warning]
    if args.input_shape is not None:
        return ResolvedInput(shape=(None, *args.input_shape), given=("input_shape",)), [warning]
    return None, []


INPUT_ARGUMENTS = frozenset(
    {"shape", "batch_size", "batch_shape", "batch_input_shape", "name", "dtype", "sparse"}
)


def keras_input(given: dict[str, Any]) -> ResolvedInput:
    """The input of `keras.Input(shape=..., batch_size=...)` (or `batch_shape=...`), which an
    expression's layer is called on.

    Example:
        >>> keras_input({"shape": (10, 3), "batch_size": 4}).shape
        (4, 10, 3)
    """
    for name in given:
        if name not in INPUT_ARGUMENTS:
            raise RnncalcError(
                _("keras.Input got an unexpected argument `{argument}`").format(argument=name),
                _("give shape=(timesteps, features), and batch_size=, or batch_shape="),
            )
    shape, batch = given.get("shape"), given.get("batch_shape", given.get("batch_input_shape"))
    size = given.get("batch_size")
    for name, value in (("shape", shape), ("batch_shape", batch)):
        ok = value is None or (
            isinstance(value, tuple | list) and all(d is None or type(d) is int for d in value)
        )
        if not ok:
            raise RnncalcError(
                _("keras.Input's `{argument}` must be a tuple of sizes, got {value!r}").format(
                    argument=name, value=value
                )[:200],
                _("e.g. keras.Input(shape=(10, 3))"),
            )
    if size is not None and type(size) is not int:
        raise RnncalcError(
            _("keras.Input's batch_size must be an integer, got {value!r}").format(value=size),
            _("e.g. 32"),
        )
    if batch is not None:
        check_shape(tuple(batch), "batch_shape")
        if shape is not None or size is not None:
            raise RnncalcError(
                _("keras.Input got batch_shape together with shape or batch_size"),
                _("give batch_shape alone, or shape and batch_size"),
            )
        return ResolvedInput(shape=tuple(batch), given=("keras.Input(batch_shape)",))
    if shape is None:
        raise RnncalcError(_("keras.Input needs a shape"), _("e.g. keras.Input(shape=(10, 3))"))
    check_shape(tuple(shape), "shape")
    check_shape((size,), "batch_size")
    given_by = ("keras.Input(shape)",) if size is None else ("keras.Input(shape)", "batch_size")
    return ResolvedInput(shape=(size, *shape), given=given_by)


def from_options(
    input_shape: Shape | None, batch_size: Dim, batch_input_shape: Shape | None
) -> ResolvedInput | None:
    """The input given on the command line, like `keras.Input(shape=..., batch_size=...)`.

    Example:
        >>> from_options((10, 64), 32, None).shape
        (32, 10, 64)
    """
    check_shape(input_shape, "--input-shape")
    check_shape(batch_input_shape, "--batch-input-shape")
    check_shape((batch_size,), "--batch-size")
    if batch_input_shape is not None:
        if input_shape is not None:
            raise RnncalcError(
                _("--input-shape and --batch-input-shape both give the input"),
                _(
                    "use --batch-input-shape for the full shape (batch first), or --input-shape "
                    "without the batch axis, not both"
                ),
            )
        if batch_size is not None and batch_input_shape[:1] not in ((batch_size,), (None,)):
            raise RnncalcError(
                _("--batch-size {batch_size} disagrees with --batch-input-shape {shape}").format(
                    batch_size=batch_size, shape=shape_text(batch_input_shape)
                ),
                _("drop --batch-size; the first axis is the batch"),
            )
        if batch_size is not None and batch_input_shape[:1] == (None,):
            return ResolvedInput(
                shape=(batch_size, *batch_input_shape[1:]),
                given=("--batch-input-shape", "--batch-size"),
            )
        return ResolvedInput(shape=batch_input_shape, given=("--batch-input-shape",))
    if input_shape is not None:
        return ResolvedInput(
            shape=(batch_size, *input_shape),
            given=("--input-shape",) if batch_size is None else ("--input-shape", "--batch-size"),
        )
    return None


def _given(names: tuple[str, ...], given: set[str]) -> tuple[str, ...]:
    return (*names, "batch_size") if "batch_size" in given else names
