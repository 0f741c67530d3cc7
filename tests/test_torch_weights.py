"""`rnncalc model` of saved PyTorch weights (`.pt`, `.safetensors`): names and shapes read
without torch, each module's constructor inferred, hostile files refused before anything runs.

Ground truth: tests/data/torch_weights (tests/data/generate_torch_weights.py), state_dicts that
torch 2.13 saved for one in five of the oracle's recurrent configurations and two models, with
what their forward returned.
"""

import contextlib
import io
import json
import math
import os
import pickle
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnncalc.calc.torch_model import weights_summary
from rnncalc.calc.torch_modules import signature
from rnncalc.errors import RnncalcError
from rnncalc.parse import torch_weights
from rnncalc.parse.expressions import parse
from rnncalc.parse.torch_weights import read_weights

from conftest import DATA, oracle, run_cli

WEIGHTS = DATA / "torch_weights"
CASES = [json.loads(line) for line in (WEIGHTS / "cases.jsonl").open()]
FILES = [
    pytest.param(case, suffix, id=f"{case['id']}.{suffix}")
    for case in CASES
    for suffix in ("pt", "safetensors")
]
NOT_IN_WEIGHTS = {"batch_first", "dropout", "nonlinearity"}


def arguments(expression):
    call = parse(expression)
    bound = signature(call.name).bind(call.name, list(call.args), call.kwargs)
    return call.name, {k: v for k, v in bound.items() if k not in NOT_IN_WEIGHTS}


@pytest.mark.parametrize(("case", "suffix"), FILES)
def test_saved_weights_give_the_parameters_and_the_constructor(case, suffix):
    report = weights_summary(str(WEIGHTS / f"{case['id']}.{suffix}"))
    assert sorted([p.name, list(p.shape)] for p in report.parameters) == sorted(case["parameters"])
    assert report.total_params == sum(math.prod(s) for _, s in case["parameters"])
    if case["id"].startswith("pt-"):  # one recurrent module: its call, exactly
        (found,) = report.constructors
        assert arguments(found.expression) == arguments(case["repr"])
        shape = f"5,2,{parse(found.expression).args[0]}"  # pasted back, it answers the same
        result = run_cli("summary", found.expression, "--batch-input-shape", shape, "--json")
        assert json.loads(result.stdout)["params"] == report.total_params


def test_a_whole_models_modules_are_each_inferred():
    report = weights_summary(str(WEIGHTS / "tagger.pt"))
    assert [(c.name, c.expression) for c in report.constructors] == [
        ("embedding", "nn.Embedding(50, 8)"),
        ("encoder", "nn.LSTM(8, 16, num_layers=2, bidirectional=True)"),
        ("norm", "nn.LayerNorm(32)"),
        ("head", "nn.Linear(32, 5)"),
    ]
    assert report.constructors[0].alternatives == "nn.Linear(8, 50, bias=False)"
    assert "batch_first" in report.constructors[1].unknown
    conv = weights_summary(str(WEIGHTS / "conv.pt"))
    assert {c.name: c.expression for c in conv.constructors} == {
        "conv": "nn.Conv1d(4, 8, 3)",
        "bn": "nn.BatchNorm1d(8)",
        "cell": "nn.GRUCell(8, 6)",
        "proj": "nn.LSTM(6, 10, proj_size=3)",
    }
    assert all("running_mean" not in p.name for p in conv.parameters)  # buffers left out


def test_the_cli_reads_both_formats(tmp_path):
    for suffix in ("pt", "safetensors"):
        result = run_cli("model", str(WEIGHTS / f"tagger.{suffix}"), "--json")
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["framework"] == "torch" and report["format"] == suffix
        assert report["total_params"] == 10357


@pytest.mark.parametrize("case", [c for c in CASES if "input_shape" in c], ids=lambda c: c["id"])
def test_the_executor_runs_the_inferred_layer_on_the_saved_weights_as_torch_did(case):
    np = pytest.importorskip("numpy")
    from rnncalc.execute.io import read_state_dict
    from rnncalc.execute.layers import run_layer
    from rnncalc.parse.construct import torch_from_call

    saved = np.load(WEIGHTS / f"{case['id']}.npz")
    expected = [saved["output"], saved["h_n"]] + ([saved["c_n"]] if "c_n" in saved else [])
    for suffix in ("pt", "safetensors"):
        path = str(WEIGHTS / f"{case['id']}.{suffix}")
        (found,) = weights_summary(path).constructors
        call = parse(found.expression)
        batch_first = parse(case["repr"]).kwargs.get("batch_first", False)  # not in the weights
        config = torch_from_call(call._replace(kwargs={**call.kwargs, "batch_first": batch_first}))
        got = run_layer(config, read_state_dict(path), saved["input"])
        for ours, theirs in zip(got, expected, strict=True):
            assert ours.shape == theirs.shape
            assert float(np.abs(ours - theirs).max()) < 1e-5


