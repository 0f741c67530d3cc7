"""What `rnncalc model` reports for a PyTorch model: every module, and the totals."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from rnncalc.report import Shown, _Report


class TorchModuleReport(_Report):
    """One entry of `model.named_modules()`."""

    name: str = Field(description='Its dotted name; `""` is the model itself.')
    class_name: str = Field(description="Its class, as `print(model)` names it.")
    params: int = Field(
        description="Parameters with its submodules' (`sum(p.numel() for p in m.parameters())`"
        ", a shared tensor once)."
    )
    own_params: int = Field(
        description="Its own parameters (`m.parameters(recurse=False)`). `print(model)` never "
        "shows a user class's `nn.Parameter` attributes: from a tree they count 0, and "
        "`warnings` says so."
    )
    trainable_params: int = Field(description="`params` that require grad.")
    input_shapes: list[Any] | None = Field(
        description="The shape of each tensor its first call in `forward` takes; null "
        "without `--input-shape`, or where rnncalc could not follow `forward` to it."
    )
    output_shapes: Any | None = Field(
        description="What that call returns, nested as it returns it: `[4, 5]` for one "
        "tensor, `[[16, 40, 256], [1, 16, 256]]` for a GRU's `(output, h_n)`."
    )


class TorchParameterReport(_Report):
    """One entry of `model.named_parameters()`."""

    name: str = Field(description="Its dotted name: `lstm.weight_ih_l0`.")
    shape: tuple[int, ...] = Field(description="Its shape.")
    trainable: bool = Field(description="`requires_grad`.")


class TorchConstructorReport(_Report):
    """A module of a saved state_dict, as the call that makes its parameters."""

    name: str = Field(description="The module's dotted name in the state_dict.")
    expression: str = Field(
        description="The constructor call that makes exactly its saved parameters, to paste "
        "back: `nn.LSTM(64, 128, num_layers=2, bidirectional=True)`."
    )
    unknown: str = Field(
        description="The arguments the weights do not say (`batch_first`, `nonlinearity (tanh "
        "or relu)`); empty when none."
    )
    alternatives: str = Field(
        description="Other calls that make the same parameters (`nn.Embedding(50, 8)` beside "
        "`nn.Linear(8, 50, bias=False)`); empty when none."
    )


class TorchModelReport(Shown):
    """A whole PyTorch model: `rnncalc model --framework torch --json`."""

    source: str = Field(description="The file (or `-`) the model was read from.")
    format: str = Field(
        description="What the file was: `tree` (the text `print(model)` writes), `code` (the "
        "module's Python code, read without running it), `pt` (a `torch.save`d `state_dict`) "
        "or `safetensors`."
    )
    framework: Literal["torch"] = Field("torch", description='Always `"torch"`.')
    model_class: str = Field(description="The model's class: `LSTMModel`, `Sequential`.")
    modules: list[TorchModuleReport] = Field(description="Each module, in `named_modules()` order.")
    parameters: list[TorchParameterReport] = Field(
        description="Each distinct parameter, in `named_parameters()` order (empty for a tree, "
        "whose user classes hide theirs)."
    )
    total_params: int = Field(
        description="`sum(p.numel() for p in model.parameters())`: a tied tensor once."
    )
    trainable_params: int = Field(description="The part of `total_params` that requires grad.")
    output_shapes: Any | None = Field(
        description="What `forward` returns, nested as it returns it; null without "
        "`--input-shape` or where rnncalc could not follow `forward`."
    )
    constructors: list[TorchConstructorReport] = Field(
        default_factory=list,
        description="For a saved state_dict: each module's class and arguments, inferred from "
        "its tensors' names and shapes (empty for code and trees).",
    )
    warnings: list[str] = Field(description="What rnncalc could not see or follow, and why.")
