"""The frameworks' rules (calc/rules): what they refuse, warn about, or do in the other Keras."""

import pytest

from rnncalc import RnncalcError, summary


def test_4d_input_is_explained():
    with pytest.raises(RnncalcError) as caught:
        summary("LSTM(10)", input_shape=(1, 3, 1))
    text = str(caught.value)
    assert "expected ndim=3, found ndim=4" in text
    assert "excludes the batch axis" in text
    assert "input_shape=(3, 1)" in text


def test_dropout_above_one_is_clipped_with_a_warning():
    report = summary("LSTM(4, dropout=1.5)", input_shape=(10, 3))
    assert report.params == 128
    assert any("clips it to 1.0" in w for w in report.warnings)


def test_dropout_with_one_layer_warns_like_pytorch():
    report = summary("nn.GRU(10, 20, dropout=0.5)", batch_input_shape=(5, 3, 10))
    assert "num_layers=1" in report.warnings[0]


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
