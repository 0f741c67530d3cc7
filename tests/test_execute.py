"""The NumPy executor: saved Keras models to 1e-5, PyTorch layers to 1e-5 (where torch is
installed), shapes confirmed by running, and weights converted with proof."""

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncalc import KerasVersion, RnncalcError, parse_layer
from rnncalc.execute import LayerRunner, random_weights, run_layer, run_model
from rnncalc.execute.io import pick_layer, read_keras_weights
from rnncalc.execute.models import model_layer
from rnncalc.execute.tools import check, convert, convert_saved

from conftest import DATA, run_cli

NUMERIC = sorted((DATA / "oracle" / "num_public").iterdir())
FILES = [path for folder in NUMERIC for path in sorted(folder.glob("model.*"))]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_saved_models_run_like_keras(path, tmp_path):
    out = tmp_path / "out.npz"
    result = run_cli(
        "run", str(path), "--input", str(path.parent / "input.npy"), "--output", str(out)
    )
    assert result.exit_code == 0, result.stderr
    expected = np.load(path.parent / "expected.npz")
    found = np.load(out)
    assert found.files == expected.files
    for name in expected.files:
        assert found[name].shape == expected[name].shape
        np.testing.assert_allclose(found[name], expected[name], rtol=0, atol=1e-5)


# Models whose layers were named by hand, saved every way Keras offers
# (tests/data/generate_weight_files.py): a .keras archive keeps them under lstm, lstm_1, ...
WEIGHTS = DATA / "weights"
NAMED_MODELS = ["k2_named.keras", "k2_named.h5", "k3_named.keras"]
# The layers found around RNNs whose maths the executor runs (activations, padding, pooling)
AROUND_MODELS = ["k2_around.keras", "k3_around.keras"]
WEIGHT_FILES = [  # (the model, where its weights are)
    *((m, None) for m in NAMED_MODELS),
    ("k2_named.keras", "k2_named.weights.h5"),
    ("k2_named.keras", "k2_named.legacy.h5"),
    ("k3_named.keras", "k3_named.weights.h5"),
]


@pytest.mark.parametrize("name", NAMED_MODELS + AROUND_MODELS)
def test_models_with_named_layers_run_like_keras(name, tmp_path):
    stem, out = WEIGHTS / name.split(".")[0], tmp_path / "out.npz"
    result = run_cli(
        "run", str(WEIGHTS / name), "--input", f"{stem}.input.npy", "--output", str(out)
    )
    assert result.exit_code == 0, result.stderr
    expected = np.load(f"{stem}.expected.npz")["arr_0"]
    np.testing.assert_allclose(np.load(out)["arr_0"], expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(("model", "weights"), WEIGHT_FILES)
def test_every_keras_weights_file_gives_each_layers_weights(model, weights):
    expected = np.load(WEIGHTS / f"{model.split('.')[0]}.layers.npz")
    for layer in ("encoder", "decoder", "bi", "summary_rnn"):
        where = None if weights is None else str(WEIGHTS / weights)
        _, arrays, _ = model_layer(str(WEIGHTS / model), where, layer)
        names = sorted(
            (n for n in expected.files if n.startswith(f"{layer}/")),
            key=lambda n: int(n.split("/")[1]),
        )
        assert len(arrays) == len(names)
        for array, n in zip(arrays, names, strict=True):
            np.testing.assert_array_equal(array, expected[n])


def test_convert_takes_a_saved_model_or_a_keras_weights_file(tmp_path):
    out = tmp_path / "torch.npz"
    by_model = run_cli(
        "convert", str(WEIGHTS / "k3_named.keras"), "--layer", "bi", "--output", str(out)
    )
    assert by_model.exit_code == 0, by_model.stderr
    assert "nn.GRU" in by_model.stdout and "bias_hh_l0_reverse" in np.load(out).files
    by_file = run_cli(  # the input size comes from the weights
        "convert",
        "LSTM(3)",
        "--weights",
        str(WEIGHTS / "k2_named.legacy.h5"),
        "--layer",
        "decoder",
        "--output",
        str(out),
    )
    assert by_file.exit_code == 0, by_file.stderr
    torch_weights = dict(np.load(out))
    expected = np.load(WEIGHTS / "k2_named.layers.npz")
    assert torch_weights["weight_hh_l0"].shape == (12, 3)
    np.testing.assert_array_equal(torch_weights["weight_ih_l0"][:3], expected["decoder/0"][:, :3].T)
    back = run_cli("convert", "nn.LSTM(4, 3)", "--weights", str(out), "--output", str(out))
    assert back.exit_code == 0, back.stderr
    for i, array in enumerate(np.load(out)[f"arr_{i}"] for i in range(3)):
        np.testing.assert_allclose(array, expected[f"decoder/{i}"], rtol=0, atol=1e-7)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["k3_named.keras"], "has 4 recurrent layers"),
        (["k3_named.keras", "--layer", "head"], "no recurrent layer 'head'"),
        (
            ["LSTM(4)", "--input-shape", "6,3", "--weights", "k3_named.weights.h5"],
            "decoder (lstm_1)",
        ),
        (["LSTM(4)", "--input-shape", "6,3"], "give them with --weights"),
        (
            [
                "GRU(4)",
                "--input-shape",
                "6,3",
                "--weights",
                "k3_named.weights.h5",
                "--layer",
                "encoder",
            ],
            "GRU expects weights of shapes [(3, 12), (4, 12), (2, 12)], got [(3, 16)",
        ),
        (
            ["nn.GRU(3, 4)", "--batch-input-shape", "6,2,3", "--weights", "k3_named.layers.npz"],
            "GRU expects weights of shapes {'weight_ih_l0': (12, 3)",
        ),
        (
            ["LSTM(4)", "--input-shape", "6,3", "--weights", "k3_named.layers.npz", "--layer", "x"],
            "is an .npz, which holds one layer's weights",
        ),
    ],
)
def test_convert_names_what_is_missing(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(WEIGHTS)
    result = run_cli("convert", *args, "--output", str(tmp_path / "out.npz"))
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "out.npz").exists()


