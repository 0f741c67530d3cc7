"""The Python API (api): the classic questions as a user asks them, and calls refused cleanly."""

from contextlib import suppress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import LayerReport, RnncalcError, compare, summary, table

from conftest import _summary, layers


def test_lstm_32_on_10_by_64():
    report = summary("LSTM(32, input_shape=(10, 64))")
    assert report.input_shape == (None, 10, 64)
    assert report.output_shapes == [(None, 32)]
    assert report.params == 12_416


@given(layers)
def test_json_round_trips(case):
    report = _summary(case)
    assert LayerReport.model_validate_json(report.model_dump_json()) == report


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
