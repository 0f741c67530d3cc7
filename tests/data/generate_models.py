"""Ask real Keras about whole models (Sequential and Functional) around its recurrent layers.

Each case builds a small model the way people write them (Embedding, Masking, Conv1D, pooling,
normalisation, merges, shared and nested models around LSTM/GRU/SimpleRNN) and saves what Keras
reports, in the form of the shared oracle's structural cases: `id`, `kind`, `keras`,
`model_json` (`model.to_json()`), and for each layer of `model.layers` its name, class, output
shapes (of its first inbound node), parameter count and weights, with the model's total,
trainable and non-trainable parameters. Edge cases take the JSON of a valid model, change one
thing, and load it again with `keras.models.model_from_json`; `model_json` is then the changed
JSON. A refusal is saved as `accepted: false` with the exception's type and the first 300
characters of its message, plus `cause` when Keras 3 wraps the real reason at the end of a long
message; warnings Keras gave are kept in `warnings`. Needs tf-keras (Keras 2) or Keras 3
installed; the tests only read the files it writes.

    python tests/data/generate_models.py 2   # in a Python with tensorflow-cpu and tf-keras
    KERAS_BACKEND=torch python tests/data/generate_models.py 3   # with keras and torch

Each run replaces that version's cases in tests/data/keras_models.jsonl and saves the case
`small_file` (Embedding -> LSTM -> Dense, seeded weights) in tests/data/models/: `k2_small.keras`
and `k2_small.h5`, or `k3_small.keras`, each version with `model.to_json()` as `k?_small.json`
and the case's record without `model_json` as `k?_small.summary.json`.
"""

import json
import re
import shutil
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

from fixture_tools import flatten, message, shape_list, size, start_keras, weights

HERE = Path(__file__).parent
OUT = HERE / "keras_models.jsonl"
MODELS = HERE / "models"
SMALL = "small_file"  # the case saved to tests/data/models/

SEQ = (10, 8)


def seq(k, *layers, shape=SEQ, dtype="float32"):
    """A Sequential model that starts with `keras.Input`."""
    return k.Sequential([k.Input(shape=shape, dtype=dtype), *layers])


def conv_lstm(k, L, **conv):
    return seq(k, L.Conv1D(6, 3, **conv), L.LSTM(4), shape=(20, 4))


