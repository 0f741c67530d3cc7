"""Input shapes (config/inputs, parse/inputs): every way of giving one, made one full shape."""

import json

import pytest

from rnncalc import RnncalcError, summary

from conftest import run_cli


def test_input_dim_and_length_make_one_shape():
    report = summary("LSTM(units=256, return_sequences=True, input_dim=64, input_length=10)")
    assert report.input_shape == (None, 10, 64)
    assert report.output_shapes == [(None, 10, 256)]


@pytest.mark.parametrize(
    ("options", "shape"),
    [
        (["--input-shape", "10,64", "--batch-size", "32"], [32, 10, 64]),
        (["--batch-input-shape", "32,10,64"], [32, 10, 64]),
        (["--batch-input-shape", "(None, None, 64)"], [None, None, 64]),
        (["--input-shape", "None,64"], [None, None, 64]),
    ],
)
def test_input_options(options, shape):
    result = run_cli("summary", "GRU(8)", *options, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["input_shape"] == shape


def test_batch_size_joins_the_expressions_input_shape():
    result = run_cli(
        "summary", "LSTM(4, input_shape=(10, 3), stateful=True)", "--batch-size", "16", "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["output_shapes"] == [[16, 4]]


def test_pytorch_needs_the_whole_tensor():
    with pytest.raises(RnncalcError, match="--batch-input-shape"):
        summary("nn.LSTM(10, 20)", input_shape=(5, 10))
