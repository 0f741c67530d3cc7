"""Arrays in and out of files for the executor's commands: .npy inputs, .npz weights."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from rnncalc.errors import RnncalcError
from rnncalc.execute.activations import Array

MAX_BYTES = 4 * 1024**3  # an input or weights file larger than this is refused, not read


def _readable(path: str, suffix: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise RnncalcError(f"{path}: no such file", f"give a {suffix} file")
    if file.stat().st_size > MAX_BYTES:
        raise RnncalcError(f"{path}: larger than {MAX_BYTES:,} bytes", "give a smaller file")
    return file


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


def load_weights(path: str) -> list[Array] | dict[str, Array]:
    """Weights from an .npz: `arr_0, arr_1, ...` (Keras's order) as a list, else by name."""
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
