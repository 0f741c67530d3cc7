"""Arrays in and out of files for the executor: .npy inputs, .npz weights, Keras's weights."""

from __future__ import annotations

import contextlib
import io
import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import numpy as np

from rnncalc.errors import RnncalcError, guarded
from rnncalc.execute.activations import Array
from rnncalc.i18n import N_, _
from rnncalc.limits import ARCHIVE_MEMBERS, ARRAY_BYTES, FILE_BYTES, HDF5_CHUNKS, HDF5_OBJECTS
from rnncalc.parse.keras_files import DAMAGED_ZIP, HDF5, ZIP, attribute
from rnncalc.writing import open_output

# The fix of `_readable`'s refusals, by the kind of file wanted
GIVE_FILE = {
    ".npy": N_("give a .npy file"),
    ".npz": N_("give a .npz file"),
    "weights": N_("give a weights file"),
    "state_dict": N_("give a state_dict file"),
}


def _readable(path: str, suffix: str) -> Path:
    file = Path(path)
    if not file.exists():
        raise RnncalcError(_("{path}: no such file").format(path=path), _(GIVE_FILE[suffix]))
    if not file.is_file():  # a folder, a FIFO or a device: never opened
        raise RnncalcError(_("{path}: not a regular file").format(path=path), _(GIVE_FILE[suffix]))
    FILE_BYTES.check(file.stat().st_size, path, _("give a smaller file"))
    return file


