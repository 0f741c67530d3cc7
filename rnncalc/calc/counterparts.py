"""The PyTorch counterpart of a Keras recurrent layer and back, and how their weights map."""

from __future__ import annotations

from typing import NamedTuple, TypeVar

from pydantic import BaseModel

from rnncalc.calc import analysis, rules
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.families import Family
from rnncalc.config.inputs import ResolvedInput, Shape
from rnncalc.config.keras import (
    GRUConfig,
    LSTMConfig,
    RecurrentConfig,
    SimpleRNNConfig,
)
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TORCH, TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.report.tables import CompareReport, OutputMapping, WeightMapping

KerasLayer = RecurrentConfig | BidirectionalConfig
Config = TypeVar("Config", bound=BaseModel)
KERAS_OF: dict[str, type[RecurrentConfig]] = {
    cls.family_name: cls for cls in (SimpleRNNConfig, GRUConfig, LSTMConfig)
}


def recurrent(layer: KerasLayer) -> RecurrentConfig:
    """The SimpleRNN, GRU or LSTM layer a comparison is about (inside Bidirectional too)."""
    inner = layer.layer if isinstance(layer, BidirectionalConfig) else layer
    if not isinstance(inner, RecurrentConfig):
        raise RnncalcError(
            _(
                "compare maps SimpleRNN, GRU and LSTM layers (and Bidirectional ones), not {name}"
            ).format(name=inner.class_name()),
            _("compare a layer such as LSTM(8), Bidirectional(GRU(8)) or nn.LSTM(10, 8)"),
        )
    return inner


class Sides(NamedTuple):
    """A layer and its counterpart in the other framework, each with its input."""

    keras: KerasLayer
    keras_input: ResolvedInput
    torch: TorchConfig
    torch_input: ResolvedInput


def sides(layer: AnyLayer, resolved: ResolvedInput, verb: str = "compare") -> Sides:
    """The layer given and its counterpart: PyTorch's for a Keras SimpleRNN, GRU or LSTM
    (or Bidirectional one), Keras's for a PyTorch module. `verb` names what refuses others."""
    if isinstance(layer, TorchConfig):
        return Sides(*keras_of(layer, resolved), layer, resolved)
    if not isinstance(layer, RecurrentConfig | BidirectionalConfig):
        raise RnncalcError(
            _("{verb} maps SimpleRNN, GRU and LSTM layers, not {name}").format(
                verb=verb, name=layer.class_name()
            ),
            _("{verb} a layer such as LSTM(8), Bidirectional(GRU(8)) or nn.LSTM(10, 8)").format(
                verb=verb
            ),
        )
    return Sides(layer, resolved, *torch_of(layer, resolved))


def torch_of(layer: KerasLayer, resolved: ResolvedInput) -> tuple[TorchConfig, ResolvedInput]:
    """The PyTorch module computing what a Keras layer does, and its input.

    Keras's `(batch, timesteps, features)` is PyTorch's `batch_first=True`; Keras 2's
    `time_major=True` is PyTorch's default `(L, N, H_in)`.

    Example:
        >>> given = ResolvedInput(shape=(None, 10, 64), given=("--input-shape",))
        >>> torch, _ = torch_of(LSTMConfig(units=32), given)
        >>> torch.input_size, torch.hidden_size, torch.batch_first
        (64, 32, True)
    """
    inner = recurrent(layer)
    if isinstance(layer, BidirectionalConfig) and layer.backward_layer is not None:
        back = layer.backward_layer
        if type(back) is not type(inner) or _cell_args(back) != _cell_args(inner):
            raise RnncalcError(
                _(
                    "PyTorch runs the same kind of layer in both directions; this backward_layer "
                    "differs from the forward one"
                ),
                _("compare each direction on its own, or drop backward_layer"),
            )
    features = resolved.shape[-1]
    assert features is not None  # checked before
    family = inner.family
    kwargs: dict[str, object] = {
        "input_size": features,
        "hidden_size": inner.units,
        "bias": inner.use_bias,
        "batch_first": not inner.time_major,
        "bidirectional": isinstance(layer, BidirectionalConfig),
    }
    if len(family.torch_activations) > 1 and inner.activation in family.torch_activations:
        kwargs["nonlinearity"] = inner.activation
    return _given(TORCH[family.torch_name], kwargs), resolved


