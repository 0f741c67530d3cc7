"""Write rnncalc/parse/keras_names.json: the public names of `keras.layers`, `keras.models` and
`keras` in tf-keras (Keras 2) and Keras 3, so that reading code can tell an import Keras would
refuse (`from keras.layers import Merge`) from one it serves.

Run once per version, in an environment with that Keras:
    python tests/data/generate_keras_names.py 2   # needs tf-keras
    KERAS_BACKEND=tensorflow python tests/data/generate_keras_names.py 3   # needs keras>=3
"""

import inspect
import json
import sys
from pathlib import Path

OUT = Path(__file__).parents[2] / "rnncalc" / "parse" / "keras_names.json"


def public(module: object) -> list[str]:
    return sorted(n for n in dir(module) if not n.startswith("_"))


def arguments(keras) -> dict:
    """Each layer class's constructor arguments, and those it needs, as its signature gives
    them (its `**kwargs` go to the base Layer, which accepts only a few)."""
    found = {}
    for name in public(keras.layers):
        cls = getattr(keras.layers, name)
        if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
            continue
        params = [
            p for p in inspect.signature(cls.__init__).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        found[name] = {
            "params": [p.name for p in params],
            "required": [p.name for p in params if p.default is p.empty],
        }
    return found


def main() -> None:
    version = sys.argv[1]
    if version == "2":
        import tf_keras as keras
    else:
        import keras
    names = json.loads(OUT.read_text()) if OUT.exists() else {}
    names[version] = {
        "framework": f"{'tf-keras' if version == '2' else 'keras'} {keras.__version__}",
        "layers": public(keras.layers),
        "models": public(keras.models),
        "keras": public(keras),
        "arguments": arguments(keras),
    }
    OUT.write_text(json.dumps(names, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
