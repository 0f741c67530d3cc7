"""Arrays in and out of files for the executor: .npy inputs, .npz weights, Keras's weights."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from rnncalc.errors import RnncalcError
from rnncalc.execute.activations import Array
from rnncalc.keras_files import DAMAGED_ZIP, HDF5, ZIP

MAX_BYTES = 4 * 1024**3  # an input or weights file larger than this is refused, not read
MAX_WEIGHTS = 2 * 1024**3  # bytes of an archive's model.weights.h5 read into memory


def _readable(path: str, suffix: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise RnncalcError(f"{path}: no such file", f"give a {suffix} file")
    if file.stat().st_size > MAX_BYTES:
        raise RnncalcError(f"{path}: larger than {MAX_BYTES:,} bytes", "give a smaller file")
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


def load_array(path: str) -> Array:
    """One array from an .npy file (no pickled objects)."""
    file = _readable(path, ".npy")
    try:
        array = np.load(file, allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise RnncalcError(
            f"{path}: not an .npy array ({exc})", "save it with numpy.save"
        ) from None
    if not isinstance(array, np.ndarray):
        raise RnncalcError(f"{path}: holds several arrays", "give one .npy file per input")
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


def load_weights(path: str, layer: str | None = None) -> list[Array] | dict[str, Array]:
    """A layer's weights from an .npz (`arr_0, arr_1, ...` in Keras's order as a list, else
    PyTorch's by name) or from a Keras weights file (`layer`: its name or path there)."""
    if _is_keras(path):
        return pick_layer(read_keras_weights(path), layer, path)
    if layer is not None:
        raise RnncalcError(
            f"--layer {layer}: {path} is an .npz, which holds one layer's weights",
            "leave out --layer, or give a Keras weights file",
        )
    file = _readable(path, ".npz")
    try:
        with np.load(file, allow_pickle=False) as found:
            named = {name: found[name] for name in found.files}
    except (ValueError, OSError) as exc:
        raise RnncalcError(
            f"{path}: not an .npz file ({exc})", "save it with numpy.savez"
        ) from None
    numbered = sorted(named, key=lambda n: int(n[4:]) if re.fullmatch(r"arr_\d+", n) else -1)
    if named and all(re.fullmatch(r"arr_\d+", n) for n in named):
        return [named[n] for n in numbered]
    return named


def pick_layer(saved: list[SavedLayer], layer: str | None, where: str) -> list[Array]:
    """One layer's arrays: the one named (by name or path), or the only one holding any."""
    holding = [s for s in saved if s.arrays]
    listed = ", ".join(s.label() for s in holding) or "none"
    if layer is None and len(holding) == 1:
        return holding[0].arrays
    if not holding:
        raise RnncalcError(
            f"{where} holds no layer's weights", "give what model.save_weights() wrote"
        )
    if layer is None:
        raise RnncalcError(
            f"{where} holds the weights of {len(holding)} layers: {listed}",
            "choose one with --layer NAME",
        )
    for s in saved:
        if layer in (s.name, s.path):
            return s.arrays
    raise RnncalcError(f"{where} has no layer {layer!r}", f"give one of: {listed}")


def save_arrays(path: str, arrays: list[Array] | dict[str, Array]) -> None:
    """Write arrays with numpy.savez to exactly `path` (a list as arr_0, arr_1, ...)."""
    if not path.endswith(".npz"):
        raise RnncalcError(f"{path}: the output must be an .npz file", "name it something.npz")
    target = Path(path)
    if target.is_dir() or not target.parent.is_dir():
        raise RnncalcError(f"{path}: cannot write there", "give a file in an existing folder")
    try:
        with target.open("wb") as stream:  # a file object: savez adds no suffix of its own
            if isinstance(arrays, dict):
                np.savez(stream, **arrays)  # type: ignore[arg-type]
            else:
                np.savez(stream, *arrays)
    except OSError as exc:
        raise RnncalcError(
            f"{path}: cannot write ({exc.strerror})", "give a writable path"
        ) from None


def read_keras_weights(path: str) -> list[SavedLayer]:
    """Each layer's weights in a Keras file, read in memory, nothing extracted to disk.

    Reads a `.keras` archive, a legacy `.h5` model, and what `save_weights` writes: the
    archive's layout (`.weights.h5`) or the legacy HDF5 one (tf-keras, `.h5`). An archive keeps
    a layer under its path, not its name: its class in snake case, numbered in `model.layers`
    order (`lstm`, `lstm_1`, ...); Keras 3 records the name beside it, tf-keras does not.
    """
    if not _is_keras(path):
        raise RnncalcError(
            f"{path}: not a Keras weights file (HDF5, or a .keras archive)",
            "give what model.save() or model.save_weights() wrote",
        )
    try:
        import h5py
    except ImportError:
        raise RnncalcError(
            f"{path}: reading Keras's weights needs h5py", 'pip install "rnncalc[exec]"'
        ) from None
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                found = "model.weights.h5" in archive.namelist()
                info = archive.getinfo("model.weights.h5") if found else None
                if info is None or info.file_size > MAX_WEIGHTS:
                    raise RnncalcError(
                        f"{path}: the archive has no model.weights.h5 (or one over "
                        f"{MAX_WEIGHTS:,} bytes)",
                        "save the model with model.save('model.keras')",
                    )
                data = archive.read(info)
            with h5py.File(io.BytesIO(data), "r") as h5:
                return _saved_layers(h5)
        with h5py.File(path, "r") as h5:
            return _saved_layers(h5)
    except (OSError, KeyError, RuntimeError, UnicodeError, *DAMAGED_ZIP) as exc:  # damaged
        raise RnncalcError(
            f"{path}: not a readable Keras weights file ({exc})",
            "give what model.save() or model.save_weights() wrote",
        ) from None


def _saved_layers(h5: Any) -> list[SavedLayer]:
    if "layers" in h5:  # the archive's layout: layers/<path>/..., Keras 3 names it in vars
        return [
            SavedLayer(
                path, _text(group["vars"].attrs["name"]) if _named(group) else None, _arrays(group)
            )
            for path, group in h5["layers"].items()
        ]
    group = h5.get("model_weights", h5)  # legacy HDF5: each layer lists its weights
    return [
        SavedLayer(None, name, [np.asarray(group[name][_text(w)]) for w in weight_names])
        for name in group
        if (weight_names := group[name].attrs.get("weight_names")) is not None
    ]


def _named(group: Any) -> bool:
    return "vars" in group and "name" in group["vars"].attrs


def _arrays(group: Any) -> list[Array]:
    """An archive's layer group's arrays in Keras's order: a Bidirectional's forward layer
    first, numbered variables in number order."""
    found: list[tuple[list[Any], Array]] = []

    def visit(name: str, item: Any) -> None:
        if hasattr(item, "shape"):
            key = [
                {"forward_layer": 0, "backward_layer": 1}.get(p, int(p) if p.isdigit() else p)
                for p in name.split("/")
            ]
            found.append((key, np.asarray(item)))

    group.visititems(visit)
    found.sort(key=lambda pair: [(isinstance(k, str), k) for k in pair[0]])
    return [array for _, array in found]


def _text(name: Any) -> str:
    return name.decode() if isinstance(name, bytes) else str(name)
