"""Save Keras weight files the way people write them, for `rnncalc run` and `rnncalc convert`.

One Functional model per Keras version, its recurrent layers named by hand (an archive keeps
them under other names: `lstm`, `lstm_1`, `bidirectional`, ...), with seeded weights, saved
every way each version offers: `model.save("k?_named.keras")`,
`model.save_weights("k?_named.weights.h5")` (the archive's layout), and in Keras 2 also the
legacy HDF5 of `model.save("k2_named.h5")` and `model.save_weights("k2_named.legacy.h5")`.
Beside them: `k?_named.input.npy`, the model's outputs on it as `k?_named.expected.npz`
(`arr_0`), and each named layer's `get_weights()` as `k?_named.layers.npz` (`<layer>/<index>`).
Needs tf-keras (Keras 2) or Keras 3 installed; the tests only read the files it writes.

    python tests/data/generate_weight_files.py 2   # in a Python with tensorflow-cpu and tf-keras
    python tests/data/generate_weight_files.py 3   # with keras
"""

import sys
from pathlib import Path

import numpy as np

from fixture_tools import start_keras

OUT = Path(__file__).parent / "weights"
NAMED = ["encoder", "decoder", "bi", "summary_rnn"]  # the layers whose weights are compared


def build(keras):
    layers = keras.layers
    x = keras.Input((6, 3), name="steps")
    seq = layers.LSTM(4, return_sequences=True, name="encoder")(x)
    seq = layers.LSTM(3, return_sequences=True, name="decoder")(seq)  # a second LSTM: lstm_1
    both = layers.Bidirectional(layers.GRU(2, return_sequences=True), name="bi")(seq)
    last = layers.SimpleRNN(2, name="summary_rnn")(both)
    out = layers.Dense(1, name="head")(last)
    return keras.Model(x, out)


def around(keras):
    """The layers found around RNNs whose maths the executor runs, between an LSTM and a GRU."""
    layers = keras.layers
    x = keras.Input((6, 3), name="steps")
    h = layers.LSTM(4, return_sequences=True)(x)
    h = layers.LeakyReLU(0.2)(h)
    h = layers.ZeroPadding1D((1, 2))(h)
    h = layers.Cropping1D((2, 0))(h)
    h = layers.UpSampling1D(2)(h)
    h = layers.PReLU()(h)
    h = layers.ReLU(max_value=0.5, negative_slope=0.1)(h)
    h = layers.ELU(alpha=0.7)(h)
    h = layers.GaussianNoise(0.3)(h)
    h = layers.GRU(3, return_sequences=True)(h)
    h = layers.Softmax()(h)
    pooled = [layers.GlobalAveragePooling1D()(h), layers.GlobalMaxPooling1D()(h)]
    return keras.Model(x, layers.Concatenate()(pooled))


def main(version: str) -> None:
    keras = start_keras(version)
    keras.utils.set_random_seed(7)
    save_around(keras, version)
    save_tfjs(keras, version)
    model = build(keras)
    rng = np.random.default_rng(7)
    seeded = [rng.uniform(-0.8, 0.8, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(seeded)
    stem = OUT / f"k{version}_named"
    OUT.mkdir(exist_ok=True)
    model.save(f"{stem}.keras")
    if version == "2":
        model.save(f"{stem}.h5")
        model.save_weights(f"{stem}.legacy.h5")
    model.save_weights(f"{stem}.weights.h5")
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    np.save(f"{stem}.input.npy", x)
    np.savez(f"{stem}.expected.npz", model.predict(x, verbose=0))
    layers = {name: model.get_layer(name).get_weights() for name in NAMED}
    np.savez(
        f"{stem}.layers.npz",
        **{f"{n}/{i}": w for n, ws in layers.items() for i, w in enumerate(ws)},
    )


def save_tfjs(keras, version: str) -> None:
    """`k?_tfjs/model.json` in TensorFlow.js's layers format, as `tensorflowjs_converter` writes
    a Keras model: `modelTopology` holding the model's config, and a `weightsManifest` whose
    float32 weights, in `model.weights` order, fill two binary shards end to end."""
    import json

    layers = keras.layers
    x = keras.Input((6, 3), name="steps")
    h = layers.Bidirectional(layers.GRU(3, return_sequences=True))(x)
    model = keras.Model(x, layers.Dense(2)(layers.LSTM(4)(h)))
    rng = np.random.default_rng(13)
    seeded = [rng.uniform(-0.8, 0.8, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(seeded)
    folder = OUT / f"k{version}_tfjs"
    folder.mkdir(parents=True, exist_ok=True)
    names = [getattr(w, "path", None) or w.name.split(":")[0] for w in model.weights]
    data = b"".join(np.asarray(w, "<f4").tobytes() for w in model.get_weights())
    half = len(data) // 2 // 4 * 4
    shards = ["group1-shard1of2.bin", "group1-shard2of2.bin"]
    for shard, part in zip(shards, (data[:half], data[half:]), strict=True):
        (folder / shard).write_bytes(part)
    manifest = [{
        "paths": shards,
        "weights": [{"name": n, "shape": list(w.shape), "dtype": "float32"}
                    for n, w in zip(names, model.get_weights(), strict=True)],
    }]
    topology = {"keras_version": keras.__version__, "backend": "tensorflow",
                "model_config": json.loads(model.to_json())}
    (folder / "model.json").write_text(json.dumps({
        "format": "layers-model",
        "generatedBy": f"keras v{keras.__version__}",
        "convertedBy": "tests/data/generate_weight_files.py (TensorFlow.js layers format)",
        "modelTopology": topology,
        "weightsManifest": manifest,
    }))
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    np.save(folder / "input.npy", x)
    np.savez(folder / "expected.npz", model.predict(x, verbose=0))


def save_around(keras, version: str) -> None:
    """`k?_around.keras`, with its input and Keras's outputs on it, like the named model's."""
    model = around(keras)
    rng = np.random.default_rng(11)
    model.set_weights(
        [rng.uniform(-0.8, 0.8, w.shape).astype("float32") for w in model.get_weights()]
    )
    stem = OUT / f"k{version}_around"
    OUT.mkdir(exist_ok=True)
    model.save(f"{stem}.keras")
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    np.save(f"{stem}.input.npy", x)
    np.savez(f"{stem}.expected.npz", model.predict(x, verbose=0))


if __name__ == "__main__":
    main(sys.argv[1])
