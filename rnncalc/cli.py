"""The `rnncalc` command: parse, calculate, render, print. No maths here."""

# No `from __future__ import annotations` here: typer reads every command's annotations at
# each start, and evaluated ones are read in a third of the time of strings (benchmarks/startup.py).

import contextlib
import errno
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel
from typer.core import TyperGroup

from rnncalc import api, render
from rnncalc.calc import analysis
from rnncalc.config.enums import DType, Framework, KerasVersion, Optimizer
from rnncalc.config.inputs import Shape
from rnncalc.errors import RnncalcError, as_error, system_reason
from rnncalc.i18n import Language, _, chosen, set_language, speaking
from rnncalc.parse.expressions import parse_shape

if TYPE_CHECKING:  # loaded with `rnncalc memory`
    from rnncalc.report.plans import MemoryPlanReport


class _Commands(TyperGroup):
    """rnncalc's commands: a usage error (an unknown option, a value that is not a number, a
    missing argument) is one `error: ... Fix: ...` line with exit code 2, like every other."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Each run reads the environment's language afresh; a --lang lasts for the run only.
        with speaking(chosen()):
            self._run(*args, **kwargs)

    def _run(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False  # errors come back here instead of being printed
        try:
            status = super().main(*args, **kwargs)
        except Exception as exc:
            # click's exceptions, by what they have: typer bundles its own copy of click
            if type(exc).__name__ == "NoArgsIsHelpError":  # `rnncalc` alone: its help
                _echo(exc.format_message())  # type: ignore[attr-defined]
                sys.exit(0)
            if type(exc).__name__ == "Abort":
                sys.exit(1)
            if not hasattr(exc, "format_message"):
                raise
            context = getattr(exc, "ctx", None)
            command = context.command_path if context is not None else "rnncalc"
            message = exc.format_message().replace("Value error, ", "")  # pydantic's prefix
            _error(str(RnncalcError(message, _("see `{command} --help`").format(command=command))))
            sys.exit(2)
        sys.exit(status if isinstance(status, int) else 0)


app = typer.Typer(
    cls=_Commands,
    help="Shapes, parameter counts and errors of Keras recurrent layers, without TensorFlow.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is plain: "rnncalc[exec]" is not markup
)


def _choose_language(lang: Language | None) -> None:
    """`--lang`, before the command or among its options: it applies before any other option
    is read (it is eager), so that even their errors speak it."""
    if lang is not None:  # given once, the command's own (absent) --lang keeps it
        set_language(lang)


Lang = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help="Language of tables, notes and errors (JSON stays English): en or zh. Default: "
        "RNNCALC_LANG, a zh_* locale, else en.",
        callback=_choose_language,
        expose_value=False,  # the commands never see it: the callback has applied it
        is_eager=True,
        show_default=False,
    ),
]


@app.callback()
def _program(lang: Lang = None) -> None:
    """Shapes, parameter counts and errors of Keras recurrent layers, without TensorFlow."""


R = TypeVar("R")
Report = TypeVar("Report", bound=BaseModel)

Expression = Annotated[
    str,
    typer.Argument(
        help='A layer as written in code, e.g. "LSTM(32, input_shape=(10, 64))".',
        show_default=False,
    ),
]
InputShape = Annotated[
    str | None,
    typer.Option(
        "--input-shape",
        help="One sample's shape, without the batch axis (as Keras's input_shape): "
        "10,64. None for an unknown axis.",
        show_default=False,
    ),
]
BatchSize = Annotated[
    int | None,
    typer.Option(
        "--batch-size", help="Batch size put in front of the input shape.", show_default=False
    ),
]
BatchInputShape = Annotated[
    str | None,
    typer.Option(
        "--batch-input-shape",
        help="The full input shape, batch axis first: 32,10,64.",
        show_default=False,
    ),
]
Keras = Annotated[KerasVersion, typer.Option("--keras", help="Whose rules: 2 (tf.keras) or 3.")]
FrameworkOption = Annotated[
    Framework | None,
    typer.Option(
        "--framework",
        help="keras or torch: whose layer a bare name such as LSTM(...) is. nn.LSTM(...) is "
        "always PyTorch's; the default is Keras.",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
Timesteps = Annotated[
    int | None,
    typer.Option(
        "--timesteps",
        help="Fills the time axis where the input shape leaves it open (None).",
        show_default=False,
    ),
]
DTypeOption = Annotated[
    DType, typer.Option("--dtype", help="Dtype or mixed policy for the memory estimate.")
]
OptimizerOption = Annotated[
    Optimizer, typer.Option("--optimizer", help="Optimizer whose state training memory counts.")
]
Format = Annotated[
    str,
    typer.Option(
        "--format", help="Table format, any of tabulate's: simple, github, grid, pipe, ..."
    ),
]


def handle(compute: Callable[[], R], show: Callable[[R], str], scripts: bool = False) -> None:
    """Print what `compute` gives, or the error and its fix on stderr with exit code 2.

    The one boundary: whatever fails inside becomes that one line (`RNNCALC_DEBUG=1` shows
    the traceback instead, for rnncalc's developers). Output for `scripts` (JSON, CSV) is
    English in any language: its values are a contract, as its keys are.
    """
    language = speaking(Language.EN) if scripts else contextlib.nullcontext()
    try:
        with warnings.catch_warnings(), language:
            # NumPy's overflow to inf is Keras's result too, and said in the numbers; a
            # library's notice is no line for the user.
            warnings.simplefilter("ignore")
            text = show(compute())
    except typer.Exit:
        raise
    except Exception as exc:
        if os.environ.get("RNNCALC_DEBUG"):
            raise
        error = as_error(exc)
        _fail(
            str(error)
            if error.hint
            else _("{message}. Fix: see `rnncalc --help`").format(message=error.message)
        )
    _echo(text)


def _echo(text: str, err: bool = False) -> None:
    """Print, with names that are not valid Unicode escaped; a closed or full output ends the
    command with exit code 2 and no traceback."""
    stream = sys.stderr if err else sys.stdout
    try:
        if stream is None:  # started with the descriptor closed
            raise OSError(errno.EBADF, "the output is closed")
        typer.echo(_printable(text), err=err)
        stream.flush()
    except OSError as exc:
        _drop(stream)
        if not err:
            _fail(_("cannot write the output ({reason})").format(reason=system_reason(exc)))
        raise typer.Exit(2) from None


def _printable(text: str) -> str:
    """Text as the terminal should get it: names that are not valid Unicode, and control
    characters from a file (a terminal's escape sequences), written as their escapes."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() or c in "\n\r\t" else repr(c)[1:-1] for c in text)


def _drop(stream: Any) -> None:
    """Point a stream that cannot be written at /dev/null, so that Python's exit does not
    fail on it again."""
    # A test's capture is no real file: nothing is flushed at exit, nothing to point.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        if stream is None:
            return
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _fail(message: str) -> NoReturn:
    _error(message)
    raise typer.Exit(2)


def _error(message: str) -> None:
    one_line = " ".join(message.splitlines())  # a name or a library's words may hold newlines
    _echo(_("error: {message}").format(message=one_line), err=True)


def _progress_bar(values: list[int]) -> Iterable[int]:
    """A progress bar on stderr for sweeps long enough to need one, when it is a terminal."""
    if len(values) < 5_000 or not sys.stderr.isatty():
        return values
    return _bar(values)


def _bar(values: list[int]) -> Iterator[int]:
    with typer.progressbar(values, label=_("sweeping"), file=sys.stderr) as bar:
        yield from bar


def _shape(text: str | None, option: str) -> Shape | None:
    return None if text is None else parse_shape(text, option)


def _layer_command(
    analyse: Callable[..., Report],
    as_text: Callable[[Report, str], str],
    expression: str,
    input_shape: str | None,
    batch_size: int | None,
    batch_input_shape: str | None,
    keras: KerasVersion,
    framework: Framework | None,
    json: bool,
    fmt: str,
    timesteps: int | None = None,
    **extra: Any,
) -> None:
    """`summary`, `table`, `compare`: the same inputs, a different analysis and rendering."""

    def compute() -> Report:
        return analyse(
            expression,
            input_shape=_shape(input_shape, "--input-shape"),
            batch_size=batch_size,
            batch_input_shape=_shape(batch_input_shape, "--batch-input-shape"),
            keras=keras,
            framework=framework,
            timesteps=timesteps,
            **extra,
        )

    def show(report: Report) -> str:
        return render.as_json(report) if json else as_text(report, render.check_format(fmt))

    handle(compute, show, scripts=json)


@app.command()
def summary(
    expression: Expression,
    input_shape: InputShape = None,
    batch_size: BatchSize = None,
    batch_input_shape: BatchInputShape = None,
    timesteps: Timesteps = None,
    keras: Keras = KerasVersion.V2,
    framework: FrameworkOption = None,
    dtype: DTypeOption = DType.FLOAT32,
    optimizer: OptimizerOption = Optimizer.ADAM,
    hx: Annotated[
        str | None,
        typer.Option(
            "--hx",
            help="PyTorch: the shape of h_0 given to forward (2,3,20), checked as "
            "RNNBase.forward checks it.",
            show_default=False,
        ),
    ] = None,
    cx: Annotated[
        str | None,
        typer.Option("--cx", help="PyTorch LSTM: the shape of c_0.", show_default=False),
    ] = None,
    initial_states: Annotated[
        list[str] | None,
        typer.Option(
            "--initial-state",
            help="Keras: the shape of one initial_state tensor, batch axis first (None,32); "
            "repeat it once per state, in the layer's order.",
            show_default=False,
        ),
    ] = None,
    json: Json = False,
    fmt: Format = "simple",
    lang: Lang = None,
) -> None:
    """What one layer returns, and its weights and parameters, as its framework reports them."""

    def analyse(layer: str, **options: Any) -> Any:
        if cx is not None and hx is None:
            raise RnncalcError(_("--cx without --hx"), _("give h_0 with --hx too"))
        if hx is not None and initial_states:
            raise RnncalcError(
                _("--hx with --initial-state"),
                _("--hx and --cx are PyTorch's, --initial-state Keras's"),
            )
        torch = [(s, o) for s, o in ((hx, "--hx"), (cx, "--cx")) if s is not None]
        given = torch or [(s, "--initial-state") for s in initial_states or []]
        states = [parse_shape(s, option) for s, option in given]
        return api.summary(layer, initial_state=states or None, **options)

    _layer_command(
        analyse,
        render.summary_text,
        expression,
        input_shape,
        batch_size,
        batch_input_shape,
        keras,
        framework,
        json,
        fmt,
        timesteps,
        dtype=dtype,
        optimizer=optimizer,
    )


@app.command()
def table(
    expression: Expression,
    input_shape: InputShape = None,
    batch_size: BatchSize = None,
    batch_input_shape: BatchInputShape = None,
    timesteps: Timesteps = None,
    keras: Keras = KerasVersion.V2,
    framework: FrameworkOption = None,
    json: Json = False,
    fmt: Format = "simple",
    lang: Lang = None,
) -> None:
    """Returned shapes for every combination of the settings that change them.

    Keras: return_sequences × return_state × time_major; Bidirectional: merge_mode ×
    return_sequences × return_state; PyTorch: batch_first × bidirectional.
    """
    del lang  # applied by its option, before the command runs
    _layer_command(api.table, render.table_text, **locals())


@app.command()
def compare(
    expression: Expression,
    input_shape: InputShape = None,
    batch_size: BatchSize = None,
    batch_input_shape: BatchInputShape = None,
    timesteps: Timesteps = None,
    keras: Keras = KerasVersion.V2,
    framework: FrameworkOption = None,
    json: Json = False,
    fmt: Format = "simple",
    lang: Lang = None,
) -> None:
    """One layer in Keras and in PyTorch side by side: shapes, parameters, weight mapping.

    Give a Keras SimpleRNN/GRU/LSTM (or a Bidirectional one) or an nn.RNN/GRU/LSTM; rnncalc
    builds the other with the same input.
    """
    del lang  # applied by its option, before the command runs
    _layer_command(api.compare, render.compare_text, **locals())


@app.command()
def memory(
    expression: Expression,
    input_shape: InputShape = None,
    batch_size: BatchSize = None,
    batch_input_shape: BatchInputShape = None,
    timesteps: Timesteps = None,
    keras: Keras = KerasVersion.V2,
    framework: FrameworkOption = None,
    dtype: DTypeOption = DType.FLOAT32,
    optimizer: OptimizerOption = Optimizer.ADAM,
    sweep: Annotated[
        str | None,
        typer.Option(
            "--sweep",
            help="Vary batch, timesteps or units: timesteps=100:2000:100 (stop included) or "
            "batch=1,8,32.",
            show_default=False,
        ),
    ] = None,
    fit: Annotated[
        str | None,
        typer.Option(
            "--fit",
            help="A memory budget (16GiB, 512MiB, 16GB): the largest size that fits.",
            show_default=False,
        ),
    ] = None,
    fit_over: Annotated[
        str, typer.Option("--fit-over", help="What --fit grows: batch, timesteps or units.")
    ] = "batch",
    plot: Annotated[
        str | None,
        typer.Option(
            "--plot",
            help="Draw the sweep into a .png or .svg file (needs rnncalc[plot]).",
            show_default=False,
        ),
    ] = None,
    json: Json = False,
    fmt: Format = "simple",
    lang: Lang = None,
) -> None:
    """Memory of one layer for training and inference, swept over a size or fitted to a budget."""

    def compute() -> "MemoryPlanReport":
        from rnncalc.calc.planning import memory_plan

        report = memory_plan(
            expression,
            input_shape=_shape(input_shape, "--input-shape"),
            batch_size=batch_size,
            batch_input_shape=_shape(batch_input_shape, "--batch-input-shape"),
            keras=keras,
            framework=framework,
            timesteps=timesteps,
            dtype=dtype,
            optimizer=optimizer,
            sweep=sweep,
            fit=fit,
            fit_over=fit_over,
            progress=_progress_bar,
        )
        if plot is not None:
            render.plot_sweep(report, plot)
        return report

    def show(report: "MemoryPlanReport") -> str:
        if json:
            return render.as_json(report)
        text = render.memory_text(report, render.check_format(fmt))
        return text + ("\n" + _("plot: {path}").format(path=plot) if plot else "")

    handle(compute, show, scripts=json)


@app.command()
def model(
    path: Annotated[
        str,
        typer.Argument(
            help="Model JSON (model.to_json()), a .keras archive, an .h5 file, Python code "
            "that builds the model (read, never run); for PyTorch, the text print(model) "
            "writes or a saved state_dict (.pt, .pth, .safetensors); - reads JSON, code or "
            "that text from standard input.",
            show_default=False,
        ),
    ],
    keras: Annotated[
        KerasVersion | None,
        typer.Option(
            "--keras",
            help="Whose rules: 2 or 3. By default, the Keras that wrote the file; Keras 2 for "
            "code.",
            show_default=False,
        ),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Code: a value for a name the code uses but never defines, NAME=VALUE with a "
            "Python literal (--set max_len=100); NAME.shape=1000,10,64 gives an array's shape. "
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    variables: Annotated[
        str | None,
        typer.Option(
            "--vars",
            help='Code: the free names as a JSON object, or a .json file: {"max_len": 100, '
            '"X_train": {"shape": [1000, 10, 64]}, "vocab": {"len": 5000}, "config": '
            '{"units": 32}}.',
            show_default=False,
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help='Code: which model: a name, a call of a function of the file ("build_model((60, '
            '1))"), or @N for the N-th model the top level creates. By default the last.',
            show_default=False,
        ),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            help="Fills the inputs' open batch axis, for MACs and memory.",
            show_default=False,
        ),
    ] = None,
    timesteps: Annotated[
        int | None,
        typer.Option(
            "--timesteps",
            help="Fills the inputs' open time axis (axis 1), for MACs and memory.",
            show_default=False,
        ),
    ] = None,
    framework: Annotated[
        Framework | None,
        typer.Option(
            "--framework",
            help="torch reads the file as a PyTorch model. By default, what the file is: "
            "print(model) text and code that imports torch are PyTorch's.",
            show_default=False,
        ),
    ] = None,
    input_shapes: Annotated[
        list[str] | None,
        typer.Option(
            "--input-shape",
            help="PyTorch: the shape of a tensor given to forward, batch axis first: 4,30,20. "
            "Repeat it for each input, in order.",
            show_default=False,
        ),
    ] = None,
    dtype: DTypeOption = DType.FLOAT32,
    optimizer: OptimizerOption = Optimizer.ADAM,
    json: Json = False,
    fmt: Format = "simple",
    lang: Lang = None,
) -> None:
    """Every layer of a Keras model with its output shapes and parameters, like
    model.summary(), without TensorFlow: from a saved file, or from the code that builds it.
    For PyTorch, every module with its parameters, as named_modules() lists them."""
    from rnncalc.calc.model import Sizes, model_summary
    from rnncalc.parse.code import given_variables

    handle(
        lambda: model_summary(
            path,
            keras,
            Sizes(batch_size, timesteps, dtype, optimizer),
            variables=given_variables(sets or [], variables),
            target=target,
            framework=framework,
            input_shapes=[parse_shape(s, "--input-shape") for s in input_shapes or []],
        ),
        lambda report: (
            render.as_json(report) if json else render.report_text(report, render.check_format(fmt))
        ),
        scripts=json,
    )


@app.command()
def sweep(
    expression: Expression,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="ARGUMENT=VALUES to vary, repeatable: units=64,128,256, num_layers=1:4 (stop "
            "included), merge_mode=concat,None.",
            show_default=False,
        ),
    ],
    input_shape: InputShape = None,
    batch_size: BatchSize = None,
    batch_input_shape: BatchInputShape = None,
    timesteps: Timesteps = None,
    keras: Keras = KerasVersion.V2,
    framework: FrameworkOption = None,
    json: Json = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object a line.")] = False,
    csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
    fmt: Format = "simple",
    lang: Lang = None,
) -> None:
    """The layer over every combination of some arguments (a grid): returned shapes,
    parameters, MACs and training memory, for model-planning scripts."""

    def compute() -> Any:
        from rnncalc.calc.planning import grid

        return grid(
            expression,
            list(vary),
            input_shape=_shape(input_shape, "--input-shape"),
            batch_size=batch_size,
            batch_input_shape=_shape(batch_input_shape, "--batch-input-shape"),
            keras=keras,
            framework=framework,
            timesteps=timesteps,
        )

    def show(report: Any) -> str:
        if json:
            return render.as_json(report)
        if jsonl:
            return render.grid_jsonl(report)
        if csv:
            return render.grid_csv(report)
        return render.grid_text(report, render.check_format(fmt))

    handle(compute, show, scripts=json or jsonl or csv)