def _activation_cases(version: str) -> list[tuple[str, str, int]]:
    with np.load(DATA / f"activations_k{version}.npz") as found:
        return [(version, str(e), n) for n, e in enumerate(found["expressions"])]


@pytest.mark.parametrize(
    ("version", "expression", "n"),
    _activation_cases("2") + _activation_cases("3"),
    ids=lambda v: str(v)[:60],
)
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # inf, as in Keras
def test_every_activation_computes_what_keras_does(version, expression, n):
    # Each gate's activation works on that gate alone: softmax sums over one gate's units.
    found = np.load(DATA / f"activations_k{version}.npz")
    count = sum(k.startswith(f"{n}/weights/") for k in found.files)
    weights = [found[f"{n}/weights/{i}"] for i in range(count)]
    config, _ = parse_layer(expression, keras=version)
    outputs = run_layer(config, weights, found[f"{n}/input"], version)
    for i, output in enumerate(outputs):
        expected = found[f"{n}/outputs/{i}"]
        np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-5, equal_nan=True)


def test_model_json_has_no_weights_to_run():
    result = run_cli("run", "docs/examples/encoder_decoder.json", "--input", "x.npy")
    assert result.exit_code == 2 and "architecture only" in result.stderr


def test_wrong_input_shape_is_named(tmp_path):
    path = FILES[0]
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((2, 99, 99), np.float32))
    result = run_cli("run", str(path), "--input", str(x))
    assert result.exit_code == 2 and "the model expects" in result.stderr


CHECKED = [
    ("SimpleRNN(3, activation='relu')", (None, 4, 2)),
    ("GRU(3, reset_after=False)", (2, None, 2)),
    ("LSTM(3, go_backwards=True)", (None, 4, 2)),
    ("Bidirectional(GRU(3), merge_mode='ave')", (None, 4, 2)),
    ("RNN([GRUCell(3), LSTMCell(2)])", (None, 4, 2)),
    ("nn.LSTM(2, 5, proj_size=3, num_layers=2, bidirectional=True)", (4, None, 2)),
    ("nn.GRU(2, 3, batch_first=True)", (6, 2)),
]


@pytest.mark.parametrize(("expression", "shape"), CHECKED)
def test_every_computed_shape_is_what_running_gives(expression, shape):
    config, _ = parse_layer(expression, framework="torch" if "nn." in expression else None)
    checked = check(config, shape, KerasVersion.V2, every=True)
    assert checked and all(row.agrees for row in checked)


def test_check_command():
    result = run_cli("check", "LSTM(4, return_state=True)", "--input-shape", "None,3", "--all")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip().endswith("8 of 8 agree")


