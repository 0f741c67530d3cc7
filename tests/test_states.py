"""Initial states: the shapes a layer takes (`initial_state_shapes`), and `--hx`, `--cx` and
`--initial-state` checked as PyTorch and Keras check them.

Ground truth: tests/data/torch_states.jsonl (tests/data/generate_torch_states.py: what torch
2.13's forward said of right and wrong `hx`/`(h_0, c_0)`, batched and unbatched) and
tests/data/keras_states.jsonl (tests/data/generate_keras_states.py: what tf-keras 2.21 and
Keras 3 said of `initial_state` tensors given to a layer's call).
"""

import json

import pytest

from rnncalc.api import summary
from rnncalc.calc.torch_code import code_summary

from conftest import load_cases, run_cli

TORCH = load_cases("torch_states.jsonl")


def _shape(shape):
    return ",".join(map(str, shape))


@pytest.mark.parametrize(
    "case", TORCH, ids=lambda c: f"{c['module']}-{_shape(c['input_shape'])}-{c['hx']}-{c['cx']}"
)
def test_hx_and_cx_are_checked_as_torch_checks_them(case):
    args = ["summary", case["module"], "--batch-input-shape", _shape(case["input_shape"])]
    args += ["--hx", _shape(case["hx"])]
    if case["cx"] is not None:
        args += ["--cx", _shape(case["cx"])]
    result = run_cli(*args, "--json")
    if case["accepted"]:
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        given = [case["hx"]] + ([case["cx"]] if case["cx"] is not None else [])
        assert report["initial_state_shapes"] == given
        assert report["initial_state_names"] == ["h_0", "c_0"][: len(given)]
        return
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: ") and len(line.splitlines()) == 1
    assert line.removeprefix("error: ").split(". Fix: ")[0] == case["error"]


def test_a_layer_says_the_initial_states_it_takes():
    report = summary("nn.LSTM(4, 6, num_layers=2, proj_size=3)", batch_input_shape=(5, 7, 4))
    assert report.initial_state_names == ["h_0", "c_0"]
    assert report.initial_state_shapes == [(2, 7, 3), (2, 7, 6)]
    keras = summary("Bidirectional(LSTM(8))", batch_input_shape=(None, 10, 4))
    assert keras.initial_state_shapes == [(None, 8)] * 4
    text = run_cli("summary", "nn.GRU(4, 6)", "--batch-input-shape", "9,4").stdout
    assert "initial states it takes: h_0 (1, 6)" in text  # unbatched


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nn.LSTM(4, 6)", "--batch-input-shape", "5,3,4", "--hx", "1,3,6"], "give h_0 and c_0"),
        (
            ["nn.GRU(4, 6)", "--batch-input-shape", "5,3,4", "--hx", "1,3,6", "--cx", "1,3,6"],
            "c_0 is LSTM's",
        ),
        (["nn.GRU(4, 6)", "--batch-input-shape", "5,3,4", "--cx", "1,3,6"], "--cx without --hx"),
        (
            ["LSTM(4)", "--input-shape", "5,3", "--hx", "1,3,6", "--initial-state", "1,4"],
            "--hx with --initial-state",
        ),
        (["nn.GRU(4, 6)", "--batch-input-shape", "5,3,4", "--hx", "1,a,6"], "--hx"),
    ],
)
def test_state_options_given_wrong_say_how_to_give_them(args, says):
    result = run_cli("summary", *args)
    assert result.exit_code == 2 and says in result.stderr, result.stderr


def test_states_given_in_forward_are_checked_there_too():
    code = """import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2)
    def forward(self, x):
        h0 = torch.zeros(1, x.size(1), 6)
        return self.lstm(x, (h0, h0))
"""
    report = code_summary(code, "net.py", [(5, 3, 4)], target="Net()")
    assert report.output_shapes is None
    assert "line 9" in report.warnings[-1]
    assert "Expected hidden[0] size (2, 3, 6), got [1, 3, 6]" in report.warnings[-1]


KERAS = [c for c in load_cases("keras_states.jsonl") if c["states"]]  # [] cannot be given


@pytest.mark.parametrize(
    ("case", "keras"),
    [(c, k) for c in KERAS for k in ("2", "3")],
    ids=lambda v: v if isinstance(v, str) else f"{v['layer']}-{v['states']}",
)
def test_initial_state_is_checked_as_keras_checks_it(case, keras):
    args = ["summary", case["layer"], "--batch-input-shape", "None,10,4", "--keras", keras]
    for size in case["states"]:
        args += ["--initial-state", f"None,{size}"]
    result = run_cli(*args, "--json")
    truth = case[f"keras{keras}"]
    if truth["accepted"]:  # Keras 3 runs a GRU given a state too many: rnncalc warns
        assert result.exit_code == 0, result.stderr
    elif truth["phase"] == "run":  # Keras 3 builds it, and fails when the model runs
        assert result.exit_code == 0, result.stderr
        assert any("initial_state" in w for w in json.loads(result.stdout)["warnings"])
    else:
        assert result.exit_code == 2
        said = result.stderr.strip().removeprefix("error: ").split(". Fix: ")[0]
        if "Received: [<KerasTensor" in truth["error"]:  # its tensors' reprs: the words before
            assert said.startswith(truth["error"].split(" Received: ")[0])
        else:
            assert said == truth["error"]


def test_initial_states_given_in_keras_code_are_checked_at_their_call(tmp_path):
    code = """from tensorflow import keras
from tensorflow.keras import layers
x = keras.Input(shape=(10, 4))
h = keras.Input(shape=(8,))
c = keras.Input(shape=(7,))
out = layers.LSTM(8)(x, initial_state=[h, c])
model = keras.Model([x, h, c], out)
"""
    path = tmp_path / "states.py"
    path.write_text(code)
    result = run_cli("model", str(path))
    assert result.exit_code == 2 and "line 6" in result.stderr
    assert "not compatible with `cell.state_size`" in result.stderr
    result = run_cli("model", str(path), "--keras", "3", "--json")
    assert result.exit_code == 0  # Keras 3 builds it: rnncalc warns
    assert any("initial_state" in w for w in json.loads(result.stdout)["warnings"])
    path.write_text(code.replace("shape=(7,)", "shape=(8,)"))
    assert run_cli("model", str(path)).exit_code == 0
