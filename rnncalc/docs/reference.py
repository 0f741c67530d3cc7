"""Reference pages in Markdown, one per layer and language, from the calculator's own models."""

from __future__ import annotations

import json
from enum import Enum
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args, get_origin

from pydantic import BaseModel
from tabulate import tabulate

from rnncalc import api
from rnncalc.calc.plan import Plan, axes, plan
from rnncalc.calc.torch_modules import SIGNATURES
from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import InputArgs, Shape, shape_text
from rnncalc.config.keras import snake_case, version_default
from rnncalc.config.torch import TORCH, TorchConfig
from rnncalc.docs.code import keras_example, returning_everything, torch_example
from rnncalc.docs.equations import equations, mathml
from rnncalc.docs.figures import cell as draw_cell
from rnncalc.docs.figures import flow, tensors
from rnncalc.docs.words import CALL, fullwidth, translate, word
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _, speaking
from rnncalc.parse.construct import KERAS
from rnncalc.parse.inputs import resolve


class Example(NamedTuple):
    """The worked example of a page: an expression and the full input it runs on."""

    expression: str
    shape: Shape
    framework: str | None = None


DENSE = (16, 10, 64)
# Where every argument is defined first: searching an argument's name finds these pages
# before the guides that mention it, and LSTM's, the layer people ask about most, first of all.
SEARCH_BOOST = {"LSTM": 3, "GRU": 2, "SimpleRNN": 2}
EXAMPLES: dict[str, Example] = {
    "LSTM": Example("LSTM(32)", DENSE),  # the three layers people ask about: first
    "GRU": Example("GRU(32)", DENSE),
    "SimpleRNN": Example("SimpleRNN(32)", DENSE),
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
    """Every page: file name (with `.zh.md` for Chinese) → Markdown, and every figure (SVG)."""
    found: dict[str, str] = figures()
    for language in ("en", "zh"):
        suffix = ".md" if language == "en" else ".zh.md"
        with speaking(language):  # rnncalc's own words (errors, notes) in the page's language
            written = {slug(name): layer_page(name, language) for name in EXAMPLES}
            written |= {
                "index": index_page(language),
                "errors": errors_page(language),
                "cli": cli_page(language),
            }
        punctuated = fullwidth if language == "zh" else str
        found |= {page + suffix: punctuated(text) for page, text in written.items()}
    return found


def index_page(language: str) -> str:
    rows = []
    for name in EXAMPLES:
        described = translate((_class(name).__doc__ or "").strip(), language)
        rows.append((f"[{title(name)}]({slug(name)}.md)", described))
    table = tabulate(
        rows, headers=[word("layer", language), word("description", language)], tablefmt="pipe"
    )
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
            parts += [
                f"{cause[0].upper()}{cause[1:]}{colon}",
                _run_console(mistake.args, language),
            ]
    return "\n\n".join(parts) + "\n"


def _run_console(args: tuple[str, ...], language: str) -> str:
    """A console block the tests run: the command and exactly what it prints, in the page's
    language (as a reader with that locale sees it)."""
    from typer.testing import CliRunner

    from rnncalc.cli import app  # the CLI itself prints the block's output

    result = CliRunner().invoke(app, list(args), env={"RNNCALC_LANG": language})
    line = " ".join(_quoted(a) for a in args)
    return f"```console\n$ rnncalc {line}\n{result.output}```"


def _quoted(argument: str) -> str:
    """As one types it in a shell: "LSTM(32)" in double quotes where it needs quotes."""
    import shlex

    if '"' in argument or "$" in argument or "`" in argument or "\\" in argument:
        return shlex.quote(argument)
    return f'"{argument}"' if set(argument) & set(" ()[]'{}*?;&|<>") else argument


def cli_page(language: str) -> str:
    """Every command and option of the `rnncalc` program, read from the program itself: a
    group's subcommands under it, defaults as they are typed."""
    import typer

    from rnncalc.cli import app

    parts = [f"# {word('cli_title', language)}", word("cli_intro", language)]
    commands = sorted(typer.main.get_command(app).commands.items())  # type: ignore[attr-defined]
    while commands:
        name, command = commands.pop(0)
        usage = translate(
            (command.help or "").strip().split("\n\n")[0].replace("\n", " "), language
        )
        parts += [f"## `rnncalc {name}`", usage]
        inner = getattr(command, "commands", {})
        commands[:0] = [(f"{name} {sub}", c) for sub, c in sorted(inner.items())]
        rows = [_option(param, language) for param in command.params]
        if rows:
            headers = [word("option", language), word("default", language), word("help", language)]
            parts.append(tabulate(rows, headers=headers, tablefmt="pipe"))
        elif inner:
            parts.append(
                word("cli_group", language) + ", ".join(f"`{name} {s}`" for s in sorted(inner))
            )
    return "\n\n".join(parts) + "\n"


def _option(param: Any, language: str) -> tuple[str, str, str]:
    """An option's flags, its default as one types it (`2`, not `KerasVersion.V2`), its help."""
    flags = ", ".join(f"`{o}`" for o in param.opts)
    default = param.default
    if isinstance(default, Enum):
        default = default.value
    shown = f"`{default}`" if default not in (None, False, ()) else ""
    return flags, shown, translate(getattr(param, "help", None) or "", language)


def _class(name: str) -> type[BaseModel]:
    return TORCH[name.removeprefix("torch-")] if name.startswith("torch-") else KERAS[name]


def layer_page(name: str, language: str) -> str:
    """One layer's page: links, equations, figures, a Python example, signature, arguments,
    calls, inputs, outputs, parameters, errors and the other framework's layer."""
    cls = _class(name)
    torch = name.startswith("torch-")
    example = EXAMPLES[name]
    parts = [
        f"# {title(name)}",
        translate((cls.__doc__ or "").strip(), language),
        *([word("cell_note", language)] if _is_cell(cls) else []),
        _links(name, language),
        f"## {word('equations', language)}",
        word("equations_torch" if torch else "equations_keras", language),
        "\n\n".join(mathml(line) for line in equations(_plan(example))),
        f"## {word('figures', language)}",
        _figures(name, language),
        f"## {word('example', language)}",
        word("example_intro", language),
        "```python\n" + _python(name) + "```",
        f"## {word('signature', language)}",
        _signature(name, cls, language),
        f"## {word('arguments', language)}",
        word("arguments_torch" if torch else "arguments_intro", language),
        f'<div class="arguments {"torch" if torch else "keras"}" markdown>\n\n'
        + _arguments(name, cls, language)
        + "\n\n</div>",
        f"## {word('call', language)}",
        _call_arguments(cls, language),
    ]
    if not torch:
        parts += [
            f"## {word('inputs', language)}",
            word("inputs_intro", language),
            _input_forms(example, language),
        ]
    parts += [
        f"## {word('outputs', language)}",
        f"{word('outputs_intro', language)} `{example.expression}`, {shape_text(example.shape)}.",
        _console("table", example, language),
        f"## {word('params', language)}",
        word("params_intro", language),
        _console("summary", example, language),
    ]
    mistakes = _mistakes(name)
    if mistakes:
        parts += [f"## {word('errors', language)}", word("errors_intro", language), mistakes]
    parts += [f"## {word('equivalent', language)}", _equivalent(name, example, language)]
    boost = SEARCH_BOOST.get(name)
    head = f"---\nsearch:\n  boost: {boost}\n---\n\n" if boost else ""
    return head + "\n\n".join(p for p in parts if p) + "\n"


def title(name: str) -> str:
    return f"nn.{name.removeprefix('torch-')}" if name.startswith("torch-") else name


def _returning(example: Example) -> str:
    """The example's expression with every output returned (PyTorch's always are)."""
    return example.expression if example.framework else returning_everything(example.expression)


def _plan(example: Example, everything: bool = False) -> Plan:
    expression = _returning(example) if everything else example.expression
    config, _inputs = api.parse_layer(expression, framework=example.framework)
    return plan(config, example.shape, KerasVersion.V2)


def counterparts(name: str) -> list[str]:
    """The other framework's classes of the same families: PyTorch's module, or its cell for
    each cell of a Keras cell's page (none for ConvLSTM: PyTorch has none); Keras's layer for a
    PyTorch module."""
    cells = _plan(EXAMPLES[name]).cells
    if name.startswith("torch-"):
        return [cells[0].family.name]
    if cells[0].positions > 1:
        return []
    suffix = "Cell" if _is_cell(_class(name)) else ""
    return list(dict.fromkeys(f"nn.{cell.family.torch_name}{suffix}" for cell in cells))


def related(name: str) -> list[str]:
    """The same framework's pages of the families a layer runs: each family's layer and cell,
    and what runs a cell over time (RNN) or in both directions (Bidirectional)."""
    if name.startswith("torch-"):
        return []
    found = []
    for cell in _plan(EXAMPLES[name]).cells:
        family = cell.family.name
        spatial = [f"ConvLSTM{rank}D" for rank in (1, 2, 3)]  # its convolutions' ranks
        found += [family, f"{family}Cell"] if cell.positions == 1 else [family, *spatial]
    found += ["RNN", "StackedRNNCells"] if _is_cell(_class(name)) else ["Bidirectional"]
    return [n for n in dict.fromkeys(found) if n != name]


def _links(name: str, language: str) -> str:
    """Where to read more: the explanation pages, the other framework's class, upstream."""
    torch = name.startswith("torch-")
    learn = ["inputs", "returns", "parameters", "time-major", "stateful"]
    learn += ["keras-pytorch"] if torch else ["keras-versions", "keras-pytorch"]
    explained = "、".join if language == "zh" else ", ".join
    found = [
        word("see_also", language)
        + explained(f"[{word('learn_' + page, language)}](../learn/{page}.md)" for page in learn)
    ]
    pages = {title(n): f"{slug(n)}.md" for n in EXAMPLES}
    near = [f"[{n}]({pages[n]})" for n in related(name) if n in pages]
    if near:
        found.append(word("related", language) + explained(near))
    others = [f"[`{c}`]({pages.get(c) or _upstream(c)})" for c in counterparts(name)]
    if others:
        found.append(word("counterpart", language) + explained(others))
    found.append(word("upstream", language) + f"[{_upstream_site(name)}]({_upstream(title(name))})")
    return "\n".join(f"- {line}" for line in found)


def _upstream_site(name: str) -> str:
    return "pytorch.org" if name.startswith("torch-") else "keras.io"


def _upstream(shown: str) -> str:
    """The framework's own page of a class."""
    if shown.startswith("nn."):
        return f"https://pytorch.org/docs/stable/generated/torch.{shown}.html"
    if shown.startswith("CuDNN"):
        return f"https://www.tensorflow.org/api_docs/python/tf/compat/v1/keras/layers/{shown}"
    page = "stacked_rnn_cell" if shown == "StackedRNNCells" else snake_case(shown)
    return f"https://keras.io/api/layers/recurrent_layers/{page}/"


def figures() -> dict[str, str]:
    """Every figure: each family's cell in each framework's words, each page's data flow, and
    the tensors each return option gives (the returns page's pictures)."""
    found = {}
    for name, example in EXAMPLES.items():
        cell = _plan(example).cells[0]
        found[_cell_file(name)] = draw_cell(
            cell.family,
            f"{title(name)}: one timestep",
            torch=name.startswith("torch-"),
            width="filters, per position" if cell.positions > 1 else "units wide",
        )
        report = api.summary(
            _returning(example), batch_input_shape=example.shape, framework=example.framework
        )
        found[f"{slug(name)}.flow.svg"] = flow(
            _plan(example, everything=True),
            f"{title(name)}: data flow",
            report.output_names,
            report.output_shapes,
        )
    found.update(_returns_figures())
    return found


def _cell_file(name: str) -> str:
    """The file of a page's cell figure: one per family in each framework's words."""
    cell = _plan(EXAMPLES[name]).cells[0]
    if cell.positions > 1:
        return "cell-convlstm.svg"
    return f"cell-{'torch-' if name.startswith('torch-') else ''}{cell.family.name.lower()}.svg"


RETURNS = Example("LSTM(32)", DENSE)


def _returns_figures() -> dict[str, str]:
    found = {}
    for sequences, states, major in product((False, True), repeat=3):
        flags = dict(return_sequences=sequences, return_state=states, time_major=major)
        expression = "LSTM(32, " + ", ".join(f"{k}={v}" for k, v in flags.items()) + ")"
        report = api.summary(expression, batch_input_shape=RETURNS.shape)
        config, _inputs = api.parse_layer(expression)
        meaning = axes(config)
        items = [("input", RETURNS.shape, meaning)]
        for output, shape in zip(report.output_names, report.output_shapes, strict=True):
            units = (*meaning[:2], "units") if len(shape) == 3 else ("batch", "units")
            items.append((output, shape, units))
        key = "".join(str(int(f)) for f in (sequences, states, major))
        found[f"returns-{key}.svg"] = tensors(expression, items)
    return found


def _figures(name: str, language: str) -> str:
    return "\n\n".join(
        [
            f"![{word('figure_cell', language)}]({_cell_file(name)})",
            word("figure_cell_caption", language),
            f"![{word('figure_flow', language)}]({slug(name)}.flow.svg)",
            word("figure_flow_caption", language),
        ]
    )


def _python(name: str) -> str:
    """The page's example, keras.io's or pytorch.org's way, with rnncalc's shapes."""
    example = EXAMPLES[name]
    if example.framework:
        return torch_example(example.expression, example.shape, name.removeprefix("torch-"))
    expression = _returning(example)
    report = api.summary(expression, batch_input_shape=example.shape)
    return keras_example(expression, example.shape, report.output_names)


def _is_cell(cls: type[BaseModel]) -> bool:
    return cls.__name__.endswith("CellConfig") or cls.__name__.endswith("CellsConfig")


def torch_signature(name: str) -> list[tuple[str, str | None]]:
    """A PyTorch module's constructor as torch 2.13 declares it: (argument, default or None),
    with the `device` and `dtype` every module with parameters takes."""
    found: list[tuple[str, str | None]] = []
    for part in SIGNATURES[name.removeprefix("torch-")].split(", "):
        argument, _equals, default = part.partition("=")
        found.append((argument, default or None))
    return [*found, ("device", "None"), ("dtype", "None")]


def _signature(name: str, cls: type[BaseModel], language: str) -> str:
    if name.startswith("torch-"):
        args = [a if d is None else f"{a}={d}" for a, d in torch_signature(name)]
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
    return (intro + "\n\n" if intro else "") + body + "    **kwargs,\n)\n```"


def _value(value: Any) -> str:
    return repr(getattr(value, "value", value))


LEARN = {  # the explanation page of an argument
    **dict.fromkeys(("units", "use_bias", "reset_after", "hidden_size", "bias"), "parameters"),
    **dict.fromkeys(("return_sequences", "return_state"), "returns"),
    **dict.fromkeys(("time_major", "batch_first"), "time-major"),
    **dict.fromkeys(("stateful",), "stateful"),
    **dict.fromkeys(InputArgs.names(), "inputs"),
}


def _argument(name: str, page: str | None = None) -> str:
    """The argument's name, linked to the explanation page about it where there is one."""
    page = LEARN.get(name, page)
    return f"[`{name}`](../learn/{page}.md)" if page else f"`{name}`"


def _arguments(name: str, cls: type[BaseModel], language: str) -> str:
    if name.startswith("torch-"):
        fields = []
        for argument, default in torch_signature(name):
            info = cls.model_fields.get(argument)
            fields.append(
                (
                    _argument(argument),
                    _type(info.annotation) if info else "",
                    word("required", language) if default is None else f"`{default}`",
                    translate(info.description or "", language) if info else "",
                )
            )
        headers = [
            word("argument", language),
            word("type", language),
            word("default", language),
            word("description", language),
        ]
        return tabulate(fields, headers=headers, tablefmt="pipe")
    recorded = signatures()[name]
    defaults = {v: {a["name"]: a for a in args} for v, args in recorded.items()}
    names = [a["name"] for a in recorded.get("2", [])]
    names += [a["name"] for a in recorded.get("3", []) if a["name"] not in names]
    kwargs = [n for n in (*cls.model_fields, *InputArgs.model_fields) if n not in names]
    rows: list[tuple[str, ...]] = []
    for argument in [*names, *kwargs]:
        info = cls.model_fields.get(argument) or InputArgs.model_fields.get(argument)
        described = translate(info.description or "", language) if info else ""
        if argument in kwargs:
            described = f"{word('kwargs', language)} {described}"
        versions = [_default_in(argument, info, defaults.get(v), v, language) for v in "23"]
        # an argument only one Keras takes: the page on what changed between them
        other = "keras-versions" if "—" in versions and argument not in LEARN else None
        rows.append(
            (
                _argument(argument, other),
                _type(info.annotation) if info else "",
                *versions,
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


def _default_in(
    argument: str, info: Any, recorded: dict[str, Any] | None, version: str, language: str
) -> str:
    """An argument's default in one Keras version: as its signature records it, or, for one
    that comes through `**kwargs`, the config's, where that version takes it."""
    if recorded is None:
        return "—"
    if argument in recorded:
        return _recorded(recorded[argument], language)
    extra = info.json_schema_extra if info and isinstance(info.json_schema_extra, dict) else {}
    if version not in extra.get("keras", ["2", "3"]):
        return "—"
    return f"`{_value(version_default(info, KerasVersion(version)))}`"


def _recorded(argument: dict[str, Any], language: str) -> str:
    return word("required", language) if argument["required"] else f"`{argument['default']!r}`"


def _default(info: Any) -> str:
    return "—" if info.is_required() else f"`{_value(info.default)}`"


def _type(annotation: Any) -> str:
    """The argument's type, or the values it may take where they are a closed set."""
    if annotation is type(None):  # taken, and read for nothing: rnncalc works from shapes
        return "list of arrays, or `None`"
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
    colon = ": " if language == "en" else "："
    return "\n".join(f"- `{row[0]}`{colon}{row[index]}" for row in CALL[kind])


def input_forms(shape: Shape) -> list[tuple[str, dict[str, Any] | None]]:
    """Every way Keras 2 takes a layer's input shape, for one sample of `shape` (None: the
    Input layer, which gives the same full shape as batch_input_shape)."""
    one = shape[1:]
    forms: list[tuple[str, dict[str, Any] | None]] = [
        (f"input_shape={shape_text(one)}", {"input_shape": one}),
        (f"batch_input_shape={shape_text((32, *one))}", {"batch_input_shape": (32, *one)}),
    ]
    if len(one) == 2:  # the recurrent layers' own pair: a sequence of feature vectors
        forms.append(
            (
                f"input_dim={one[1]}, input_length={one[0]}",
                {"input_dim": one[1], "input_length": one[0]},
            )
        )
    forms += [
        (f"input_shape={shape_text(one)}, batch_size=32", {"input_shape": one, "batch_size": 32}),
        (f"keras.Input(shape={shape_text(one)}, batch_size=32)", None),
    ]
    return forms


def _input_forms(example: Example, language: str) -> str:
    rows = []
    for written, args in input_forms(example.shape):
        given = args or {"batch_input_shape": (32, *example.shape[1:])}
        resolved, _warnings = resolve(InputArgs(**given), KerasVersion.V2)
        assert resolved is not None
        rows.append((f"[`{written}`](../learn/inputs.md)", f"`{shape_text(resolved.shape)}`"))
    headers = [word("written", language), word("full_shape", language)]
    return tabulate(rows, headers=headers, tablefmt="pipe")


def _console(command: str, example: Example, language: str) -> str:
    shape = ",".join("None" if d is None else str(d) for d in example.shape)
    args = [command, example.expression, "--batch-input-shape", shape]
    if example.framework:
        args += ["--framework", example.framework]
    return _run_console(tuple(args), language)


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
            said = _("error: {message}").format(message=exc)  # as the program says it
            rows.append(f"- `{expression}`, {_given(options)}:\n\n  ```text\n  {said}\n  ```")
    return "\n\n".join(rows)


def _given(options: dict[str, Any]) -> str:
    return ", ".join(
        f"`{k}={shape_text(v) if isinstance(v, tuple) else v}`" for k, v in options.items()
    )


def _equivalent(name: str, example: Example, language: str) -> str:
    """The other framework's layer: `compare`'s mapping where it maps the layer, otherwise
    the counterpart of each cell the layer runs, with both parameter counts."""
    try:
        report = api.compare(
            example.expression, batch_input_shape=example.shape, framework=example.framework
        )
    except RnncalcError:
        return _counterparts(name, example, language)
    lines = [
        word("equivalent_intro", language),
        "",
        f"- Keras: `{report.keras_expression}` — {report.keras.params:,}",
        f"- PyTorch: `{report.torch_expression}` — {report.torch.params:,}",
        "",
        *(f"- {d}" for d in report.differences),
    ]
    return "\n".join(lines)


def _counterparts(name: str, example: Example, language: str) -> str:
    """Where `compare` maps no single layer: the counterpart of each stage (PyTorch's layers:
    a Keras layer each) or of each cell (a Keras layer's cells: PyTorch's cell modules)."""
    if not counterparts(name):
        return word("no_conv_counterpart", language)
    given = api.summary(
        example.expression, batch_input_shape=example.shape, framework=example.framework
    )
    own = "PyTorch" if example.framework else "Keras"
    intro = word("counterpart_stack" if example.framework else "counterpart_intro", language)
    lines = [intro, "", f"- {own}: `{example.expression}` — {given.params:,}"]
    found = []
    layout = _plan(example)
    for depth, stage in enumerate(layout.stages):
        cell = stage[0].cells[0]
        if example.framework:  # PyTorch's num_layers: Keras stacks one layer per stage
            last = depth == len(layout.stages) - 1
            inner = f"{cell.family.name}({cell.units}{'' if last else ', return_sequences=True'})"
            expression = f"Bidirectional({inner})" if len(stage) == 2 else inner
            shape = (*example.shape[:2][::-1], cell.channels)  # Keras: batch first
            found.append(("Keras", expression, api.summary(expression, batch_input_shape=shape)))
            continue
        cells = _is_cell(_class(name))  # a cell's page: PyTorch's cells; a layer's: its module
        for cell in stage[0].cells:
            module = f"nn.{cell.family.torch_name}{'Cell' if cells else ''}"
            expression = f"{module}({cell.channels}, {cell.units}"
            expression += ")" if cells else ", batch_first=True)"
            shape = (example.shape[0], cell.channels) if cells else example.shape
            found.append(
                (
                    "PyTorch",
                    expression,
                    api.summary(expression, batch_input_shape=shape, framework="torch"),
                )
            )
    lines += [f"- {who}: `{expression}` — {report.params:,}" for who, expression, report in found]
    if sum(report.params for *_who, report in found) != given.params:
        lines += ["", word("two_biases", language)]
    if not example.framework and found and found[0][1].split("(")[0].endswith("Cell"):
        lines += ["", word("cell_loop", language)]
    return "\n".join(lines)