SEQUENTIAL = {
    "embedding_mask_zero": lambda k, L: seq(
        k, L.Embedding(100, 8, mask_zero=True), L.LSTM(4), shape=(10,), dtype="int32"
    ),
    "embedding_input_length": lambda k, L: k.Sequential(
        [L.Embedding(100, 8, input_length=10), L.LSTM(4)]
    ),
    "masking": lambda k, L: seq(k, L.Masking(0.0), L.LSTM(4)),
    "dense_then_rnn": lambda k, L: seq(k, L.Dense(6), L.SimpleRNN(4)),
    "time_distributed_dense": lambda k, L: seq(
        k, L.LSTM(6, return_sequences=True), L.TimeDistributed(L.Dense(3))
    ),
    "dropout": lambda k, L: seq(k, L.GRU(6, return_sequences=True), L.Dropout(0.2), L.GRU(4)),
    "spatial_dropout": lambda k, L: seq(k, L.SpatialDropout1D(0.2), L.LSTM(4)),
    "activation_relu": lambda k, L: seq(
        k, L.LSTM(6, return_sequences=True), L.Activation("relu"), L.Dense(2)
    ),
    "flatten": lambda k, L: seq(k, L.LSTM(4, return_sequences=True), L.Flatten(), L.Dense(2)),
    "reshape_5_4": lambda k, L: seq(k, L.Reshape((5, 4)), L.LSTM(3), shape=(20,)),
    "reshape_minus1_2": lambda k, L: seq(k, L.Reshape((-1, 2)), L.GRU(3), shape=(20,)),
    "repeat_vector": lambda k, L: seq(k, L.RepeatVector(5), L.SimpleRNN(3), shape=(8,)),
    "permute": lambda k, L: seq(k, L.Permute((2, 1)), L.LSTM(4)),
    "conv1d_valid": lambda k, L: conv_lstm(k, L),
    "conv1d_same": lambda k, L: conv_lstm(k, L, padding="same"),
    "conv1d_causal": lambda k, L: conv_lstm(k, L, padding="causal"),
    "conv1d_strides2": lambda k, L: conv_lstm(k, L, strides=2),
    "conv1d_dilation2": lambda k, L: conv_lstm(k, L, dilation_rate=2),
    "conv1d_groups2": lambda k, L: conv_lstm(k, L, groups=2),
    "conv1d_no_bias": lambda k, L: conv_lstm(k, L, use_bias=False),
    "max_pooling": lambda k, L: seq(k, L.MaxPooling1D(2), L.LSTM(3), shape=(20, 4)),
    "max_pooling_3_same": lambda k, L: seq(
        k, L.MaxPooling1D(3, padding="same"), L.LSTM(3), shape=(20, 4)
    ),
    "average_pooling": lambda k, L: seq(k, L.AveragePooling1D(2), L.GRU(3), shape=(21, 4)),
    "average_pooling_3_strides2_same": lambda k, L: seq(
        k, L.AveragePooling1D(3, strides=2, padding="same"), L.GRU(3), shape=(21, 4)
    ),
    "global_average_pooling": lambda k, L: seq(
        k, L.LSTM(6, return_sequences=True), L.GlobalAveragePooling1D()
    ),
    "global_max_pooling": lambda k, L: seq(
        k, L.LSTM(6, return_sequences=True), L.GlobalMaxPooling1D()
    ),
    "global_max_pooling_keepdims": lambda k, L: seq(
        k, L.LSTM(6, return_sequences=True), L.GlobalMaxPooling1D(keepdims=True), L.LSTM(2)
    ),
    "batch_normalization": lambda k, L: seq(
        k, L.LSTM(6, return_sequences=True), L.BatchNormalization(), L.LSTM(3)
    ),
    "layer_normalization": lambda k, L: seq(
        k, L.GRU(6, return_sequences=True), L.LayerNormalization(), L.GRU(3)
    ),
    "layer_normalization_no_center_no_scale": lambda k, L: seq(
        k, L.GRU(6, return_sequences=True), L.LayerNormalization(center=False, scale=False)
    ),
    "layer_normalization_no_scale": lambda k, L: seq(
        k, L.GRU(6, return_sequences=True), L.LayerNormalization(scale=False)
    ),
    "bidirectional_sequences": lambda k, L: seq(
        k, L.Bidirectional(L.LSTM(4, return_sequences=True)), L.Bidirectional(L.GRU(3))
    ),
    "conv_lstm1d": lambda k, L: seq(k, L.ConvLSTM1D(4, 3), L.LSTM(2), shape=(5, 10, 3)),
    "text_classifier": lambda k, L: seq(
        k,
        L.Embedding(1000, 16, mask_zero=True),
        L.Bidirectional(L.LSTM(8)),
        L.Dense(1, activation="sigmoid"),
        shape=(20,),
        dtype="int32",
    ),
    "seq2seq_encoder": lambda k, L: seq(
        k,
        L.Conv1D(8, 3, padding="same", activation="relu"),
        L.MaxPooling1D(2),
        L.GRU(6),
        L.RepeatVector(5),
        L.LSTM(6, return_sequences=True),
        L.TimeDistributed(L.Dense(2)),
        shape=(20, 3),
    ),
    "stacked_lstm": lambda k, L: seq(
        k,
        L.LSTM(8, return_sequences=True),
        L.Dropout(0.2),
        L.BatchNormalization(),
        L.LSTM(6, return_sequences=True),
        L.Dropout(0.2),
        L.LSTM(4),
        L.Dense(1),
    ),
    SMALL: lambda k, L: seq(
        k, L.Embedding(20, 4), L.LSTM(3), L.Dense(2), shape=(6,), dtype="int32"
    ),
    # The layers people put around RNNs in the wild (convolutions, pooling, padding, activations)
    "time_distributed_conv2d": lambda k, L: seq(
        k,
        L.TimeDistributed(L.Conv2D(4, 3)),
        L.TimeDistributed(L.MaxPooling2D(2)),
        L.TimeDistributed(L.Flatten()),
        L.LSTM(3),
        shape=(5, 12, 12, 1),
    ),
    "conv2d_same_strides2": lambda k, L: seq(
        k,
        L.Conv2D(6, (3, 3), strides=2, padding="same"),
        L.Reshape((-1, 6)),
        L.LSTM(2),
        shape=(16, 15, 3),
    ),
    "conv2d_dilation_no_bias": lambda k, L: seq(
        k,
        L.Conv2D(5, (3, 2), dilation_rate=(2, 1), use_bias=False),
        L.Reshape((-1, 5)),
        L.GRU(2),
        shape=(12, 9, 2),
    ),
    "conv_lstm2d_conv3d": lambda k, L: seq(
        k,
        L.ConvLSTM2D(4, (3, 3), padding="same", return_sequences=True),
        L.BatchNormalization(),
        L.Conv3D(1, (3, 3, 3), activation="sigmoid", padding="same"),
        shape=(5, 10, 10, 1),
    ),
    "conv3d_pooling3d": lambda k, L: seq(
        k,
        L.Conv3D(4, 3),
        L.MaxPooling3D(2),
        L.AveragePooling3D((1, 2, 2), padding="same"),
        L.GlobalAveragePooling3D(),
        L.Dense(2),
        shape=(8, 12, 12, 2),
    ),
    "pooling2d_global2d": lambda k, L: seq(
        k,
        L.TimeDistributed(L.AveragePooling2D((2, 3), strides=1)),
        L.TimeDistributed(L.GlobalMaxPooling2D()),
        L.LSTM(3),
        shape=(4, 9, 9, 3),
    ),
    "global_pooling2d_keepdims": lambda k, L: seq(
        k,
        L.GlobalAveragePooling2D(keepdims=True),
        L.Reshape((1, 3)),
        L.LSTM(2),
        shape=(6, 6, 3),
    ),
    "global_max_pooling3d": lambda k, L: seq(
        k,
        L.GlobalMaxPooling3D(),
        L.RepeatVector(4),
        L.LSTM(2),
        shape=(3, 4, 5, 6),
    ),
    "zero_padding1d": lambda k, L: seq(k, L.ZeroPadding1D(2), L.LSTM(3)),
    "zero_padding1d_pair": lambda k, L: seq(k, L.ZeroPadding1D((1, 3)), L.GRU(3)),
    "zero_padding2d": lambda k, L: seq(
        k,
        L.ZeroPadding2D(((1, 2), (3, 4))),
        L.Reshape((-1, 8)),
        L.GRU(2),
        shape=(4, 5, 8),
    ),
    "cropping1d": lambda k, L: seq(k, L.Cropping1D((2, 1)), L.LSTM(3)),
    "upsampling1d": lambda k, L: seq(k, L.UpSampling1D(3), L.LSTM(3)),
    "upsampling2d": lambda k, L: seq(
        k,
        L.UpSampling2D((2, 3)),
        L.Reshape((-1, 2)),
        L.LSTM(2),
        shape=(3, 4, 2),
    ),
    "activations": lambda k, L: seq(
        k,
        L.LSTM(4, return_sequences=True),
        L.LeakyReLU(),
        L.ReLU(max_value=6.0),
        L.ELU(),
        L.Softmax(),
        L.PReLU(),
        L.GRU(2),
    ),
    "prelu_shared_axes": lambda k, L: seq(k, L.PReLU(shared_axes=[1]), L.LSTM(2)),
    "noise_and_regularization": lambda k, L: seq(
        k,
        L.GaussianNoise(0.1),
        L.ActivityRegularization(l1=0.01),
        L.SimpleRNN(3),
    ),
}


