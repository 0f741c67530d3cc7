"""What Keras's classes do when code calls them, for the code reader: layers named as a fresh
Keras process names them, a `Sequential` that builds as layers are added, functional calls
that compute their output shapes at once, and `Model(inputs, outputs)` (its objects and graph
are `parse.keras_objects`'s)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from rnncalc.config.enums import KerasVersion
from rnncalc.config.families import FAMILIES
from rnncalc.config.inputs import InputArgs, Shape
from rnncalc.config.keras import V1_DEFAULTS, V1_MODULE, snake_case
from rnncalc.errors import RnncalcError, closest
from rnncalc.i18n import _
from rnncalc.parse.construct import (
    KERAS,
    NESTED,
    SEQUENCE,
    by_name,
    keras_cell_from_call,
    layer_from_call,
)
from rnncalc.parse.expressions import LayerCall
from rnncalc.parse.graph import one_output
from rnncalc.parse.inputs import parse_args, resolve
from rnncalc.parse.keras_files import KERAS1_RENAMED
from rnncalc.parse.keras_objects import (
    Callable_,
    Functional,
    InputLayer,
    KerasName,
    KerasObject,
    Layer,
    Node,
    Sequential,
    Tensor,
    dump,
    network,
    tensors,
)
from rnncalc.parse.python import Interpreter, Method, Module, Unknown, _kind

# An entry as Keras serializes it, its input shapes and where it is -> its output shapes.
Shapes = Callable[[dict[str, Any], list[Shape], str], list[Shape]]

KERAS_ROOTS = (
    "tf.keras",
    "tf.compat.v1.keras",
    "tensorflow.keras",
    "tensorflow.python.keras",
    "tensorflow.compat.v1.keras",
    "tf_keras",
    "keras",
)
# Modules of Keras that rnncalc knows every name of (Keras 1's keras.layers.recurrent and the
# like are served from keras.layers, as the Keras of today serves them).
LISTED = ((), ("layers",), ("models",))
# Classes Keras also exports under another name; the instance is the first's.
ALIASES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
}
# keras.layers.concatenate([a, b]) and friends: a layer made and called at once.
MERGES = {
    name.lower(): name
    for name in ("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
}
# A model's methods that build it; any other (compile, fit, summary, save) is skipped.
BUILDING = frozenset({"add", "pop", "build"})
LOOKING = frozenset({"get_layer"})  # a model's methods that find one of its layers
# Keras modules whose names are objects that configure a layer, not layers.
SETTINGS = frozenset({"regularizers", "initializers", "constraints", "activations"})


@cache
def _listing(keras: KerasVersion) -> dict[str, Any]:
    text = resources.files("rnncalc.parse").joinpath("keras_names.json").read_text()
    return json.loads(text)[keras.value]  # type: ignore[no-any-return]


def keras_arguments(keras: KerasVersion) -> dict[str, Any]:
    """Each layer class's constructor arguments (`params`, in order) and those it needs
    (`required`), from its signature in tf-keras 2.21 or Keras 3.15."""
    return _listing(keras)["arguments"]  # type: ignore[no-any-return]


# What the base Layer takes by keyword besides a class's own arguments (tf-keras's
# allowed_kwargs and Layer.__init__; Keras 3's Layer.__init__ and the two it pops).
BASE_ARGUMENTS = {
    KerasVersion.V2: frozenset(
        "input_dim input_shape batch_input_shape batch_size weights activity_regularizer "
        "autocast implementation trainable name dtype dynamic".split()
    ),
    KerasVersion.V3: frozenset(
        "activity_regularizer trainable dtype autocast name input_shape input_dim".split()
    ),
}
# Keras 1's names of arguments that Keras 2 renamed, beyond those saved configs show (its
# `output_dim` is `units` everywhere but Embedding, which still has one).
KERAS1_ARGUMENTS = KERAS1_RENAMED | {
    "p": "rate",
    "pool_length": "pool_size",
    "stride": "strides",
    "nb_row": "kernel_size",
    "nb_col": "kernel_size",
}


@cache
def keras_names(keras: KerasVersion) -> frozenset[str]:
    """What `keras.layers`, `keras.models` and `keras` export in this Keras version
    (tests/data/generate_keras_names.py wrote the lists from tf-keras and Keras 3)."""
    found = _listing(keras)
    return frozenset(found["layers"]) | frozenset(found["models"]) | frozenset(found["keras"])


# ---------------------------------------------------------------- the reader


class KerasReader(Interpreter):
    """The interpreter, with Keras's classes: what model code builds, as Keras builds it."""

    def __init__(self, keras: KerasVersion, variables: dict[str, Any], shapes: Shapes) -> None:
        super().__init__(variables)
        self.keras = keras
        self.shapes = shapes
        self.uids: Counter[str] = Counter()
        self.models: list[Sequential | Functional] = []  # every model made, in order
        self.warnings: list[str] = []

    def unique(self, base: str) -> str:
        """`lstm`, `lstm_1`, ...: Keras's names; Keras 2 counts its inputs from 1 (`input_1`)."""
        count = self.uids[base]
        self.uids[base] += 1
        if base == "input":
            return f"input_{count + 1}"
        return base if count == 0 else f"{base}_{count}"

    # -- names

    def module_attribute(self, path: str) -> Any:
        keras = _under_keras(path)
        if keras is None:
            return Module(path)
        *module, name = keras
        if set(module) & SETTINGS:  # keras.regularizers.l2: configures a layer
            return KerasName(name, tuple(module))
        if name[:1].isupper() or name in MERGES or name == "clear_session":
            v1 = V1_MODULE in path and self.keras is KerasVersion.V2  # tf-keras's v1 API
            if (
                name in keras_names(self.keras)
                or name in MERGES
                or name == "clear_session"
                or (
                    v1 and name in KERAS  # CuDNNLSTM, CuDNNGRU
                )
            ):
                return KerasName(ALIASES.get(name, name), tuple(module), V1_MODULE in path)
            if tuple(module) in LISTED:
                return Missing(name, path)
        return Module(path)

    def imported(self, path: str, name: str) -> Any:
        value = self.module_attribute(f"{path}.{name}" if path else name)
        if isinstance(value, Missing):
            raise RnncalcError(
                _(
                    "cannot import name {name!r} from {module!r}: Keras {keras} has no such name"
                ).format(name=name, module=path, keras=self.keras.value),
                _missing_fix(name),
            )
        return value

    def star_name(self, path: str, name: str) -> Any:
        value = self.module_attribute(f"{path}.{name}")
        if isinstance(value, KerasName):
            return value
        if _under_keras(path) is None:  # from numpy import *: any name may be numpy's
            return value
        return None

    def other_attribute(self, owner: Any, name: str) -> Any:
        if isinstance(owner, Missing):
            raise RnncalcError(
                _("module {module!r} has no attribute {name!r} in Keras {keras}").format(
                    module=owner.path.rpartition(".")[0], name=owner.name, keras=self.keras.value
                ),
                _missing_fix(owner.name),
            )
        if isinstance(owner, Tensor):
            if name in ("shape", "ndim"):
                return owner.shape if name == "shape" else len(owner.shape)
            return Unknown(_("`.{name}` of a tensor").format(name=name))
        if isinstance(owner, Layer):
            if name == "output":
                return _outputs(owner)
            return owner.name if name == "name" else Method(owner, name)
        if isinstance(owner, Sequential | Functional):
            return self.model_attribute(owner, name)
        if isinstance(owner, KerasName):
            if owner.name == "Sequential" and name in BUILDING:
                raise RnncalcError(
                    _(
                        "Sequential.{method}() missing 1 required positional argument: 'layer' "
                        "(the name holds the class Sequential, not a model)"
                    ).format(method=name),
                    _("make the model first: model = Sequential()"),
                )
            return Unknown(f"`{owner.name}.{name}`")
        return Unknown(f"`.{name}`")

    def model_attribute(self, model: Sequential | Functional, name: str) -> Any:
        if name == "layers":
            if isinstance(model, Sequential):
                return list(model.layers)
            found = network(model)[0]
            self.steps += len(found)  # the walk of its graph
            return found
        if name in ("output", "outputs", "input", "inputs") and isinstance(model, Functional):
            found = model.outputs if name.startswith("output") else model.inputs
            return found if name.endswith("s") or len(found) > 1 else found[0]
        return model.name if name == "name" else Method(model, name)

    def set_attribute(self, owner: Any, name: str, value: Any) -> None:
        if name == "trainable" and isinstance(value, bool):
            if isinstance(owner, Layer):
                owner.config["trainable"] = value
            elif isinstance(owner, Sequential | Functional):
                owner.trainable = value
        super().set_attribute(owner, name, value)

    def other_subscript(self, owner: Any, key: Any, node: Any) -> Any:
        if isinstance(owner, Tensor):
            raise RnncalcError(
                _("slicing a tensor makes a Keras operation, which rnncalc cannot read yet"),
                _("use a layer for it: Reshape, Cropping1D, or return_sequences=False"),
            )
        return super().other_subscript(owner, key, node)

    def operand(self, value: Any) -> None:
        if isinstance(value, Tensor):
            raise RnncalcError(
                _("arithmetic on tensors makes a Keras operation, which rnncalc cannot read yet"),
                _("use the merge layer for it: keras.layers.Add()([x, y])"),
            )

    def truthy(self, value: Any) -> bool:
        if isinstance(value, Tensor | Layer | Sequential | Functional | KerasName):
            return True
        return super().truthy(value)

    # -- calls

    def skipped_call(self, function: Any) -> bool:
        model = isinstance(function, Method) and isinstance(function.owner, Sequential | Functional)
        if model and function.name in LOOKING:
            return False
        if isinstance(function, Method) and isinstance(function.owner, Layer | Functional):
            return True  # layer.get_weights(), model.compile(), model.fit(), ...
        if isinstance(function, Method) and isinstance(function.owner, Sequential):
            return function.name not in BUILDING
        return super().skipped_call(function)

    def other_method(self, owner: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if name in LOOKING and isinstance(owner, Sequential | Functional):
            return self.get_layer(owner, args, kwargs)
        if not isinstance(owner, Sequential):
            return NotImplemented
        if name == "add":
            if len(args) != 1 or kwargs:
                raise RnncalcError(
                    _("Sequential.add() takes one layer"), _("add one layer at a time")
                )
            self.add(owner, args[0])
        elif name == "pop":
            if not owner.layers:
                raise RnncalcError(_("There are no layers in the model"), _("add a layer first"))
            self.rebuild(owner, owner.layers[:-1])
        elif name == "build":
            shape = args[0] if args else kwargs.get("input_shape")
            if owner.input is None and isinstance(shape, tuple | list):
                self.start(owner, tuple(shape))
                self.rebuild(owner, owner.layers)
        return None

    def get_layer(
        self, model: Sequential | Functional, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        """`model.get_layer("lstm")` or `model.get_layer(index=0)`."""
        given = by_name("get_layer", args, dict(kwargs), ("name", "index"))
        layers = self.model_attribute(model, "layers")
        if isinstance(given.get("index"), int):
            if not -len(layers) <= given["index"] < len(layers):
                raise RnncalcError(
                    _("the model has {count} layers").format(count=len(layers)),
                    _("give a valid index"),
                )
            return layers[given["index"]]
        for layer in layers:
            if getattr(layer, "name", None) == given.get("name"):
                return layer
        raise RnncalcError(
            _("No such layer: {name}").format(name=given.get("name")), _("give a layer's name")
        )

    def call_other(self, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(function, Layer | Sequential | Functional):
            return self.call_layer(function, args, kwargs)
        if not isinstance(function, KerasName):
            return super().call_other(function, args, kwargs)
        name = function.name
        if name == "clear_session":  # names count from zero again
            self.uids.clear()
            return None
        if name == "Sequential":
            return self.sequential(args, kwargs)
        if name in ("Model", "Functional"):
            return self.functional(args, kwargs)
        if name in ("Input", "InputLayer"):
            return self.input(args, kwargs, layer=name == "InputLayer")
        if name in MERGES:
            inputs = args[0] if args else kwargs.pop("inputs", None)
            return self.call_layer(self.layer(MERGES[name], list(args[1:]), kwargs), [inputs], {})
        if name in NESTED["cell"]:  # RNN(cell) reads it: checked here, at the line making it
            keras_cell_from_call(LayerCall(name, "", tuple(dump(args)), dump(kwargs)), self.keras)
            return KerasObject(name, args, kwargs)
        layers = function.module in (("layers",), ()) and name[:1].isupper()
        if (layers or name in KERAS) and not set(function.module) & SETTINGS:
            if function.v1 and self.keras is KerasVersion.V2:
                kwargs = V1_DEFAULTS.get(name, {}) | kwargs
            return self.layer(name, args, kwargs)
        return KerasObject(name, args, kwargs)

    def layer(self, class_name: str, args: list[Any], kwargs: dict[str, Any]) -> Layer:
        """A layer made as its class's `__init__` checks it, and named as Keras names it."""
        for value in [*args, *kwargs.values()] if class_name != "Lambda" else []:
            if isinstance(value, Unknown):
                raise RnncalcError(
                    _(
                        "an argument of {layer} comes from {origin}, which rnncalc does not run"
                    ).format(layer=class_name, origin=value.origin),
                    _("give the value with --set NAME=VALUE"),
                )
        for key in kwargs:
            if key in KERAS1_ARGUMENTS or (key == "output_dim" and class_name != "Embedding"):
                raise self.refused(class_name, key, KERAS1_ARGUMENTS.get(key, "units"), "argument")
        spec = None if class_name in KERAS else keras_arguments(self.keras).get(class_name)
        if spec is not None:  # the constructor's own checks; recurrent configs make theirs
            self.check_arguments(class_name, spec, args, kwargs)
        config = dict(kwargs)
        weights = config.pop("weights", None)  # rnncalc works from shapes, not values
        inputs = {k: config.pop(k) for k in list(config) if k in InputArgs.names()}
        if class_name == "Embedding" and "input_dim" in inputs:
            config["input_dim"] = inputs.pop("input_dim")
        if class_name in KERAS:  # the constructor's checks, at the line that calls it
            layer_from_call(LayerCall(class_name, "", tuple(dump(args)), dump(config)), self.keras)
            positional = KERAS[class_name].positional
        else:
            positional = tuple(spec["params"]) if spec else ()  # Keras's own order
        config = by_name(class_name, args, config, positional)
        shape = self.input_shape(class_name, inputs)
        given = config.get("name")
        config["name"] = given if isinstance(given, str) else self.unique(snake_case(class_name))
        # Keras 3 builds an Embedding given its weights at once; anything else on first call
        built = self.keras is KerasVersion.V3 and weights is not None and class_name == "Embedding"
        return Layer(class_name, config["name"], config, shape, built)

    def check_arguments(
        self, class_name: str, spec: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
    ) -> None:
        """Refuse what the class's `__init__` refuses: an argument it does not take, or one
        it needs and does not get, in Keras's words."""
        params = spec["params"]
        allowed = set(params) | BASE_ARGUMENTS[self.keras]
        for key in kwargs:
            if key not in allowed and key not in InputArgs.names():
                near = closest(key, params)
                raise RnncalcError(
                    _("{layer} does not accept `{argument}` (Keras {keras}: {says})").format(
                        layer=class_name,
                        argument=key,
                        keras=self.keras.value,
                        says=self.keras_says(class_name, key),
                    ),
                    _("did you mean `{name}`?").format(name=near)
                    if near
                    else _("drop it; {layer} takes {arguments}").format(
                        layer=class_name, arguments=", ".join(params[:8])
                    ),
                )
        given = set(params[: len(args)]) | set(kwargs)
        missing = [name for name in spec["required"] if name not in given]
        if missing:
            listed = _(" and ").join(f"'{m}'" for m in missing)
            problem = (
                _("{layer}.__init__() missing {count} required positional arguments: {names}")
                if len(missing) > 1
                else _("{layer}.__init__() missing {count} required positional argument: {names}")
            )
            raise RnncalcError(
                problem.format(layer=class_name, count=len(missing), names=listed),
                _("give it: {layer}({argument}=...)").format(layer=class_name, argument=missing[0]),
            )

    def keras_says(self, owner: str, key: str) -> str:
        """What this Keras raises for an argument its constructor does not take, in its words."""
        if self.keras is KerasVersion.V2:
            return f"('Keyword argument not understood:', '{key}')"
        return f"Unrecognized keyword arguments passed to {owner}: {{'{key}': ...}}"

    def refused(self, owner: str, old: str, new: str, what: str) -> RnncalcError:
        """Keras 1's `old` argument (`what` "argument") or name of a Model argument ("name")."""
        problem = (
            _("{layer} does not accept `{old}`, Keras 1's name (Keras {keras}: {says})")
            if what == "name"
            else _("{layer} does not accept `{old}`, Keras 1's argument (Keras {keras}: {says})")
        )
        return RnncalcError(
            problem.format(
                layer=owner, old=old, keras=self.keras.value, says=self.keras_says(owner, old)
            ),
            _("write {new}= instead of {old}=").format(new=new, old=old),
        )

    def input_shape(self, class_name: str, inputs: dict[str, Any]) -> Shape | None:
        """The input shape that a layer's arguments give a Sequential model it starts."""
        keras2 = self.keras is KerasVersion.V2
        if class_name == "Embedding":
            length = inputs.pop("input_length", None)
            if not keras2 and length is not None:
                self.warnings.append(
                    _(
                        "line {line}: Keras 3 warns that Embedding's `input_length` is "
                        "deprecated, and ignores it"
                    ).format(line=self.line)
                )
            elif keras2 and "input_shape" not in inputs and "batch_input_shape" not in inputs:
                inputs["input_shape"] = (length,)  # tf-keras's Embedding always has one
        elif class_name not in SEQUENCE and class_name != "Bidirectional":
            if "input_length" in inputs and keras2:
                raise RnncalcError(
                    _(
                        "{layer} does not take `input_length` (Keras 2: ('Keyword argument "
                        "not understood:', 'input_length'))"
                    ).format(layer=class_name),
                    _("give input_shape=(timesteps, features)"),
                )
            if keras2 and "input_dim" in inputs and "input_shape" not in inputs:
                inputs["input_shape"] = (inputs.pop("input_dim"),)
        inputs = {k: tuple(v) if isinstance(v, list) else v for k, v in inputs.items()}
        resolved, warnings = resolve(parse_args(inputs), self.keras)
        self.warnings.extend(
            _("line {line}: {warning}").format(line=self.line, warning=w) for w in warnings
        )
        return None if resolved is None else resolved.shape

    def input(self, args: list[Any], kwargs: dict[str, Any], layer: bool = False) -> Tensor:
        """`keras.Input(...)`, or an `InputLayer(...)`, which a Sequential model may start with."""
        if layer:
            names: tuple[str, ...] = ("input_shape", "batch_size", "dtype")
        elif self.keras is KerasVersion.V2:
            names = ("shape", "batch_size", "name", "dtype")
        else:
            names = ("shape", "batch_size", "dtype", "sparse", "batch_shape", "name")
        given = by_name("Input", args, dict(kwargs), names)
        shape = given.get("shape", given.get("input_shape"))
        batch = given.get("batch_shape", given.get("batch_input_shape"))
        if isinstance(shape, int) and self.keras is KerasVersion.V2:
            shape = (shape,)
        if isinstance(batch, tuple | list):
            full = tuple(batch)
        elif isinstance(shape, tuple | list):
            full = (given.get("batch_size"), *shape)
        else:
            raise RnncalcError(
                _("Input needs a shape, got {shape!r}").format(shape=shape),
                _("give the shape of one sample: Input(shape=(timesteps, features))"),
            )
        if not all(d is None or (type(d) is int and d >= 0) for d in full):
            raise RnncalcError(
                _("the Input shape {shape!r} has an axis that is not a size").format(shape=full),
                _("give whole numbers or None"),
            )
        parse_args({"batch_input_shape": full})  # sizes within bounds
        name = given.get("name")
        base = "input" if self.keras is KerasVersion.V2 else "input_layer"
        source = InputLayer(name if isinstance(name, str) else self.unique(base), full)
        return Tensor(source, 0, 0, full)

    def sequential(self, args: list[Any], kwargs: dict[str, Any]) -> Sequential:
        given = by_name("Sequential", args, dict(kwargs), ("layers", "name"))
        name = given.get("name")
        model = Sequential(name if isinstance(name, str) else self.unique("sequential"))
        self.models.append(model)
        for layer in given.get("layers") or []:
            self.add(model, layer, rebuild=False)
        self.built(model)
        return model

    def add(self, model: Sequential, layer: Any, rebuild: bool = True) -> None:
        """`model.add(layer)`: a model with an input shape calls the layer at once."""
        if isinstance(layer, Tensor) and isinstance(layer.source, InputLayer):
            if model.layers or model.input is not None:
                raise RnncalcError(
                    _("an Input can only start a Sequential model"),
                    _("add it first, or not at all"),
                )
            model.input, model.outputs = layer.source, [layer.shape]
            return
        if not isinstance(layer, Layer | Sequential | Functional):
            raise RnncalcError(
                _("Sequential.add() takes a layer, got {what}").format(what=_what(layer)),
                _custom_fix(layer) or _("add a layer: model.add(LSTM(32))"),
            )
        if not model.layers and model.input is None:
            shape = _first_input(layer)
            if shape is not None:
                # Keras 2 names the InputLayer after the layer; Keras 3 counts it as an input
                name = self.unique("input_layer") if self.keras is KerasVersion.V3 else None
                self.start(model, shape, name or f"{layer.name}_input")
        model.layers.append(layer)
        if model.outputs is not None:
            where = _where(layer)
            model.outputs = self.shapes(layer.entry(), model.outputs, where)
            if self.keras is KerasVersion.V2:  # Keras 3 passes them all to the next layer
                one_output(where, len(model.outputs))
            if rebuild:
                self.built(model)

    def built(self, model: Sequential) -> None:
        """Keras 3 builds a Sequential model with an input and a layer into a Functional one
        at each change, and names each one: the next `Model(...)` is `functional_1`."""
        if self.keras is KerasVersion.V3 and model.input is not None and model.layers:
            self.unique("functional")

    def start(self, model: Sequential, shape: Shape, name: str | None = None) -> None:
        source = InputLayer(name or f"{model.name}_input", shape)
        model.input, model.outputs = source, [shape]

    def rebuild(self, model: Sequential, layers: list[Any]) -> None:
        self.steps += len(layers)  # each layer is called again
        model.layers = []
        model.outputs = [model.input.shape] if model.input else None
        for layer in layers:
            self.add(model, layer, rebuild=False)
        self.built(model)

    def call_layer(self, layer: Callable_, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """`layer(x)`: the output shapes, computed at once, as Keras computes them."""
        where = _where(layer)
        call = Node(list(args), dict(kwargs), [])
        given = call.tensors()
        if not given:
            what = _what(args[0]) if args else _("nothing")
            raise RnncalcError(
                _("{where} is called on {what}, not on a tensor").format(where=where, what=what),
                _custom_fix(args[0] if args else None)
                or _("call it on the output of keras.Input(...) or of another layer"),
            )
        if isinstance(layer, Sequential) and layer.outputs is None:
            self.start(layer, given[0].shape)
            self.rebuild(layer, layer.layers)
        call.outputs = self.shapes(layer.entry(), [t.shape for t in given], where)
        layer.nodes.append(call)
        return _outputs(layer)

    def functional(self, args: list[Any], kwargs: dict[str, Any]) -> Functional:
        for old, new in (("input", "inputs"), ("output", "outputs")):
            if old in kwargs:
                raise self.refused("Model", old, new, "name")
        given = by_name("Model", args, dict(kwargs), ("inputs", "outputs", "name"))
        if "inputs" not in given or "outputs" not in given:
            raise RnncalcError(
                _(
                    "Model() without inputs and outputs is a subclassed model: its layers are "
                    "built by its call(), which rnncalc does not run"
                ),
                _("build it as Model(inputs=keras.Input(...), outputs=...)"),
            )
        inputs, outputs = list(tensors(given["inputs"])), list(tensors(given["outputs"]))
        for what, found in (("inputs", inputs), ("outputs", outputs)):
            if not found:
                problem = (
                    _("the model's inputs are {what}, not tensors")
                    if what == "inputs"
                    else _("the model's outputs are {what}, not tensors")
                )
                raise RnncalcError(
                    problem.format(what=_what(given[what])),
                    _("give keras.Input(...) tensors as inputs and layer outputs as outputs"),
                )
        if not all(isinstance(t.source, InputLayer) for t in inputs):
            raise RnncalcError(
                _("a model's inputs must come from keras.Input(...)"),
                _("give the Input tensors as the model's inputs"),
            )
        name = given.get("name")
        base = "model" if self.keras is KerasVersion.V2 else "functional"
        model = Functional(
            name if isinstance(name, str) else self.unique(base), inputs, outputs, self.keras
        )
        if isinstance(given.get("trainable"), bool):
            model.trainable = given["trainable"]
        network(model)  # a disconnected graph is refused here, at the line of Model(...)
        self.models.append(model)
        return model


@dataclass
class Missing:
    """A name Keras does not have (`keras.layers.Merge`): refused where it is used."""

    name: str
    path: str


def _under_keras(path: str) -> list[str] | None:
    """`tf.keras.layers.LSTM` → `["layers", "LSTM"]`; None for a path outside Keras."""
    for root in KERAS_ROOTS:
        if path == root or path.startswith(root + "."):
            rest = [p for p in path[len(root) :].split(".") if p]
            if rest[:1] == ["layers"] and len(rest) > 2:  # keras.layers.recurrent.LSTM
                rest = ["layers", rest[-1]]
            return rest or None
    return None


def _first_input(layer: Callable_) -> Shape | None:
    """The input shape a layer, or a model, gives a Sequential model that it starts."""
    if isinstance(layer, Layer):
        return layer.input
    if isinstance(layer, Sequential):
        return layer.input.shape if layer.input else None
    return layer.inputs[0].shape if len(layer.inputs) == 1 else None


def _outputs(layer: Callable_) -> Any:
    if not layer.nodes:
        raise RnncalcError(
            _("layer {name!r} has never been called, so it has no output").format(name=layer.name),
            _("call it on a tensor first: y = layer(x)"),
        )
    node = len(layer.nodes) - 1
    made = [Tensor(layer, node, i, s) for i, s in enumerate(layer.nodes[node].outputs)]
    if len(made) == 1:
        return made[0]
    return _nested_states(layer, made)


def _nested_states(layer: Callable_, made: list[Tensor]) -> list[Any]:
    """An RNN of stacked cells returns its states cell by cell: `[output, gru_h, [lstm_h,
    lstm_c]]`, a cell with two states as a list (Keras 2 and 3 alike)."""
    if not isinstance(layer, Layer) or layer.class_name != "RNN":
        return made
    cells = dump(layer.config.get("cell"))
    if isinstance(cells, dict) and cells.get("class_name") == "StackedRNNCells":
        cells = (cells.get("config") or {}).get("cells") or (cells.get("args") or [None])[0]
    if not isinstance(cells, list | tuple) or len(cells) < 2:
        return made
    names = [
        c.get("class_name", "").removesuffix("Cell") if isinstance(c, dict) else "" for c in cells
    ]
    if not all(name in FAMILIES for name in names):
        return made
    counts = [len(FAMILIES[name].states) for name in names]
    if sum(counts) != len(made) - 1:  # no return_state: the output alone
        return made
    found: list[Any] = [made[0]]
    start = 1
    for count in counts:
        found.append(made[start] if count == 1 else made[start : start + count])
        start += count
    return found


def _where(layer: Callable_) -> str:
    kind = layer.class_name if isinstance(layer, Layer) else type(layer).__name__
    return _("layer {name!r} ({kind})").format(name=layer.name, kind=kind)


def _what(value: Any) -> str:
    if isinstance(value, KerasName):
        return _("the class {name} (not an instance: add parentheses)").format(name=value.name)
    if isinstance(value, Tensor):
        return _("a tensor")
    return _kind(value)


def _custom_fix(value: Any) -> str:
    """The fix where a layer the file defines stands in the model."""
    if isinstance(value, Unknown) and value.made == "instance":
        return _("rnncalc reads Keras's own layers; a custom layer's shapes are in its code")
    return ""


def _missing_fix(name: str) -> str:
    if name == "Merge":
        return _("Keras 2 removed Merge: use Concatenate()([a, b]), Add() or another merge layer")
    if name.startswith("CuDNN"):
        return _("use {layer}: it uses cuDNN on a GPU by itself").format(
            layer=name.removeprefix("CuDNN")
        )
    return _("check the name against the Keras documentation")
