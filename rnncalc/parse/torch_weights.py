"""Saved PyTorch weights, read for their tensors' names and shapes only: a `torch.save`d
`state_dict` (`.pt`, `.pth`: a zip whose `data.pkl` goes through an allow-list unpickler
that builds stand-ins, never torch objects) or a `.safetensors` file (its JSON header)."""

from __future__ import annotations

import io
import json
import pickle
import struct
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, _
from rnncalc.limits import CODE_ITEMS, check_size

ZIP = b"PK\x03\x04"
# A state_dict's data.pkl holds names and storage keys, not data: some 100 bytes a tensor. Its
# bound also bounds what unpickling can build: a few tens of bytes of Python objects per byte.
PICKLE_BYTES = 2 * 2**20  # some 20,000 tensors
MARKS = 100  # how deeply a pickle may nest its tuples, lists and dicts (a state_dict: 3)
SAFETENSORS_HEADER = 100 * 2**20  # the format's own bound on its header
DTYPE_BYTES = {
    "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
    "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1, "U16": 2, "U32": 4, "U64": 8,
}  # fmt: skip
# torch's storage classes, by the name data.pkl gives them, and the dtype they hold
STORAGES = {
    "FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
    "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
    "BoolStorage": "bool",
}  # fmt: skip
FIX = N_("give a state_dict saved with torch.save(model.state_dict(), PATH) or safetensors")


class Saved(NamedTuple):
    """One tensor of a saved state_dict: its shape and dtype, and where its data lies."""

    shape: tuple[int, ...]
    dtype: str
    storage: str  # the .pt zip's storage key, or "" for safetensors
    offset: int  # elements into the storage (.pt), or bytes into the data (safetensors)
    stride: tuple[int, ...]


def read_weights(path: str) -> tuple[dict[str, Saved], str]:
    """The tensors of a saved state_dict by name, in the file's order, and its format.

    Raises:
        RnncalcError: for a file that is not one, or holds anything but tensors.
    """
    file = Path(path)
    if not file.is_file():
        raise RnncalcError(_("{path}: no such file").format(path=path), _(FIX))
    with file.open("rb") as stream:
        head = stream.read(4)
    if head.startswith(ZIP):
        return _pt(file), "pt"
    if file.suffix == ".safetensors":
        return _safetensors(file), "safetensors"
    raise RnncalcError(
        _(
            "{path}: not a zip, as torch.save writes since PyTorch 1.6 (a legacy pickle is "
            "never read)"
        ).format(path=path),
        _("save it again with torch.save(model.state_dict(), PATH), or as safetensors"),
    )


def _safetensors(file: Path) -> dict[str, Saved]:
    where, total = str(file), file.stat().st_size
    with file.open("rb") as stream:
        start = stream.read(8)
        if len(start) < 8:
            raise RnncalcError(_("{where}: too short for safetensors").format(where=where), _(FIX))
        (length,) = struct.unpack("<Q", start)
        if length > min(SAFETENSORS_HEADER, total - 8):
            raise RnncalcError(
                _("{where}: a safetensors header of {length:,} bytes").format(
                    where=where, length=length
                ),
                _(FIX),
            )
        raw = stream.read(length)
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RnncalcError(
            _("{where}: its safetensors header is not JSON").format(where=where), _(FIX)
        ) from None
    if not isinstance(header, dict):
        raise RnncalcError(
            _("{where}: its safetensors header is not an object").format(where=where), _(FIX)
        )
    header.pop("__metadata__", None)
    CODE_ITEMS.check(
        len(header), _("{where}'s tensors").format(where=where), _("give a smaller state_dict")
    )
    data = total - 8 - length
    found: dict[str, Saved] = {}
    for name, entry in header.items():
        shape, dtype, offsets = _entry(entry, where, name)
        begin, end = offsets
        count = 1
        for d in shape:
            count *= d
        if not 0 <= begin <= end <= data or end - begin != count * DTYPE_BYTES[dtype]:
            raise RnncalcError(
                _("{where}: tensor {name!r} lies outside the file's data").format(
                    where=where, name=name
                ),
                _(FIX),
            )
        found[name] = Saved(shape, dtype, "", begin, _contiguous(shape))
    return dict(sorted(found.items(), key=lambda item: item[1].offset))  # the saved order