# -- hostile files


def _zip(tmp_path, data_pkl: bytes, extra: dict[str, bytes] | None = None, name="evil.pt"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        for key, value in (extra or {}).items():
            archive.writestr(key, value)
    return path


class _Payload:
    def __init__(self, function, argument):
        self.function, self.argument = function, argument

    def __reduce__(self):
        return (self.function, (self.argument,))


def _canary(tmp_path):
    return tmp_path / "ran"


@pytest.mark.parametrize(
    "payload",
    [
        lambda c: _Payload(os.system, f"touch {c}"),
        lambda c: _Payload(eval, f"open({str(c)!r}, 'w')"),
        lambda c: _Payload(exec, f"open({str(c)!r}, 'w')"),
        lambda c: {"w": _Payload(__import__("subprocess").call, ["touch", str(c)])},
        lambda c: _Payload(open, str(c)),
    ],
    ids=["os.system", "eval", "exec", "subprocess", "open"],
)
def test_pickles_that_would_run_code_are_refused_before_they_run(payload, tmp_path):
    canary = _canary(tmp_path)
    path = _zip(tmp_path, pickle.dumps(payload(canary), protocol=2))
    result = run_cli("model", str(path))
    assert result.exit_code == 2 and "refused" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not canary.exists()


def _data_pkl(name="tagger.pt"):
    with zipfile.ZipFile(WEIGHTS / name) as archive:
        member = next(n for n in archive.namelist() if n.endswith("data.pkl"))
        return archive.read(member), archive


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda t: _zip(t, b"\x80\x02" + b"(" * 200_000 + b"."), "refused"),
        (lambda t: _zip(t, pickle.dumps([[[[[[]]]]]] * 1000)), "no state_dict"),
        (lambda t: _zip(t, pickle.dumps({"a": 1})), "no state_dict"),
        (lambda t: _zip(t, b"garbage"), "refused"),
        (lambda t: _zip(t, pickle.dumps({}), {"../../escape": b"x"}), "outside the archive"),
        (lambda t: _zip(t, pickle.dumps({}), {"/etc/passwd": b"x"}), "outside the archive"),
        (lambda t: _legacy(t), "a zip"),
        (lambda t: _persistent(t, ("storage", "FloatStorage", "0", "cpu", 4)), "no state_dict"),
        (lambda t: _persistent(t, ("os", "system")), "refused"),
        (lambda t: _tensor(t, numel=4, size=(3, 3)), "past its storage"),
        (lambda t: _tensor(t, numel=9, size=(3, 3), data=False), "no data"),
        (lambda t: _tensor(t, numel=9, size=(3, -3)), "refused"),
    ],
    ids=[
        "mark-bomb",
        "nested-lists",
        "no-tensors",
        "garbage",
        "traversal",
        "absolute",
        "legacy",
        "storage-type",
        "persistent-id",
        "past-storage",
        "missing-data",
        "negative",
    ],
)
def test_malformed_and_hostile_pt_files_are_one_line_errors(make, says, tmp_path):
    path = make(tmp_path)
    result = run_cli("model", str(path))
    assert result.exit_code == 2, result.stdout
    line = result.stderr.strip()
    assert line.startswith("error: ") and "Fix: " in line and len(line.splitlines()) == 1
    assert says in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing written


def _legacy(tmp_path):
    path = tmp_path / "legacy.pt"
    path.write_bytes(pickle.dumps(0x1950A86A20F9469CFC6C) + pickle.dumps({}))
    return path


class _Global:
    """A pickled reference to module.name, as torch writes its rebuild functions."""

    def __init__(self, module, name):
        self.module, self.name = module, name


def _pickle_with(objects):
    """A protocol-2 pickle written by hand: GLOBALs and REDUCEs the way torch.save writes."""
    out = io.BytesIO()
    out.write(b"\x80\x02")

    def put(value):
        if isinstance(value, _Global):
            out.write(b"c" + f"{value.module}\n{value.name}\n".encode())
        elif isinstance(value, tuple) and value and value[0] == "call":
            put(value[1])
            put(tuple(value[2]))
            out.write(b"R")
        elif isinstance(value, tuple) and value and value[0] == "pid":
            put(value[1])
            out.write(b"Q")
        elif isinstance(value, tuple):
            out.write(b"(")
            for v in value:
                put(v)
            out.write(b"t")
        elif isinstance(value, dict):
            out.write(b"}(")
            for k, v in value.items():
                put(k)
                put(v)
            out.write(b"u")
        else:
            out.write(pickle.dumps(value, protocol=2)[2:-1])

    put(objects)
    out.write(b".")
    return out.getvalue()