def _is_keras(path: str) -> bool:
    """Whether a weights file is Keras's (HDF5, or a .keras archive) rather than an .npz, which
    is a zip too."""
    with _readable(path, "weights").open("rb") as stream:
        head = stream.read(8)
    if head.startswith(ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                return not {"config.json", "model.weights.h5"}.isdisjoint(archive.namelist())
        except DAMAGED_ZIP:
            return False  # numpy says what is wrong with it
    return head.startswith(HDF5)


# HDF5's own filters (deflate, shuffle, fletcher32, szip, nbit, scaleoffset) and h5py's lzf:
# any other is a shared library HDF5 looks for on disk.
BUILT_IN_FILTERS = frozenset({1, 2, 3, 4, 5, 6, 32000})


class Budget:
    """The bytes of arrays one file may hand over, counted from their headers before each is
    read: a header that declares terabytes is refused, not allocated."""

    def __init__(self, where: str) -> None:
        self.where, self.bytes, self.objects, self.chunks = where, 0, 0, 0

    def take(self, shape: tuple[int, ...], dtype: np.dtype[Any], what: str) -> None:
        """Count one array of `shape` and `dtype`, named `what` in messages."""
        if dtype.hasobject or dtype.kind not in "biuf" or dtype.itemsize > 8:
            raise RnncalcError(
                _("{where}: {what} holds {dtype}, not real numbers of up to 64 bits").format(
                    where=self.where, what=what, dtype=dtype
                ),
                _(
                    "give arrays of float32 (or other real numbers), as Keras and numpy.save "
                    "write them"
                ),
            )
        self.bytes += math.prod(shape) * dtype.itemsize
        ARRAY_BYTES.check(
            self.bytes,
            _("{where} (up to {what})").format(where=self.where, what=what),
            _("give a smaller file"),
        )

    def visit(self) -> None:
        """Count one HDF5 group or dataset."""
        self.objects += 1
        HDF5_OBJECTS.check(self.objects, self.where, _("give what Keras saved"))


def _npy_header(stream: IO[bytes], budget: Budget, what: str, stored: int) -> None:
    """Check an .npy header before numpy allocates what it declares (`stored`: the bytes the
    file really holds after it)."""
    try:
        version = np.lib.format.read_magic(stream)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else None
        shape, _fortran, dtype = (read or np.lib.format.read_array_header_2_0)(stream)
    except Exception as exc:  # numpy's parser raises ValueError, SyntaxError, TokenError...
        raise RnncalcError(
            _("{where}: {what} is not an .npy array ({error})").format(
                where=budget.where, what=what, error=exc
            ),
            _("save it with numpy.save"),
        ) from None
    if any(d < 0 for d in shape):
        raise RnncalcError(
            _("{where}: {what} declares the shape {shape}").format(
                where=budget.where, what=what, shape=shape
            ),
            _("save it again with numpy.save"),
        )
    budget.take(shape, dtype, what)
    if math.prod(shape) * dtype.itemsize > stored:
        raise RnncalcError(
            _("{where}: {what} declares {shape} of {dtype}, more than the file holds").format(
                where=budget.where, what=what, shape=shape, dtype=dtype
            ),
            _("save it again with numpy.save"),
        )


@guarded
def load_array(path: str, budget: Budget | None = None) -> Array:
    """One array from an .npy file (no pickled objects), its header checked first, against
    `budget` where several files share one bound."""
    file = _readable(path, ".npy")
    with file.open("rb") as stream:
        _npy_header(stream, budget or Budget(path), path, file.stat().st_size)
    try:
        array = np.load(file, allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise RnncalcError(
            _("{path}: not an .npy array ({error})").format(path=path, error=exc),
            _("save it with numpy.save"),
        ) from None
    if not isinstance(array, np.ndarray):
        raise RnncalcError(
            _("{path}: holds several arrays").format(path=path), _("give one .npy file per input")
        )
    return array


class SavedLayer(NamedTuple):
    """One layer's weights in a Keras file."""

    path: str | None  # where an archive's layout keeps them (`lstm_1`); None in legacy HDF5
    name: str | None  # the layer's name, where the file records it (not in tf-keras's archive)
    arrays: list[Array]  # in `layer.get_weights()` order

    def label(self) -> str:
        """How a message names it: `encoder (lstm)`, `lstm_1` or `encoder`."""
        if self.name and self.path and self.name != self.path:
            return f"{self.name} ({self.path})"
        return str(self.name or self.path)


@guarded
def load_weights(path: str, layer: str | None = None) -> list[Array] | dict[str, Array]:
    """A layer's weights from an .npz (`arr_0, arr_1, ...` in Keras's order as a list, else
    PyTorch's by name) or from a Keras weights file (`layer`: its name or path there)."""
    if _is_keras(path):
        return pick_layer(read_keras_weights(path), layer, path)
    if _is_state_dict(path):
        return _module(read_state_dict(path), layer, path)
    if layer is not None:
        raise RnncalcError(
            _("--layer {layer}: {path} is an .npz, which holds one layer's weights").format(
                layer=layer, path=path
            ),
            _("leave out --layer, or give a Keras weights file"),
        )
    file = _readable(path, ".npz")
    _npz_headers(path)
    try:
        with np.load(file, allow_pickle=False) as found:
            named = {name: found[name] for name in found.files}
    except (ValueError, OSError) as exc:
        raise RnncalcError(
            _("{path}: not an .npz file ({error})").format(path=path, error=exc),
            _("save it with numpy.savez"),
        ) from None
    numbered = sorted(named, key=lambda n: int(n[4:]) if re.fullmatch(r"arr_\d+", n) else -1)
    if named and all(re.fullmatch(r"arr_\d+", n) for n in named):
        return [named[n] for n in numbered]
    return named


def _is_state_dict(path: str) -> bool:
    """A torch.save'd state_dict (a zip with a data.pkl) or a .safetensors file."""
    if Path(path).suffix == ".safetensors":
        return True
    with _readable(path, "weights").open("rb") as stream:
        if not stream.read(4).startswith(ZIP):
            return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith("data.pkl") for n in archive.namelist())
    except DAMAGED_ZIP:
        return False


NUMPY_DTYPES = {
    "float32": "<f4", "float64": "<f8", "float16": "<f2", "int64": "<i8", "int32": "<i4",
    "int16": "<i2", "int8": "i1", "uint8": "u1", "bool": "?", "F32": "<f4", "F64": "<f8",
    "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?",
}  # fmt: skip


def read_state_dict(path: str) -> dict[str, Array]:
    """A saved state_dict's arrays by name: a `.pt` zip's storages (read only after its
    data.pkl passed the allow-list unpickler) or a `.safetensors` file's data."""
    from rnncalc.parse.torch_weights import read_weights

    file = _readable(path, "state_dict")
    tensors, kind = read_weights(path)
    budget = Budget(path)
    found: dict[str, Array] = {}
    with _Saved(file, kind, budget) as saved_data:
        for name, saved in tensors.items():
            dtype = NUMPY_DTYPES.get(saved.dtype)
            if dtype is None:
                raise RnncalcError(
                    _("{path}: {name} is {dtype}, which NumPy does not hold").format(
                        path=path, name=name, dtype=saved.dtype
                    ),
                    _(FIX_DTYPE),
                )
            budget.take(saved.shape, np.dtype(dtype), name)
            found[name] = saved_data.array(saved, np.dtype(dtype))
    return found


FIX_DTYPE = N_("save it as float32: {k: v.float() for k, v in model.state_dict().items()}")


class _Saved(contextlib.AbstractContextManager["_Saved"]):
    """A saved state_dict's data, opened once: safetensors' bytes after its header, or the
    `.pt` zip's storages, each read once however many tensors view it."""

    def __init__(self, file: Path, kind: str, budget: Budget) -> None:
        self.file, self.kind, self.budget = file, kind, budget
        self.storages: dict[str, bytes] = {}

    def __enter__(self) -> _Saved:
        if self.kind == "safetensors":
            self.stream: IO[bytes] = self.file.open("rb")
            self.start = 8 + int(np.frombuffer(self.stream.read(8), "<u8")[0])
        else:
            self.archive = zipfile.ZipFile(self.file)
            names = self.archive.namelist()
            self.prefix = next(n for n in names if n.endswith("data.pkl"))[: -len("data.pkl")]
        return self

    def __exit__(self, *exc: object) -> None:
        (self.stream if self.kind == "safetensors" else self.archive).close()

    def array(self, saved: Any, dtype: np.dtype[Any]) -> Array:
        native = dtype.newbyteorder("=")
        count = math.prod(saved.shape)
        if self.kind == "safetensors":
            self.stream.seek(self.start + saved.offset)
            flat: Array = np.frombuffer(self.stream.read(count * dtype.itemsize), dtype)
            return np.array(flat.reshape(saved.shape), dtype=native)
        if saved.storage not in self.storages:
            info = self.archive.getinfo(f"{self.prefix}data/{saved.storage}")
            self.budget.take(
                (info.file_size,),
                np.dtype("u1"),
                _("storage {storage}").format(storage=saved.storage),
            )
            with self.archive.open(info) as stream:
                self.storages[saved.storage] = stream.read()
        storage = np.frombuffer(self.storages[saved.storage], dtype)
        last = saved.offset + sum(
            (d - 1) * st for d, st in zip(saved.shape, saved.stride, strict=True)
        )
        if count and last >= storage.size:
            raise RnncalcError(
                _("{path}: a tensor reaches past its storage").format(path=self.file),
                _("give the file torch saved"),
            )
        strides = tuple(st * dtype.itemsize for st in saved.stride)
        view = np.lib.stride_tricks.as_strided(storage[saved.offset :], saved.shape, strides)
        return np.array(view, dtype=native)


def _module(arrays: dict[str, Array], layer: str | None, path: str) -> dict[str, Array]:
    """One module's parameters of a whole model's state_dict: `--layer encoder` takes
    `encoder.weight_ih_l0` and the like as `weight_ih_l0`."""
    owners = sorted({n.rpartition(".")[0] for n in arrays})
    if layer is None:
        if owners == [""]:
            return arrays
        recurrent = sorted({n.rpartition(".")[0] for n in arrays if ".weight_ih" in n})
        raise RnncalcError(
            _("{path} holds the weights of several modules").format(path=path),
            _("name one with --layer: {modules}").format(modules=", ".join(recurrent or owners)),
        )
    found = {n[len(layer) + 1 :]: a for n, a in arrays.items() if n.startswith(layer + ".")}
    found = {n: a for n, a in found.items() if "." not in n}
    if not found:
        raise RnncalcError(
            _("--layer {layer}: {path} has no module of that name").format(layer=layer, path=path),
            _("give one of {modules}").format(modules=", ".join(o for o in owners if o)),
        )
    return found


def _npz_headers(path: str) -> None:
    """Check every array header of an .npz before numpy reads any of them."""
    budget = Budget(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            ARCHIVE_MEMBERS.check(len(members), path, _("give one layer's weights"))
            if len({m.filename for m in members}) < len(members):  # numpy reads the last
                raise RnncalcError(
                    _("{path}: two arrays share a name").format(path=path),
                    _("save it with numpy.savez"),
                )
            for info in members:
                with archive.open(info) as stream:
                    _npy_header(stream, budget, info.filename, info.file_size)
    except DAMAGED_ZIP as exc:
        raise RnncalcError(
            _("{path}: not an .npz file ({error})").format(path=path, error=exc),
            _("save it with numpy.savez"),
        ) from None


def pick_layer(saved: list[SavedLayer], layer: str | None, where: str) -> list[Array]:
    """One layer's arrays: the one named (by name or path), or the only one holding any."""
    holding = [s for s in saved if s.arrays]
    listed = ", ".join(s.label() for s in holding) or _("none")
    if layer is None and len(holding) == 1:
        return holding[0].arrays
    if not holding:
        raise RnncalcError(
            _("{where} holds no layer's weights").format(where=where),
            _("give what model.save_weights() wrote"),
        )
    if layer is None:
        raise RnncalcError(
            _("{where} holds the weights of {count} layers: {layers}").format(
                where=where, count=len(holding), layers=listed
            ),
            _("choose one with --layer NAME"),
        )
    for s in saved:
        if layer in (s.name, s.path):
            return s.arrays
    raise RnncalcError(
        _("{where} has no layer {layer!r}").format(where=where, layer=layer),
        _("give one of: {layers}").format(layers=listed),
    )


def save_arrays(path: str, arrays: list[Array] | dict[str, Array]) -> None:
    """Write arrays with numpy.savez to exactly `path` (a list as arr_0, arr_1, ...)."""
    if not path.endswith(".npz"):
        raise RnncalcError(
            _("{path}: the output must be an .npz file").format(path=path),
            _("name it something.npz"),
        )
    with open_output(path, "--output") as stream:  # a file object: savez adds no suffix
        if isinstance(arrays, dict):
            np.savez(stream, **arrays)  # type: ignore[arg-type]
        else:
            np.savez(stream, *arrays)


@guarded
def read_keras_weights(path: str) -> list[SavedLayer]:
    """Each layer's weights in a Keras file, read in memory, nothing extracted to disk.

    Reads a `.keras` archive, a legacy `.h5` model, and what `save_weights` writes: the
    archive's layout (`.weights.h5`) or the legacy HDF5 one (tf-keras, `.h5`). An archive keeps
    a layer under its path, not its name: its class in snake case, numbered in `model.layers`
    order (`lstm`, `lstm_1`, ...); Keras 3 records the name beside it, tf-keras does not.
    """
    if not _is_keras(path):
        raise RnncalcError(
            _("{path}: not a Keras weights file (HDF5, or a .keras archive)").format(path=path),
            _("give what model.save() or model.save_weights() wrote"),
        )
    try:
        import h5py
    except ImportError:
        raise RnncalcError(
            _("{path}: reading Keras's weights needs h5py").format(path=path),
            'pip install "rnncalc[exec]"',
        ) from None
    budget = Budget(path)
    try:
        if zipfile.is_zipfile(path):
            with (
                zipfile.ZipFile(path) as archive,
                _member(archive, path, budget) as data,
                h5py.File(data, "r") as h5,
            ):
                return _saved_layers(h5, budget)
        with h5py.File(path, "r") as h5:
            return _saved_layers(h5, budget)
    except (OSError, KeyError, RuntimeError, UnicodeError, *DAMAGED_ZIP) as exc:  # damaged
        raise RnncalcError(
            _("{path}: not a readable Keras weights file ({error})").format(path=path, error=exc),
            _("give what model.save() or model.save_weights() wrote"),
        ) from None


def read_tfjs_weights(path: str, manifest: Any) -> list[SavedLayer]:
    """The weights of a TensorFlow.js `model.json`: its `weightsManifest` lists, group by
    group, the shard files beside it (read end to end) and the weights they hold, in
    `model.weights` order, each named `layer/.../weight`. Only float32 weights are read; a
    shard is read only from the model's own folder.
    """
    fix = _("give the model.json and its .bin shards as tensorflowjs_converter wrote them")
    folder = Path(path).resolve().parent
    budget = Budget(path)
    found: dict[str, list[Array]] = {}
    for group in manifest if isinstance(manifest, list) else [manifest]:
        paths, specs = (
            group.get(k) if isinstance(group, dict) else None for k in ("paths", "weights")
        )
        if not isinstance(paths, list) or not isinstance(specs, list):
            raise RnncalcError(_("{path}: the weightsManifest is malformed").format(path=path), fix)
        data = _shards(folder, paths, path)
        offset = 0
        for spec in specs:
            name, shape, dtype = (
                spec.get(k) if isinstance(spec, dict) else None for k in ("name", "shape", "dtype")
            )
            if (
                not isinstance(name, str)
                or not isinstance(shape, list)
                or not all(type(d) is int and d >= 0 for d in shape)
            ):
                raise RnncalcError(
                    _("{path}: a weight of the weightsManifest is malformed").format(path=path),
                    fix,
                )
            if dtype != "float32" or "quantization" in spec:
                stored = (
                    _(
                        "{path}: weight {name!r} is stored as quantized; rnncalc reads float32 "
                        "shards"
                    )
                    if "quantization" in spec
                    else _(
                        "{path}: weight {name!r} is stored as {dtype}; rnncalc reads float32 shards"
                    )
                )
                raise RnncalcError(
                    stored.format(path=path, name=name, dtype=dtype),
                    _("convert the model again without quantization (float32 weights)"),
                )
            budget.take(tuple(shape), np.dtype("<f4"), _("weight {name!r}").format(name=name))
            size = math.prod(shape) * 4
            if offset + size > len(data):
                raise RnncalcError(
                    _("{path}: the shards end before weight {name!r}").format(path=path, name=name),
                    fix,
                )
            array = np.frombuffer(data, "<f4", math.prod(shape), offset).reshape(shape)
            offset += size
            found.setdefault(name.split("/")[0], []).append(array.astype(np.float32))
    return [SavedLayer(path=None, name=name, arrays=arrays) for name, arrays in found.items()]


def _shards(folder: Path, names: list[Any], where: str) -> bytes:
    """The group's shards beside model.json, end to end; a name that leaves the folder is
    refused, and their bytes together are bounded before any is read."""
    files = []
    for name in names:
        if (
            not isinstance(name, str)
            or not name
            or Path(name).is_absolute()
            or (".." in Path(name).parts)
        ):
            raise RnncalcError(
                _("{where}: weight shard {name!r} is not a file beside model.json").format(
                    where=where, name=str(name)[:80]
                ),
                _("give shards named as tensorflowjs_converter names them (group1-shard1of1.bin)"),
            )
        file = folder / name
        if not file.is_file():
            raise RnncalcError(
                _("{where}: weight shard {name} is missing").format(where=where, name=name),
                _("put it beside model.json"),
            )
        files.append(file)
    total = sum(f.stat().st_size for f in files)
    ARRAY_BYTES.check(
        total, _("{where}: its weight shards").format(where=where), _("give a smaller model")
    )
    return b"".join(f.read_bytes() for f in files)


@contextlib.contextmanager
def _member(archive: zipfile.ZipFile, path: str, budget: Budget) -> Iterator[IO[bytes]]:
    """The archive's model.weights.h5 as a file: read in place where Keras stored it
    uncompressed, else unpacked into memory, its bytes counted with the arrays read from it."""
    names = archive.namelist()
    ARCHIVE_MEMBERS.check(len(names), path, _("give a .keras file as Keras saved it"))
    if "model.weights.h5" not in names:
        raise RnncalcError(
            _("{path}: the archive has no model.weights.h5").format(path=path),
            _("save the model with model.save('model.keras')"),
        )
    info = archive.getinfo("model.weights.h5")
    if info.compress_type == zipfile.ZIP_STORED:
        with open(path, "rb") as stream:
            stream.seek(info.header_offset)
            local = stream.read(30)  # the local header: its name and extra field come next
            if len(local) < 30 or not local.startswith(ZIP):
                raise zipfile.BadZipFile(_("the member's local header is damaged"))
            start = info.header_offset + 30 + int.from_bytes(local[26:28], "little")
            start += int.from_bytes(local[28:30], "little")
            yield io.BufferedReader(_Window(stream, start, info.file_size))
        return
    budget.take((info.file_size,), np.dtype("u1"), _("model.weights.h5, unpacked"))
    with archive.open(info) as packed:
        yield io.BytesIO(packed.read(ARRAY_BYTES.value + 1))


class _Window(io.RawIOBase):
    """Bytes `start` to `start + size` of an open file, as a file of their own."""

    def __init__(self, stream: IO[bytes], start: int, size: int) -> None:
        self.stream, self.start, self.size, self.at = stream, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.at, io.SEEK_END: self.size}[whence]
        self.at = max(0, base + offset)
        return self.at

    def tell(self) -> int:
        return self.at

    def readinto(self, buffer: Any) -> int:
        wanted = max(0, min(len(buffer), self.size - self.at))
        self.stream.seek(self.start + self.at)
        data = self.stream.read(wanted)
        buffer[: len(data)] = data
        self.at += len(data)
        return len(data)


def _saved_layers(h5: Any, budget: Budget) -> list[SavedLayer]:
    if "layers" in h5:  # the archive's layout: layers/<path>/..., Keras 3 names it in vars
        found = []
        for path, group in _children(_child(h5, "layers", budget), budget):
            named = _is_group(group) and "vars" in group
            name = attribute(_child(group, "vars", budget), "name", path) if named else None
            found.append(
                SavedLayer(path, None if name is None else _text(name), _arrays(group, budget))
            )
        return found
    group = _child(h5, "model_weights", budget) if "model_weights" in h5 else h5
    found = []
    for name, layer in _children(group, budget):  # legacy HDF5: each layer lists its weights
        weight_names = attribute(layer, "weight_names", budget.where)
        if weight_names is not None:
            if not isinstance(weight_names, np.ndarray) or weight_names.ndim != 1:
                raise RnncalcError(
                    _("{where}: the weight_names of {layer} are not a list of names").format(
                        where=budget.where, layer=name
                    ),
                    _("give what Keras saved"),
                )
            arrays = [_read(_resolve(layer, _text(w), budget), budget) for w in weight_names]
            found.append(SavedLayer(None, name, arrays))
    return found


IN_THE_FILE = N_("give weights stored in the file itself, as Keras saves them")


def _is_group(item: Any) -> bool:
    return hasattr(item, "keys")


def _child(group: Any, name: str, budget: Budget) -> Any:
    """One member of a group, reached only through a hard link: a soft link may point
    anywhere in the file, an external one into another file."""
    import h5py

    link = group.get(name, getlink=True)
    if link is None:
        raise KeyError(_("{path} is missing").format(path=f"{group.name}/{name}"))
    if not isinstance(link, h5py.HardLink):
        message = (
            _("{where}: {path} is a link to another file, which rnncalc does not follow")
            if isinstance(link, h5py.ExternalLink)
            else _("{where}: {path} is a link to another place, which rnncalc does not follow")
        )
        raise RnncalcError(
            message.format(where=budget.where, path=f"{group.name.rstrip('/')}/{name}"),
            _(IN_THE_FILE),
        )
    budget.visit()
    return group[name]


def _children(group: Any, budget: Budget) -> list[tuple[str, Any]]:
    return [(name, _child(group, name, budget)) for name in group] if _is_group(group) else []


def _resolve(group: Any, path: str, budget: Budget) -> Any:
    """A dataset named by a path such as `lstm/lstm_cell/kernel:0`, link by link."""
    item = group
    for part in filter(None, path.split("/")):
        if not _is_group(item):
            raise KeyError(_("{path} is not in {group}").format(path=path, group=group.name))
        item = _child(item, part, budget)
    return item


def _read(item: Any, budget: Budget) -> Array:
    """A dataset's values, read only when they are stored in this file and fit the bound."""
    import h5py

    where = _("dataset {name}").format(name=item.name)
    if not isinstance(item, h5py.Dataset) or item.shape is None:
        raise RnncalcError(
            _("{where}: {name} is no array").format(where=budget.where, name=item.name),
            _("give what Keras saved"),
        )
    plist = item.id.get_create_plist()
    if plist.get_layout() == h5py.h5d.VIRTUAL:
        raise RnncalcError(
            _(
                "{where}: {dataset} is a virtual dataset over other files, which rnncalc "
                "does not read"
            ).format(where=budget.where, dataset=where),
            _(IN_THE_FILE),
        )
    if plist.get_external_count():
        raise RnncalcError(
            _(
                "{where}: {dataset} keeps its data in an external file, which rnncalc does not read"
            ).format(where=budget.where, dataset=where),
            _(IN_THE_FILE),
        )
    for index in range(plist.get_nfilters()):
        code = plist.get_filter(index)[0]
        if code not in BUILT_IN_FILTERS:
            raise RnncalcError(
                _(
                    "{where}: {dataset} is compressed with filter {code}, which HDF5 would "
                    "load as a plugin from outside the file"
                ).format(where=budget.where, dataset=where, code=code),
                _("give weights saved without plugin filters, as Keras saves them"),
            )
    budget.take(item.shape, item.dtype, where)
    if item.chunks:  # each chunk is a read of its own, however small
        budget.chunks += math.prod(
            -(-size // chunk) for size, chunk in zip(item.shape, item.chunks, strict=True)
        )
        HDF5_CHUNKS.check(
            budget.chunks,
            _("{where} (up to {what})").format(where=budget.where, what=where),
            _("give what Keras saved"),
        )
    return np.asarray(item[()])


def _arrays(group: Any, budget: Budget) -> list[Array]:
    """An archive's layer group's arrays in Keras's order: a Bidirectional's forward layer
    first, numbered variables in number order."""
    import h5py

    found: list[tuple[list[Any], Array]] = []
    pending, seen = [("", group)], set()
    while pending:
        name, item = pending.pop()
        address = h5py.h5o.get_info(item.id).addr
        if address in seen:  # Keras links each object once; a loop would never end
            raise RnncalcError(
                _("{where}: {name} is reached twice (a group linked into itself?)").format(
                    where=budget.where, name=item.name
                ),
                _("give what Keras saved"),
            )
        seen.add(address)
        if _is_group(item):
            pending += [(f"{name}/{n}".lstrip("/"), child) for n, child in _children(item, budget)]
            continue
        key = [
            {"forward_layer": 0, "backward_layer": 1}.get(p, int(p) if p.isdigit() else p)
            for p in name.split("/")
        ]
        found.append((key, _read(item, budget)))
    found.sort(key=lambda pair: [(isinstance(k, str), k) for k in pair[0]])
    return [array for _key, array in found]


def _text(name: Any) -> str:
    return name.decode() if isinstance(name, bytes) else str(name)