def _entry(entry: Any, where: str, name: str) -> tuple[tuple[int, ...], str, tuple[int, int]]:
    if not isinstance(entry, dict) or not isinstance(name, str):
        raise RnncalcError(
            _("{where}: tensor {name!r} is not described as safetensors does").format(
                where=where, name=name
            ),
            _(FIX),
        )
    shape, dtype, offsets = entry.get("shape"), entry.get("dtype"), entry.get("data_offsets")
    if (
        dtype not in DTYPE_BYTES
        or not isinstance(shape, list)
        or not all(type(d) is int and d >= 0 for d in shape)
        or not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(type(o) is int for o in offsets)
    ):
        raise RnncalcError(
            _("{where}: tensor {name!r} is not described as safetensors does").format(
                where=where, name=name
            ),
            _(FIX),
        )
    for d in shape:
        check_size(d, _("a size of {name}").format(name=name))
    return tuple(shape), dtype, (offsets[0], offsets[1])


def _contiguous(shape: tuple[int, ...]) -> tuple[int, ...]:
    stride, step = [], 1
    for d in reversed(shape):
        stride.append(step)
        step *= max(d, 1)
    return tuple(reversed(stride))


# -- torch.save's zip


class _Storage(NamedTuple):
    dtype: str
    key: str
    numel: int


class _Tensor(NamedTuple):
    saved: Saved


class _Marker(NamedTuple):
    name: str


def _rebuild_tensor(storage: Any, offset: Any, size: Any, stride: Any, *rest: Any) -> _Tensor:
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError(_("a tensor without a storage"))
    shape, steps = _ints(size, "size"), _ints(stride, "stride")
    if type(offset) is not int or offset < 0 or len(shape) != len(steps):
        raise pickle.UnpicklingError(_("a tensor whose offset or stride is not one"))
    last = offset + sum((d - 1) * s for d, s in zip(shape, steps, strict=True) if d)
    if any(d == 0 for d in shape):
        last = offset - 1
    if last >= storage.numel:
        raise pickle.UnpicklingError(_("a tensor that reaches past its storage"))
    return _Tensor(Saved(shape, storage.dtype, storage.key, offset, steps))


def _rebuild_parameter(data: Any, *rest: Any) -> _Tensor:
    if not isinstance(data, _Tensor):
        raise pickle.UnpicklingError(_("a parameter without a tensor"))
    return data


def _ints(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple | list) or len(value) > 64:
        raise pickle.UnpicklingError(
            _("a tensor's {part} is not a tuple of ints").format(part=what)
        )
    if not all(type(d) is int and 0 <= d <= 2**48 for d in value):
        raise pickle.UnpicklingError(
            _("a tensor's {part} is not a tuple of sizes").format(part=what)
        )
    return tuple(value)


def _data(data: Any = b"") -> bytes:
    """What bytearray() may be built from here: bytes (never a size to allocate)."""
    if not isinstance(data, bytes | bytearray):
        raise pickle.UnpicklingError(_("bytearray of anything but bytes"))
    return bytes(data)


def _ordered_dict(*args: Any) -> OrderedDict[Any, Any]:
    if args:
        raise pickle.UnpicklingError(_("OrderedDict with arguments"))
    return OrderedDict()


_DTYPES = (
    "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
    "bool", "complex64", "complex128", "float", "double", "half", "long", "int", "short",
)  # fmt: skip
# What a state_dict's pickle may name: everything else is refused before it is called.
_ALLOWED: dict[tuple[str, str], Any] = {
    ("collections", "OrderedDict"): _ordered_dict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    **{("torch", name): _Marker(name) for name in STORAGES},
    # What else torch.load(weights_only=True) lets a checkpoint hold, as inert stand-ins:
    **{("torch", name): _Marker(name) for name in (*_DTYPES, "strided")},
    ("torch", "Size"): lambda *sizes: tuple(*sizes),
    ("torch", "device"): lambda *args: _Marker("device"),
    ("torch.serialization", "_get_layout"): lambda name: _Marker(str(name)),
    ("_codecs", "encode"): lambda text, encoding="latin1": str(text).encode("latin1"),
    ("builtins", "set"): lambda *items: set(*items),
    ("builtins", "bytearray"): lambda *data: bytearray(_data(*data)),
    ("builtins", "complex"): complex,
    ("collections", "Counter"): lambda *args: _ordered_dict(),
}


