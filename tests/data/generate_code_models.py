"""Write tests/data/code_models.jsonl: model-building code run by real Keras, with its summary.

The cases are written for what the published snippets (tests/data/snippets) exercise little:
functional graphs (states, several inputs and outputs, shared layers, nested models, merge
helpers), naming (inputs, models, clear_session, two models in one file), the layers found
around RNNs, and code Keras refuses. Each case runs in the same process after
`clear_session()`, so names count from zero as in a fresh process.

Run once per version (this file executes its own cases; rnncalc never executes code):
    python tests/data/generate_code_models.py 2    # needs tensorflow-cpu and tf-keras
    KERAS_BACKEND=tensorflow python tests/data/generate_code_models.py 3   # needs keras>=3
"""

import json
import sys
import traceback
from pathlib import Path

OUT = Path(__file__).parent / "code_models.jsonl"

CASES = {
    "seq-stack-dropout": """
from keras.models import Sequential
from keras.layers import LSTM, Dropout, Dense
model = Sequential()
model.add(LSTM(50, activation='relu', return_sequences=True, input_shape=(30, 4)))
model.add(Dropout(0.2))
model.add(LSTM(50, activation='relu'))
model.add(Dense(1))
model.compile(optimizer='adam', loss='mse')
""",
    "seq-bidirectional-input-shape": """
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Bidirectional, LSTM, Dense, TimeDistributed
model = Sequential()
model.add(Bidirectional(LSTM(20, return_sequences=True), input_shape=(10, 1)))
model.add(TimeDistributed(Dense(1, activation='sigmoid')))
""",
    "seq-addition-rnn": """
from tensorflow import keras
from tensorflow.keras import layers
chars = '0123456789+ '
MAXLEN = 7
DIGITS = 3
model = keras.Sequential()
model.add(layers.LSTM(128, input_shape=(MAXLEN, len(chars))))
model.add(layers.RepeatVector(DIGITS + 1))
for _ in range(1):
    model.add(layers.LSTM(128, return_sequences=True))
model.add(layers.Dense(len(chars), activation="softmax"))
""",
    "seq-conv1d-pool-lstm": """
from keras.models import Sequential
from keras.layers import Embedding, Conv1D, MaxPooling1D, LSTM, Dense, SpatialDropout1D
model = Sequential()
model.add(Embedding(5000, 32, input_length=500))
model.add(SpatialDropout1D(0.2))
model.add(Conv1D(filters=32, kernel_size=3, padding='same', activation='relu'))
model.add(MaxPooling1D(pool_size=2))
model.add(LSTM(100))
model.add(Dense(1, activation='sigmoid'))
""",
    "seq-gru-flatten": """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(24, 6)),
    tf.keras.layers.GRU(32, return_sequences=True),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(8),
])
""",
    "seq-no-input": """
from keras.models import Sequential
from keras.layers import LSTM, Dense
model = Sequential([LSTM(8), Dense(2)])
""",
    "seq-embedding-no-length": """
from keras import Sequential
from keras.layers import Embedding, LSTM, Dense
model = Sequential()
model.add(Embedding(1000, 64))
model.add(LSTM(32))
model.add(Dense(1))
""",
    "fn-text-bidirectional": """
from tensorflow import keras
from tensorflow.keras import layers
max_features = 20000
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(max_features, 128)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(64))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
""",
    "fn-seq2seq-states": """
import keras
latent_dim = 256
num_encoder_tokens, num_decoder_tokens = 71, 93
encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
encoder = keras.layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]
decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)
model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
""",
    "fn-seq2seq-inference-models": """
import keras
latent_dim = 16
encoder_inputs = keras.Input(shape=(None, 7))
encoder = keras.layers.LSTM(latent_dim, return_state=True)
_, state_h, state_c = encoder(encoder_inputs)
decoder_inputs = keras.Input(shape=(None, 9))
decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
decoder_dense = keras.layers.Dense(9, activation="softmax")
model = keras.Model([encoder_inputs, decoder_inputs], decoder_dense(decoder_outputs))
encoder_model = keras.Model(encoder_inputs, [state_h, state_c])
state_input_h = keras.Input(shape=(latent_dim,))
state_input_c = keras.Input(shape=(latent_dim,))
outs, h, c = decoder_lstm(decoder_inputs, initial_state=[state_input_h, state_input_c])
decoder_model = keras.Model([decoder_inputs, state_input_h, state_input_c], [decoder_dense(outs), h, c])
""",
    "fn-two-outputs-concatenate": """
from keras.layers import Input, LSTM, GRU, Dense, concatenate
from keras.models import Model
a = Input(shape=(20, 3), name='series')
b = Input(shape=(5,), name='meta')
x = LSTM(16)(a)
y = Dense(8, activation='relu')(b)
z = concatenate([x, y])
out1 = Dense(1, name='price')(z)
out2 = Dense(3, activation='softmax', name='trend')(z)
model = Model(inputs=[a, b], outputs=[out1, out2])
""",
    "fn-shared-lstm": """
from keras.layers import Input, LSTM, Dense, Concatenate
from keras.models import Model
left = Input(shape=(12, 4))
right = Input(shape=(12, 4))
shared = LSTM(10)
merged = Concatenate()([shared(left), shared(right)])
model = Model([left, right], Dense(1)(merged))
""",
    "fn-nested-sequential": """
from tensorflow import keras
from tensorflow.keras import layers
encoder = keras.Sequential([layers.GRU(8, return_sequences=True), layers.GRU(4)], name="enc")
inputs = keras.Input(shape=(6, 3))
outputs = layers.Dense(2)(encoder(inputs))
model = keras.Model(inputs, outputs)
""",
    "fn-return-state-gru-add": """
import tensorflow as tf
from tensorflow.keras import layers
x = tf.keras.Input(shape=(5, 3), batch_size=4)
seq, state = layers.GRU(6, return_sequences=True, return_state=True)(x)
last = layers.GlobalAveragePooling1D()(seq)
model = tf.keras.Model(x, layers.Add()([last, state]))
""",
    "fn-dict-inputs": """
import keras
from keras import layers
t = keras.Input(shape=(8, 2), name="t")
s = keras.Input(shape=(3,), name="s")
h = layers.SimpleRNN(4)(t)
model = keras.Model(inputs={"t": t, "s": s}, outputs=layers.Concatenate()([h, s]))
""",
    "fn-bidirectional-states": """
from keras.layers import Input, Bidirectional, LSTM
from keras.models import Model
x = Input(shape=(7, 5))
out, fh, fc, bh, bc = Bidirectional(LSTM(3, return_state=True))(x)
model = Model(x, [out, fh, bc])
""",
    "fn-time-distributed-conv": """
from keras.layers import Input, TimeDistributed, Dense, LSTM, Flatten
from keras.models import Model
frames = Input(shape=(10, 8, 8))
x = TimeDistributed(Flatten())(frames)
x = TimeDistributed(Dense(16))(x)
model = Model(frames, LSTM(4)(x))
""",
    "fn-disconnected": """
from keras.layers import Input, LSTM, Add
from keras.models import Model
a = Input(shape=(3, 2))
b = Input(shape=(3, 2))
s = Add()([a, b])
model = Model(a, LSTM(2)(s))
""",
    "two-models-names": """
from keras.models import Sequential
from keras.layers import LSTM, Dense
first = Sequential([LSTM(4, input_shape=(5, 2)), Dense(1)])
model = Sequential([LSTM(4, input_shape=(5, 2)), Dense(1)])
""",
    "clear-session": """
import keras
from keras import layers
junk = keras.Sequential([layers.LSTM(2, input_shape=(2, 2))])
keras.backend.clear_session()
model = keras.Sequential([layers.LSTM(3, input_shape=(4, 2)), layers.Dense(1)])
""",
    "helper-function-loop": """
from keras.models import Sequential
from keras.layers import LSTM, Dense, Dropout

def build_model(input_shape, units=(64, 32), dropout=0.1, **kwargs):
    model = Sequential(name=kwargs.get('name', 'stacked'))
    for i, u in enumerate(units):
        extra = {'input_shape': input_shape} if i == 0 else {}
        model.add(LSTM(u, return_sequences=i < len(units) - 1, **extra))
        if dropout:
            model.add(Dropout(dropout))
    model.add(Dense(1))
    return model

model = build_model((48, 5), units=[32, 16, 8], name=f"lstm_{3}")
""",
    "seq-input-dim-dense": """
from keras.models import Sequential
from keras.layers import Dense, Reshape, LSTM
model = Sequential()
model.add(Dense(12, input_dim=8))
model.add(Reshape((3, 4)))
model.add(LSTM(5))
""",
    "seq-stateful-batch-input-shape": """
from keras.models import Sequential
from keras.layers import LSTM, Dense
model = Sequential()
model.add(LSTM(4, batch_input_shape=(1, 1, 3), stateful=True))
model.add(Dense(1))
""",
    "seq-return-state-in-sequential": """
from keras.models import Sequential
from keras.layers import LSTM
model = Sequential([LSTM(4, return_state=True, input_shape=(3, 2))])
""",
    "seq-frozen-embedding": """
import numpy as np
from keras.models import Sequential
from keras.layers import Embedding, GRU, Dense
matrix = np.zeros((300, 50))
model = Sequential()
model.add(Embedding(300, 50, weights=[matrix], input_length=20, trainable=False))
model.add(GRU(16))
model.add(Dense(1))
""",
    "fn-lstm-multi-head-attention": """
from tensorflow.keras import layers, Model, Input
inp = Input(shape=(30, 16))
h = layers.LSTM(32, return_sequences=True)(inp)
att = layers.MultiHeadAttention(4, 8)(h, h)
x = layers.LayerNormalization()(layers.Add()([h, att]))
x = layers.GlobalAveragePooling1D()(x)
model = Model(inp, layers.Dense(1)(x))
""",
    "fn-lstm-attention": """
from keras.layers import Input, LSTM, Dense, Attention, Concatenate, GlobalAveragePooling1D
from keras.models import Model
q_in = Input(shape=(None, 12))
v_in = Input(shape=(20, 12))
q = LSTM(10, return_sequences=True)(q_in)
v = LSTM(10, return_sequences=True)(v_in)
context = Attention(use_scale=True)([q, v])
out = Dense(4)(GlobalAveragePooling1D()(Concatenate()([q, context])))
model = Model([q_in, v_in], out)
""",
    "seq-cnn-lstm-video": """
from keras.models import Sequential
from keras.layers import TimeDistributed, Conv2D, MaxPooling2D, Flatten, LSTM, Dense, Dropout
model = Sequential()
model.add(TimeDistributed(Conv2D(16, (3, 3), activation='relu', padding='same'), input_shape=(8, 32, 32, 3)))
model.add(TimeDistributed(MaxPooling2D((2, 2))))
model.add(TimeDistributed(Conv2D(8, 3, strides=2)))
model.add(TimeDistributed(Flatten()))
model.add(LSTM(32))
model.add(Dropout(0.5))
model.add(Dense(5, activation='softmax'))
""",
    "seq-conv1d-leaky-upsampling": """
from keras.models import Sequential
from keras.layers import Conv1D, LeakyReLU, UpSampling1D, ZeroPadding1D, Cropping1D, GRU, PReLU
model = Sequential()
model.add(Conv1D(8, 5, padding='causal', input_shape=(40, 3)))
model.add(LeakyReLU(0.1))
model.add(UpSampling1D(2))
model.add(ZeroPadding1D((1, 2)))
model.add(Cropping1D(3))
model.add(PReLU(shared_axes=[1]))
model.add(GRU(6))
""",
    "fn-mha-keywords-mask": """
from tensorflow import keras
from tensorflow.keras import layers
q = keras.Input((5, 8)); v = keras.Input((7, 6)); k = keras.Input((7, 4)); m = keras.Input((5, 7))
out = layers.MultiHeadAttention(2, 4)(query=q, value=v, key=k, attention_mask=m)
model = keras.Model([q, v, k, m], layers.Dense(out.shape[1])(out))
""",
    "seq-numpy-shapes": """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense, Cropping1D
X = np.random.rand(100, 30)
X = X.reshape((X.shape[0], X.shape[1], 1))
windows = np.reshape(X, (-1, 10, 3))[:, :-2, ...]
model = Sequential([LSTM(4, input_shape=X.shape[1:], return_sequences=True), Cropping1D(), Dense(windows.shape[1])])
""",
    "class-builder-super-property": """
from tensorflow import keras
from tensorflow.keras import layers

class Base:
    units = 16
    def __init__(self, steps, features=3):
        self.shape = (steps, features)

class Forecaster(Base):
    def __init__(self, steps, depth=2):
        super().__init__(steps)
        self.depth = depth

    @property
    def width(self):
        return self.units * 2

    @staticmethod
    def head(n):
        return layers.Dense(n)

    def build(self):
        model = keras.Sequential(name='forecaster')
        model.add(keras.Input(shape=self.shape))
        for i in range(self.depth):
            model.add(layers.LSTM(self.width, return_sequences=i < self.depth - 1))
        model.add(self.head(1))
        return model

model = Forecaster(24).build()
""",
    "activation-functions": """
import tensorflow as tf
from tensorflow import keras
model = keras.Sequential([
    keras.Input((5, 2)),
    keras.layers.LSTM(4, activation=tf.nn.relu, recurrent_activation=keras.activations.hard_sigmoid, return_sequences=True),
    keras.layers.GRU(3, activation=tf.keras.activations.tanh),
    keras.layers.Dense(1, activation=tf.nn.sigmoid),
])
""",
    "lambda-output-shape": """
import keras
from keras import layers
x = keras.Input((10, 4))
h = layers.LSTM(6, return_sequences=True)(x)
y = layers.Lambda(lambda t: t[:, -1], output_shape=(6,))(h)
model = keras.Model(x, layers.Dense(2)(y))
""",
    "keras1-dropout-p": """
from keras.models import Sequential
from keras.layers import LSTM, Dropout, Dense
model = Sequential()
model.add(LSTM(16, input_shape=(8, 2)))
model.add(Dropout(p=0.2))
model.add(Dense(1))
""",
    "unknown-argument-on-dense": """
from keras.models import Sequential
from keras.layers import LSTM, Dense
model = Sequential([LSTM(16, input_shape=(8, 2)), Dense(1, activations='relu')])
""",
    "seq-layer-trainable-attribute": """
from keras.models import Sequential
from keras.layers import LSTM, Dense, Input
model = Sequential([Input(shape=(6, 3)), LSTM(8), Dense(2)])
model.layers[0].trainable = False
""",
    "func-rnn-of-cells": """
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(10, 64), batch_size=16)
cell = layers.LSTMCell(32)
whole, h, c = layers.RNN(cell, return_sequences=True, return_state=True)(inputs)
stacked = layers.StackedRNNCells([layers.GRUCell(8), layers.SimpleRNNCell(4)])
last = layers.RNN(stacked)(whole)
both = layers.RNN([layers.LSTMCell(6), layers.GRUCell(5, reset_after=False)])(whole)
model = keras.Model(inputs, [whole, h, c, last, both])
""",
    "seq-rnn-of-a-cell": """
from keras.models import Sequential
from keras.layers import RNN, SimpleRNNCell, Dense
model = Sequential()
model.add(RNN(SimpleRNNCell(16, activation='relu'), input_shape=(20, 3)))
model.add(Dense(1))
""",
    "bad-cell-units": """
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(10, 4))
cell = layers.GRUCell(0)
model = keras.Model(inputs, layers.RNN(cell)(inputs))
""",
    "func-stacked-cells-states-nested": """
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(10, 64), batch_size=16)
cells = layers.StackedRNNCells([layers.GRUCell(32), layers.LSTMCell(16)])
whole, gru_h, (lstm_h, lstm_c) = layers.RNN(cells, return_sequences=True, return_state=True)(inputs)
model = keras.Model(inputs, [whole, gru_h, lstm_h, lstm_c])
""",
    "bad-stacked-cells-states-flat": """
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(10, 64))
rnn = layers.RNN([layers.LSTMCell(8), layers.LSTMCell(4)], return_state=True)
out, h1, c1, h2, c2 = rnn(inputs)
model = keras.Model(inputs, out)
""",
}


