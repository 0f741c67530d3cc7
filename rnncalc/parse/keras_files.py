"""Saved Keras models read without Keras: model JSON, `.keras` archives and legacy `.h5` files."""

from __future__ import annotations

import ast
import contextlib
import json
import re
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any, NamedTuple

from rnncalc.config.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.limits import (
    ARCHIVE_MEMBERS,
    CELLS,
    CODE_BYTES,
    CONFIG_BYTES,
    JSON_DEPTH,
    JSON_VALUES,
    MODEL_CALLS,
    MODEL_LAYERS,
    check_size,
)
from rnncalc.parse.torch_print import looks_like_tree

ZIP, HDF5 = b"PK\x03\x04", b"\x89HDF\r\n\x1a\n"
# What reading a damaged zip raises, besides BadZipFile: a member cut short, bad compressed data,
# or a compression method that is not there.
DAMAGED_ZIP = (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError)


class Loaded(NamedTuple):
    """A model's config as Keras serialized it, whose Keras wrote it, and the file's kind."""

    config: dict[str, Any]
    keras: KerasVersion
    # "json", "keras", "h5", "code" (Python that builds the model), "tree" (the text print()
    # writes of a PyTorch model), "pt" or "safetensors" (a PyTorch state_dict: parse.torch_weights)
    kind: str
    code: str = ""  # the code or the tree, when that is what the file holds
    manifest: Any = None  # TensorFlow.js's weightsManifest: where its weight shards are


# torch.save's format before PyTorch 1.6: a pickle of this magic number first (never unpickled)
LEGACY_TORCH = b"\x80\x02\x8a\nl\xfc\x9cF"


def load(path: str) -> Loaded:
    """Read a model config from a file (or `-` for standard input), whatever its kind.

    The kind is read from the content, not the name: a zip is a `.keras` archive, an HDF5 file a
    legacy `.h5` (needs `pip install "rnncalc[h5]"`), Python code (a `.py` file, or text that
    is not JSON) the code that builds the model, anything else JSON.

    Raises:
        RnncalcError: naming the file and what is wrong with it.
    """
    if path == "-":
        return _from_text(sys.stdin.buffer.read(CONFIG_BYTES.value + 1), "-", code=False)
    file = Path(path)
    if not file.exists():
        raise RnncalcError(
            _("{path}: no such file").format(path=path), _("give the path of a model file")
        )
    if not file.is_file():  # a folder, a FIFO or a device: never opened
        raise RnncalcError(
            _("{path}: not a regular file").format(path=path), _("give the path of a model file")
        )
    with file.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(ZIP):
        return _from_archive(file)
    if head.startswith(HDF5):
        return _from_h5(file)
    if file.suffix == ".safetensors":
        return Loaded({}, KerasVersion.V2, "safetensors")
    if file.suffix in (".pt", ".pth") or head.startswith(LEGACY_TORCH):
        return Loaded({}, KerasVersion.V2, "pt")
    if file.stat().st_size > CONFIG_BYTES.value:
        raise RnncalcError(
            _("{path}: {size:,} bytes is too large for a model's JSON (at most {limit:,})").format(
                path=path, size=file.stat().st_size, limit=CONFIG_BYTES.value
            ),
            _("give the JSON of model.to_json(), a .keras or an .h5 file"),
        )
    data = file.read_bytes()
    if file.suffix == ".json":  # what the name says, even when the JSON is broken
        return _from_json(data, path)
    return _from_text(data, path, code=file.suffix == ".py")


def is_torch_code(loaded: Loaded) -> bool:
    """Whether code imports PyTorch and not Keras: the code of a PyTorch model.

    Example:
        >>> is_torch_code(Loaded({}, KerasVersion.V2, "code", "import torch.nn as nn"))
        True
    """
    if loaded.kind != "code":
        return False
    imported = set(re.findall(r"^\s*(?:from|import)\s+(\w+)", loaded.code, re.MULTILINE))
    return "torch" in imported and not imported & {"keras", "tensorflow", "tf_keras"}


