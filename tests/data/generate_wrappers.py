"""Ask real Keras what it does with wrappers, cells and convolutional recurrent layers.

Each case is a layer expression and the batch input shape it is called on. Keras builds it on
`keras.Input(batch_shape=...)`; the answer (output shapes, parameter counts, weight names and
shapes, warnings) or the refusal (exception type, message, and whether it came when the layer
was made or when it was called) is saved. Needs tf-keras (Keras 2) or Keras 3 installed; the
tests only read the file it writes.

    python tests/data/generate_wrappers.py 2   # in a Python with tensorflow-cpu and tf-keras
    KERAS_BACKEND=torch python tests/data/generate_wrappers.py 3   # with keras and torch

Each run replaces that version's cases in tests/data/wrapper_expressions.jsonl.
"""

import json
import sys
import types
import warnings
from pathlib import Path

from fixture_tools import flatten, message, shape_list, size, start_keras, weights

OUT = Path(__file__).with_name("wrapper_expressions.jsonl")

SEQ = (None, 10, 8)
CELL_SEQ = (None, 10, 3)
FRAMES_1D = (None, 5, 10, 3)
FRAMES_2D = (None, 5, 8, 8, 3)
FRAMES_3D = (None, 4, 6, 6, 6, 2)

NAMES = (
    "SimpleRNN GRU LSTM Bidirectional ConvLSTM1D ConvLSTM2D ConvLSTM3D RNN SimpleRNNCell GRUCell"
    " LSTMCell StackedRNNCells Dense CuDNNLSTM CuDNNGRU"
).split()


def _flags(return_sequences: bool, return_state: bool) -> str:
    return "".join(
        [", return_sequences=True"] * return_sequences + [", return_state=True"] * return_state
    )


def _bidirectional_grid() -> list[tuple[str, tuple]]:
    """Each inner layer and merge mode, with a spread of return_sequences/return_state."""
    cases = []
    for inner in ("SimpleRNN", "GRU", "LSTM"):
        for mode in ("concat", "sum", "mul", "ave", None):
            combos = [(False, False), (True, False), (False, True), (True, True)]
            if inner != "LSTM" and mode not in ("concat", "sum", None):
                combos = [(False, False)]
            for seq, state in combos:
                merge = "" if mode == "concat" else f", merge_mode={mode!r}"
                cases.append((f"Bidirectional({inner}(4{_flags(seq, state)}){merge})", SEQ))
    return cases


BIDIRECTIONAL = [
    *_bidirectional_grid(),
    ("Bidirectional(LSTM(4, return_state=True))", SEQ),
    ("Bidirectional(LSTM(4, return_state=True), merge_mode=None)", SEQ),
    ("Bidirectional(LSTM(4), backward_layer=LSTM(4, go_backwards=True))", SEQ),
    ("Bidirectional(LSTM(4), backward_layer=LSTM(4))", SEQ),
    (
        "Bidirectional(LSTM(4), backward_layer=LSTM(4, go_backwards=True, return_sequences=True))",
        SEQ,
    ),
    ("Bidirectional(LSTM(4), backward_layer=LSTM(4, go_backwards=True, return_state=True))", SEQ),
    ("Bidirectional(LSTM(4), backward_layer=LSTM(6, go_backwards=True))", SEQ),
    ("Bidirectional(LSTM(4), backward_layer=LSTM(6, go_backwards=True), merge_mode='sum')", SEQ),
    (
        "Bidirectional(LSTM(4, return_sequences=True), "
        "backward_layer=LSTM(6, go_backwards=True, return_sequences=True), merge_mode=None)",
        SEQ,
    ),
    ("Bidirectional(LSTM(4), backward_layer=GRU(4, go_backwards=True))", SEQ),
    (
        "Bidirectional(LSTM(4, return_state=True), "
        "backward_layer=GRU(4, go_backwards=True, return_state=True))",
        SEQ,
    ),
    ("Bidirectional(LSTM(4), backward_layer=Dense(4))", SEQ),
    ("Bidirectional(LSTM(4), merge_mode='max')", SEQ),
    ("Bidirectional(Dense(3))", SEQ),
    ("Bidirectional(LSTM(4, stateful=True))", SEQ),
    ("Bidirectional(LSTM(4, stateful=True))", (2, 10, 8)),
    ("Bidirectional(LSTM(4, time_major=True, return_sequences=True))", SEQ),
    ("Bidirectional(GRU(3, reset_after=False))", SEQ),
    ("Bidirectional(ConvLSTM2D(2, 3, return_sequences=True))", FRAMES_2D),
    ("Bidirectional(ConvLSTM2D(2, 3, return_state=True))", FRAMES_2D),
    ("Bidirectional(RNN(LSTMCell(4)))", SEQ),
    ("Bidirectional(RNN([GRUCell(8), LSTMCell(4)], return_state=True))", SEQ),
    ("Bidirectional(LSTM(4))", (None, 8)),
    ("Bidirectional(LSTM(4))", (None, 10, 8, 2)),
    ("Bidirectional(LSTM(4))", (None, None, 8)),
    ("Bidirectional(LSTM(4, name='enc'))", SEQ),
    ("Bidirectional(LSTM(4, go_backwards=True, return_sequences=True))", SEQ),
    ("Bidirectional(LSTM(4, unroll=True))", (None, None, 8)),
    ("Bidirectional(Bidirectional(LSTM(4)))", SEQ),
]