def two_inputs(k, second=SEQ):
    return k.Input(shape=SEQ), k.Input(shape=second)


def merge(k, L, layer, second=SEQ):
    a, b = two_inputs(k, second)
    return k.Model([a, b], L.LSTM(4)(layer([a, b])))


def merge_rnns(k, L, layer):
    a, b = two_inputs(k)
    return k.Model([a, b], L.Dense(1)(layer([L.LSTM(4)(a), L.GRU(4)(b)])))


def lstm_return_state(k, L):
    x = k.Input(shape=SEQ)
    return k.Model(x, L.LSTM(4, return_state=True)(x))


def encoder_decoder(k, L):
    source, target = k.Input(shape=(None, 8)), k.Input(shape=(None, 6))
    _, h, c = L.LSTM(5, return_state=True)(source)
    decoded = L.LSTM(5, return_sequences=True)(target, initial_state=[h, c])
    return k.Model([source, target], L.Dense(6, activation="softmax")(decoded))


def encoder_decoder_states(k, L):
    source, target = k.Input(shape=(None, 8)), k.Input(shape=(None, 6))
    _, h = L.GRU(5, return_state=True)(source)
    decoded, state = L.GRU(5, return_sequences=True, return_state=True)(target, initial_state=h)
    return k.Model([source, target], [L.TimeDistributed(L.Dense(6))(decoded), state])


