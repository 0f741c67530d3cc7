"""Write gru_model.keras, the example of docs/execute.md: a GRU(16) over 10 steps of 8 features
and a Dense head, with seeded weights, saved by Keras 3.

    python docs/examples/make_gru_model.py   # in a Python with keras installed
"""

from pathlib import Path


def main() -> None:
    import keras
    import numpy as np

    model = keras.Sequential(
        [keras.Input((10, 8)), keras.layers.GRU(16, name="gru"), keras.layers.Dense(1)]
    )
    rng = np.random.default_rng(0)
    seeded = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(seeded)
    model.save(Path(__file__).with_name("gru_model.keras"))


if __name__ == "__main__":
    main()