def _from_text(data: bytes, where: str, code: bool) -> Loaded:
    """JSON, or Python code: code when the name says so (`.py`), or text that does not start
    as JSON does (`{`, `[` or a string) and reads as Python."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not code and (not start or start in b'{["'):
        return _from_json(data, where)
    if len(data) > CODE_BYTES.value:
        raise RnncalcError(
            _("{where}: more than {limit:,} bytes of code").format(
                where=where, limit=CODE_BYTES.value
            ),
            _("give the code that builds the model"),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if code:
            raise RnncalcError(
                _("{where}: the code is not UTF-8 text").format(where=where), _("save it as UTF-8")
            ) from None
        return _from_json(data, where)  # says what JSON would
    if not code and looks_like_tree(text):  # what print() writes of a PyTorch model
        return Loaded({}, KerasVersion.V2, "tree", text)
    if not code:
        try:
            ast.parse(text)
        except SyntaxError as exc:
            raise RnncalcError(
                _(
                    "{where}: neither a model's JSON nor Python code (as Python, line {line}: "
                    "{reason})"
                ).format(where=where, line=exc.lineno, reason=exc.msg),
                _(
                    "give model JSON, a .keras or .h5 file, Python code that builds the model, "
                    "or the text print(model) writes of a PyTorch model"
                ),
            ) from None
        except (MemoryError, RecursionError, ValueError):
            pass  # the code reader says what is wrong with it
    return Loaded({}, KerasVersion.V2, "code", text)


def _from_json(data: bytes, where: str, keras: KerasVersion | None = None) -> Loaded:
    config = _parsed(data, where)
    if isinstance(config, str):  # JSON saved as a JSON string: json.dump(model.to_json(), f)
        try:
            config = _parsed(config.encode("utf-8", "surrogatepass"), where)
        except RnncalcError:
            raise RnncalcError(
                _("{where}: this JSON is a string, not a Keras model").format(where=where),
                _("give what Keras wrote"),
            ) from None
    check_json(config, where)
    manifest = config.get("weightsManifest") if isinstance(config, dict) else None
    config, version = _as_found(config, where)
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise RnncalcError(
            _(
                "{where}: this JSON is not a Keras model (no class_name and config at the top)"
            ).format(where=where),
            _("give what model.to_json() wrote"),
        )
    return Loaded(config, keras or _version(version, data), "json", manifest=manifest)


def _parsed(data: bytes, where: str) -> Any:
    """The JSON value of `data`, within rnncalc's bounds, or why it is none."""
    if len(data) > CONFIG_BYTES.value:
        raise RnncalcError(
            _("{where}: more than {limit:,} bytes of JSON").format(
                where=where, limit=CONFIG_BYTES.value
            ),
            _("give one model"),
        )
    JSON_VALUES.check(  # an upper bound, counted before the JSON is parsed
        data.count(b",") + data.count(b"{") + data.count(b"["),
        _("{where}: the JSON").format(where=where),
        _("give what Keras wrote"),
    )
    try:
        return json.loads(data)
    except RecursionError:  # deeper than Python's parser goes, so far past the limit
        raise RnncalcError(
            _("{where}: the JSON nests deeper than rnncalc's limit of {limit} levels").format(
                where=where, limit=JSON_DEPTH.value
            ),
            _("give what Keras wrote"),
        ) from None
    except UnicodeDecodeError:
        raise RnncalcError(
            _("{where}: the file is not text, so not a model's JSON").format(where=where),
            _("give what model.to_json() wrote, a .keras archive or an .h5 file"),
        ) from None
    except json.JSONDecodeError as exc:
        # The text ends before the JSON does, or inside a string that never closes.
        cut = exc.pos >= len(data.rstrip()) or exc.msg.startswith("Unterminated string")
        raise RnncalcError(
            (
                _("{where}: the JSON is cut short ({reason})")
                if cut
                else _("{where}: the JSON is not valid ({reason})")
            ).format(where=where, reason=exc),
            _("give the whole of what model.to_json() wrote")
            if cut
            else _("give what model.to_json() wrote, a .keras archive or an .h5 file"),
        ) from None
    except ValueError:  # what json leaves to int(): more digits than Python reads
        raise RnncalcError(
            _("{where}: a number in the JSON has more than 4,300 digits").format(where=where),
            _("give what Keras wrote"),
        ) from None


# Arguments only Keras 1 had, and what Keras 2 renamed them. Its Dense and LSTM `output_dim` is
# `units` today, but Embedding still has one, so in a saved config it tells nothing.
KERAS1_RENAMED = {
    "init": "kernel_initializer",
    "inner_init": "recurrent_initializer",
    "W_regularizer": "kernel_regularizer",
    "U_regularizer": "recurrent_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "U_constraint": "recurrent_constraint",
    "b_constraint": "bias_constraint",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "border_mode": "padding",
    "subsample": "strides",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "consume_less": "implementation",
}


