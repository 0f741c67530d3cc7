"""Layer expressions and typed shapes: Python syntax, literals only, bounded."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import RnncalcError
from rnncalc.limits import EXPRESSION_LENGTH
from rnncalc.parse.expressions import parse, parse_shape

from conftest import run_cli


def test_module_path_and_nested_calls():
    call = parse("tf.keras.layers.LSTM(8, kernel_regularizer=keras.regularizers.l2(0.01))")
    assert (call.name, call.module, call.args) == ("LSTM", "tf.keras.layers", (8,))
    assert call.kwargs["kernel_regularizer"] == {
        "class_name": "l2",
        "config": {},
        "args": [0.01],
        "module": "keras.regularizers",  # as Keras 3 serializes it
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "LSTM",
        "LSTM(",
        "1 + 2",
        "LSTM(**kw)",
        "LSTM(4, units=4, units=5)",
        "LSTM(x)",
        "LSTM(4)()",
        "(" * 100 + ")" * 100,
        "LSTM(" + "1," * EXPRESSION_LENGTH.value + ")",
    ],
)
def test_refused(text):
    with pytest.raises(RnncalcError):
        parse(text)


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("10,64", (10, 64)),
        ("(None, 10, 64)", (None, 10, 64)),
        ("32x10x64", (32, 10, 64)),
        ("[?, 5]", (None, 5)),
        ("7", (7,)),
    ],
)
def test_shapes(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize("text", ["", "10,-1", "1e3", "ten", "10," + "9" * 30])
def test_bad_shapes(text):
    with pytest.raises(RnncalcError):
        parse_shape(text)


@given(st.text(max_size=300), st.text(max_size=40))
def test_cli_never_shows_a_traceback(expression, shape):
    result = run_cli("summary", "--input-shape", shape or "1", "--", expression)
    assert result.exit_code in (0, 2)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ")
