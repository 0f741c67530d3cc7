"""Hostile and garbage input: every command answers or refuses in one line with exit code 2,
never a traceback, a hang, a memory blow-up, or a write outside the path it was given."""

import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, run_cli

TEXT = st.text(max_size=60) | st.sampled_from(
    [
        "LSTM(",
        "nn.",
        "LSTM(1000000000000000000)",
        "GRU(NaN)",
        "LSTM(units=ü)",
        "LSTM（32）",
        "(" * 40 + ")" * 40,
        "Bidirectional(Bidirectional(LSTM(1)))",
        "RNN([])",
        "-1",
        "None,None",
    ]
)
# Nesting that brackets do not show, numbers beyond any size, text that is not UTF-8.
DEEP = st.builds(
    lambda prefix, times, suffix: f"LSTM({prefix * times}{suffix})",
    st.sampled_from(["not ", "-", "+", "~", "lambda:", "a.", "(", "[", "{1:"]),
    st.integers(0, 3000),
    st.sampled_from(["1", "b", "", "9" * 5000, "\udcff"]),
)
TEXT = TEXT | DEEP | st.builds(lambda digits: f"LSTM({digits})", st.text("0123456789", min_size=1))
SHAPE = st.text(alphabet="0123456789,None x-()?²٣", max_size=30)
COMMANDS = ["summary", "table", "compare", "memory", "sweep", "check"]


def clean(result) -> None:
    """Answered (0) or refused (2) in one `error:` line; never a crash."""
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


@settings(deadline=None)
@given(command=st.sampled_from(COMMANDS), expression=TEXT, shape=SHAPE, batch=SHAPE)
def test_garbage_on_every_command(command, expression, shape, batch):
    args = [command, expression, "--input-shape", shape, "--batch-size", "8"]
    if command == "sweep":
        args += ["--vary", "units=1,2"]
    if command == "memory":
        args += ["--timesteps", "3"]
    clean(run_cli(*args))


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "LSTM(1000000000000000000)", "--input-shape", "10,64"],
        ["memory", "LSTM(100000000)", "--input-shape", "1000000,64", "--batch-size", "1000000"],
        ["check", "LSTM(1000000000)", "--input-shape", "10,64"],
        ["summary", "LSTM(32)", "--batch-input-shape", "9999999999999999999,10,64"],
        ["summary", "x" * 20_000],
        ["summary", "LSTM(" + "[" * 100 + "]" * 100 + ")"],
    ],
)
def test_huge_values_never_blow_up(args):
    clean(run_cli(*args))


def _archive(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_archives_are_never_extracted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = (DATA / "models" / "k3_small.json").read_bytes()
    hostile = _archive(
        tmp_path / "hostile.keras",
        {"config.json": config, "../../escaped.txt": b"x", "/absolute.txt": b"x"},
    )
    before = set(os.listdir(tmp_path)) | set(os.listdir(tmp_path.parent))
    clean(run_cli("model", str(hostile)))
    assert set(os.listdir(tmp_path)) | set(os.listdir(tmp_path.parent)) == before


def test_a_zip_bomb_is_refused_unread(tmp_path):
    bomb = _archive(tmp_path / "bomb.keras", {"config.json": b" " * (80 * 2**20)})
    assert bomb.stat().st_size < 2**20  # 80 MiB of spaces compress to almost nothing
    result = run_cli("model", str(bomb))
    clean(result)
    assert "unpacks to" in result.stderr


def test_a_file_where_a_folder_is_expected(tmp_path):
    afile = tmp_path / "pages"
    afile.write_text("not a folder")
    clean(result := run_cli("docs", "build", str(afile)))
    assert result.exit_code == 2 and afile.read_text() == "not a folder"
    model = DATA / "oracle" / "num_public" / "k2n-104-0"
    clean(
        result := run_cli(
            "run",
            str(model / "model.keras"),
            "--input",
            str(model / "input.npy"),
            "--output",
            str(tmp_path),
        )
    )
    assert result.exit_code == 2


def test_outputs_go_exactly_where_asked(tmp_path):
    model = DATA / "oracle" / "num_public" / "k2n-104-0"
    out = tmp_path / "sub" / "out.npz"
    clean(
        result := run_cli(
            "run",
            str(model / "model.keras"),
            "--input",
            str(model / "input.npy"),
            "--output",
            str(out),
        )
    )
    assert result.exit_code == 2 and not out.parent.exists()  # no folder is made for it
    out = tmp_path / "out.npz"
    clean(
        run_cli(
            "run",
            str(model / "model.keras"),
            "--input",
            str(model / "input.npy"),
            "--output",
            str(out),
        )
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.npz"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path):
    locked = tmp_path / "model.json"
    locked.write_text("{}")
    locked.chmod(0)
    clean(run_cli("model", str(locked)))


SAVED = DATA / "weights"
MODELS = [SAVED / n for n in ("k3_named.keras", "k2_named.h5")]
WEIGHTS_ONLY = [SAVED / n for n in ("k3_named.weights.h5", "k2_named.legacy.h5")]


@settings(deadline=None)
@given(
    source=st.sampled_from(MODELS + WEIGHTS_ONLY),
    cuts=st.lists(st.tuples(st.integers(0, 48_000), st.binary(min_size=1, max_size=8)), max_size=6),
    end=st.integers(0, 60_000),
    command=st.sampled_from(["convert", "run", "model"]),
)
def test_damaged_saved_files_are_refused_in_one_line(source, cuts, end, command, tmp_path_factory):
    # Bytes overwritten and the file cut short: each command answers or refuses, never crashes.
    data = bytearray(source.read_bytes())
    for at, chunk in cuts:
        data[at : at + len(chunk)] = chunk
    damaged = tmp_path_factory.mktemp("damaged") / source.name
    damaged.write_bytes(bytes(data[: max(end, 8)]))
    out = str(damaged.with_name("out.npz"))
    if source in WEIGHTS_ONLY:
        weights = ["--weights", str(damaged), "--layer", "encoder"]
        args = ["convert", "LSTM(4)", "--input-shape", "6,3", *weights, "--output", out]
    else:
        args = {
            "convert": ["convert", str(damaged), "--layer", "encoder", "--output", out],
            "run": ["run", str(damaged), "--input", str(SAVED / "k3_named.input.npy")],
            "model": ["model", str(damaged)],
        }[command]
    clean(run_cli(*args))