def two_heads(k, L):
    x = k.Input(shape=SEQ)
    h = L.LSTM(6)(x)
    return k.Model(x, [L.Dense(1, name="score")(h), L.Dense(3, name="label")(h)])


def shared_lstm(k, L):
    a, b = two_inputs(k)
    lstm = L.LSTM(4)
    return k.Model([a, b], L.Dense(1)(L.Concatenate()([lstm(a), lstm(b)])))


def shared_lstm_lengths(k, L):
    a, b = two_inputs(k, (7, 8))
    lstm = L.LSTM(4, return_sequences=True)
    return k.Model([a, b], L.Concatenate(axis=1)([lstm(a), lstm(b)]))


def nested_sequential(k, L):
    inner = seq(k, L.LSTM(4, return_sequences=True), L.GRU(3))
    x = k.Input(shape=SEQ)
    return k.Model(x, L.Dense(1)(inner(x)))


def nested_functional(k, L):
    x = k.Input(shape=SEQ)
    inner = k.Model(x, L.LSTM(4, return_sequences=True)(x))
    return seq(k, inner, L.GRU(3), L.Dense(2))


def attention(k, L, layer, key=False):
    query, value = k.Input(shape=(10, 8)), k.Input(shape=(6, 8))
    inputs = [query, value, k.Input(shape=(6, 8))] if key else [query, value]
    return k.Model(inputs, L.LSTM(3)(layer(inputs)))


def self_attention(k, L, layer):
    x = k.Input(shape=SEQ)
    h = L.LSTM(6, return_sequences=True)(x)
    return k.Model(x, L.GlobalAveragePooling1D()(layer([h, h])))


def multi_head(k, L, key=False, **options):
    x, y = k.Input(shape=SEQ), k.Input(shape=(7, 5))
    mha = L.MultiHeadAttention(**options)
    out = mha(x, y, y) if key else mha(x, y)
    return k.Model([x, y], L.LSTM(3)(out))


FUNCTIONAL = {
    "attention_dot": lambda k, L: attention(k, L, L.Attention()),
    "attention_scale_key": lambda k, L: attention(k, L, L.Attention(use_scale=True), key=True),
    "attention_concat": lambda k, L: attention(k, L, L.Attention(score_mode="concat")),
    "attention_self_lstm": lambda k, L: self_attention(k, L, L.Attention()),
    "additive_attention": lambda k, L: attention(k, L, L.AdditiveAttention()),
    "additive_attention_no_scale": lambda k, L: self_attention(
        k, L, L.AdditiveAttention(use_scale=False)
    ),
    "multi_head_attention": lambda k, L: multi_head(k, L, num_heads=2, key_dim=4),
    "multi_head_attention_options": lambda k, L: multi_head(
        k, L, True, num_heads=3, key_dim=2, value_dim=5, output_shape=7, use_bias=False
    ),
    "lstm_return_state": lstm_return_state,
    "encoder_decoder": encoder_decoder,
    "encoder_decoder_gru_states": encoder_decoder_states,
    "concatenate_last_axis": lambda k, L: merge(k, L, L.Concatenate(), (10, 4)),
    "concatenate_axis1": lambda k, L: merge(k, L, L.Concatenate(axis=1), (6, 8)),
    "add": lambda k, L: merge(k, L, L.Add()),
    "subtract": lambda k, L: merge(k, L, L.Subtract()),
    "multiply": lambda k, L: merge(k, L, L.Multiply()),
    "average": lambda k, L: merge(k, L, L.Average()),
    "add_rnn_outputs": lambda k, L: merge_rnns(k, L, L.Add()),
    "average_rnn_outputs": lambda k, L: merge_rnns(k, L, L.Average()),
    "two_heads": two_heads,
    "shared_lstm": shared_lstm,
    "shared_lstm_two_lengths": shared_lstm_lengths,
    "nested_sequential_in_functional": nested_sequential,
    "nested_functional_in_sequential": nested_functional,
}


