"""The classic questions, answered with the numbers Keras gives, and invariants over all configs."""

from contextlib import suppress
from math import prod

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import FAMILIES, LayerReport, RnncalcError, compare, summary, table


def test_lstm_32_on_10_by_64():
    report = summary("LSTM(32, input_shape=(10, 64))")
    assert report.input_shape == (None, 10, 64)
    assert report.output_shapes == [(None, 32)]
    assert report.params == 12_416


def test_lstm_returns_sequences_and_states():
    report = summary(
        "LSTM(4, return_sequences=True, return_state=True)", batch_input_shape=(32, 10, 8)
    )
    assert report.output_names == ["output", "state_h", "state_c"]
    assert report.output_shapes == [(32, 10, 4), (32, 4), (32, 4)]


def test_4d_input_is_explained():
    with pytest.raises(RnncalcError) as caught:
        summary("LSTM(10)", input_shape=(1, 3, 1))
    text = str(caught.value)
    assert "expected ndim=3, found ndim=4" in text
    assert "excludes the batch axis" in text
    assert "input_shape=(3, 1)" in text


@pytest.mark.parametrize(("reset_after", "params"), [(True, 165), (False, 150)])
def test_gru_reset_after(reset_after, params):
    report = summary(f"GRU(5, reset_after={reset_after})", input_shape=(10, 4))
    assert report.params == params
    bias = report.weights[-1]
    assert bias.shape == ((2, 15) if reset_after else (15,))


@pytest.mark.parametrize(("features", "params"), [(1, 12), (2, 16)])
def test_lstm_one_unit(features, params):
    assert summary("LSTM(units=1)", input_shape=(5, features)).params == params


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


def test_input_dim_and_length_make_one_shape():
    report = summary("LSTM(units=256, return_sequences=True, input_dim=64, input_length=10)")
    assert report.input_shape == (None, 10, 64)
    assert report.output_shapes == [(None, 10, 256)]


def test_time_major_keeps_states_batch_major():
    report = summary(
        "GRU(7, time_major=True, return_sequences=True, return_state=True)",
        batch_input_shape=(20, 4, 3),
    )
    assert report.input_axes == ("timesteps", "batch", "features")
    assert report.output_shapes == [(20, 4, 7), (4, 7)]
    assert any("Keras 3 has no time_major" in n for n in report.notes)


def test_dropout_above_one_is_clipped_with_a_warning():
    report = summary("LSTM(4, dropout=1.5)", input_shape=(10, 3))
    assert report.params == 128
    assert any("clips it to 1.0" in w for w in report.warnings)


def test_not_trainable():
    report = summary("SimpleRNN(4, trainable=False)", input_shape=(10, 3))
    assert (report.trainable_params, report.non_trainable_params) == (0, 32)


def test_keras3_table_has_no_time_major():
    assert len(table("LSTM(4)", input_shape=(10, 3), keras="3").rows) == 4
    assert len(table("LSTM(4)", input_shape=(10, 3), keras="2").rows) == 8


# --- invariants over every valid configuration ---

dims = st.one_of(st.none(), st.integers(1, 4096))
layers = st.builds(
    dict,
    family=st.sampled_from(sorted(FAMILIES)),
    units=st.integers(1, 2048),
    features=st.integers(1, 4096),
    batch=dims,
    time=dims,
    use_bias=st.booleans(),
    reset_after=st.booleans(),
    return_sequences=st.booleans(),
    return_state=st.booleans(),
    time_major=st.booleans(),
    keras=st.sampled_from(["2", "3"]),
)


def _summary(case: dict) -> LayerReport:
    extra = f", reset_after={case['reset_after']}" if case["family"] == "GRU" else ""
    if case["keras"] == "2":
        extra += f", time_major={case['time_major']}"
    expression = (
        f"{case['family']}({case['units']}, use_bias={case['use_bias']}, "
        f"return_sequences={case['return_sequences']}, return_state={case['return_state']}"
        f"{extra})"
    )
    return summary(
        expression,
        batch_input_shape=(case["batch"], case["time"], case["features"]),
        keras=case["keras"],
    )


@given(layers)
def test_params_are_the_sum_of_weight_sizes(case):
    report = _summary(case)
    assert report.params == sum(prod(w.shape) for w in report.weights)
    family = FAMILIES[case["family"]]
    units, features = case["units"], case["features"]
    biases = (2 if case["family"] == "GRU" and case["reset_after"] else 1) * case["use_bias"]
    assert report.params == family.gates * units * (features + units + biases)


@given(layers)
def test_one_output_then_the_states(case):
    report = _summary(case)
    states = len(FAMILIES[case["family"]].states) if case["return_state"] else 0
    assert len(report.output_shapes) == len(report.output_names) == 1 + states
    assert all(shape[-1] == case["units"] for shape in report.output_shapes)
    assert len(report.output_shapes[0]) == (3 if case["return_sequences"] else 2)


