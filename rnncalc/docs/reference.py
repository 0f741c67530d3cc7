"""Reference pages in Markdown, one per layer and language, from the calculator's own models."""

from __future__ import annotations

import json
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args, get_origin

from pydantic import BaseModel
from tabulate import tabulate

from rnncalc import api
from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import InputArgs, Shape, shape_text
from rnncalc.config.torch import TORCH, TorchConfig
from rnncalc.docs.words import CALL, translate, word
from rnncalc.errors import RnncalcError
from rnncalc.parse.construct import KERAS
from rnncalc.parse.inputs import resolve


class Example(NamedTuple):
    """The worked example of a page: an expression and the full input it runs on."""

    expression: str
    shape: Shape
    framework: str | None = None


DENSE = (16, 10, 64)
EXAMPLES: dict[str, Example] = {
    "SimpleRNN": Example("SimpleRNN(32)", DENSE),
    "GRU": Example("GRU(32)", DENSE),
    "LSTM": Example("LSTM(32)", DENSE),
    "CuDNNGRU": Example("CuDNNGRU(32)", DENSE),
    "CuDNNLSTM": Example("CuDNNLSTM(32)", DENSE),
    "Bidirectional": Example("Bidirectional(LSTM(32))", DENSE),
    "RNN": Example("RNN(LSTMCell(32))", DENSE),
    "SimpleRNNCell": Example("RNN(SimpleRNNCell(32))", DENSE),
    "GRUCell": Example("RNN(GRUCell(32))", DENSE),
    "LSTMCell": Example("RNN(LSTMCell(32))", DENSE),
    "StackedRNNCells": Example("RNN(StackedRNNCells([GRUCell(32), LSTMCell(16)]))", DENSE),
    "ConvLSTM1D": Example("ConvLSTM1D(16, 3)", (8, 10, 32, 3)),
    "ConvLSTM2D": Example("ConvLSTM2D(16, 3)", (8, 10, 32, 32, 3)),
    "ConvLSTM3D": Example("ConvLSTM3D(8, 3)", (4, 10, 16, 16, 16, 3)),
    "torch-RNN": Example("nn.RNN(64, 32)", (10, 16, 64), "torch"),
    "torch-GRU": Example("nn.GRU(64, 32)", (10, 16, 64), "torch"),
    "torch-LSTM": Example("nn.LSTM(64, 32, num_layers=2)", (10, 16, 64), "torch"),
}
MISTAKES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "dense": [
        ("{name}(32)", {"input_shape": (1, 10, 64)}),
        ("{name}(32)", {"input_shape": (10, None)}),
        ("{name}(32, stateful=True)", {"input_shape": (10, 64)}),
        ("{name}(32, time_major=True)", {"input_shape": (10, 64), "keras": "3"}),
    ],
    "conv": [
        ("{name}(16, 3, unroll=True)", {"batch_input_shape": None}),
        ("{name}(16, 99)", {"batch_input_shape": None}),
    ],
    "torch": [
        ("nn.{name}(64, 32)", {"batch_input_shape": (10, 16, 63)}),
        ("nn.{name}(64, 32, dropout=1.5)", {"batch_input_shape": (10, 16, 64)}),
    ],
}


@cache
def signatures() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Keras's constructor signatures, recorded from tf-keras 2.21 and Keras 3.15."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = json.loads(
        Path(__file__).with_name("signatures.json").read_text()
    )
    return found


def slug(name: str) -> str:
    """The page's file name: `lstm`, `torch-lstm`."""
    return name.lower()


def pages() -> dict[str, str]:
    """Every page: file name (with `.zh.md` for Chinese) → Markdown."""
    found: dict[str, str] = {}
    for language in ("en", "zh"):
        suffix = ".md" if language == "en" else ".zh.md"
        for name in EXAMPLES:
            found[slug(name) + suffix] = layer_page(name, language)
        found["index" + suffix] = index_page(language)
        found["errors" + suffix] = errors_page(language)
        found["cli" + suffix] = cli_page(language)
    return found


