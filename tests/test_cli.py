"""The command line (cli): the JSON contract, exit codes, and errors that say how to fix them."""

import json
import subprocess
import sys

import pytest

from conftest import run_cli

CONTRACT = {
    "layer",
    "keras",
    "input_shape",
    "output_shapes",
    "params",
    "trainable_params",
    "weights",
    "warnings",
}


def test_summary_json_contract():
    result = run_cli("summary", "LSTM(32, input_shape=(10, 64))", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report.keys() >= CONTRACT
    assert report["layer"] == "LSTM"
    assert report["keras"] == "2"
    assert report["input_shape"] == [None, 10, 64]
    assert report["output_shapes"] == [[None, 32]]
    assert report["params"] == report["trainable_params"] == 12416
    assert [(w["name"], w["shape"]) for w in report["weights"]] == [
        ("kernel", [64, 128]),
        ("recurrent_kernel", [32, 128]),
        ("bias", [128]),
    ]
    assert report["warnings"] == []


def test_args_lists_every_argument():
    result = run_cli("args", "GRU")
    assert result.exit_code == 0
    for name in ("units", "reset_after", "time_major", "use_cudnn", "input_shape"):
        assert name in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["summary", "LSTM(10)", "--input-shape", "1,3,1"], "excludes the batch axis"),
        (["summary", "LSTM(10, input_shape=(26,))"], "add a time axis"),
        (["summary", "LSTM(0, input_shape=(10, 3))"], "positive integer"),
        (["summary", "LSTM(-5, input_shape=(10, 3))"], "positive integer"),
        (["summary", "LSTM(4.5, input_shape=(10, 3))"], "positive integer"),
        (["summary", "LSTM(4, activation='swishy', input_shape=(10, 3))"], "did you mean 'swish'"),
        (
            ["summary", "LSTM(4, return_sequence=True, input_shape=(10, 3))"],
            "did you mean `return_sequences`",
        ),
        (["summary", "LTSM(4, input_shape=(10, 3))"], "did you mean `LSTM`"),
        (["summary", "LSTM(4, stateful=True)", "--input-shape", "10,3"], "--batch-size"),
        (["summary", "LSTM(4, unroll=True)", "--input-shape", "None,3"], "timesteps"),
        (["summary", "LSTM(4)", "--input-shape", "10,None"], "number of features"),
        (
            ["summary", "LSTM(4, time_major=True)", "--input-shape", "10,3", "--keras", "3"],
            "time_major",
        ),
        (
            ["summary", "LSTM(4, batch_input_shape=(2, 10, 3))", "--keras", "3"],
            "keras.Input(batch_shape",
        ),
        (["summary", "LSTM(4)"], "no input shape"),
        (["summary", "LSTM(4, input_shape=(10, 3))", "--input-shape", "10,3"], "given twice"),
        (["summary", "LSTM(4)", "--input-shape", "10,abc"], "not an axis size"),
        (["summary", "LSTM(4)", "--input-shape", "10,-3"], "not an axis size"),
        (["summary", "LSTM(4, input_shape=(10, -3))"], "negative axis"),
        (["summary", "LSTM(4", "--input-shape", "10,3"], "cannot read"),
        (["summary", "LSTM(units=n)", "--input-shape", "10,3"], "not a literal"),
        (["summary", "__import__('os').system('true')"], "must call a layer by name"),
        (["summary", "LSTM(4, input_shape=(10, 3))", "--format", "gird"], "did you mean 'grid'"),
        (["summary", "LSTM(4, dropout='a', input_shape=(10, 3))"], "dropout"),
        (["args", "Dense"], "unknown layer"),
        (["args", "nn.LSTMM"], "did you mean 'LSTM'"),
        (
            ["summary", "Bidirectional(LSTM(4), merge_mode='max')", "--input-shape", "10,3"],
            "merge_mode",
        ),
        (["summary", "RNN(10, 20)", "--input-shape", "10,3"], "cell"),
        (
            ["summary", "nn.LSTM(10, 20)", "--framework", "keras", "--input-shape", "10,3"],
            "PyTorch",
        ),
        (["summary", "nn.LSTM(10, 20)", "--batch-input-shape", "5,3,11"], "input_size"),
        (["summary", "LSTM(10, 20)", "--framework", "torch"], "--batch-input-shape"),
        (
            ["compare", "nn.LSTM(10, 20, num_layers=3)", "--batch-input-shape", "5,3,10"],
            "one layer",
        ),
        (
            ["table", "nn.GRU(10, 20, proj_size=3)", "--batch-input-shape", "5,3,10"],
            "only supported",
        ),
    ],
)
def test_errors_exit_2_with_a_fix(args, says):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert says in lines[0]
    assert "Fix: " in lines[0] or "did you mean" in lines[0]


def test_python_dash_m():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rnncalc",
            "summary",
            "SimpleRNN(3)",
            "--input-shape",
            "5,2",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["params"] == 3 * (2 + 3 + 1)


def test_args_of_wrappers_and_pytorch():
    assert "merge_mode" in run_cli("args", "Bidirectional").stdout
    assert "dilation_rate" in run_cli("args", "keras.layers.ConvLSTM2D").stdout
    torch = run_cli("args", "nn.LSTM").stdout
    assert torch.startswith("nn.LSTM:")
    assert "proj_size" in torch and "input_shape" not in torch
    assert "nonlinearity" in run_cli("args", "RNN", "--framework", "torch").stdout


def test_compare_json_contract():
    result = run_cli("compare", "LSTM(32)", "--input-shape", "10,64", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["keras"]["params"] == 12_416
    assert report["torch"]["params"] == 12_544
    assert report["params_difference"] == 128
    assert report["torch"]["output_shapes"] == [[None, 10, 32], [1, None, 32], [1, None, 32]]
    assert {"keras", "torch", "how"} <= set(report["weights"][0])