def layer_config(model_json: dict, class_name: str) -> dict:
    """The first layer of that class in a model's JSON (the model's own list, not nested)."""
    return next(x for x in model_json["config"]["layers"] if x["class_name"] == class_name)


def set_config(class_name: str, **changes):
    def mutate(model_json: dict) -> None:
        layer_config(model_json, class_name)["config"].update(changes)

    return mutate


def rename_class(old: str, new: str):
    def mutate(model_json: dict) -> None:
        layer_config(model_json, old)["class_name"] = new

    return mutate


def drop_layer(class_name: str):
    def mutate(model_json: dict) -> None:
        model_json["config"]["layers"].remove(layer_config(model_json, class_name))

    return mutate


def set_input_shape(index: int, shape: list):
    """Change one InputLayer's shape (`batch_input_shape` in Keras 2, `batch_shape` in 3)."""

    def mutate(model_json: dict) -> None:
        inputs = [x for x in model_json["config"]["layers"] if x["class_name"] == "InputLayer"]
        config = inputs[index]["config"]
        config["batch_input_shape" if "batch_input_shape" in config else "batch_shape"] = shape

    return mutate


# name: (valid model, change to its JSON before `model_from_json`)
EDGE = {
    "unknown_layer_class": (
        lambda k, L: seq(k, L.LSTM(4), L.Dense(2)),
        rename_class("Dense", "MyCustomLayer"),
    ),
    "unknown_layer_class_functional": (
        FUNCTIONAL["two_heads"],
        rename_class("Dense", "MyCustomLayer"),
    ),
    "dense_units_0": (lambda k, L: seq(k, L.LSTM(4), L.Dense(2)), set_config("Dense", units=0)),
    "reshape_size_mismatch": (
        SEQUENTIAL["reshape_5_4"],
        set_config("Reshape", target_shape=[3, 7]),
    ),
    "concatenate_incompatible": (
        FUNCTIONAL["concatenate_last_axis"],
        set_config("Concatenate", axis=1),
    ),
    "add_incompatible": (FUNCTIONAL["add"], set_input_shape(1, [None, 10, 4])),
    "lstm_after_flatten": (
        lambda k, L: seq(k, L.Flatten(), L.Reshape(SEQ), L.LSTM(4)),
        drop_layer("Reshape"),
    ),
    "conv1d_kernel_longer_than_input": (
        lambda k, L: seq(k, L.Conv1D(4, 3), L.LSTM(2), shape=(5, 4)),
        set_config("Conv1D", kernel_size=[7]),
    ),
    "conv1d_kernel_longer_than_input_same": (
        lambda k, L: seq(k, L.Conv1D(4, 3, padding="same"), L.LSTM(2), shape=(5, 4)),
        set_config("Conv1D", kernel_size=[7]),
    ),
    "time_distributed_on_2d": (
        SEQUENTIAL["time_distributed_dense"],
        set_config("LSTM", return_sequences=False),
    ),
    "round_trip_unchanged": (SEQUENTIAL["text_classifier"], lambda model_json: None),
}


def _first_output(layer, version: str):
    """The output tensor(s) of the layer's first inbound node."""
    if version == "2":
        return layer.get_output_at(0)
    return layer.output  # Keras 3: the output of the first call


def summary(model, version: str) -> dict:
    total = int(model.count_params())  # first: an unbuilt model's refusal is Keras's own
    return {
        "layers": [
            {
                "name": layer.name,
                "class_name": type(layer).__name__,
                "output_shapes": [
                    shape_list(t.shape) for t in flatten(_first_output(layer, version))
                ],
                "params": int(layer.count_params()),
                "weights": weights(layer, version),
            }
            for layer in model.layers
        ],
        "total_params": total,
        "trainable_params": size(model.trainable_weights),
        "non_trainable_params": size(model.non_trainable_weights),
    }