def _cell_args(layer: RecurrentConfig) -> dict[str, object]:
    keep = {"units", "activation", "recurrent_activation", "use_bias", "reset_after"}
    return {k: v for k, v in layer.model_dump().items() if k in keep}


def keras_of(layer: TorchConfig, resolved: ResolvedInput) -> tuple[KerasLayer, ResolvedInput]:
    """The Keras layer computing what a PyTorch module does (all outputs on), and its input."""
    if layer.num_layers != 1 or layer.proj_size:
        what = f"num_layers={layer.num_layers}" if layer.num_layers != 1 else "proj_size"
        raise RnncalcError(
            _("compare maps one layer, and {what} has no single Keras layer to match").format(
                what=what
            ),
            _(
                "compare with num_layers=1 and no proj_size; in Keras, stack num_layers layers "
                "with return_sequences=True on all but the last"
            ),
        )
    shape = resolved.shape
    if len(shape) == 2:
        keras_shape: Shape = (None, *shape)
    elif layer.batch_first:
        keras_shape = shape
    else:
        keras_shape = (shape[1], shape[0], shape[2])
    cls = KERAS_OF[layer.family_name]
    kwargs: dict[str, object] = {
        "units": layer.hidden_size,
        "use_bias": layer.bias,
        "return_sequences": True,
        "return_state": True,
    }
    if len(layer.family.torch_activations) > 1:  # nn.RNN's nonlinearity is Keras's activation
        kwargs["activation"] = getattr(layer, "nonlinearity", "tanh")
    inner = _given(cls, kwargs)
    keras: KerasLayer = (
        BidirectionalConfig(layer=inner, merge_mode=MergeMode.CONCAT)
        if layer.bidirectional
        else inner
    )
    return keras, ResolvedInput(shape=keras_shape, given=resolved.given, note="as batch-major")