@app.command()
def run(
    path: Annotated[str, typer.Argument(help="A .keras or .h5 model file.", show_default=False)],
    inputs: Annotated[
        list[str],
        typer.Option(
            "--input",
            help="An .npy array per model input, in order (repeat the option).",
            show_default=False,
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            help="Write the outputs to this .npz file (arr_0, arr_1, ...).",
            show_default=False,
        ),
    ] = None,
    lang: Lang = None,
) -> None:
    """Run a saved Keras model on arrays with NumPy (needs rnncalc[exec]), without TensorFlow."""

    def compute() -> list[Any]:
        from rnncalc.execute import io, run_model

        results = run_model(path, list(inputs))
        if output is not None:
            io.save_arrays(output, results)
        return results

    handle(compute, lambda results: render.run_text(results, output))


@app.command()
def check(
    expression: Expression,
    input_shape: InputShape = None,
    batch_size: BatchSize = None,
    batch_input_shape: BatchInputShape = None,
    keras: Keras = KerasVersion.V2,
    framework: FrameworkOption = None,
    every: Annotated[
        bool, typer.Option("--all", help="Check every combination `rnncalc table` shows.")
    ] = False,
    lang: Lang = None,
) -> None:
    """Run the layer with random weights (needs rnncalc[exec]) and confirm that every returned
    array has the shape rnncalc computes."""

    def compute() -> list[Any]:
        from rnncalc.execute.tools import check as run_check

        config, resolved, version, _ = analysis.question(
            expression,
            _shape(input_shape, "--input-shape"),
            batch_size,
            _shape(batch_input_shape, "--batch-input-shape"),
            keras,
            framework,
        )
        return run_check(config, resolved.shape, version, every)

    def show(checked: list[Any]) -> str:
        text = render.check_text(checked)
        if not all(row.agrees for row in checked):
            _echo(text)
            raise typer.Exit(1)  # a mismatch is a failure of rnncalc, not of the input
        return text

    handle(compute, show)


