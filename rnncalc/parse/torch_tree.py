"""A PyTorch model as a tree of modules, the way `nn.Module` keeps it: what every reader of a
PyTorch model (its `print(model)` text, its code, its `state_dict`) produces."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Parameter:
    """An `nn.Parameter`: its shape only. Two modules holding the same one share it (tied
    weights), as `decoder.weight = encoder.weight` makes them."""

    shape: tuple[int, ...]
    trainable: bool = True


@dataclass(eq=False)
class Module:
    """One `nn.Module`: its own parameters and its submodules, in the order they were set."""

    class_name: str
    parameters: dict[str, Parameter] = field(default_factory=dict)
    children: dict[str, Module] = field(default_factory=dict)
    # The arguments it was built with, by name, for a module rnncalc knows (its forward).
    arguments: dict[str, Any] | None = None
    # False for a class of the user's read from print(model): its nn.Parameter attributes
    # never show there.
    own_known: bool = True


def copied(module: Module) -> Module:
    """`copy.deepcopy(module)`: the same tree, with parameters of its own (shared ones stay
    shared within the copy)."""
    memo: dict[int, Any] = {}

    def copy(item: Any) -> Any:
        if id(item) not in memo:
            if isinstance(item, Parameter):
                memo[id(item)] = Parameter(item.shape, item.trainable)
            else:
                memo[id(item)] = Module(
                    item.class_name,
                    {k: copy(p) for k, p in item.parameters.items()},
                    {k: copy(c) for k, c in item.children.items()},
                    item.arguments,
                    item.own_known,
                )
        return memo[id(item)]

    found: Module = copy(module)
    return found


def named_modules(root: Module, prefix: str = "") -> Iterator[tuple[str, Module]]:
    """`model.named_modules()`: every module once, depth first, the model itself as `""`.

    Example:
        >>> lstm, fc = Module("LSTM"), Module("Linear")
        >>> [name for name, _ in named_modules(Module("Net", children={"lstm": lstm, "fc": fc}))]
        ['', 'lstm', 'fc']
    """
    seen: set[int] = set()
    stack = [(prefix, root)]
    while stack:
        name, module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        yield name, module
        children = [(f"{name}.{key}" if name else key, c) for key, c in module.children.items()]
        stack.extend(reversed(children))


def named_parameters(root: Module, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
    """`model.named_parameters()`: each distinct parameter once, under its first name."""
    seen: set[int] = set()
    modules = named_modules(root) if recurse else iter([("", root)])
    for prefix, module in modules:
        for key, parameter in module.parameters.items():
            if id(parameter) not in seen:
                seen.add(id(parameter))
                yield (f"{prefix}.{key}" if prefix else key), parameter


def size(shape: tuple[int, ...]) -> int:
    total = 1
    for d in shape:
        total *= d
    return total


@dataclass(frozen=True)
class Tensor:
    """A tensor in `forward`: its shape only."""

    shape: tuple[int, ...]


@dataclass(frozen=True)
class Packed:
    """A PackedSequence (`pack_padded_sequence`): the padded tensor it was packed from."""

    padded: Tensor
    batch_first: bool


class Size(tuple[int, ...]):
    """`torch.Size`: what `.shape` and `.size()` give, a tuple that JSON shows as a shape."""

    __slots__ = ()


def shapes_of(value: Any) -> Any:
    """What a call returned, as the shapes JSON shows: `[4, 5]`, nested as it was returned;
    None for anything that holds no tensor."""
    if isinstance(value, Tensor | Size):
        return list(value.shape if isinstance(value, Tensor) else value)
    if isinstance(value, Packed):
        return list(value.padded.shape)
    if isinstance(value, tuple | list):
        return [shapes_of(v) for v in value]
    return None