@settings(max_examples=25, deadline=None)
@given(
    family=st.sampled_from(["SimpleRNN", "GRU", "LSTM"]),
    units=st.integers(1, 6),
    features=st.integers(1, 5),
    time_major=st.booleans(),
    keras=st.sampled_from(["2", "3"]),
)
def test_shapes_hold_for_random_layers(family, units, features, time_major, keras):
    version = KerasVersion(keras)
    flag = ", time_major=True" if time_major and keras == "2" else ""
    config, _ = parse_layer(f"{family}({units}{flag})", keras)
    assert all(row.agrees for row in check(config, (3, 4, features), version, every=True))


def test_masked_steps_carry_the_state_forward():
    config, _ = parse_layer("SimpleRNN(2, return_sequences=True)")
    weights = random_weights(config, (1, 3, 2), KerasVersion.V2)
    x = np.ones((1, 3, 2), np.float32)
    mask = np.array([[True, False, True]])
    out = run_layer(config, weights, x, mask=mask)[0]
    np.testing.assert_array_equal(out[0, 1], out[0, 0])  # step 1 masked: output carried


def test_stateful_layers_keep_their_state_between_calls():
    config, _ = parse_layer("GRU(3, stateful=True)")
    runner = LayerRunner(config, random_weights(config, (2, 4, 2), KerasVersion.V2))
    x = np.ones((2, 4, 2), np.float32)
    first, second = runner(x)[0], runner(x)[0]
    assert not np.allclose(first, second)
    runner.reset_states()
    np.testing.assert_allclose(runner(x)[0], first)


def test_convert_round_trip_and_refusal():
    config, _ = parse_layer("Bidirectional(LSTM(3, return_sequences=True))")
    weights = random_weights(config, (None, 5, 2), KerasVersion.V2)
    to_torch = convert(config, weights, (None, 5, 2), KerasVersion.V2)
    assert to_torch.max_difference < 1e-6
    assert sorted(to_torch.weights)[:2] == ["bias_hh_l0", "bias_hh_l0_reverse"]
    back = convert(to_torch.target, to_torch.weights, (5, 4, 2), KerasVersion.V2)
    assert back.max_difference < 1e-6
    gru, _ = parse_layer("GRU(3, reset_after=False)")
    with pytest.raises(RnncalcError, match="reset_after=False applies the reset gate before"):
        convert(
            gru, random_weights(gru, (None, 5, 2), KerasVersion.V2), (None, 5, 2), KerasVersion.V2
        )


def test_convert_command(tmp_path):
    keras_weights = tmp_path / "keras.npz"
    np.savez(
        keras_weights, *random_weights(parse_layer("LSTM(4)")[0], (None, 6, 3), KerasVersion.V2)
    )
    out = tmp_path / "torch.npz"
    result = run_cli(
        "convert",
        "LSTM(4)",
        "--weights",
        str(keras_weights),
        "--output",
        str(out),
        "--input-shape",
        "6,3",
    )
    assert result.exit_code == 0, result.stderr
    assert set(np.load(out).files) == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}


# Against PyTorch itself, where it is installed (not in CI: torch is not a dependency).
GRID = [
    (mode, bias, layers, bidirectional, batch_first, proj, batched)
    for mode, bias, layers, bidirectional, batch_first, proj, batched in itertools.product(
        ["RNN", "GRU", "LSTM"],
        [True, False],
        [1, 2],
        [False, True],
        [False, True],
        [0, 2],
        [True, False],
    )
    if not proj or mode == "LSTM"
]


@pytest.mark.parametrize("case", GRID, ids=str)
def test_pytorch_layers_match_torch(case):
    torch = pytest.importorskip("torch")
    mode, bias, layers, bidirectional, batch_first, proj, batched = case
    torch.manual_seed(0)
    kwargs = dict(
        num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional
    )
    if proj:
        kwargs["proj_size"] = proj
    module = getattr(torch.nn, mode)(3, 5, **kwargs)
    for p in module.parameters():
        torch.nn.init.uniform_(p, -0.8, 0.8)
    shape = ((2, 4, 3) if batch_first else (4, 2, 3)) if batched else (4, 3)
    x = torch.randn(shape)
    with torch.no_grad():
        output, states = module(x)
    expected = [output, *(states if mode == "LSTM" else (states,))]
    config, _ = parse_layer(
        f"nn.{mode}(3, 5, " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")"
    )
    found = run_layer(config, {k: v.numpy() for k, v in module.state_dict().items()}, x.numpy())
    for mine, theirs in zip(found, expected, strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=0, atol=1e-5)


