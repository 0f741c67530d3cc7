"""Memory plans (calc/planning): sweeps, the largest size that fits, grids, sizes and ranges."""

import pytest

from rnncalc import RnncalcError, summary
from rnncalc.calc.planning import memory_plan, parse_size, parse_sweep

from conftest import run_cli


def test_grid_over_arguments():
    from rnncalc.calc.planning import grid

    rows = grid(
        "nn.LSTM(64, 32)", ["hidden_size=32,64", "num_layers=1:2"], batch_input_shape=(10, 16, 64)
    ).rows
    assert [r.arguments for r in rows] == [
        {"hidden_size": h, "num_layers": n} for h in (32, 64) for n in (1, 2)
    ]
    assert rows[0].params == summary("nn.LSTM(64, 32)", batch_input_shape=(10, 16, 64)).params
    bidirectional = grid(
        "Bidirectional(GRU(8))", ["units=4,8", "merge_mode=sum,None"], input_shape=(5, 3)
    ).rows
    assert [len(r.output_shapes) for r in bidirectional] == [1, 2, 1, 2]
    refused = grid("GRU(8)", ["units=0,4"], input_shape=(5, 3)).rows
    assert refused[0].error and "positive integer" in refused[0].error
    assert refused[1].params == summary("GRU(4)", input_shape=(5, 3)).params


def test_a_grid_varies_the_batch_size_and_timesteps_but_refuses_other_input_sizes():
    from rnncalc.calc.planning import grid

    rows = grid("LSTM(8)", ["batch_size=None,16", "timesteps=5,50"], input_shape=(None, 3)).rows
    assert [r.output_shapes for r in rows][::3] == [[(None, 8)], [(16, 8)]]
    one = summary("LSTM(8)", input_shape=(50, 3), batch_size=16)
    assert (rows[3].params, rows[3].macs) == (one.params, one.macs)
    with pytest.raises(RnncalcError, match="part of the input shape"):
        grid("LSTM(8)", ["input_dim=1,2"], input_shape=(5, 3))


def test_sweep_values_in_order():
    # Its speed (1,000 points well under a second) is measured by benchmarks/sweep.py.
    plan = memory_plan("LSTM(128)", input_shape=(None, 64), batch_size=32, sweep="timesteps=1:1000")
    assert [p.value for p in plan.sweep] == list(range(1, 1001))
    wrapped: list[int] = []  # what a progress bar would be given
    memory_plan(
        "LSTM(8)",
        batch_input_shape=(2, 3, 4),
        sweep="batch=1,2",
        progress=lambda values: wrapped.extend(values) or values,
    )
    assert wrapped == [1, 2]


@pytest.mark.parametrize("over", ["batch", "timesteps", "units"])
def test_fit_is_exact_at_its_boundary(over):
    budget = parse_size("64MiB")
    plan = memory_plan("GRU(64)", batch_input_shape=(8, 50, 32), fit="64MiB", fit_over=over)
    fit = plan.fit
    assert fit.bytes_at_largest <= budget < fit.bytes_one_more
    sweep = f"{over}={fit.largest}:{fit.largest + 1}"
    at, after = memory_plan("GRU(64)", batch_input_shape=(8, 50, 32), sweep=sweep).sweep
    assert at.total_training_bytes == fit.bytes_at_largest
    assert after.total_training_bytes == fit.bytes_one_more


def test_nothing_fits():
    fit = memory_plan("LSTM(1024)", batch_input_shape=(1, 10, 512), fit="1KiB").fit
    assert fit.largest is None and fit.bytes_one_more > 1024


@pytest.mark.parametrize(
    ("text", "says"),
    [("speed=1:3", "sweep one of"), ("batch=0:3", "1 or more"), ("batch=a,b", "not a range")],
)
def test_bad_sweeps(text, says):
    with pytest.raises(RnncalcError, match=says):
        parse_sweep(text)


def test_sizes():
    assert parse_size("16GiB") == 16 * 2**30
    assert parse_size("16GB") == 16 * 10**9
    assert parse_size("512") == 512
    with pytest.raises(RnncalcError, match="not a memory size"):
        parse_size("lots")


def test_memory_command(tmp_path):
    result = run_cli(
        "memory",
        "LSTM(64)",
        "--input-shape",
        "None,32",
        "--batch-size",
        "8",
        "--sweep",
        "timesteps=10:30:10",
        "--fit",
        "16MiB",
        "--fit-over",
        "timesteps",
    )
    assert result.exit_code == 0, result.stderr
    assert "largest timesteps that fits" in result.stdout
    assert "total, training" not in result.stdout  # the time axis is open: no one breakdown
    plot = tmp_path / "sweep.png"
    drawn = run_cli(
        "memory",
        "nn.GRU(8, 16)",
        "--batch-input-shape",
        "None,4,8",
        "--sweep",
        "timesteps=1:50",
        "--plot",
        str(plot),
    )
    assert drawn.exit_code == 0, drawn.stderr
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_memory_command_needs_sizes():
    result = run_cli("memory", "LSTM(4)", "--input-shape", "None,3")
    assert result.exit_code == 2 and "--timesteps" in result.stderr