def index_page(language: str) -> str:
    rows = []
    for name in EXAMPLES:
        cls = _class(name)
        title = f"nn.{name.removeprefix('torch-')}" if name.startswith("torch-") else name
        rows.append(
            (f"[{title}]({slug(name)}.md)", translate((cls.__doc__ or "").strip(), language))
        )
    table = tabulate(rows, headers=["", word("description", language)], tablefmt="pipe")
    return f"# {word('index_title', language)}\n\n{word('index_intro', language)}\n\n{table}\n"


def errors_page(language: str) -> str:
    """Every kind of mistake with what causes it and rnncalc's words, run to write the page."""
    from rnncalc.docs.errors import SECTIONS

    parts = [f"# {word('errors_title', language)}", word("errors_page_intro", language)]
    for english, chinese, mistakes in SECTIONS.values():
        parts.append(f"## {english if language == 'en' else chinese}")
        for mistake in mistakes:
            cause = mistake.en if language == "en" else mistake.zh
            colon = ":" if language == "en" else "："
            parts += [f"{cause[0].upper()}{cause[1:]}{colon}", _run_console(mistake.args)]
    return "\n\n".join(parts) + "\n"


def _run_console(args: tuple[str, ...]) -> str:
    import shlex

    from typer.testing import CliRunner

    from rnncalc.cli import app

    result = CliRunner().invoke(app, list(args))
    return f"```console\n$ rnncalc {shlex.join(args)}\n{result.output}```"


def cli_page(language: str) -> str:
    """Every command and option of the `rnncalc` program, read from the program itself."""
    import typer

    from rnncalc.cli import app

    group = typer.main.get_command(app)
    parts = [f"# {word('cli_title', language)}", word("cli_intro", language)]
    for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
        rows = []
        for param in command.params:
            flags = ", ".join(f"`{o}`" for o in param.opts)
            help_text = getattr(param, "help", None) or ""
            default = param.default if param.default not in (None, False, ()) else ""
            rows.append((flags, f"`{default}`" if default != "" else "", help_text))
        usage = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
        table = tabulate(
            rows,
            headers=[word("option", language), word("default", language), word("help", language)],
            tablefmt="pipe",
        )
        parts += [f"## `rnncalc {name}`", usage, table]
    return "\n\n".join(parts) + "\n"


def _class(name: str) -> type[BaseModel]:
    return TORCH[name.removeprefix("torch-")] if name.startswith("torch-") else KERAS[name]


def layer_page(name: str, language: str) -> str:
    """One layer's page: signature, arguments, calls, inputs, outputs, parameters, errors."""
    cls = _class(name)
    torch = name.startswith("torch-")
    title = f"nn.{name.removeprefix('torch-')}" if torch else name
    example = EXAMPLES[name]
    report = api.summary(
        example.expression, batch_input_shape=example.shape, framework=example.framework
    )
    parts = [
        f"# {title}",
        translate((cls.__doc__ or "").strip(), language),
        *([word("cell_note", language)] if _is_cell(cls) else []),
        f"## {word('signature', language)}",
        _signature(name, cls, language),
        f"## {word('arguments', language)}",
        word("arguments_intro", language),
        _arguments(name, cls, language),
        f"## {word('call', language)}",
        _call_arguments(cls, language),
    ]
    if not torch:
        parts += [f"## {word('inputs', language)}", word("inputs_intro", language), _input_forms()]
    parts += [
        f"## {word('diagram', language)}",
        _diagram(report),
        f"## {word('outputs', language)}",
        f"{word('outputs_intro', language)} `{example.expression}`, {shape_text(example.shape)}.",
        _console("table", example),
        f"## {word('params', language)}",
        word("params_intro", language),
        _console("summary", example),
    ]
    mistakes = _mistakes(name)
    if mistakes:
        parts += [f"## {word('errors', language)}", word("errors_intro", language), mistakes]
    parts += [f"## {word('equivalent', language)}", _equivalent(example, language)]
    return "\n\n".join(p for p in parts if p) + "\n"


