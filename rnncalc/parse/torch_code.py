"""PyTorch modules from their code, read and never run: `__init__` builds the module tree as
`nn.Module` keeps it, and `forward`, given input shapes, is followed call by call."""

from __future__ import annotations

import ast
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.limits import CODE_ITEMS
from rnncalc.parse.python import (
    _MISSING,
    Bound,
    Builtin,
    Function,
    Instance,
    Interpreter,
    Method,
    PyClass,
    Super,
    _kind,
)
from rnncalc.parse.python import Module as ImportedModule
from rnncalc.parse.torch_tree import (
    Module,
    Packed,
    Parameter,
    Size,
    Tensor,
    named_modules,
    named_parameters,
    shapes_of,
)

# torch.nn.<name>(*args, **kwargs): the module it makes (calc.torch_modules.build)
Make = Callable[[str, list[Any], dict[str, Any]], Module]
# A module called in forward, or a function or tensor method by name: what it returns
Run = Callable[[Module | str, list[Any], dict[str, Any]], Any]

CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")
_REGISTERING = frozenset(
    {"append", "extend", "insert", "add_module", "register_module", "register_parameter",
     "register_buffer"}
)  # fmt: skip
_MODULE_METHODS = frozenset(
    {
        "parameters",
        "named_parameters",
        "modules",
        "children",
        "to",
        "cuda",
        "cpu",
        "eval",
        "train",
        "float",
        "double",
        "half",
        "requires_grad_",
        "zero_grad",
        "apply",
    }
)


@dataclass(frozen=True)
class TorchClass:
    """`nn.LSTM` and the like: a class of torch.nn."""

    name: str


@dataclass(frozen=True)
class TorchFunction:
    """`torch.cat`, `F.relu`, `nn.utils.rnn.pack_padded_sequence`: by its short name."""

    name: str


@dataclass(frozen=True)
class _Marker:
    name: str


NN_MODULE = _Marker("nn.Module")
PARAMETER = _Marker("nn.Parameter")
_NOTHING = _Marker("nothing")  # nn.Module.__init__ and the like: nothing to follow


@dataclass(eq=False)
class ModuleClass(PyClass):
    """A class of the user's built on nn.Module."""


@dataclass(eq=False)
class ModuleInstance(Instance):
    """An instance of such a class: its attributes, and the module tree it registers."""

    module: Module | None = None