@app.command()
def convert(
    source: Annotated[
        str,
        typer.Argument(
            help='A layer as written in code, e.g. "LSTM(32)"; or a saved model (.keras, .h5, '
            "model JSON), whose layer --layer names.",
            show_default=False,
        ),
    ],
    output: Annotated[str, typer.Option("--output", help="The .npz to write the other layout to.")],
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help="The layer's weights: an .npz of Keras's get_weights() as arr_0, arr_1, ... or "
            "of PyTorch's state_dict by name; a saved state_dict (.pt, .pth, .safetensors); or "
            "a Keras file (.keras, .h5, .weights.h5). A saved model's own weights by default.",
            show_default=False,
        ),
    ] = None,
    layer: Annotated[
        str | None,
        typer.Option(
            "--layer",
            help="Which layer of a Keras file: its name (or the path an archive keeps it under, "
            "such as lstm_1); of a state_dict, the module's name (encoder). Needed where the "
            "file holds several.",
            show_default=False,
        ),
    ] = None,
    input_shape: InputShape = None,
    batch_input_shape: BatchInputShape = None,
    keras: Keras = KerasVersion.V2,
    framework: FrameworkOption = None,
    lang: Lang = None,
) -> None:
    """Convert a layer's weights between Keras and PyTorch (needs rnncalc[exec]), checked by
    running both layouts on one random input."""

    def compute() -> Any:
        from rnncalc.execute import io, tools

        if tools.is_model_file(source):
            converted = tools.convert_saved(source, weights, layer)
        elif weights is None:
            raise RnncalcError(
                _("no weights for {source}").format(source=source),
                _("give them with --weights FILE"),
            )
        else:
            shapes = (
                _shape(input_shape, "--input-shape"),
                _shape(batch_input_shape, "--batch-input-shape"),
            )
            converted = tools.convert_expression(source, weights, layer, *shapes, keras, framework)
        io.save_arrays(output, converted.weights)
        return converted

    handle(compute, lambda converted: render.convert_text(converted, output))


@app.command("args")
def arguments(
    layer: Annotated[
        str,
        typer.Argument(
            help="A class name: LSTM, Bidirectional, ConvLSTM2D, LSTMCell, nn.LSTM, ...",
            show_default=False,
        ),
    ],
    framework: FrameworkOption = None,
    fmt: Format = "simple",
    lang: Lang = None,
) -> None:
    """Every argument of a layer: default, which Keras accepts it, and what it does."""
    handle(
        lambda: api.config_class(layer, framework),
        lambda cls: render.arguments_text(cls, render.check_format(fmt)),
    )