@given(layers)
def test_json_round_trips(case):
    report = _summary(case)
    assert LayerReport.model_validate_json(report.model_dump_json()) == report


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


@given(st.text(max_size=200))
def test_any_text_is_answered_or_refused_cleanly(text):
    try:
        summary(text, input_shape=(10, 3))
    except RnncalcError as exc:
        assert str(exc)


def test_config_objects_follow_the_chosen_keras():
    from rnncalc import LSTMConfig

    assert summary(LSTMConfig(units=4), input_shape=(10, 3), keras="3").params == 128
    with pytest.raises(RnncalcError, match="time_major"):
        summary(LSTMConfig(units=4, time_major=True), input_shape=(10, 3), keras="3")


NAMES = [
    "SimpleRNN",
    "GRU",
    "LSTM",
    "Bidirectional",
    "RNN",
    "StackedRNNCells",
    "LSTMCell",
    "GRUCell",
    "SimpleRNNCell",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "CuDNNLSTM",
    "nn.LSTM",
    "nn.GRU",
    "nn.RNN",
]
ARGUMENTS = [
    "units",
    "layer",
    "backward_layer",
    "cell",
    "cells",
    "merge_mode",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "time_major",
    "hidden_size",
    "input_size",
    "num_layers",
    "proj_size",
    "bidirectional",
    "batch_first",
    "dropout",
    "input_shape",
    "reset_after",
]
values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 40),
        st.floats(-2, 2, allow_nan=False),
        st.sampled_from(["'same'", "'valid'", "'concat'", "'sum'", "None", "'channels_first'"]),
    ).map(lambda v: v if isinstance(v, str) else repr(v)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "(" + "".join(f"{x}, " for x in xs) + ")"),
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.builds(
            lambda name, args: f"{name}({', '.join(args)})",
            st.sampled_from(NAMES),
            st.lists(inner, max_size=3),
        ),
    ),
    max_leaves=8,
)


@given(
    name=st.sampled_from(NAMES),
    args=st.lists(values, max_size=3),
    kwargs=st.dictionaries(st.sampled_from(ARGUMENTS), values, max_size=4),
    shape=st.lists(st.one_of(st.none(), st.integers(0, 12)), min_size=1, max_size=6),
    keras=st.sampled_from(["2", "3"]),
)
def test_any_layer_call_is_answered_or_refused_cleanly(name, args, kwargs, shape, keras):
    parts = [*args, *(f"{k}={v}" for k, v in kwargs.items())]
    expression = f"{name}({', '.join(parts)})"
    for analyse in (summary, table, compare):
        with suppress(RnncalcError):  # any other exception fails the test
            analyse(expression, batch_input_shape=tuple(shape), keras=keras)


def test_grid_over_arguments():
    from rnncalc.calc.planning import grid

    rows = grid(
        "nn.LSTM(64, 32)", ["hidden_size=32,64", "num_layers=1:2"], batch_input_shape=(10, 16, 64)
    ).rows
    assert [r.arguments for r in rows] == [
        {"hidden_size": h, "num_layers": n} for h in (32, 64) for n in (1, 2)
    ]
    assert rows[0].params == summary("nn.LSTM(64, 32)", batch_input_shape=(10, 16, 64)).params
    bidirectional = grid(
        "Bidirectional(GRU(8))", ["units=4,8", "merge_mode=sum,None"], input_shape=(5, 3)
    ).rows
    assert [len(r.output_shapes) for r in bidirectional] == [1, 2, 1, 2]
    refused = grid("GRU(8)", ["units=0,4"], input_shape=(5, 3)).rows
    assert refused[0].error and "positive integer" in refused[0].error
    assert refused[1].params == summary("GRU(4)", input_shape=(5, 3)).params


def test_sweep_command_formats():
    from conftest import run_cli

    args = ["sweep", "SimpleRNN(4)", "--vary", "units=2,4", "--input-shape", "5,3"]
    table = run_cli(*args)
    assert table.exit_code == 0 and "units" in table.stdout
    csv = run_cli(*args, "--csv").stdout.splitlines()
    assert csv[0] == "units,returns,params,MACs,training bytes,error" and csv[1].startswith("2,")
    lines = run_cli(*args, "--jsonl").stdout.splitlines()
    assert len(lines) == 2 and '"params":12' in lines[0]  # 2·(3 + 2 + 1)
    bad = run_cli("sweep", "SimpleRNN(4)", "--vary", "units", "--input-shape", "5,3")
    assert bad.exit_code == 2 and "ARGUMENT=VALUES" in bad.stderr