CONV_LSTM = [
    ("ConvLSTM2D(4, 3)", FRAMES_2D),
    ("ConvLSTM2D(4, (3, 3))", FRAMES_2D),
    ("ConvLSTM2D(4, (3, 2), padding='same')", FRAMES_2D),
    ("ConvLSTM2D(4, 3, padding='same')", FRAMES_2D),
    ("ConvLSTM2D(4, 3, strides=2)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, strides=2, padding='same')", (None, 5, 7, 7, 3)),
    ("ConvLSTM2D(4, 3, strides=(2, 1))", FRAMES_2D),
    ("ConvLSTM2D(4, 3, dilation_rate=2)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, dilation_rate=2, padding='same')", FRAMES_2D),
    ("ConvLSTM2D(4, 3, strides=2, dilation_rate=2)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, data_format='channels_first')", (None, 5, 3, 8, 8)),
    (
        "ConvLSTM2D(4, 3, padding='same', return_sequences=True, data_format='channels_first')",
        (None, 5, 3, 8, 8),
    ),
    ("ConvLSTM2D(4, 3, return_sequences=True)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, return_state=True)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, return_sequences=True, return_state=True)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, go_backwards=True, return_sequences=True)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, stateful=True)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, stateful=True)", (2, 5, 8, 8, 3)),
    ("ConvLSTM2D(4, 3, unroll=True)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, unroll=True)", (None, None, 8, 8, 3)),
    ("ConvLSTM2D(4, 3)", (None, 5, 8, 8, None)),
    ("ConvLSTM2D(4, 3)", (None, 5, None, None, 3)),
    ("ConvLSTM2D(4, 3, return_sequences=True)", (None, None, 8, 8, 3)),
    ("ConvLSTM2D(4, 9)", FRAMES_2D),
    ("ConvLSTM2D(4, 9, padding='same')", FRAMES_2D),
    ("ConvLSTM2D(4, 3)", (None, 8, 8, 3)),
    ("ConvLSTM2D(4, 3)", (None, 5, 8, 8, 3, 1)),
    ("ConvLSTM2D(4, 3, use_bias=False)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, unit_forget_bias=False)", FRAMES_2D),
    ("ConvLSTM2D(0, 3)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, time_major=True)", FRAMES_2D),
    ("ConvLSTM2D(4, 3, padding='causal')", FRAMES_2D),
    ("ConvLSTM2D(4, 3, data_format='bogus')", FRAMES_2D),
    ("ConvLSTM2D(4, 3, dropout=1.5)", FRAMES_2D),
    ("ConvLSTM1D(4, 3)", FRAMES_1D),
    ("ConvLSTM1D(4, (3,))", FRAMES_1D),
    ("ConvLSTM1D(4, 3, padding='same')", FRAMES_1D),
    ("ConvLSTM1D(4, 3, strides=2)", FRAMES_1D),
    ("ConvLSTM1D(4, 3, dilation_rate=2)", FRAMES_1D),
    ("ConvLSTM1D(4, 3, data_format='channels_first')", (None, 5, 3, 10)),
    ("ConvLSTM1D(4, 3, return_sequences=True, return_state=True)", FRAMES_1D),
    ("ConvLSTM1D(4, 3, padding='causal')", FRAMES_1D),
    ("ConvLSTM1D(4, 3, use_bias=False)", FRAMES_1D),
    ("ConvLSTM1D(4, 3)", FRAMES_2D),
    ("ConvLSTM3D(4, 3)", FRAMES_3D),
    ("ConvLSTM3D(4, (3, 2, 1), padding='same')", FRAMES_3D),
    ("ConvLSTM3D(4, 3, strides=2, padding='same')", FRAMES_3D),
    ("ConvLSTM3D(4, 3, data_format='channels_first')", (None, 4, 2, 6, 6, 6)),
    ("ConvLSTM3D(4, 3, return_sequences=True, return_state=True)", FRAMES_3D),
    ("ConvLSTM3D(4, 3, dilation_rate=2)", FRAMES_3D),
]