class TorchReader(Interpreter):
    """The interpreter, with PyTorch's classes: the modules code builds, as torch builds them."""

    def __init__(
        self, variables: dict[str, Any], make: Make, run: Run, functions: Container[str]
    ) -> None:
        super().__init__(variables)
        self.make, self.run_rule, self.functions = make, run, functions
        self.models: list[ModuleInstance | Module] = []  # the top level's, in order
        self.instances: dict[int, ModuleInstance] = {}  # a user module's tree -> its instance
        self.calls: dict[int, tuple[list[Any], Any]] = {}  # first call: input and output shapes

    # -- names

    def module_attribute(self, path: str) -> Any:
        parts = path.split(".")
        if parts[0] != "torch":
            return super().module_attribute(path)
        if path in ("torch.nn.Module", "torch.nn.modules.module.Module"):
            return NN_MODULE
        if path in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            return PARAMETER
        last = parts[-1]
        if len(parts) == 3 and parts[1] == "nn" and last[:1].isupper():
            return TorchClass(last)
        if last in self.functions and (
            len(parts) == 2 or parts[1] in ("nn", "autograd") or path.startswith("torch.nn.")
        ):
            return TorchFunction(last)
        return super().module_attribute(path)

    def library_class(self, bases: list[Any]) -> type[PyClass] | None:
        if any(b is NN_MODULE or isinstance(b, ModuleClass) for b in bases):
            return ModuleClass
        return None

    # -- calls

    def skipped_call(self, function: Any) -> bool:
        if isinstance(function, TorchClass | TorchFunction | ModuleInstance | Module):
            return False
        if function is PARAMETER or function is _NOTHING or function == Builtin("getattr"):
            return False
        return super().skipped_call(function)

    def call(self, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(function, ModuleClass):
            made = ModuleInstance(function, {}, Module(function.name))
            assert made.module is not None
            self.instances[id(made.module)] = made
            init = function.lookup("__init__")
            if isinstance(init, Function):
                self.call(Bound(init, made), args, kwargs)
            if self.depth == 0:
                self.models.append(made)
            return made
        if function == Builtin("getattr"):  # getattr(nn, "LSTM"): a name of an imported module
            if len(args) == 2 and isinstance(args[0], ImportedModule) and isinstance(args[1], str):
                return self.attribute(args[0], args[1])
            raise RnncalcError(
                _("getattr() of anything but an imported module is not followed"),
                _("name the attribute itself"),
            )
        return super().call(function, args, kwargs)

    def call_other(self, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if function is _NOTHING:
            return None
        if isinstance(function, TorchClass):
            made = self.make(function.name, [self.tree(a) for a in args], self.trees(kwargs))
            if self.depth == 0:
                self.models.append(made)
            return made
        if function is PARAMETER:
            return self.parameter(args, kwargs)
        if isinstance(function, TorchFunction):
            return self.run_rule(function.name, args, kwargs)
        if isinstance(function, ModuleInstance | Module):
            return self.call_module(function, args, kwargs)
        return super().call_other(function, args, kwargs)

    def call_module(
        self, module: ModuleInstance | Module, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        """A module called in forward: a user's runs its own forward, a Sequential its
        children in turn, any other its rule; the first call's shapes are kept."""
        tree = module.module if isinstance(module, ModuleInstance) else module
        assert tree is not None
        if isinstance(module, ModuleInstance):
            forward = module.cls.lookup("forward")
            if not isinstance(forward, Function):
                raise RnncalcError(
                    _("{module} has no forward").format(module=module.cls.name),
                    _("define forward"),
                )
            result = self.call(Bound(forward, module), args, kwargs)
        elif tree.class_name == "Sequential":
            if len(args) != 1 or kwargs:
                raise RnncalcError(
                    _("Sequential.forward() takes 1 input, got {count}").format(
                        count=len(args) + len(kwargs)
                    ),
                    _("give it one tensor"),
                )
            result = args[0]
            for child in tree.children.values():
                result = self.call_module(self.instances.get(id(child), child), [result], {})
        elif tree.class_name == "TransformerEncoderLayer":
            result = self.encoder_layer(tree, args, kwargs)
        elif tree.class_name == "TransformerEncoder":
            result = args[0] if args else kwargs.get("src")
            for layer in tree.children["layers"].children.values():
                result = self.call_module(layer, [result], {})
            if "norm" in tree.children:
                result = self.call_module(tree.children["norm"], [result], {})
        elif tree.class_name in ("ModuleList", "ModuleDict"):
            raise RnncalcError(
                _('Module [{container}] is missing the required "forward" function').format(
                    container=tree.class_name
                ),
                _("call its modules one by one"),
            )
        else:
            result = self.run_rule(tree, args, kwargs)
        if id(tree) not in self.calls:
            inputs = [list(a.shape) for a in args if isinstance(a, Tensor)]
            self.calls[id(tree)] = (inputs, shapes_of(result))
        return result

    def encoder_layer(self, tree: Module, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """TransformerEncoderLayer.forward, as torch writes it: each of its modules called in
        turn (norm_first or not), so that each one's first call has its shapes."""
        children, norm_first = tree.children, (tree.arguments or {}).get("norm_first", False)

        def call(name: str, *inputs: Any, **options: Any) -> Any:
            return self.call_module(children[name], list(inputs), options)

        def attention(x: Any) -> Any:
            return call("dropout1", call("self_attn", x, x, x, need_weights=False)[0])

        def feed_forward(x: Any) -> Any:
            h = call("linear1", x)
            h = call("activation", h) if "activation" in children else h
            return call("dropout2", call("linear2", call("dropout", h)))

        def plus(x: Any, y: Any) -> Any:
            return self.run_rule("__binary__", [x, y], {})

        x = args[0] if args else kwargs.get("src")
        if norm_first:
            x = plus(x, attention(call("norm1", x)))
            return plus(x, feed_forward(call("norm2", x)))
        x = call("norm1", plus(x, attention(x)))
        return call("norm2", plus(x, feed_forward(x)))

    def parameter(self, args: list[Any], kwargs: dict[str, Any]) -> Parameter:
        data = args[0] if args else kwargs.get("data")
        trainable = kwargs.get("requires_grad", args[1] if len(args) > 1 else True)
        if not isinstance(data, Tensor):
            raise RnncalcError(
                _("nn.Parameter of {kind}: rnncalc needs its shape").format(kind=_kind(data)),
                _("make it from torch.zeros/ones/randn/empty(SIZES)"),
            )
        return Parameter(data.shape, bool(trainable))

    def tree(self, value: Any) -> Any:
        """What a torch.nn constructor is given: a user module as its module tree."""
        if isinstance(value, ModuleInstance):
            return value.module
        if isinstance(value, list | tuple):
            return type(value)(self.tree(v) for v in value)
        if isinstance(value, dict):
            return self.trees(value)
        return value

    def trees(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: self.tree(v) for k, v in values.items()}

    def shown(self, module: Module) -> ModuleInstance | Module:
        return self.instances.get(id(module), module)

    # -- attributes, subscripts, methods

    def attribute(self, owner: Any, name: str) -> Any:
        if (
            isinstance(owner, Super)
            and name == "__init__"
            and not any(isinstance(b.lookup(name), Function) for b in owner.classes)
        ):
            return _NOTHING  # nn.Module.__init__
        if (
            isinstance(owner, ModuleInstance)
            and name in _MODULE_METHODS | _REGISTERING
            and name not in owner.attributes
            and owner.cls.lookup(name) is _MISSING
        ):
            return Method(owner, name)  # nn.Module's own: self.parameters()
        if (
            isinstance(owner, ModuleInstance)
            and name == "training"
            and name not in owner.attributes
            and owner.cls.lookup(name) is _MISSING
        ):
            return True  # a module is built in training mode
        return super().attribute(owner, name)

    def other_attribute(self, owner: Any, name: str) -> Any:
        if isinstance(owner, TorchClass) and name == "from_pretrained":
            return Method(owner, name)
        if isinstance(owner, Module):
            if name in owner.parameters:
                return owner.parameters[name]
            if name in owner.children:
                return self.shown(owner.children[name])
            if owner.arguments is not None and name in owner.arguments:
                return owner.arguments[name]
            if name in _MODULE_METHODS | _REGISTERING:
                return Method(owner, name)
            raise RnncalcError(
                _("'{module}' object has no attribute '{name}'").format(
                    module=owner.class_name, name=name
                ),
                _("see its class"),
            )
        if isinstance(owner, Parameter | Tensor):
            if name == "shape":
                return Size(owner.shape)
            if name in ("data", "T", "mT") and isinstance(owner, Parameter):
                return owner
            if name == "requires_grad" and isinstance(owner, Parameter):
                return owner.trainable
            if name not in ("dtype", "device"):  # a parameter in forward is a tensor
                return Method(Tensor(owner.shape) if isinstance(owner, Parameter) else owner, name)
        return super().other_attribute(owner, name)

    def set_attribute(self, owner: Any, name: str, value: Any) -> None:
        tree = owner.module if isinstance(owner, ModuleInstance) else owner
        if isinstance(tree, Module):
            if isinstance(value, ModuleInstance | Module):
                tree.parameters.pop(name, None)
                tree.children[name] = self.tree(value)
            elif isinstance(value, Parameter):
                tree.children.pop(name, None)
                tree.parameters[name] = value
            elif not isinstance(owner, ModuleInstance):
                raise RnncalcError(
                    _(
                        "setting `{name}` of {module}: rnncalc follows only modules and "
                        "parameters set on it"
                    ).format(name=name, module=tree.class_name),
                    _("set a module or an nn.Parameter"),
                )
        if isinstance(owner, Parameter) and name == "requires_grad":
            owner.trainable = bool(value)
        elif isinstance(owner, ModuleInstance):
            owner.attributes[name] = value
        else:
            super().set_attribute(owner, name, value)

    def other_subscript(self, owner: Any, key: Any, node: Any) -> Any:
        if isinstance(owner, Module) and owner.class_name in (
            "Sequential",
            "ModuleList",
            "ModuleDict",
        ):
            keys = list(owner.children)
            if isinstance(key, int) and owner.class_name != "ModuleDict":
                if not -len(keys) <= key < len(keys):
                    raise RnncalcError(
                        _("index {index} is out of range").format(index=key),
                        _("index a module it holds"),
                    )
                return self.shown(owner.children[keys[key]])
            if isinstance(key, str) and key in owner.children:
                return self.shown(owner.children[key])
            raise RnncalcError(
                _("{container} has no module {key!r}").format(container=owner.class_name, key=key),
                _("index one it holds"),
            )
        if isinstance(owner, Tensor):
            return self.run_rule("__getitem__", [owner, key], {})
        return super().other_subscript(owner, key, node)

    def other_method(self, owner: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        tree = owner.module if isinstance(owner, ModuleInstance) else owner
        if isinstance(tree, Module) and name in _REGISTERING:
            return self.register(owner, tree, name, args, kwargs)
        if isinstance(tree, Module) and name in _MODULE_METHODS:
            if name in ("parameters", "named_parameters"):
                found = list(named_parameters(tree))
                return [p for _name, p in found] if name == "parameters" else found
            if name in ("modules", "children"):
                if name == "children":
                    return [self.shown(c) for c in tree.children.values()]
                return [self.shown(m) for _, m in named_modules(tree)]
            return owner  # .to(device), .eval(), .cuda(): the same module
        if isinstance(owner, Tensor):
            return self.run_rule(f"Tensor.{name}", [owner, *args], kwargs)
        if isinstance(owner, TorchClass) and name == "from_pretrained":
            return self.pretrained(owner.name, args, kwargs)
        return super().other_method(owner, name, args, kwargs)

    def pretrained(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Module:
        """`nn.Embedding.from_pretrained(embeddings, freeze=True, ...)`: the module of the
        tensor's shape, its weight frozen unless `freeze=False`."""
        given = dict(kwargs)
        embeddings = args[0] if args else given.pop("embeddings", None)
        freeze = args[1] if len(args) > 1 else given.pop("freeze", True)
        shape = getattr(embeddings, "shape", None)
        if not (isinstance(shape, tuple) and len(shape) == 2):
            raise RnncalcError(
                _("{module}.from_pretrained needs a 2-D tensor of known shape, got {kind}").format(
                    module=name, kind=_kind(embeddings)
                ),
                _("give its shape: --set NAME.shape=ROWS,DIM"),
            )
        made = self.make(name, list(shape), given)
        made.parameters["weight"].trainable = not freeze
        if self.depth == 0:
            self.models.append(made)
        return made

    def register(
        self, owner: Any, tree: Module, name: str, args: list[Any], kwargs: dict[str, Any]
    ) -> None:
        """`append`, `extend`, `insert` (ModuleList, Sequential), `add_module`,
        `register_module`, `register_parameter`; `register_buffer` registers no parameter."""
        values = [*args, *kwargs.values()]
        if name in ("add_module", "register_module", "register_parameter"):
            if len(values) != 2 or not isinstance(values[0], str):
                raise RnncalcError(
                    _("{method}() takes a name and a value").format(method=name),
                    f"{name}(NAME, VALUE)",
                )
            self.set_attribute(owner, values[0], values[1])
        elif name in ("append", "extend", "insert") and tree.class_name in CONTAINERS[:2]:
            items = list(tree.children.values())
            if name == "append" and len(values) == 1:
                items.append(values[0])
            elif name == "extend" and len(values) == 1:
                items.extend(self.iterate(values[0], None))
            elif name == "insert" and len(values) == 2 and isinstance(values[0], int):
                items.insert(values[0], values[1])
            else:
                raise RnncalcError(
                    _("{container}.{method}() got {values!r}").format(
                        container=tree.class_name, method=name, values=values
                    )[:200],
                    _("see torch"),
                )
            CODE_ITEMS.check(len(items), _("a container's modules"), _("hold fewer"))
            tree.children = {str(i): self.module_of(m) for i, m in enumerate(items)}
        elif name == "register_buffer":  # a tensor the module keeps, not a parameter
            if len(values) >= 2 and isinstance(values[0], str) and isinstance(owner, Instance):
                owner.attributes[values[0]] = values[1]
        else:
            raise RnncalcError(
                _("{module} has no {method}()").format(module=tree.class_name, method=name),
                _("see its class"),
            )

    def module_of(self, value: Any) -> Module:
        found = self.tree(value)
        if not isinstance(found, Module):
            raise RnncalcError(
                _("{kind} is not a module").format(kind=_kind(value)), _("give an nn module")
            )
        return found

    def set_item(self, owner: Any, key: Any, value: Any) -> None:
        tree = owner.module if isinstance(owner, ModuleInstance) else owner
        if isinstance(tree, Module) and tree.class_name == "ModuleDict" and isinstance(key, str):
            tree.children[key] = self.module_of(value)
        elif (
            isinstance(tree, Module) and tree.class_name in CONTAINERS[:2] and isinstance(key, int)
        ):
            keys = list(tree.children)
            tree.children[keys[key]] = self.module_of(value)

    def iterate(self, value: Any, node: Any) -> Any:
        if isinstance(value, Module) and value.class_name in ("Sequential", "ModuleList"):
            return [self.shown(c) for c in value.children.values()]
        if isinstance(value, Module) and value.class_name == "ModuleDict":
            return list(value.children)
        return super().iterate(value, node)

    def binary(self, op: Any, left: Any, right: Any) -> Any:
        if isinstance(left, Tensor | Parameter) or isinstance(right, Tensor | Parameter):
            operands = [Tensor(v.shape) if isinstance(v, Parameter) else v for v in (left, right)]
            rule = "matmul" if isinstance(op, ast.MatMult) else "__binary__"
            return self.run_rule(rule, operands, {})
        return super().binary(op, left, right)

    def length(self, value: Any) -> int | None:
        if isinstance(value, Tensor):
            if not value.shape:
                raise RnncalcError(_("len() of a 0-d tensor"), _("index a tensor with an axis"))
            return value.shape[0]
        if isinstance(value, Module) and value.class_name in CONTAINERS:
            return len(value.children)
        return None

    def truthy(self, value: Any) -> bool:
        if isinstance(value, Module | ModuleInstance | Parameter):
            return True
        if isinstance(value, Tensor | Packed):
            raise RnncalcError(
                _("the truth of a tensor depends on its values, which rnncalc does not know"),
                _("decide on shapes or arguments instead"),
            )
        return super().truthy(value)
