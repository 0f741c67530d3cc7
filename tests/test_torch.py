"""PyTorch's nn.RNN/GRU/LSTM: the surprises people ask about, with PyTorch's own numbers."""

from math import prod

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import RnncalcError, summary, table


def test_two_layer_lstm_has_3_768_320_params():
    report = summary("nn.LSTM(300, 512, num_layers=2)", batch_input_shape=(5, 3, 300))
    assert report.params == 3_768_320
    assert report.output_shapes == [(5, 3, 512), (2, 3, 512), (2, 3, 512)]


def test_proj_size_shrinks_output_and_h_n_not_c_n():
    report = summary("nn.LSTM(10, 20, proj_size=5)", batch_input_shape=(7, 3, 10))
    assert report.output_shapes == [(7, 3, 5), (1, 3, 5), (1, 3, 20)]
    assert report.params == 1_460
    assert report.weights[-1].name == "weight_hr_l0"
    assert report.weights[-1].shape == (5, 20)


def test_bidirectional_two_layer_gru():
    report = summary(
        "nn.GRU(10, 20, num_layers=2, bidirectional=True)", batch_input_shape=(5, 3, 10)
    )
    assert report.params == 11_280
    assert report.output_shapes == [(5, 3, 40), (4, 3, 20)]
    assert "weight_ih_l1_reverse" in [w.name for w in report.weights]
    assert report.weights[-1].name == "bias_hh_l1_reverse"


def test_batch_first_never_applies_to_h_n():
    report = summary("nn.LSTM(256, 512, batch_first=True)", batch_input_shape=(60, 8, 256))
    assert report.output_shapes == [(60, 8, 512), (1, 60, 512), (1, 60, 512)]


def test_unbatched_input():
    report = summary("RNN(4, 6, bidirectional=True)", framework="torch", batch_input_shape=(9, 4))
    assert report.output_shapes == [(9, 12), (2, 6)]
    assert report.input_axes == ("timesteps", "features")


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


def test_dropout_with_one_layer_warns_like_pytorch():
    report = summary("nn.GRU(10, 20, dropout=0.5)", batch_input_shape=(5, 3, 10))
    assert "num_layers=1" in report.warnings[0]


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


def test_pytorch_needs_the_whole_tensor():
    with pytest.raises(RnncalcError, match="--batch-input-shape"):
        summary("nn.LSTM(10, 20)", input_shape=(5, 10))


def test_table_varies_batch_first_and_bidirectional():
    rows = table("nn.LSTM(10, 20)", batch_input_shape=(5, 3, 10)).rows
    assert [r.arguments for r in rows][1] == {"batch_first": False, "bidirectional": True}
    assert rows[3].output_shapes == [(5, 3, 40), (2, 5, 20), (2, 5, 20)]


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