def _blocks(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def _given(cls: type[Config], kwargs: dict[str, object]) -> Config:
    """A config with only the arguments that differ from the defaults marked as given."""
    fields = cls.model_fields
    return cls.model_validate({k: v for k, v in kwargs.items() if v != fields[k].default})


def differences(keras: KerasLayer) -> tuple[list[str], list[str]]:
    """Why no PyTorch layer computes exactly what a Keras layer does (empty where one does),
    and every way the two differ, those reasons included."""
    inner = recurrent(keras)
    family = inner.family
    found: list[str] = []
    blocking: list[str] = []
    if inner.use_bias:
        if inner.bias_copies == 2:
            both = _(
                "PyTorch keeps two bias vectors per gate, bias_ih and bias_hh ({gates}·hidden_size "
                "each); Keras GRU with reset_after=True keeps the same two, as bias[0] and bias[1]."
            )
        elif family.keeps_two_biases:
            both = _(
                "PyTorch keeps two bias vectors per gate, bias_ih and bias_hh ({gates}·hidden_size "
                "each); Keras GRU with reset_after=False keeps one."
            )
        else:
            both = _(
                "PyTorch keeps two bias vectors per gate, bias_ih and bias_hh ({gates}·hidden_size "
                "each); only their sum matters, so Keras keeps one."
            )
        found.append(both.format(gates=family.gates))
    if family.gates > 1:
        blocks = (
            _(
                "Gate blocks: {keras} in Keras, {torch} in PyTorch ({words} in Keras's words): "
                "the same order."
            )
            if family.torch_order == family.gate_names
            else _(
                "Gate blocks: {keras} in Keras, {torch} in PyTorch ({words} in Keras's words): "
                "reorder them."
            )
        )
        found.append(
            blocks.format(
                keras=_blocks(family.gate_names),
                torch=_blocks(family.torch_gate_names),
                words=_blocks(family.torch_order),
            )
        )
    if not getattr(inner, "reset_after", True):
        blocking.append(
            _(
                "reset_after=False applies the reset gate before the recurrent product; "
                "PyTorch's GRU always applies it after (reset_after=True): no PyTorch GRU "
                "computes the same function."
            )
        )
    offered = family.torch_activations
    if len(offered) > 1 and inner.activation not in offered:
        blocking.append(
            _("PyTorch's {module} offers {offered} only, not {activation}.").format(
                module=family.torch_name, offered=" and ".join(offered), activation=inner.activation
            )
        )
    if family.torch_gate_activation is not None:
        fixed = {"activation": offered[0], "recurrent_activation": family.torch_gate_activation}
        for name, default in fixed.items():
            if getattr(inner, name) != default:
                blocking.append(
                    _("PyTorch fixes {name}={default!r}; this layer uses {used!r}.").format(
                        name=name, default=default, used=getattr(inner, name)
                    )
                )
    found += blocking
    if isinstance(keras, BidirectionalConfig) and keras.merge_mode is not MergeMode.CONCAT:
        mode = "None" if keras.merge_mode is None else repr(keras.merge_mode.value)
        found.append(
            _(
                "PyTorch always concatenates the two directions; Keras merge_mode={mode} "
                "combines output[..., :H] and output[..., H:] instead."
            ).format(mode=mode)
        )
    found.append(
        _(
            "PyTorch always returns the whole sequence and the final states (h_n, c_n); Keras "
            "returns them only with return_sequences / return_state."
        )
        if len(family.states) == 2
        else _(
            "PyTorch always returns the whole sequence and the final state h_n; Keras returns "
            "them only with return_sequences / return_state."
        )
    )
    return blocking, found


def weight_map(names: list[str], family: Family, bias_copies: int) -> list[tuple[str, str, str]]:
    """`(Keras weight, PyTorch parameters, how one becomes the other)` for each Keras weight.

    Example:
        >>> weight_map(["kernel", "recurrent_kernel", "bias"], FAMILIES["LSTM"], 1)[2][2]
        'bias = bias_ih_l0 + bias_hh_l0; back: bias_ih_l0 = bias, bias_hh_l0 = 0'
        >>> weight_map(["kernel"], FAMILIES["GRU"], 2)[0][2]
        'kernel = weight_ih_l0.T, with blocks (r, z, h) reordered to (z, r, h)'
    """
    order = ""
    if family.torch_order != family.gate_names:
        order = (
            f", with blocks ({_blocks(family.torch_order)}) reordered to "
            f"({_blocks(family.gate_names)})"
        )
    found = []
    for name in names:
        suffix = "_reverse" if name.startswith("backward_") else ""
        short = name.rpartition("/")[2]
        w_ih, w_hh, b_ih, b_hh = (
            f"{w}_l0{suffix}" for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )
        if short == "kernel":
            found.append((name, w_ih, f"{short} = {w_ih}.T{order}"))
        elif short == "recurrent_kernel":
            found.append((name, w_hh, f"{short} = {w_hh}.T{order}"))
        elif bias_copies == 2:
            found.append((name, f"{b_ih}, {b_hh}", f"bias[0] = {b_ih}, bias[1] = {b_hh}{order}"))
        else:
            found.append(
                (
                    name,
                    f"{b_ih}, {b_hh}",
                    f"bias = {b_ih} + {b_hh}{order}; back: {b_ih} = bias, {b_hh} = 0",
                )
            )
    return found


def output_map(
    keras_names: list[str], keras: KerasLayer, torch: TorchConfig, rank: int = 3
) -> list[tuple[str, str]]:
    """Which part of PyTorch's `(output, h_n, c_n)` each Keras output is.

    Args:
        keras_names: the Keras layer's output names, in order.
        keras: the Keras layer.
        torch: its PyTorch counterpart.
        rank: the rank of PyTorch's input (2: unbatched).

    Example:
        >>> torch = TorchLSTMConfig(input_size=3, hidden_size=4, batch_first=True)
        >>> output_map(["output", "state_h", "state_c"], LSTMConfig(units=4), torch)
        [('output', 'output[:, -1]'), ('state_h', 'h_n[0]'), ('state_c', 'c_n[0]')]
    """
    inner = recurrent(keras)
    if rank == 2:
        output, last = "output.unsqueeze(0)", "output[-1]"
    else:
        same = inner.time_major != torch.batch_first
        output = "output" if same else "output.transpose(0, 1)"
        last = "output[:, -1]" if torch.batch_first else "output[-1]"
    sequences = inner.return_sequences
    halves = (f"{output}[..., :H]", f"{output}[..., H:]") if sequences else ("h_n[0]", "h_n[1]")
    merged = {
        MergeMode.CONCAT: output if sequences else "concat(h_n[0], h_n[1])",
        MergeMode.SUM: f"{halves[0]} + {halves[1]}",
        MergeMode.MUL: f"{halves[0]} * {halves[1]}",
        MergeMode.AVE: f"({halves[0]} + {halves[1]}) / 2",
    }
    found = []
    for name in keras_names:
        index = 1 if name.startswith("backward_") else 0
        role = name.removeprefix("forward_").removeprefix("backward_")
        if role in ("state", "state_h"):
            found.append((name, f"h_n[{index}]"))
        elif role == "state_c":
            found.append((name, f"c_n[{index}]"))
        elif name != "output":  # forward_output / backward_output: merge_mode=None
            found.append((name, halves[index]))
        elif isinstance(keras, BidirectionalConfig) and keras.merge_mode is not None:
            found.append((name, merged[keras.merge_mode]))
        else:
            found.append((name, output if sequences else last))
    return found


def expression(layer: KerasLayer | TorchConfig) -> str:
    """A config written as code: the arguments given, the leading ones by position.

    Example:
        >>> expression(TorchLSTMConfig(input_size=64, hidden_size=32, batch_first=True))
        'nn.LSTM(64, 32, batch_first=True)'
    """
    if isinstance(layer, BidirectionalConfig):
        mode = "None" if layer.merge_mode is None else repr(layer.merge_mode.value)
        return f"Bidirectional({expression(recurrent(layer))}, merge_mode={mode})"
    given = layer.model_dump(include=layer.model_fields_set)
    lead = ("input_size", "hidden_size") if isinstance(layer, TorchConfig) else ("units",)
    args = [str(given.pop(k)) for k in lead] + [f"{k}={v!r}" for k, v in given.items()]
    prefix = "nn." if isinstance(layer, TorchConfig) else ""
    return f"{prefix}{layer.class_name()}({', '.join(args)})"


def comparison(
    config: AnyLayer, resolved: ResolvedInput, keras: KerasVersion, warnings: list[str]
) -> CompareReport:
    """One layer in Keras and in PyTorch side by side: shapes, parameters and weight mapping."""
    rules.check_input(config, resolved.shape, resolved.given, keras)
    k_config, k_input, t_config, t_input = sides(config, resolved)
    keras_report = analysis.analyze(k_config, k_input, keras, warnings)
    torch_report = analysis.analyze(t_config, t_input, keras)
    blocking, why = differences(k_config)
    inner = recurrent(k_config)
    return CompareReport(
        keras_expression=expression(k_config),
        torch_expression=expression(t_config),
        keras=keras_report,
        torch=torch_report,
        params_difference=torch_report.params - keras_report.params,
        exact=not blocking,
        differences=why,
        outputs=[
            OutputMapping(keras=k, torch=t)
            for k, t in output_map(
                keras_report.output_names, k_config, t_config, len(t_input.shape)
            )
        ],
        weights=[
            WeightMapping(keras=k, torch=t, how=h)
            for k, t, h in weight_map(
                [w.name for w in keras_report.weights],
                inner.family,
                inner.bias_copies,
            )
        ],
    )