def describe(model, keras3: bool) -> dict:
    layers = []
    for layer in model.layers:
        try:
            shape = _nested(layer.output) if keras3 else _listed(layer.output_shape)
        except Exception:  # a layer never called
            shape = None
        try:
            params = layer.count_params()
        except Exception:  # a layer never built
            params = None
        name = type(layer).__name__
        layers.append(
            {"name": layer.name, "class_name": name, "output_shape": shape, "params": params}
        )

    def total(weights):
        return int(sum(_size(w.shape) for w in weights))

    weights = [w for layer in model.layers for w in layer.weights]
    trainable = [w for layer in model.layers for w in layer.trainable_weights]
    if not model.trainable:
        trainable = []
    return {
        "model_class": type(model).__name__,
        "model_name": model.name,
        "layers": layers,
        "total_params": total({id(w): w for w in weights}.values()),
        "trainable_params": total({id(w): w for w in trainable}.values()),
    }


def _listed(shape):
    if isinstance(shape, tuple):
        return [_listed(s) for s in shape] if shape and isinstance(shape[0], tuple) else list(shape)
    return [_listed(s) for s in shape]


def _size(shape):
    size = 1
    for d in shape:
        size *= int(d)
    return size


def _nested(output):
    if hasattr(output, "shape"):
        return list(output.shape)
    return [_nested(o) for o in output]