def _persistent(tmp_path, pid):
    parts = tuple(_Global("torch", p) if p == "FloatStorage" else p for p in pid)
    data = _pickle_with({"w": ("pid", parts)})
    return _zip(tmp_path, data)


def _tensor(tmp_path, numel, size, data=True):
    storage = ("pid", ("storage", _Global("torch", "FloatStorage"), "0", "cpu", numel))
    rebuild = _Global("torch._utils", "_rebuild_tensor_v2")
    stride = (abs(size[1]), 1)
    tensor = ("call", rebuild, (storage, 0, size, stride, False, {}))
    extra = {"archive/data/0": b"\0" * 4 * numel} if data else {}
    return _zip(tmp_path, _pickle_with({"w": tensor}), extra)


def test_a_hand_written_state_dict_like_torchs_is_read(tmp_path):
    path = _tensor(tmp_path, numel=9, size=(3, 3))
    tensors, kind = read_weights(str(path))
    assert kind == "pt" and tensors["w"].shape == (3, 3)


def test_a_data_pkl_larger_than_a_state_dicts_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(torch_weights, "PICKLE_BYTES", 1000)
    path = _zip(tmp_path, pickle.dumps({"x": "y" * 5000}))
    with pytest.raises(RnncalcError, match="holds 5,0"):
        read_weights(str(path))


@pytest.mark.parametrize(
    ("header", "says"),
    [
        (None, "header of"),
        (b"not json", "not JSON"),
        (b"[1, 2]", "not an object"),
        (json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 800]}}), "outside"),
        (json.dumps({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}), "described"),
        (json.dumps({"w": {"dtype": "X9", "shape": [2], "data_offsets": [0, 8]}}), "described"),
        (json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}), "outside"),
    ],
)
def test_malformed_safetensors_are_one_line_errors(header, says, tmp_path):
    path = tmp_path / "bad.safetensors"
    if header is None:
        path.write_bytes(struct.pack("<Q", 2**40) + b"{}")
    else:
        raw = header if isinstance(header, bytes) else header.encode()
        path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0" * 8)
    result = run_cli("model", str(path))
    assert result.exit_code == 2 and says in result.stderr, result.stderr


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_corruption_of_a_real_data_pkl_is_read_or_refused_never_run(data, tmp_path):
    original, _ = _data_pkl()
    raw = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    path = _zip(tmp_path, bytes(raw), {f"archive/data/{k}": b"\0" * 4096 for k in range(12)})
    with contextlib.suppress(RnncalcError):  # anything else escaping fails the test
        read_weights(str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("case", oracle("pt_public"), ids=lambda c: c["id"])
def test_every_oracle_configuration_is_inferred_from_its_names_and_shapes(case):
    """All 150 configurations, from the names and shapes torch listed for them (the files
    above hold a fifth of them, saved)."""
    from rnncalc.calc.torch_infer import infer
    from rnncalc.parse.torch_weights import Saved

    tensors = {name: Saved(tuple(shape), "float32", "0", 0, ()) for name, shape in case["weights"]}
    _, (found,) = infer(tensors)
    assert arguments(found.expression) == arguments("nn." + case["repr"])


def test_a_checkpoint_is_read_for_its_state_dict_and_a_pickled_module_is_refused():
    report = weights_summary(str(WEIGHTS / "checkpoint.pt"))
    assert [c.expression for c in report.constructors] == ["nn.GRU(3, 5)"]
    result = run_cli("model", str(WEIGHTS / "whole_module.pt"))
    assert result.exit_code == 2
    assert "refused torch.nn.modules.rnn.GRU" in result.stderr and "state_dict" in result.stderr


def test_what_the_allow_list_builds_allocates_nothing_it_is_told_to(tmp_path):
    for module in ("builtins", "__builtin__"):  # bytearray(10**9): a size, not data
        bomb = f"\x80\x02c{module}\nbytearray\nJ\x00\xca\x9a\x3b\x85R.".encode("latin1")
        with pytest.raises(RnncalcError, match="bytearray of anything but bytes"):
            read_weights(str(_zip(tmp_path, bomb)))
