"""`rnncalc model`: saved Keras models summarized layer by layer, as Keras itself reported them."""

import contextlib
import copy
import functools
import json
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import KerasVersion, RnncalcError
from rnncalc.calc.model import model_summary, summarize

from conftest import DATA, KERAS_ORACLE, load_cases, oracle, run_cli

ZERO_AXES = {"edge:timesteps_zero", "edge:batch_zero"}  # out of scope, as for single layers
MODELS = [c for name in KERAS_ORACLE for c in oracle(name) if c["kind"] not in ZERO_AXES]
NUMERIC = sorted((DATA / "oracle" / "num_public").iterdir())


def summary_of(path: Path, *options: str):
    return run_cli("model", str(path), "--json", *options)


def assert_same_as_keras(report: dict, expected: dict) -> None:
    mine = [(x["name"], x["class_name"], x["output_shapes"], x["params"]) for x in report["layers"]]
    theirs = [
        (x["name"], x["class_name"], x["output_shapes"], x["params"]) for x in expected["layers"]
    ]
    assert mine == theirs
    assert report["total_params"] == expected["total_params"]
    for layer, reported in zip(report["layers"], expected["layers"], strict=True):
        assert [w["shape"] for w in layer["weights"]] == [s for _, s in reported["weights"]]


@pytest.mark.parametrize("case", MODELS, ids=lambda c: c["id"])
def test_model_json_matches_keras(case, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(case["model_json"]))
    result = summary_of(path)
    if case.get("accepted", True):
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["keras"] == ("2" if case["keras"].startswith("tf-keras") else "3")
        assert_same_as_keras(report, case)
    else:
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: {path}: layer ")
        assert "Fix: " in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("folder", NUMERIC, ids=lambda p: p.name)
def test_saved_files_give_the_summary_of_their_json(folder):
    expected = json.loads((folder / "summary.json").read_text())
    files = sorted(folder.glob("model.*"))
    assert files
    for path in files:
        result = summary_of(path)
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["format"] == path.suffix.removeprefix(".")
        assert_same_as_keras(report, expected)


# Models around recurrent layers asked of real tf-keras 2.21 and Keras 3.15
# (tests/data/generate_models.py): every layer class the issue lists, Functional graphs with
# several inputs and outputs, shared and nested models, and configs Keras refuses.
GENERATED = load_cases("keras_models.jsonl") if (DATA / "keras_models.jsonl").exists() else []


@pytest.mark.parametrize("case", GENERATED, ids=lambda c: c["id"])
def test_generated_models_match_keras(case, tmp_path):
    path = tmp_path / "model.json"
    if "model_json" not in case:
        pytest.skip("Keras could not write this model's JSON")
    path.write_text(json.dumps(case["model_json"]))
    result = summary_of(path)
    if case["accepted"]:
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert_same_as_keras(report, case)
        assert report["trainable_params"] == case["trainable_params"]
    else:
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith(f"error: {path}")
        assert "Fix: " in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["k2_small", "k3_small"])
def test_small_models_in_every_format(name):
    expected = json.loads((DATA / "models" / f"{name}.summary.json").read_text())
    for path in sorted((DATA / "models").glob(f"{name}.*")):
        if path.suffix in (".json", ".keras", ".h5") and not path.name.endswith("summary.json"):
            result = summary_of(path)
            assert result.exit_code == 0, result.stderr
            assert_same_as_keras(json.loads(result.stdout), expected)


def test_text_output_is_like_model_summary():
    result = run_cli("model", str(DATA / "models" / "k3_small.keras"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith('Model: "')
    assert "total params:" in result.stdout and "as float32" in result.stdout


def test_json_from_standard_input():
    text = (DATA / "models" / "k2_small.json").read_text()
    result = run_cli_input(text, "model", "-", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"] == "-"


def run_cli_input(text: str, *args: str):
    from typer.testing import CliRunner

    from rnncalc.main import app

    return CliRunner().invoke(app, list(args), input=text)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("hello") and p, "is not valid"),
        (lambda p: p.write_text('{"class_name": "Sequential", "config": {"lay') and p, "cut short"),
        (lambda p: p.write_bytes(b"\x80\x81\x82") and p, "not text"),
        (lambda p: p.write_text('{"a": 1}') and p, "not a Keras model"),
        (lambda p: p.write_text("[1, 2]") and p, "not a Keras model"),
        (lambda p: _zip(p, {"weights.h5": b""}), "no config.json"),
        (lambda p: _zip(p, {"inner.keras": b"PK"}), "holds another archive"),
        (lambda p: _zip(p, {"config.json": b"{"}), "cut short"),
        (lambda p: _zip(p, {f"f{i}": b"" for i in range(10_001)}), "holds 10,001 files"),
        (lambda p: p.write_bytes(b"PK\x03\x04 broken") and p, "damaged"),
    ],
)
def test_bad_files_exit_2_naming_the_file(make, says, tmp_path):
    path = make(tmp_path / "model.json")
    result = run_cli("model", str(path))
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith(f"error: {path}") and says in line, line
    assert len(line.splitlines()) == 1 and "Fix: " in line


