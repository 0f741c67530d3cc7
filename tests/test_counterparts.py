"""Keras and PyTorch counterparts (calc/counterparts): configs, parameter gaps, weight mapping."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import RnncalcError, compare


def test_lstm_differs_by_one_bias_per_gate():
    report = compare("LSTM(32)", input_shape=(10, 64))
    assert report.torch_expression == "nn.LSTM(64, 32, batch_first=True)"
    assert report.params_difference == 4 * 32
    assert report.exact
    assert [m.torch for m in report.weights] == [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0, bias_hh_l0",
    ]


def test_gru_reset_after_true_matches_exactly():
    report = compare("GRU(20)", input_shape=(5, 10))
    assert report.params_difference == 0
    assert report.exact
    assert "(r, z, h) reordered to (z, r, h)" in report.weights[0].how


def test_gru_reset_after_false_cannot_match():
    report = compare("GRU(20, reset_after=False)", input_shape=(5, 10))
    assert not report.exact
    assert report.params_difference == 3 * 20
    assert any("reset_after=False" in d for d in report.differences)


def test_from_pytorch_with_time_major_input():
    report = compare("nn.GRU(10, 20, bidirectional=True)", batch_input_shape=(7, 3, 10))
    assert report.keras_expression.startswith("Bidirectional(GRU(20, return_sequences=True")
    assert report.keras.input_shape == (3, 7, 10)
    assert report.outputs[0].torch == "output.transpose(0, 1)"
    assert [o.torch for o in report.outputs[1:]] == ["h_n[0]", "h_n[1]"]


def test_keras_time_major_is_pytorch_default_layout():
    report = compare("LSTM(4, time_major=True, return_sequences=True)", batch_input_shape=(7, 3, 2))
    assert report.torch_expression == "nn.LSTM(2, 4)"
    assert report.outputs[0].torch == "output"


@pytest.mark.parametrize(
    ("expression", "options", "says"),
    [
        ("nn.LSTM(10, 20, num_layers=2)", {"batch_input_shape": (5, 3, 10)}, "num_layers=2"),
        ("nn.LSTM(10, 20, proj_size=5)", {"batch_input_shape": (5, 3, 10)}, "proj_size"),
        ("ConvLSTM2D(4, 3)", {"input_shape": (5, 8, 8, 3)}, "ConvLSTM2D"),
        ("RNN(LSTMCell(4))", {"input_shape": (5, 3)}, "RNN"),
    ],
)
def test_what_compare_cannot_map(expression, options, says):
    with pytest.raises(RnncalcError, match=says):
        compare(expression, **options)


@given(
    family=st.sampled_from(["SimpleRNN", "GRU", "LSTM"]),
    units=st.integers(1, 32),
    features=st.integers(1, 32),
    use_bias=st.booleans(),
    reset_after=st.booleans(),
    bidirectional=st.booleans(),
)
def test_pytorch_counts_one_more_bias_per_gate(
    family, units, features, use_bias, reset_after, bidirectional
):
    extra = f", reset_after={reset_after}" if family == "GRU" else ""
    layer = f"{family}({units}, use_bias={use_bias}{extra})"
    report = compare(
        f"Bidirectional({layer})" if bidirectional else layer, input_shape=(6, features)
    )
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[family]
    keras_biases = 2 if family == "GRU" and reset_after else 1
    directions = 2 if bidirectional else 1
    assert report.params_difference == directions * gates * units * (2 - keras_biases) * use_bias
    assert len(report.weights) == len(report.keras.weights)
    assert report.exact == (family != "GRU" or reset_after)
