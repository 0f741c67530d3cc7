"""Record the constructor signatures of Keras's recurrent layers, for the reference pages.

    python tests/data/generate_signatures.py   # with tf-keras and keras installed (any backend)

Writes rnncalc/docs/signatures.json: for each class and Keras version, each named argument in
Keras's order with its default (`required` when it has none). The docs generator lists
arguments in this order; tests/test_docs_site.py checks rnncalc's defaults against these.
"""

import inspect
import json
import os
from pathlib import Path

OUT = Path(__file__).parents[2] / "rnncalc" / "docs" / "signatures.json"
NAMES = (
    "SimpleRNN GRU LSTM Bidirectional ConvLSTM1D ConvLSTM2D ConvLSTM3D RNN SimpleRNNCell "
    "GRUCell LSTMCell StackedRNNCells"
).split()


def signature(cls) -> list:
    found = []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        required = p.default is inspect.Parameter.empty
        default = None if required else p.default
        if not isinstance(default, (int, float, str, bool, type(None))):
            default = repr(default)
        found.append({"name": p.name, "default": default, "required": required})
    return found


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import tf_keras
    from tf_keras.src.layers.rnn import cudnn_gru, cudnn_lstm

    out = {
        n: {"2": signature(getattr(tf_keras.layers, n)), "3": signature(getattr(keras.layers, n))}
        for n in NAMES
    }
    out["CuDNNLSTM"] = {"2": signature(cudnn_lstm.CuDNNLSTM)}
    out["CuDNNGRU"] = {"2": signature(cudnn_gru.CuDNNGRU)}
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(out)} classes to {OUT}")


if __name__ == "__main__":
    main()