def _is_cell(cls: type[BaseModel]) -> bool:
    return cls.__name__.endswith("CellConfig") or cls.__name__.endswith("CellsConfig")


def _signature(name: str, cls: type[BaseModel], language: str) -> str:
    if name.startswith("torch-"):
        fields = [(n, i) for n, i in cls.model_fields.items()]
        args = [n if i.is_required() else f"{n}={_value(i.default)}" for n, i in fields]
        head = f"torch.nn.{name.removeprefix('torch-')}("
        return "```python\n" + head + "\n" + "".join(f"    {a},\n" for a in args) + ")\n```"
    recorded = signatures()[name]
    version = "2" if "2" in recorded else "3"
    args = [
        a["name"] if a["required"] else f"{a['name']}={_value(a['default'])}"
        for a in recorded[version]
    ]
    intro = word("signature_intro", language) if version == "2" else ""
    body = "```python\nkeras.layers." + name + "(\n" + "".join(f"    {a},\n" for a in args)
    return (intro + "\n\n" if intro else "") + body + ")\n```"


def _value(value: Any) -> str:
    return repr(getattr(value, "value", value))


def _arguments(name: str, cls: type[BaseModel], language: str) -> str:
    if name.startswith("torch-"):
        fields = [
            (f"`{n}`", _type(i.annotation), _default(i), translate(i.description or "", language))
            for n, i in cls.model_fields.items()
        ]
        headers = [
            word("argument", language),
            word("type", language),
            word("default", language),
            word("description", language),
        ]
        return tabulate(fields, headers=headers, tablefmt="pipe")
    recorded = signatures()[name]
    names = [a["name"] for a in recorded.get("2", [])]
    names += [a["name"] for a in recorded.get("3", []) if a["name"] not in names]
    defaults = {v: {a["name"]: a for a in args} for v, args in recorded.items()}
    rows: list[tuple[str, ...]] = []
    for argument in names:
        info = cls.model_fields.get(argument) or InputArgs.model_fields.get(argument)
        described = translate(info.description or "", language) if info else ""
        rows.append(
            (
                f"`{argument}`",
                _type(info.annotation) if info else "",
                *(_recorded(defaults.get(v, {}).get(argument), language) for v in ("2", "3")),
                described,
            )
        )
    headers = [
        word("argument", language),
        word("type", language),
        word("default_k2", language),
        word("default_k3", language),
        word("description", language),
    ]
    return tabulate(rows, headers=headers, tablefmt="pipe")


def _recorded(argument: dict[str, Any] | None, language: str) -> str:
    if argument is None:
        return "—"
    return word("required", language) if argument["required"] else f"`{argument['default']!r}`"


def _default(info: Any) -> str:
    return "—" if info.is_required() else f"`{_value(info.default)}`"


def _type(annotation: Any) -> str:
    """The argument's type, or the values it may take where they are a closed set."""
    allowed = _allowed(annotation)
    if allowed is not None:
        return ", ".join(f"`{v!r}`" for v in allowed)
    text = str(annotation).replace("typing.", "").replace("rnncalc.config.enums.", "")
    text = text.replace("<class '", "").replace("'>", "").replace(" | ", " or ")
    return f"`{text}`" if len(text) < 40 else "object"