CELLS = [
    ("RNN(SimpleRNNCell(8))", CELL_SEQ),
    ("RNN(GRUCell(8))", CELL_SEQ),
    ("RNN(GRUCell(8, reset_after=False))", CELL_SEQ),
    ("RNN(LSTMCell(8))", CELL_SEQ),
    ("RNN(LSTMCell(8), return_state=True)", CELL_SEQ),
    ("RNN(LSTMCell(8), return_sequences=True, return_state=True)", CELL_SEQ),
    ("RNN(GRUCell(8), return_state=True)", CELL_SEQ),
    ("RNN([GRUCell(8), LSTMCell(4)])", CELL_SEQ),
    ("RNN([GRUCell(8), LSTMCell(4)], return_sequences=True)", CELL_SEQ),
    ("RNN([GRUCell(8), LSTMCell(4)], return_state=True)", CELL_SEQ),
    ("RNN([GRUCell(8), LSTMCell(4)], return_sequences=True, return_state=True)", CELL_SEQ),
    ("RNN([LSTMCell(4), LSTMCell(4)], return_state=True)", CELL_SEQ),
    ("RNN([LSTMCell(4), GRUCell(6), SimpleRNNCell(2)], return_state=True)", CELL_SEQ),
    ("RNN(StackedRNNCells([SimpleRNNCell(3), GRUCell(5)]), return_state=True)", CELL_SEQ),
    (
        "RNN(StackedRNNCells([LSTMCell(4), LSTMCell(6)]), return_sequences=True, "
        "return_state=True)",
        CELL_SEQ,
    ),
    ("RNN(StackedRNNCells([]))", CELL_SEQ),
    ("RNN(LSTMCell(8), go_backwards=True, return_sequences=True)", CELL_SEQ),
    ("RNN(LSTMCell(8), go_backwards=True, return_state=True)", CELL_SEQ),
    ("RNN(LSTMCell(8), unroll=True)", CELL_SEQ),
    ("RNN(LSTMCell(8), unroll=True)", (None, None, 3)),
    ("RNN(LSTMCell(8), stateful=True)", CELL_SEQ),
    ("RNN(LSTMCell(8), stateful=True)", (2, 10, 3)),
    ("RNN(LSTMCell(8), time_major=True, return_sequences=True)", CELL_SEQ),
    ("RNN(LSTMCell(8))", (None, None, 3)),
    ("RNN(LSTMCell(8))", (None, 10, None)),
    ("RNN(SimpleRNNCell(8))", (None, 3)),
    ("RNN()", CELL_SEQ),
    ("RNN(LSTM(4))", CELL_SEQ),
    ("RNN(Dense(3))", CELL_SEQ),
    ("RNN(LSTMCell(8, return_sequences=True))", CELL_SEQ),
    ("RNN(LSTMCell(8, dropout=1.5))", CELL_SEQ),
    ("RNN(GRUCell(8, recurrent_dropout=1.5))", CELL_SEQ),
    ("RNN([])", CELL_SEQ),
    ("RNN(LSTMCell(0))", CELL_SEQ),
    ("RNN(SimpleRNNCell(8, seed=1))", CELL_SEQ),
    ("RNN(LSTMCell(8, seed=1))", CELL_SEQ),
    ("RNN(LSTMCell(8, implementation=1))", CELL_SEQ),
    ("RNN(GRUCell(8, implementation=1))", CELL_SEQ),
    ("RNN(SimpleRNNCell(8, implementation=1))", CELL_SEQ),
    ("RNN(GRUCell(8, use_bias=False))", CELL_SEQ),
    ("RNN(LSTMCell(8, use_bias=False))", CELL_SEQ),
]

