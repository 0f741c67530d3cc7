"""Reports as text (render): summaries, table formats, warnings and binary units."""

import pytest

from conftest import run_cli


def test_sweep_command_formats():
    from conftest import run_cli

    args = ["sweep", "SimpleRNN(4)", "--vary", "units=2,4", "--input-shape", "5,3"]
    table = run_cli(*args)
    assert table.exit_code == 0 and "units" in table.stdout
    csv = run_cli(*args, "--csv").stdout.splitlines()
    assert csv[0] == "units,returns,params,MACs,training bytes,error" and csv[1].startswith("2,")
    lines = run_cli(*args, "--jsonl").stdout.splitlines()
    assert len(lines) == 2 and '"params":12' in lines[0]  # 2·(3 + 2 + 1)
    bad = run_cli("sweep", "SimpleRNN(4)", "--vary", "units", "--input-shape", "5,3")
    assert bad.exit_code == 2 and "ARGUMENT=VALUES" in bad.stderr


def test_summary_table_shows_the_full_input_shape():
    result = run_cli("summary", "LSTM(32)", "--input-shape", "10,64")
    assert result.exit_code == 0
    assert "input: (None, 10, 64) = (batch, timesteps, features)" in result.stdout
    assert "leaves out the batch axis" in result.stdout
    assert "12,416" in result.stdout


@pytest.mark.parametrize("fmt", ["github", "grid", "pipe"])
def test_table_formats(fmt):
    result = run_cli("summary", "LSTM(32, input_shape=(10, 64))", "--format", fmt)
    assert result.exit_code == 0
    assert "recurrent_kernel" in result.stdout


def test_warnings_are_shown():
    result = run_cli("summary", "LSTM(4, recurrent_dropout=-0.5)", "--input-shape", "10,3")
    assert result.exit_code == 0
    assert "warning: recurrent_dropout=-0.5 is outside [0, 1]" in result.stdout


def test_compare_text_shows_both_sides():
    result = run_cli("compare", "nn.GRU(10, 20)", "--batch-input-shape", "7,3,10")
    assert result.exit_code == 0, result.stderr
    assert "PyTorch: nn.GRU(10, 20)" in result.stdout
    assert "same function: yes" in result.stdout


def test_memory_is_shown_in_binary_units():
    from rnncalc.render import _params

    assert _params(12_416, 49_664, "float32") == "12,416 (48.50 KiB as float32)"