def _allowed(annotation: Any) -> list[Any] | None:
    """The closed set of values of an enum, a Literal, or a union with one (None included)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [member.value for member in annotation]
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    found: list[Any] = []
    for part in get_args(annotation):
        known: dict[Any, list[Any]] = {type(None): [None], bool: [True, False]}
        values = known.get(part) or _allowed(part)
        if values is None:
            return None  # an open type (int, str, ...): show the type
        found += values
    return found or None


def _call_arguments(cls: type[BaseModel], language: str) -> str:
    kind = "sequence"
    if issubclass(cls, TorchConfig):
        kind = "torch"
    elif _is_cell(cls):
        kind = "cell"
    index = 1 if language == "en" else 2
    return "\n".join(f"- `{row[0]}`: {row[index]}" for row in CALL[kind])


def _input_forms() -> str:
    forms: list[tuple[str, dict[str, Any] | None]] = [
        ("input_shape=(10, 64)", {"input_shape": (10, 64)}),
        ("batch_input_shape=(32, 10, 64)", {"batch_input_shape": (32, 10, 64)}),
        ("input_dim=64, input_length=10", {"input_dim": 64, "input_length": 10}),
        ("input_shape=(10, 64), batch_size=32", {"input_shape": (10, 64), "batch_size": 32}),
        ("keras.Input(shape=(10, 64), batch_size=32)", None),
    ]
    rows = []
    for written, args in forms:
        if args is None:
            rows.append((f"`{written}`", "`(32, 10, 64)`"))
            continue
        resolved, _ = resolve(InputArgs(**args), KerasVersion.V2)
        assert resolved is not None
        rows.append((f"`{written}`", f"`{shape_text(resolved.shape)}`"))
    return tabulate(rows, headers=["", ""], tablefmt="pipe")


def _diagram(report: Any) -> str:
    lines = ["```mermaid", "flowchart LR"]
    lines.append(f'    input["input {shape_text(report.input_shape)}"] --> layer["{report.layer}"]')
    for i, (name, shape) in enumerate(zip(report.output_names, report.output_shapes, strict=True)):
        lines.append(f'    layer --> out{i}["{name} {shape_text(shape)}"]')
    return "\n".join([*lines, "```"])


def _console(command: str, example: Example) -> str:
    """A console block the tests run: the command and exactly what it prints."""
    from typer.testing import CliRunner

    from rnncalc.cli import app  # the CLI itself prints the block's output

    shape = ",".join("None" if d is None else str(d) for d in example.shape)
    args = [command, example.expression, "--batch-input-shape", shape]
    if example.framework:
        args += ["--framework", example.framework]
    result = CliRunner().invoke(app, args)
    quoted = f'"{example.expression}"'
    line = f"$ rnncalc {command} {quoted} --batch-input-shape {shape}"
    line += f" --framework {example.framework}" if example.framework else ""
    return f"```console\n{line}\n{result.output}```"


def _mistakes(name: str) -> str:
    kind = (
        "torch"
        if name.startswith("torch-")
        else "conv"
        if name.startswith("ConvLSTM")
        else ("dense" if name in ("SimpleRNN", "GRU", "LSTM") else "")
    )
    if not kind:
        return ""
    short = name.removeprefix("torch-")
    rows = []
    for template, options in MISTAKES[kind]:
        expression = template.format(name=short)
        options = dict(options)
        if "batch_input_shape" in options and options["batch_input_shape"] is None:
            options["batch_input_shape"] = EXAMPLES[name].shape
        try:
            api.summary(expression, **options)
        except RnncalcError as exc:
            rows.append(f"- `{expression}`, {_given(options)}:\n\n  ```text\n  error: {exc}\n  ```")
    return "\n\n".join(rows)


def _given(options: dict[str, Any]) -> str:
    return ", ".join(
        f"`{k}={shape_text(v) if isinstance(v, tuple) else v}`" for k, v in options.items()
    )


def _equivalent(example: Example, language: str) -> str:
    try:
        report = api.compare(
            example.expression, batch_input_shape=example.shape, framework=example.framework
        )
    except RnncalcError:
        return word("no_equivalent", language)
    lines = [
        word("equivalent_intro", language),
        "",
        f"- Keras: `{report.keras_expression}` — {report.keras.params:,}",
        f"- PyTorch: `{report.torch_expression}` — {report.torch.params:,}",
        "",
        *(f"- {d}" for d in report.differences),
    ]
    return "\n".join(lines)