CUDNN = [
    ("CuDNNLSTM(8)", CELL_SEQ),
    ("CuDNNLSTM(8, return_sequences=True)", CELL_SEQ),
    ("CuDNNLSTM(8, return_state=True)", CELL_SEQ),
    ("CuDNNLSTM(8, return_sequences=True, return_state=True)", CELL_SEQ),
    ("CuDNNLSTM(8, go_backwards=True)", CELL_SEQ),
    ("CuDNNLSTM(8, stateful=True)", (2, 10, 3)),
    ("CuDNNLSTM(8, unit_forget_bias=False)", CELL_SEQ),
    ("CuDNNGRU(8)", CELL_SEQ),
    ("CuDNNGRU(8, return_sequences=True)", CELL_SEQ),
    ("CuDNNGRU(8, return_state=True)", CELL_SEQ),
    ("CuDNNGRU(8, return_sequences=True, return_state=True)", CELL_SEQ),
    ("Bidirectional(CuDNNLSTM(8, return_state=True))", CELL_SEQ),
    ("Bidirectional(CuDNNGRU(8))", CELL_SEQ),
]

# What Keras's own RNN tests exercise: a frozen cell in a stack, the v1 API's defaults, tf-keras's
# return_runtime and reverse_state_order.
SUITE = [
    ("RNN([LSTMCell(4, trainable=False), GRUCell(3)])", CELL_SEQ),
    ("RNN(StackedRNNCells([LSTMCell(4), GRUCell(3, trainable=False)]), return_state=True)", CELL_SEQ),
    ("Bidirectional(LSTM(4, trainable=False))", CELL_SEQ),
    ("Bidirectional(GRU(4), backward_layer=GRU(4, go_backwards=True, trainable=False))", CELL_SEQ),
    ("tf.compat.v1.keras.layers.GRU(4)", CELL_SEQ),
    ("tf.compat.v1.keras.layers.GRU(4, reset_after=True)", CELL_SEQ),
    ("tf.compat.v1.keras.layers.LSTM(4, return_state=True)", CELL_SEQ),
    ("RNN(tf.compat.v1.keras.layers.GRUCell(4))", CELL_SEQ),
    ("LSTM(4, return_runtime=True)", CELL_SEQ),
    ("LSTM(4, return_runtime=True, return_sequences=True)", CELL_SEQ),
    ("LSTM(4, return_runtime=True, return_state=True)", CELL_SEQ),
    ("GRU(4, return_runtime=True)", CELL_SEQ),
    ("GRU(4, return_runtime=True, return_state=True)", CELL_SEQ),
    ("RNN(StackedRNNCells([GRUCell(3), LSTMCell(3)], reverse_state_order=True), return_state=True)", CELL_SEQ),
    ("RNN(StackedRNNCells([LSTMCell(3), LSTMCell(3)], reverse_state_order=True), return_state=True)", CELL_SEQ),
    ("RNN(StackedRNNCells([LSTMCell(3), LSTMCell(5)], reverse_state_order=True))", CELL_SEQ),
]

