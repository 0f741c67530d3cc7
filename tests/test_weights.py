"""Weights (calc/weights): each weight's shape, the parameter counts and their closed forms."""

from math import prod

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import FAMILIES, RnncalcError, summary

from conftest import _summary, layers


@pytest.mark.parametrize(("reset_after", "params"), [(True, 165), (False, 150)])
def test_gru_reset_after(reset_after, params):
    report = summary(f"GRU(5, reset_after={reset_after})", input_shape=(10, 4))
    assert report.params == params
    bias = report.weights[-1]
    assert bias.shape == ((2, 15) if reset_after else (15,))


@pytest.mark.parametrize(("features", "params"), [(1, 12), (2, 16)])
def test_lstm_one_unit(features, params):
    assert summary("LSTM(units=1)", input_shape=(5, features)).params == params


def test_not_trainable():
    report = summary("SimpleRNN(4, trainable=False)", input_shape=(10, 3))
    assert (report.trainable_params, report.non_trainable_params) == (0, 32)


@given(layers)
def test_params_are_the_sum_of_weight_sizes(case):
    report = _summary(case)
    assert report.params == sum(prod(w.shape) for w in report.weights)
    family = FAMILIES[case["family"]]
    units, features = case["units"], case["features"]
    biases = (2 if case["family"] == "GRU" and case["reset_after"] else 1) * case["use_bias"]
    assert report.params == family.gates * units * (features + units + biases)


def test_two_layer_lstm_has_3_768_320_params():
    report = summary("nn.LSTM(300, 512, num_layers=2)", batch_input_shape=(5, 3, 300))
    assert report.params == 3_768_320
    assert report.output_shapes == [(5, 3, 512), (2, 3, 512), (2, 3, 512)]


def test_bidirectional_two_layer_gru():
    report = summary(
        "nn.GRU(10, 20, num_layers=2, bidirectional=True)", batch_input_shape=(5, 3, 10)
    )
    assert report.params == 11_280
    assert report.output_shapes == [(5, 3, 40), (4, 3, 20)]
    assert "weight_ih_l1_reverse" in [w.name for w in report.weights]
    assert report.weights[-1].name == "bias_hh_l1_reverse"


@given(
    mode=st.sampled_from(["RNN", "GRU", "LSTM"]),
    input_size=st.integers(1, 64),
    hidden=st.integers(2, 64),
    layers=st.integers(1, 4),
    bidirectional=st.booleans(),
    bias=st.booleans(),
    project=st.booleans(),
)
def test_params_match_the_closed_form(
    mode, input_size, hidden, layers, bidirectional, bias, project
):
    proj = hidden // 2 if project and mode == "LSTM" else 0
    expression = (
        f"nn.{mode}({input_size}, {hidden}, num_layers={layers}, bias={bias}, "
        f"bidirectional={bidirectional}" + (f", proj_size={proj})" if proj else ")")
    )
    report = summary(expression, batch_input_shape=(3, 2, input_size))
    gates, d, out = {"RNN": 1, "GRU": 3, "LSTM": 4}[mode], 1 + bidirectional, proj or hidden
    per_layer = [
        gates * hidden * ((input_size if k == 0 else d * out) + out + 2 * bias) + proj * hidden
        for k in range(layers)
    ]
    assert report.params == d * sum(per_layer) == sum(prod(w.shape) for w in report.weights)
    assert report.output_shapes[1] == (d * layers, 2, out)


def test_weights_are_named_per_direction():
    names = [w.name for w in summary("Bidirectional(SimpleRNN(3))", input_shape=(5, 2)).weights]
    assert names == [
        "forward_simple_rnn/kernel",
        "forward_simple_rnn/recurrent_kernel",
        "forward_simple_rnn/bias",
        "backward_simple_rnn/kernel",
        "backward_simple_rnn/recurrent_kernel",
        "backward_simple_rnn/bias",
    ]


@pytest.mark.parametrize(("layer", "bias"), [("CuDNNLSTM", 64), ("CuDNNGRU", 48)])
def test_cudnn_keeps_two_biases_per_gate(layer, bias):
    report = summary(f"{layer}(8)", input_shape=(10, 3))
    assert report.weights[-1].shape == (bias,)
    with pytest.raises(RnncalcError, match="Keras 3 has no"):
        summary(f"{layer}(8)", input_shape=(10, 3), keras=3)


@given(
    inner=st.sampled_from(["SimpleRNN", "GRU", "LSTM"]),
    units=st.integers(1, 64),
    features=st.integers(1, 64),
    merge=st.sampled_from(["'concat'", "'sum'", "'mul'", "'ave'", "None"]),
    sequences=st.booleans(),
    state=st.booleans(),
    keras=st.sampled_from(["2", "3"]),
)
def test_bidirectional_doubles_the_layer(inner, units, features, merge, sequences, state, keras):
    flags = f"return_sequences={sequences}, return_state={state}"
    one = summary(f"{inner}({units}, {flags})", input_shape=(7, features), keras=keras)
    both = summary(
        f"Bidirectional({inner}({units}, {flags}), merge_mode={merge})",
        input_shape=(7, features),
        keras=keras,
    )
    assert both.params == 2 * one.params == sum(prod(w.shape) for w in both.weights)
    outputs = 2 if merge == "None" else 1
    assert len(both.output_shapes) == outputs + 2 * (len(one.output_shapes) - 1)


@given(
    rank=st.integers(1, 3),
    filters=st.integers(1, 16),
    kernel=st.integers(1, 3),
    channels=st.integers(1, 8),
    size=st.integers(3, 12),
    same=st.booleans(),
)
def test_conv_lstm_params_formula(rank, filters, kernel, channels, size, same):
    padding = "same" if same else "valid"
    shape = (None, 4, *([size] * rank), channels)
    report = summary(
        f"ConvLSTM{rank}D({filters}, {kernel}, padding='{padding}')", batch_input_shape=shape
    )
    assert report.params == kernel**rank * (channels + filters) * 4 * filters + 4 * filters
    spatial = size if same else size - kernel + 1
    assert report.output_shapes == [(None, *([spatial] * rank), filters)]