def _as_found(config: Any, where: str) -> tuple[Any, Any]:
    """A model config in the forms found in repositories, as `model.to_json()` writes it today,
    with the Keras version it names: TensorFlow.js's `model.json` (`modelTopology`, with or
    without `model_config`), and Keras 2.0-2.2's Sequential, whose config is its list of
    layers. A Keras 1 config is refused as what it is."""
    if not isinstance(config, dict):
        return config, None
    version = config.get("keras_version")
    topology = config.get("modelTopology")
    if isinstance(topology, dict):  # TensorFlow.js layers format
        version = topology.get("keras_version", version)
        config = topology.get("model_config", topology)
        if not isinstance(config, dict):
            return config, version
    layers = config.get("config")
    if config.get("class_name") == "Sequential" and isinstance(layers, list):
        config = {**config, "config": {"name": "sequential", "layers": layers}}
    found = _keras1(config)
    if (isinstance(version, str) and version.startswith("1")) or found:
        said = f"keras_version {version}" if isinstance(version, str) else f"`{found}`"
        raise RnncalcError(
            _(
                "{where}: a Keras 1 model ({said}): Keras 2 and 3 cannot load it, since Keras 2 "
                "renamed most layer arguments (output_dim is units, init kernel_initializer, "
                "dropout_W dropout, border_mode padding)"
            ).format(where=where, said=said),
            _("build the model again with today's Keras and save it, or give its code"),
        )
    return config, version


def _keras1(config: dict[str, Any]) -> str | None:
    """A Keras 1 argument that one of the model's layers gives, if any."""
    inner = config.get("config")
    layers = inner.get("layers") if isinstance(inner, dict) else None
    for layer in layers if isinstance(layers, list) else []:
        arguments = layer.get("config") if isinstance(layer, dict) else None
        if isinstance(arguments, dict):
            for name in arguments:
                if name in KERAS1_RENAMED:
                    return str(name)
    return None


def check_json(value: Any, where: str) -> None:
    """Refuse, in one pass without recursion, what would make reading a config recurse or
    loop without end: nesting, layers and sizes beyond rnncalc's limits."""
    # The words of a refusal, put together once (not once a value).
    fix, smaller = _("give what Keras wrote"), _("give a smaller model")
    json_, rnn = (
        _("{where}: the JSON").format(where=where),
        _("{where}: an RNN").format(where=where),
    )
    model = _("{where}: the model").format(where=where)
    number = _("{where}: a number in the JSON").format(where=where)
    pending, layers, calls = [(value, 1)], 0, 0
    while pending:
        item, depth = pending.pop()
        JSON_DEPTH.check(depth, json_, fix)
        if isinstance(item, dict):
            if isinstance(item.get("layers"), list):
                layers += len(item["layers"])
            for key in ("cell", "cells"):
                if isinstance(item.get(key), list):
                    CELLS.check(len(item[key]), rnn, _("stack fewer cells"))
                    layers += len(item[key])  # each cell costs as much as a layer
            MODEL_LAYERS.check(layers, model, smaller)
            if isinstance(item.get("inbound_nodes"), list):
                calls += len(item["inbound_nodes"])
                MODEL_CALLS.check(calls, model, smaller)
            pending += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            pending += [(v, depth + 1) for v in item]
        elif type(item) is int:
            check_size(item, number)


def _version(version: Any, data: bytes) -> KerasVersion:
    """Keras 2 writes its version into the JSON; Keras 3 writes `batch_shape`, not
    `batch_input_shape`."""
    if isinstance(version, str):
        return KerasVersion.V2 if version.startswith("2") else KerasVersion.V3
    return KerasVersion.V2 if b'"batch_input_shape"' in data else KerasVersion.V3


