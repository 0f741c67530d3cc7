"""Layer calls into configs (parse/construct): argument errors, unknown names, cells vs layers."""

import pytest

from rnncalc import RnncalcError, summary


@pytest.mark.parametrize(
    "expression",
    [
        "tf.keras.layers.LSTM(4, return_sequences=True, return_state=True, input_shape=(10, 8))",
        "keras.layers.GRU(units=8, reset_after=False, input_shape=(10, 8))",
        "LSTM(units=256, return_sequences=True, input_dim=64, input_length=10)",
    ],
)
def test_expressions_as_written_in_code(expression):
    assert summary(expression).params > 0


@pytest.mark.parametrize(
    "expression",
    [
        "nn.LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)",
        "torch.nn.LSTM(input_size=10, hidden_size=20, num_layers=2, batch_first=True, "
        "bidirectional=True)",
        "LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)",
    ],
)
def test_expression_forms(expression):
    report = summary(expression, framework="torch", batch_input_shape=(3, 5, 10))
    assert report.framework == "torch"
    assert report.keras is None
    assert report.output_shapes == [(3, 5, 40), (4, 3, 20), (4, 3, 20)]


@pytest.mark.parametrize(
    ("expression", "shape", "says"),
    [
        ("nn.LSTM(10, 20, dropout=1.5)", (5, 3, 10), r"range \[0, 1\]"),
        ("nn.LSTM(10, 20, proj_size=20)", (5, 3, 10), "smaller than hidden_size"),
        ("nn.GRU(10, 20, proj_size=5)", (5, 3, 10), "only supported for LSTM"),
        ("nn.LSTM(10, 20)", (2, 5, 3, 10), "2D or 3D, got 4D"),
        ("nn.LSTM(10, 20)", (5, 3, 11), "Expected 10, got 11"),
        ("nn.RNN(10, 20, nonlinearity='sigmoid')", (5, 3, 10), "tanh"),
        ("nn.LSTM(10, 20, units=3)", (5, 3, 10), "unexpected keyword argument 'units'"),
        ("nn.LSTM(10, 20.0)", (5, 3, 10), "hidden_size should be of type int"),
    ],
)
def test_pytorch_errors(expression, shape, says):
    with pytest.raises(RnncalcError, match=says):
        summary(expression, batch_input_shape=shape)


def test_keras_expression_with_pytorch_arguments_points_to_framework():
    with pytest.raises(RnncalcError, match="--framework torch"):
        summary("LSTM(15, 30, proj_size=21)", input_shape=(5, 15))


def test_a_cell_alone_is_not_a_layer():
    with pytest.raises(RnncalcError, match=r"RNN\(LSTMCell"):
        summary("LSTMCell(8)", input_shape=(10, 3))