class _Unpickler(pickle._Unpickler):
    """The standard library's unpickler, with every global looked up in `_ALLOWED` (Python's
    documented way to restrict one), and storages as stand-ins for their keys. Its pure-Python
    form reads a length from the data before it allocates for it, which the C one does not."""

    dispatch = pickle._Unpickler.dispatch.copy()

    def load_mark(self) -> None:  # the pure-Python unpickler's, bounded (typeshed lacks it)
        if len(self.metastack) >= MARKS:  # type: ignore[attr-defined]
            raise pickle.UnpicklingError(_("nested more than {limit} deep").format(limit=MARKS))
        pickle._Unpickler.load_mark(self)  # type: ignore[attr-defined]

    dispatch[pickle.MARK[0]] = load_mark  # type: ignore[assignment]

    def find_class(self, module: str, name: str) -> Any:
        module = "builtins" if module == "__builtin__" else module  # Python 2's name, protocol 2
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(
                _("refused {module}.{name}").format(module=module, name=name)
            )
        return found

    def persistent_load(self, pid: Any) -> _Storage:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(_("a persistent id that is not a storage"))
        _tag, kind, key, _location, numel = pid
        if not isinstance(kind, _Marker) or kind.name not in STORAGES:
            raise pickle.UnpicklingError(_("a storage of an unknown type"))
        if not isinstance(key, str) or not key.isalnum() or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(_("a storage whose key or size is not one"))
        return _Storage(STORAGES[kind.name], key, numel)


def _pt(file: Path) -> dict[str, Saved]:
    where = str(file)
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            CODE_ITEMS.check(
                len(names), _("{where}'s entries").format(where=where), _("give a state_dict")
            )
            for name in names:
                if name.startswith("/") or "\\" in name or ".." in name.split("/"):
                    raise RnncalcError(
                        _("{where}: an entry named {name!r} outside the archive").format(
                            where=where, name=name
                        ),
                        _(FIX),
                    )
            pickles = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
            if len(pickles) != 1:
                raise RnncalcError(
                    _("{where}: a zip, but not one torch.save wrote").format(where=where), _(FIX)
                )
            info = archive.getinfo(pickles[0])
            if info.file_size > PICKLE_BYTES:
                raise RnncalcError(
                    _(
                        "{where}: its data.pkl holds {size:,} bytes (a state_dict's holds far "
                        "fewer than {limit:,})"
                    ).format(where=where, size=info.file_size, limit=PICKLE_BYTES),
                    _(FIX),
                )
            with archive.open(info) as stream:
                data = stream.read(PICKLE_BYTES + 1)
            prefix = pickles[0].removesuffix("data.pkl")
            keys = {
                n.removeprefix(prefix + "data/") for n in names if n.startswith(prefix + "data/")
            }
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise RnncalcError(
            _("{where}: not a readable zip ({reason})").format(where=where, reason=exc), _(FIX)
        ) from None
    if len(data) > PICKLE_BYTES:
        raise RnncalcError(
            _("{where}: its data.pkl is larger than it says").format(where=where), _(FIX)
        )
    try:
        loaded = _Unpickler(io.BytesIO(data)).load()
    except RnncalcError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError,
            AttributeError, struct.error, UnicodeDecodeError, RecursionError,
            MemoryError, OverflowError) as exc:  # fmt: skip
        raise RnncalcError(
            _("{where}: its data.pkl was refused before anything in it ran: {reason}").format(
                where=where, reason=exc
            )[:300],
            _("give a plain state_dict: torch.load(weights_only=True) refuses it too"),
        ) from None
    tensors = _state_dict(loaded, where)
    for name, saved in tensors.items():
        if saved.storage not in keys:
            raise RnncalcError(
                _("{where}: tensor {name!r} has no data in the archive").format(
                    where=where, name=name
                ),
                _(FIX),
            )
    return tensors


def _state_dict(loaded: Any, where: str) -> dict[str, Saved]:
    """The dict of tensors: the file's top level, or the one dict of tensors inside a
    checkpoint (`{"model_state_dict": ..., "epoch": 3}`)."""
    candidates = [loaded]
    if isinstance(loaded, dict) and not any(isinstance(v, _Tensor) for v in loaded.values()):
        candidates = [v for v in loaded.values() if isinstance(v, dict)]
    found = [
        c
        for c in candidates
        if isinstance(c, dict)
        and c
        and all(isinstance(k, str) and isinstance(v, _Tensor) for k, v in c.items())
    ]
    if len(found) != 1:
        raise RnncalcError(
            _("{where}: no state_dict (a dict of tensors by name) in it").format(where=where),
            _(FIX),
        )
    CODE_ITEMS.check(
        len(found[0]), _("{where}'s tensors").format(where=where), _("give a smaller state_dict")
    )
    return {name: tensor.saved for name, tensor in found[0].items()}