def _from_archive(file: Path) -> Loaded:
    where = str(file)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > ARCHIVE_MEMBERS.value:
                raise RnncalcError(
                    _(
                        "{where}: the archive holds {count:,} files; a .keras archive holds 3"
                    ).format(where=where, count=len(members)),
                    _("give a .keras file as Keras saved it"),
                )
            names = {m.filename: m for m in members}
            if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
                return Loaded({}, KerasVersion.V2, "pt")  # torch.save's zip: a state_dict
            if "config.json" not in names:
                nested = [n for n in names if n.endswith((".keras", ".zip"))]
                problem = (
                    _(
                        "{where}: this zip is not a Keras archive: it holds another archive "
                        "({inner}), not a model"
                    ).format(where=where, inner=nested[0])
                    if nested
                    else _(
                        "{where}: this zip is not a Keras archive: it has no config.json"
                    ).format(where=where)
                )
                raise RnncalcError(
                    problem, _("give the .keras file itself, as model.save() wrote it")
                )
            info = names["config.json"]
            if info.file_size > CONFIG_BYTES.value:
                raise RnncalcError(
                    _("{where}: config.json unpacks to {size:,} bytes (at most {limit:,})").format(
                        where=where, size=info.file_size, limit=CONFIG_BYTES.value
                    ),
                    _("give a .keras file as Keras saved it"),
                )
            with archive.open(info) as stream:  # read at most the bound, whatever the header says
                data = stream.read(CONFIG_BYTES.value + 1)
            metadata = _metadata(archive, names.get("metadata.json"))
    except DAMAGED_ZIP as exc:
        damage = str(exc) or type(exc).__name__
        raise RnncalcError(
            _("{where}: the zip archive is damaged ({damage})").format(where=where, damage=damage),
            _("save it again"),
        ) from None
    except RuntimeError as exc:  # zipfile's word for a member that needs a password
        raise RnncalcError(
            _("{where}: the archive cannot be read ({reason}); Keras never encrypts one").format(
                where=where, reason=exc
            ),
            _("give the .keras file as model.save() wrote it"),
        ) from None
    version = metadata.get("keras_version")
    keras = None
    if isinstance(version, str):
        keras = KerasVersion.V2 if version.startswith("2") else KerasVersion.V3
    return _from_json(data, _("{where} (config.json)").format(where=where), keras)._replace(
        kind="keras"
    )


def _metadata(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> dict[str, Any]:
    if info is None or info.file_size > 1024 * 1024:
        return {}
    try:
        found = json.loads(archive.read(info))
    except (ValueError, RecursionError):  # not JSON, or JSON too deep: no version to read
        return {}
    return found if isinstance(found, dict) else {}


def attribute(item: Any, name: str, where: str) -> Any:
    """An HDF5 attribute (None where there is none), its size checked before it is read."""
    if name not in item.attrs:
        return None
    with contextlib.suppress(RuntimeError):  # h5py's word for an attribute storing nothing
        stored = item.attrs.get_id(name).get_storage_size()
        CONFIG_BYTES.check(
            stored,
            _("{where}: the attribute {name}").format(where=where, name=name),
            _("give what Keras saved"),
        )
    return item.attrs[name]


def _from_h5(file: Path) -> Loaded:
    where = str(file)
    try:
        import h5py
    except ImportError:
        raise RnncalcError(
            _("{where} is an HDF5 (.h5) file, and reading it needs h5py").format(where=where),
            'pip install "rnncalc[h5]"',
        ) from None
    try:
        with h5py.File(file, "r") as h5:
            config = attribute(h5, "model_config", where)
            version = attribute(h5, "keras_version", where)
    except (OSError, RuntimeError) as exc:  # h5py's words for a damaged file
        raise RnncalcError(
            _("{where}: cannot read the HDF5 file ({reason})").format(where=where, reason=exc),
            _("save it again"),
        ) from None
    if config is None:
        raise RnncalcError(
            _("{where}: this HDF5 file has no model_config: it holds weights only").format(
                where=where
            ),
            _("save the whole model (model.save('model.h5')), or give its JSON"),
        )
    # A variable-length attribute's size shows only once read: refuse it before copying it.
    if isinstance(config, str | bytes):
        CONFIG_BYTES.check(
            len(config),
            _("{where}: model_config").format(where=where),
            _("give what Keras saved"),
        )
    # h5py hands undecodable bytes back as surrogates: encode them back, for JSON to refuse.
    data = config if isinstance(config, bytes) else str(config).encode("utf-8", "surrogateescape")
    if isinstance(version, bytes):
        version = version.decode(errors="replace")
    keras = None
    if isinstance(version, str):
        keras = KerasVersion.V2 if version.startswith("2") else KerasVersion.V3
    return _from_json(data, _("{where} (model_config)").format(where=where), keras)._replace(
        kind="h5"
    )