def test_missing_file():
    result = run_cli("model", "no/such/model.keras")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_a_huge_config_is_refused_without_reading_it(tmp_path, monkeypatch):
    from rnncalc.parse import keras_files

    monkeypatch.setattr(keras_files, "CONFIG_BYTES", keras_files.CONFIG_BYTES._replace(value=100))
    config = (DATA / "models" / "k3_small.json").read_bytes()
    path = _zip(tmp_path / "big.keras", {"config.json": config})
    with pytest.raises(RnncalcError, match="unpacks to"):
        model_summary(str(path))
    big = tmp_path / "big.json"
    big.write_bytes(config)
    with pytest.raises(RnncalcError, match="too large"):
        model_summary(str(big))


def test_h5_without_a_model_config(tmp_path):
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "weights.h5"
    with h5py.File(path, "w") as h5:
        h5.create_dataset("kernel", data=[1.0, 2.0])
    with pytest.raises(RnncalcError, match="no model_config"):
        model_summary(str(path))


def test_h5_needs_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(RnncalcError, match=r'pip install "rnncalc\[h5\]"'):
        model_summary(str(DATA / "models" / "k2_small.h5"))


def test_an_unknown_layer_is_named_with_its_place(tmp_path):
    config = json.loads((DATA / "models" / "k3_small.json").read_text())
    config["config"]["layers"][1]["class_name"] = "MyCustomLayer"
    path = tmp_path / "custom.json"
    path.write_text(json.dumps(config))
    with pytest.raises(RnncalcError, match=r"layer 'embedding'.*`MyCustomLayer` is a custom"):
        model_summary(str(path))
    config["config"]["layers"][1]["class_name"] = "SeparableConv1D"  # Keras's, not known yet
    path.write_text(json.dumps(config))
    with pytest.raises(RnncalcError, match="does not know the layer class `SeparableConv1D` yet"):
        model_summary(str(path))


def test_keras_version_is_read_from_the_file_or_given():
    k2, k3 = DATA / "models" / "k2_small.json", DATA / "models" / "k3_small.json"
    assert json.loads(summary_of(k2).stdout)["keras"] == "2"
    assert json.loads(summary_of(k3).stdout)["keras"] == "3"
    assert json.loads(summary_of(k3, "--keras", "2").stdout)["keras"] == "2"
    refused = summary_of(k2, "--keras", "3")  # tf-keras writes time_major, Keras 3 has none
    assert refused.exit_code == 2 and "time_major" in refused.stderr


def test_parameter_bytes_follow_the_dtype():
    path = "docs/examples/encoder_decoder.json"
    for dtype, width in (("float32", 4), ("float16", 2), ("float64", 8), ("mixed_float16", 4)):
        report = json.loads(run_cli("model", path, "--dtype", dtype, "--json").stdout)
        assert report["params_bytes"] == report["total_params"] * width
        assert report["params_dtype"] == ("float32" if dtype.startswith("mixed") else dtype)
    text = run_cli("model", path, "--dtype", "float16").stdout
    assert "as float16)" in text and "as float32" not in text


def _places(value, path=()):
    """Every place in a JSON value, as a path of keys and indexes."""
    yield path
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, item in items:
        yield from _places(item, (*path, key))


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=3),
    st.lists(st.one_of(st.integers(-1, 3), st.text(max_size=2), st.none()), max_size=3),
    st.dictionaries(st.sampled_from(["class_name", "config", "a"]), st.integers(0, 2), max_size=2),
)
SMALL = [c["model_json"] for c in GENERATED if c["accepted"]] or [
    json.loads((DATA / "models" / "k3_small.json").read_text())
]