def _refusal(exc: Exception) -> dict:
    """Type and opening of the message; `cause` when Keras 3 wraps the real reason at the end."""
    text = message(exc)
    refusal = {"accepted": False, "error": type(exc).__name__, "message": text[:300]}
    wrapped = text.rpartition("\n\nException encountered: ")[2]
    if wrapped != text:
        refusal["cause"] = wrapped[:300]
    return refusal


def answer(keras, version: str, build, mutate=None) -> tuple[dict, object]:
    """What Keras reports for one case, and the model when there is one."""
    keras.backend.clear_session()
    record: dict = {}
    model = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = build(keras, keras.layers)
            record["model_json"] = json.loads(model.to_json())
            if mutate is not None:
                mutate(record["model_json"])
                keras.backend.clear_session()
                model = keras.models.model_from_json(json.dumps(record["model_json"]))
            record |= {"accepted": True} | summary(model, version)
        except Exception as exc:  # what Keras refuses, and how, is the answer
            record |= _refusal(exc)
            model = None
    if caught:
        record["warnings"] = [message(w.message) for w in caught]
    return record, model


def _same_save(new: Path, old: Path) -> bool:
    """Whether two saves hold the same model; a `.keras` zip also carries its save date, the
    weights member's time stamp and `shared_object_id`s taken from Python's `id()`."""
    if not old.exists():
        return False
    if new.suffix != ".keras":
        return new.read_bytes() == old.read_bytes()
    with zipfile.ZipFile(new) as a, zipfile.ZipFile(old) as b:
        if a.namelist() != b.namelist():
            return False
        for member in a.namelist():
            x, y = a.read(member), b.read(member)
            if member == "metadata.json":
                x, y = (json.loads(z) | {"date_saved": None} for z in (x, y))
            elif member == "config.json":
                x, y = (re.sub(rb'"shared_object_id": \d+', b"", z) for z in (x, y))
            if x != y:
                return False
    return True


def save_small(version: str, model, record: dict) -> None:
    """The small case as files, for the tests that read saved models. A file is only replaced
    when the model in it changed, so that running again leaves the same bytes."""
    MODELS.mkdir(exist_ok=True)
    stem = f"k{version}_small"
    with tempfile.TemporaryDirectory() as scratch:
        saves = [Path(scratch, f"{stem}.keras")]
        model.save(str(saves[0]))
        if version == "2":
            saves.append(Path(scratch, f"{stem}.h5"))
            model.save(str(saves[1]), save_format="h5")
        for new in saves:
            if not _same_save(new, MODELS / new.name):
                shutil.copyfile(new, MODELS / new.name)
    (MODELS / f"{stem}.json").write_text(model.to_json() + "\n")
    numbers = {key: value for key, value in record.items() if key != "model_json"}
    (MODELS / f"{stem}.summary.json").write_text(json.dumps(numbers, sort_keys=True) + "\n")


def main() -> None:
    version = sys.argv[1]
    keras = start_keras(version)
    library = f"tf-keras {keras.__version__}" if version == "2" else f"keras {keras.__version__}"
    cases = [(name, "sequential", build, None) for name, build in SEQUENTIAL.items()]
    cases += [(name, "functional", build, None) for name, build in FUNCTIONAL.items()]
    cases += [(name, f"edge:{name}", *change) for name, change in EDGE.items()]
    fresh = []
    for name, kind, build, mutate in cases:
        if name == SMALL:
            keras.utils.set_random_seed(0)  # the saved weights stay the same from run to run
        record, model = answer(keras, version, build, mutate)
        record = {"id": f"{version}-{name}", "kind": kind, "keras": library} | record
        if name == SMALL and model is not None:
            save_small(version, model, record)
        fresh.append(json.dumps(record, sort_keys=True))
    kept = [
        line
        for line in (OUT.read_text().splitlines() if OUT.exists() else [])
        if not json.loads(line)["id"].startswith(f"{version}-")
    ]
    OUT.write_text("\n".join(sorted(kept + fresh)) + "\n")
    print(f"wrote {len(fresh)} Keras {version} cases to {OUT}")


if __name__ == "__main__":
    main()
