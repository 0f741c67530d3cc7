"""Output shapes (calc/shapes, calc/plan): every tensor returned, Bidirectional and PyTorch too."""

import json

import pytest
from hypothesis import given

from rnncalc import FAMILIES, summary, table

from conftest import _summary, layers, run_cli


def test_lstm_returns_sequences_and_states():
    report = summary(
        "LSTM(4, return_sequences=True, return_state=True)", batch_input_shape=(32, 10, 8)
    )
    assert report.output_names == ["output", "state_h", "state_c"]
    assert report.output_shapes == [(32, 10, 4), (32, 4), (32, 4)]


def test_time_major_keeps_states_batch_major():
    report = summary(
        "GRU(7, time_major=True, return_sequences=True, return_state=True)",
        batch_input_shape=(20, 4, 3),
    )
    assert report.input_axes == ("timesteps", "batch", "features")
    assert report.output_shapes == [(20, 4, 7), (4, 7)]
    assert any("Keras 3 has no time_major" in n for n in report.notes)


def test_keras3_table_has_no_time_major():
    assert len(table("LSTM(4)", input_shape=(10, 3), keras="3").rows) == 4
    assert len(table("LSTM(4)", input_shape=(10, 3), keras="2").rows) == 8


@given(layers)
def test_one_output_then_the_states(case):
    report = _summary(case)
    states = len(FAMILIES[case["family"]].states) if case["return_state"] else 0
    assert len(report.output_shapes) == len(report.output_names) == 1 + states
    assert all(shape[-1] == case["units"] for shape in report.output_shapes)
    assert len(report.output_shapes[0]) == (3 if case["return_sequences"] else 2)


@given(layers)
def test_table_agrees_with_summary(case):
    report = _summary(case)
    rows = table(
        f"{case['family']}({case['units']})",
        keras=case["keras"],
        batch_input_shape=report.input_shape,
    ).rows
    time_major = case["time_major"] and case["keras"] == "2"
    (row,) = [
        r
        for r in rows
        if (r.return_sequences, r.return_state, r.time_major)
        == (case["return_sequences"], case["return_state"], time_major)
    ]
    assert row.output_shapes == report.output_shapes


def test_table_has_eight_rows():
    result = run_cli("table", "LSTM(4)", "--batch-input-shape", "32,10,8", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)["rows"]
    assert len(rows) == 8
    assert rows[-1]["output_shapes"] == [[32, 10, 4], [10, 4], [10, 4]]


def test_table_of_a_bidirectional_layer():
    result = run_cli("table", "Bidirectional(LSTM(4))", "--input-shape", "10,8", "--json")
    rows = json.loads(result.stdout)["rows"]
    assert len(rows) == 20
    assert rows[0]["arguments"] == {
        "merge_mode": "concat",
        "return_sequences": False,
        "return_state": False,
    }


def test_proj_size_shrinks_output_and_h_n_not_c_n():
    report = summary("nn.LSTM(10, 20, proj_size=5)", batch_input_shape=(7, 3, 10))
    assert report.output_shapes == [(7, 3, 5), (1, 3, 5), (1, 3, 20)]
    assert report.params == 1_460
    assert report.weights[-1].name == "weight_hr_l0"
    assert report.weights[-1].shape == (5, 20)


def test_batch_first_never_applies_to_h_n():
    report = summary("nn.LSTM(256, 512, batch_first=True)", batch_input_shape=(60, 8, 256))
    assert report.output_shapes == [(60, 8, 512), (1, 60, 512), (1, 60, 512)]


def test_unbatched_input():
    report = summary("RNN(4, 6, bidirectional=True)", framework="torch", batch_input_shape=(9, 4))
    assert report.output_shapes == [(9, 12), (2, 6)]
    assert report.input_axes == ("timesteps", "features")


def test_table_varies_batch_first_and_bidirectional():
    rows = table("nn.LSTM(10, 20)", batch_input_shape=(5, 3, 10)).rows
    assert [r.arguments for r in rows][1] == {"batch_first": False, "bidirectional": True}
    assert rows[3].output_shapes == [(5, 3, 40), (2, 5, 20), (2, 5, 20)]


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


def test_keras3_reports_backward_outputs_with_the_forward_shapes():
    expression = "Bidirectional(LSTM(4), backward_layer=LSTM(6, go_backwards=True))"
    assert summary(expression, input_shape=(10, 8)).output_shapes == [(None, 10)]
    keras3 = summary(expression, input_shape=(10, 8), keras=3)
    assert keras3.output_shapes == [(None, 8)]
    assert "forward layer's shapes" in keras3.warnings[-1]


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