@given(data=st.data(), keras=st.sampled_from(["2", "3"]))
def test_any_damage_to_a_model_is_refused_cleanly(data, keras):
    config = copy.deepcopy(data.draw(st.sampled_from(SMALL)))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(_places(config))[1:]))
        parent = functools.reduce(lambda value, key: value[key], path[:-1], config)
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JUNK)
    with contextlib.suppress(RnncalcError):  # anything else fails the test
        summarize(config, KerasVersion(keras), "damaged.json")


def test_model_macs_and_memory_with_sizes():
    path = "docs/examples/encoder_decoder.json"
    result = run_cli("model", path, "--batch-size", "32", "--timesteps", "50", "--json")
    report = json.loads(result.stdout)
    macs = {layer["name"]: layer["macs"] for layer in report["layers"]}
    # 32 samples × 50 steps: encoder LSTM(5) on 8 features 4·5·(8 + 5), decoder LSTM(5) on 6
    # features 4·5·(6 + 5), and Dense(6) on the decoder's 5 outputs at every step.
    assert macs == {
        "input_layer": 0,
        "input_layer_1": 0,
        "lstm": 1600 * 4 * 5 * 13,
        "lstm_1": 1600 * 4 * 5 * 11,
        "dense": 1600 * 5 * 6,
    }
    assert report["macs"] == sum(macs.values())
    assert report["memory"]["params_bytes"] == report["total_params"] * 4
    assert json.loads(run_cli("model", path, "--json").stdout)["memory"] is None


SEQUENTIAL_K2 = [
    c
    for c in MODELS
    if c.get("accepted", True)
    and c["keras"].startswith("tf-keras")
    and c["model_json"]["class_name"] == "Sequential"
][:40]


def _as_found(model: dict, form: str) -> object:
    """A model JSON as it is found in repositories, in one of the forms Keras wrote over time."""
    if form == "keras-2.2":  # Keras 2.0-2.2: a Sequential's config is its list of layers
        return {**model, "config": model["config"]["layers"]}
    if form == "json-string":  # json.dump(model.to_json(), f)
        return json.dumps(model)
    topology = {"keras_version": model.get("keras_version"), "backend": "tensorflow"}
    if form == "tfjs":  # TensorFlow.js's converter: the model inside modelTopology
        return {"format": "layers-model", "modelTopology": {**topology, "model_config": model}}
    return {"format": "layers-model", "modelTopology": {**model, **topology}}  # older converter


@pytest.mark.parametrize("form", ["keras-2.2", "json-string", "tfjs", "tfjs-bare"])
@pytest.mark.parametrize("case", SEQUENTIAL_K2, ids=lambda c: c["id"])
def test_models_as_found_in_repositories(case, form, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(_as_found(case["model_json"], form)))
    result = summary_of(path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["keras"] == "2"
    if form == "keras-2.2":  # the layers' names are kept; the model's was never saved
        assert report["name"] == "sequential"
    assert_same_as_keras(report, case)


def test_keras1_models_are_refused_as_keras1(tmp_path):
    # What Keras 1.2's model.to_json() wrote: a Sequential as a list, Keras 1's argument names.
    lstm = {
        "name": "lstm_1",
        "output_dim": 32,
        "init": "glorot_uniform",
        "dropout_W": 0.0,
        "batch_input_shape": [None, 10, 64],
        "input_dim": 64,
    }
    model = {"class_name": "Sequential", "config": [{"class_name": "LSTM", "config": lstm}]}
    for version in ({"keras_version": "1.2.2"}, {}):
        path = tmp_path / "model.json"
        path.write_text(json.dumps({**model, **version}))
        result = summary_of(path)
        assert result.exit_code == 2
        assert "a Keras 1 model" in result.stderr and "malformed" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_saved_model_class_is_functional(tmp_path):
    case = next(c for c in MODELS if c["model_json"]["class_name"] == "Functional")
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**case["model_json"], "class_name": "Model"}))
    report = json.loads(summary_of(path).stdout)
    assert report["model_class"] == "Functional"


def test_an_hdf5_file_named_keras_is_read_by_its_bytes(tmp_path):
    """Repositories hold legacy HDF5 saved under a `.keras` name: the bytes say what it is."""
    path = tmp_path / "model.keras"
    path.write_bytes((DATA / "models" / "k2_small.h5").read_bytes())
    result = summary_of(path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == "h5"
    assert_same_as_keras(
        report, json.loads((DATA / "models" / "k2_small.summary.json").read_text())
    )
