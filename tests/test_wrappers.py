"""Bidirectional, ConvLSTM, RNN(cells) and CuDNN layers: the numbers Keras gives, and invariants."""

from math import prod

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import RnncalcError, summary, table


@pytest.mark.parametrize(("merge_mode", "count"), [("'concat'", 5), ("None", 6)])
def test_bidirectional_lstm_returns_5_tensors_or_6_unmerged(merge_mode, count):
    report = summary(
        f"Bidirectional(LSTM(4, return_state=True), merge_mode={merge_mode})", input_shape=(10, 8)
    )
    assert len(report.output_shapes) == count
    assert report.output_names[-4:] == [
        "forward_state_h",
        "forward_state_c",
        "backward_state_h",
        "backward_state_c",
    ]
    assert report.params == 2 * summary("LSTM(4)", input_shape=(10, 8)).params


@pytest.mark.parametrize(
    ("merge_mode", "last"), [("concat", 8), ("sum", 4), ("mul", 4), ("ave", 4)]
)
def test_merge_modes(merge_mode, last):
    report = summary(
        f"Bidirectional(GRU(4, return_sequences=True), merge_mode='{merge_mode}')",
        batch_input_shape=(2, 10, 3),
    )
    assert report.output_shapes == [(2, 10, last)]


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


def test_keras3_reports_backward_outputs_with_the_forward_shapes():
    expression = "Bidirectional(LSTM(4), backward_layer=LSTM(6, go_backwards=True))"
    assert summary(expression, input_shape=(10, 8)).output_shapes == [(None, 10)]
    keras3 = summary(expression, input_shape=(10, 8), keras=3)
    assert keras3.output_shapes == [(None, 8)]
    assert "forward layer's shapes" in keras3.warnings[-1]


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("Bidirectional(LSTM(4), merge_mode='max')", "merge_mode"),
        ("Bidirectional(Dense(3))", "recurrent layer"),
        ("Bidirectional(LSTM(4), backward_layer=LSTM(4))", "different go_backwards"),
        (
            "Bidirectional(LSTM(4), backward_layer=LSTM(4, go_backwards=True, return_state=True))",
            "same return_state",
        ),
        (
            "Bidirectional(LSTM(4), backward_layer=GRU(3, go_backwards=True), merge_mode='sum')",
            "differ",
        ),
    ],
)
def test_bidirectional_errors(expression, says):
    with pytest.raises(RnncalcError, match=says):
        summary(expression, input_shape=(10, 8))


def test_keras3_copy_always_runs_backwards():
    summary("Bidirectional(LSTM(4, go_backwards=True))", input_shape=(10, 8))  # Keras 2 flips
    with pytest.raises(RnncalcError, match="go_backwards"):
        summary("Bidirectional(LSTM(4, go_backwards=True))", input_shape=(10, 8), keras=3)


def test_bidirectional_table_has_every_merge_mode():
    rows = table("Bidirectional(LSTM(4))", input_shape=(10, 8)).rows
    assert len(rows) == 5 * 2 * 2
    none_with_states = [
        r
        for r in rows
        if r.arguments == {"merge_mode": None, "return_sequences": False, "return_state": True}
    ]
    assert len(none_with_states[0].output_shapes) == 6


@pytest.mark.parametrize(
    ("expression", "shape", "returned", "params"),
    [
        ("ConvLSTM2D(4, 3)", (None, 5, 32, 32, 3), [(None, 30, 30, 4)], 1024),
        (
            "ConvLSTM2D(4, 3, padding='same', strides=2)",
            (None, 5, 32, 32, 3),
            [(None, 16, 16, 4)],
            1024,
        ),
        (
            "ConvLSTM1D(9, 2, data_format='channels_first', dilation_rate=2, "
            "return_sequences=True)",
            (None, 1, 2, 8),
            [(None, 1, 9, 6)],
            828,
        ),
        (
            "ConvLSTM3D(2, (1, 2, 3), return_state=True)",
            (4, 3, 5, 5, 5, 1),
            [(4, 5, 4, 3, 2)] * 3,
            2 * 4 * (6 * (1 + 2) + 1),
        ),
    ],
)
def test_conv_lstm(expression, shape, returned, params):
    report = summary(expression, batch_input_shape=shape)
    assert report.output_shapes == returned
    assert report.params == params


@pytest.mark.parametrize(
    ("expression", "shape", "says"),
    [
        ("ConvLSTM2D(4, 3, unroll=True)", (None, 5, 8, 8, 3), "unroll"),
        ("ConvLSTM2D(4, 3)", (None, 5, 8, 8, None), "channels"),
        ("ConvLSTM2D(4, 9)", (None, 5, 8, 8, 3), "larger than"),
        ("ConvLSTM2D(4, 3, strides=2, dilation_rate=2)", (None, 5, 8, 8, 3), "dilation_rate"),
        ("ConvLSTM2D(4, 3)", (None, 5, 8, 3), "5-D input"),
        ("ConvLSTM2D(4, 3, padding='causal')", (None, 5, 8, 8, 3), "padding"),
    ],
)
def test_conv_lstm_errors(expression, shape, says):
    with pytest.raises(RnncalcError, match=says):
        summary(expression, batch_input_shape=shape)


def test_stacked_cells_return_states_in_keras_order():
    report = summary("RNN([GRUCell(8), LSTMCell(4)], return_state=True)", input_shape=(10, 3))
    assert report.output_names == [
        "output",
        "gru_cell/state",
        "lstm_cell/state_h",
        "lstm_cell/state_c",
    ]
    assert report.output_shapes == [(None, 4), (None, 8), (None, 4), (None, 4)]
    assert report.params == 3 * 8 * (3 + 8 + 2) + 4 * 4 * (8 + 4 + 1)


def test_rnn_of_one_cell_is_the_layer():
    cell = summary("RNN(LSTMCell(8), return_state=True)", input_shape=(10, 3))
    layer = summary("LSTM(8, return_state=True)", input_shape=(10, 3))
    assert (cell.output_shapes, cell.params) == (layer.output_shapes, layer.params)
    assert [w.name for w in cell.weights] == [w.name for w in layer.weights]


@pytest.mark.parametrize(("layer", "bias"), [("CuDNNLSTM", 64), ("CuDNNGRU", 48)])
def test_cudnn_keeps_two_biases_per_gate(layer, bias):
    report = summary(f"{layer}(8)", input_shape=(10, 3))
    assert report.weights[-1].shape == (bias,)
    with pytest.raises(RnncalcError, match="Keras 3 has no"):
        summary(f"{layer}(8)", input_shape=(10, 3), keras=3)


def test_a_cell_alone_is_not_a_layer():
    with pytest.raises(RnncalcError, match=r"RNN\(LSTMCell"):
        summary("LSTMCell(8)", input_shape=(10, 3))


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