def test_converted_keras_weights_reproduce_keras_in_pytorch():
    torch = pytest.importorskip("torch")
    config, _ = parse_layer("GRU(4, return_sequences=True)")
    weights = random_weights(config, (None, 6, 3), KerasVersion.V2)
    x = np.random.default_rng(0).standard_normal((2, 6, 3)).astype(np.float32)
    keras_out = run_layer(config, weights, x)[0]
    converted = convert(config, weights, (None, 6, 3), KerasVersion.V2)
    module = torch.nn.GRU(3, 4, batch_first=True)
    module.load_state_dict(
        {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in converted.weights.items()}
    )
    with torch.no_grad():
        torch_out = module(torch.from_numpy(x))[0].numpy()
    np.testing.assert_allclose(keras_out, torch_out, rtol=0, atol=1e-5)


@pytest.mark.parametrize("model", ["k2_named.keras", "k3_named.keras"])
def test_a_saved_model_converted_layer_by_layer_runs_like_keras_in_pytorch(model):
    torch = pytest.importorskip("torch")
    path, stem = str(WEIGHTS / model), WEIGHTS / model.split(".")[0]
    modules = {
        "encoder": torch.nn.LSTM(3, 4, batch_first=True),
        "decoder": torch.nn.LSTM(4, 3, batch_first=True),
        "bi": torch.nn.GRU(3, 2, batch_first=True, bidirectional=True),
        "summary_rnn": torch.nn.RNN(4, 2, batch_first=True),
    }
    x = torch.from_numpy(np.load(f"{stem}.input.npy"))
    with torch.no_grad():
        for name, module in modules.items():
            found = convert_saved(path, None, name).weights
            module.load_state_dict(
                {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in found.items()}
            )
            x = module(x)[0]
    kernel, bias = pick_layer(read_keras_weights(path), "dense", path)  # the head, by its path
    expected = np.load(f"{stem}.expected.npz")["arr_0"]
    np.testing.assert_allclose(x[:, -1].numpy() @ kernel + bias, expected, rtol=0, atol=1e-5)


def test_summary_and_run_agree_on_the_model_files():
    path = FILES[0]
    summary = json.loads(run_cli("model", str(path), "--json").stdout)
    outputs = run_model(str(path), [np.load(path.parent / "input.npy")])
    assert [list(o.shape[1:]) for o in outputs] == [s[1:] for s in summary["output_shapes"]]


@pytest.mark.parametrize("version", ["2", "3"])
def test_tensorflow_js_models_run_from_their_shards(version, tmp_path):
    folder, out = WEIGHTS / f"k{version}_tfjs", tmp_path / "out.npz"
    result = run_cli(
        "run",
        str(folder / "model.json"),
        "--input",
        str(folder / "input.npy"),
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    expected = np.load(folder / "expected.npz")["arr_0"]
    np.testing.assert_allclose(np.load(out)["arr_0"], expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda m: m["weights"][0].update(dtype="float16"), "is stored as float16"),
        (lambda m: m["weights"][0].update(quantization={"dtype": "uint8"}), "stored as quantized"),
        (lambda m: m["paths"].__setitem__(0, "../../etc/passwd"), "not a file beside model.json"),
        (lambda m: m["paths"].pop(), "the shards end before"),
        (lambda m: m["paths"].append("missing.bin"), "missing.bin is missing"),
    ],
)
def test_tensorflow_js_shards_that_cannot_be_read_are_named(change, says, tmp_path):
    source = WEIGHTS / "k2_tfjs"
    for file in source.glob("*.bin"):
        (tmp_path / file.name).write_bytes(file.read_bytes())
    model = json.loads((source / "model.json").read_text())
    change(model["weightsManifest"][0])
    (tmp_path / "model.json").write_text(json.dumps(model))
    result = run_cli(
        "run",
        str(tmp_path / "model.json"),
        "--input",
        str(source / "input.npy"),
        "--output",
        str(tmp_path / "out.npz"),
    )
    assert result.exit_code == 2 and says in result.stderr, result.stderr
    assert not (tmp_path / "out.npz").exists()