CASES = list(dict.fromkeys(BIDIRECTIONAL + CONV_LSTM + CELLS + CUDNN + SUITE))


def layer_namespace(keras, version: str) -> dict:
    """The layer classes an expression may use; names a version lacks stay undefined."""
    places = [keras.layers]
    if version == "2":  # tf-keras exports the CuDNN layers only in its v1 API
        from tf_keras.api._v1.keras import layers as v1_layers

        places.append(v1_layers)
    namespace = {}
    for name in NAMES:
        for place in places:
            if hasattr(place, name):
                namespace[name] = getattr(place, name)
                break
    # tf.compat.v1.keras: tf-keras's v1 API for Keras 2; TensorFlow 2.16+ serves Keras 3 there
    v1 = places[-1] if version == "2" else keras.layers
    namespace["tf"] = types.SimpleNamespace(
        compat=types.SimpleNamespace(v1=types.SimpleNamespace(keras=types.SimpleNamespace(layers=v1)))
    )
    return namespace


def keras_answer(keras, version: str, expression: str, shape: tuple) -> dict:
    keras.backend.clear_session()
    namespace = layer_namespace(keras, version)
    stage = "init"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            layer = eval(expression, namespace)  # the fixture generator only: trusted literals
            stage = "call"
            inputs = keras.Input(batch_shape=shape)
            outputs = flatten(layer(inputs))
            model = keras.Model(inputs, outputs)
            answer = {
                "accepted": True,
                "output_shapes": [shape_list(o.shape) for o in outputs],
                "params": int(layer.count_params()),
                "trainable_params": size(layer.trainable_weights),
                "weights": weights(layer, version),
            }
            if "CuDNN" in expression:
                answer["note"] = cudnn_forward(model, shape)
        except Exception as exc:  # what Keras refuses, and how, is the answer
            answer = {
                "accepted": False,
                "error": type(exc).__name__,
                "message": message(exc)[:300],
                "stage": stage,
            }
            if stage == "call" and "CuDNN" in expression:
                answer |= cudnn_build_only(keras, version, expression, shape)
    return answer | {"warnings": [str(w.message) for w in caught]}


def cudnn_forward(model, shape: tuple) -> str:
    """The graph builds on any machine; say whether running it works on this one."""
    import numpy as np

    try:
        model(np.zeros([1 if d is None else d for d in shape], "float32"))
        return "built on an Input; a forward pass on zeros ran"
    except Exception as exc:
        message = " ".join(str(exc).split())[:200]
        return f"built on an Input; a forward pass on zeros failed: {type(exc).__name__}: {message}"


def cudnn_build_only(keras, version: str, expression: str, shape: tuple) -> dict:
    """Calling failed; `layer.build(shape)` may still make the weights."""
    keras.backend.clear_session()
    try:
        layer = eval(expression, layer_namespace(keras, version))
        layer.build(shape)
        return {
            "note": "calling failed; layer.build(batch_input_shape) made these weights",
            "params": int(layer.count_params()),
            "weights": weights(layer, version),
        }
    except Exception as exc:
        return {"note": f"calling failed; layer.build failed too: {type(exc).__name__}: {exc}"}


def main() -> None:
    version = sys.argv[1]
    keras = start_keras(version)
    kept = [
        line
        for line in (OUT.read_text().splitlines() if OUT.exists() else [])
        if json.loads(line)["keras"] != version
    ]
    fresh = [
        json.dumps(
            {
                "keras": version,
                "library": keras.__version__,
                "expression": expression,
                "batch_input_shape": list(shape),
            }
            | keras_answer(keras, version, expression, shape),
            sort_keys=True,
        )
        for expression, shape in CASES
    ]
    OUT.write_text("\n".join(sorted(kept + fresh)) + "\n")
    print(f"wrote {len(fresh)} Keras {version} cases to {OUT}")


if __name__ == "__main__":
    main()
