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


@pytest.mark.parametrize(
    ("expression", "options", "shape"),
    [
        ("LSTM(4)(keras.Input(shape=(5, 2)))", [], [None, 5, 2]),
        ("LSTM(4)(keras.Input((5, 2), 8))", [], [8, 5, 2]),
        ("keras.layers.GRU(3)(keras.layers.Input(batch_shape=(2, 5, 2)))", [], [2, 5, 2]),
        ("LSTM(4)(Input(shape=(None, 2)))", ["--batch-size", "16"], [16, None, 2]),
    ],
)
def test_a_layer_called_on_keras_input_takes_its_shape(expression, options, shape):
    result = run_cli("summary", expression, "--json", *options)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["input_shape"] == shape


@pytest.mark.parametrize(
    ("expression", "options", "says"),
    [
        ("LSTM(4)(keras.Input((5, 2)))", ["--input-shape", "5,2"], "given twice"),
        ("LSTM(4, input_shape=(5, 2))(keras.Input((5, 2)))", [], "given twice"),
        ("LSTM(4)(x)", [], "called on keras.Input only"),
        ("LSTM(4)(keras.Input(shape=5))", [], "must be a tuple of sizes"),
        ("LSTM(4)(keras.Input(shape=(5, 2), units=3))", [], "unexpected argument `units`"),
        ("LSTM(4)(keras.Input(batch_shape=(1, 5, 2), batch_size=1))", [], "batch_shape alone"),
    ],
)
def test_a_bad_keras_input_says_why(expression, options, says):
    result = run_cli("summary", expression, *options)
    assert result.exit_code == 2 and says in result.stderr, result.stderr


def test_time_distributed_runs_its_layer_on_every_step():
    """Real tf-keras 2.21 and Keras 3.15: TimeDistributed(LSTM(4)) on (None, 3, 5, 2) gives
    (None, 3, 4) and 112 parameters; over Bidirectional(GRU(4)), (None, 3, 8) and 192."""
    for keras in ("2", "3"):
        lstm = summary("TimeDistributed(LSTM(4))", input_shape=(3, 5, 2), keras=keras)
        assert (lstm.layer, lstm.output_shapes, lstm.params) == (
            "TimeDistributed",
            [(None, 3, 4)],
            112,
        )
        both = summary("TimeDistributed(Bidirectional(GRU(4)))", batch_input_shape=(8, 3, 5, 2))
        assert (both.output_shapes, both.params) == ([(8, 3, 8)], 192)
        assert both.macs == 3 * summary("Bidirectional(GRU(4))", batch_input_shape=(8, 5, 2)).macs
    for expression, says in (
        ("TimeDistributed(LSTM(4, return_state=True))", "returns 3 tensors"),
        ("TimeDistributed(LSTM(4), units=3)", "takes one layer, not `units`"),
    ):
        with pytest.raises(RnncalcError, match=says):
            summary(expression, input_shape=(3, 5, 2))
    result = run_cli("table", "TimeDistributed(LSTM(4))", "--input-shape", "3,5,2")
    assert result.exit_code == 2 and "ask table" in result.stderr