def main() -> None:
    version = sys.argv[1]
    keras3 = version == "3"
    if keras3:
        import keras

        modules = {"keras": keras, "tensorflow.keras": keras}
    else:
        import tf_keras as keras

        modules = {"keras": keras}
    for name in ("layers", "models", "backend"):
        modules[f"keras.{name}"] = getattr(keras, name)
        modules[f"tensorflow.keras.{name}"] = getattr(keras, name)
    import tensorflow as tf

    tf.keras = keras  # as each Keras serves `tf.keras` in its run
    sys.modules.update(modules)
    found = {}
    if OUT.exists():
        found = {c["id"]: c for c in map(json.loads, OUT.read_text().splitlines())}
    for case, code in CASES.items():
        keras.backend.clear_session()
        record = found.setdefault(case, {"id": case, "code": code.lstrip("\n")})
        record["code"] = code.lstrip("\n")
        run = record["code"]
        if not keras3:  # tensorflow.keras is tf-keras in the Keras 2 run
            run = run.replace("from tensorflow import keras", "import tf_keras as keras")
            run = run.replace("tensorflow.keras", "tf_keras")
        scope: dict = {}
        try:
            exec(compile(run, "<case>", "exec"), scope)  # our own fixture code
            record[f"keras{version}"] = describe(scope["model"], keras3)
        except Exception as exc:
            line = next(
                (
                    f.lineno
                    for f in traceback.extract_tb(exc.__traceback__)
                    if f.filename == "<case>"
                ),
                None,
            )
            record[f"keras{version}"] = {
                "error": {"type": type(exc).__name__, "message": str(exc)[:300], "line": line}
            }
    OUT.write_text("".join(json.dumps(c, sort_keys=True) + "\n" for c in found.values()))


if __name__ == "__main__":
    main()
