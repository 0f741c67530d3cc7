"""MACs, FLOPs and memory (calc/cost): PyTorch's own counts and hand-worked Keras examples."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import RnncalcError, summary

from conftest import load_cases, run_cli

# PyTorch 2.13 on the CPU, measured by benchmarks/torch_cost.py: FlopCounterMode's FLOPs of a
# forward pass (oneDNN off) and the bytes autograd keeps for backward (saved-tensor hooks,
# distinct storages, parameters and the input left out), for 688 configurations.
MEASURED = load_cases("torch_cost.jsonl")


def expression(row: dict) -> str:
    args = ", ".join(
        f"{k}={row[k]!r}"
        for k in ("num_layers", "bias", "batch_first", "bidirectional", "dropout", "proj_size")
        if k != "proj_size" or row[k]
    )
    return f"nn.{row['mode']}({row['input_size']}, {row['hidden_size']}, {args})"


def shape(row: dict) -> tuple[int, ...]:
    n, t, i = row["batch"], row["timesteps"], row["input_size"]
    return (t, i) if n is None else (n, t, i) if row["batch_first"] else (t, n, i)


@pytest.mark.parametrize("row", MEASURED, ids=lambda r: f"{expression(r)}-{shape(r)}")
def test_pytorch_counts(row):
    report = summary(expression(row), batch_input_shape=shape(row))
    assert 2 * report.macs == row["flops"]  # exactly: FlopCounterMode counts 2 per MAC
    measured = row["saved_bytes"]
    assert abs(report.memory.activations_training_bytes - measured) <= 0.10 * measured
    assert report.memory.activations_training_bytes == measured  # in fact, exactly


def test_lstm_macs_by_hand():
    # LSTM(32) on (16, 10, 64): per sample and timestep, the input product 64×128 and the
    # recurrent one 32×128: 4·32·(64 + 32) = 12,288 MACs; times 16 samples × 10 steps.
    report = summary("LSTM(32)", batch_input_shape=(16, 10, 64))
    assert report.macs == 16 * 10 * 4 * 32 * (64 + 32) == 1_966_080
    # Element-wise, by the convention of docs/cost.md: 17 FLOPs per unit and step.
    assert report.flops == 2 * 1_966_080 + 16 * 10 * 32 * 17
    assert report.training_flops == 3 * report.flops


def test_gru_macs_do_not_depend_on_reset_after():
    # 3 gates · 5 units · (4 inputs + 5 units) = 135 MACs a step; 2 samples · 7 steps.
    for flag in (True, False):
        report = summary(f"GRU(5, reset_after={flag})", batch_input_shape=(2, 7, 4))
        assert report.macs == 2 * 7 * 135 == 1_890


def test_bidirectional_and_stacked_cells_by_hand():
    both = summary("Bidirectional(SimpleRNN(8))", batch_input_shape=(4, 6, 3))
    assert both.macs == 2 * (4 * 6 * 8 * (3 + 8))  # two directions of 8·(3 + 8) a step
    stacked = summary("RNN([GRUCell(8), LSTMCell(4)])", batch_input_shape=(1, 5, 3))
    # GRUCell: 3·8·(3 + 8) = 264; LSTMCell on GRU's 8 outputs: 4·4·(8 + 4) = 192.
    assert stacked.macs == 5 * (264 + 192)


def test_conv_lstm_macs_by_hand():
    # ConvLSTM2D(4, 3) on 32×32×3 images: 30×30 output positions, each a 3×3 window over
    # 3 input + 4 state channels for 4 gates × 4 filters: 900 · 9 · (3 + 4) · 16 = 907,200.
    report = summary("ConvLSTM2D(4, 3)", batch_input_shape=(2, 5, 32, 32, 3))
    assert report.macs == 2 * 5 * 900 * 9 * 7 * 16


def test_torch_macs_by_hand():
    # nn.LSTM(300, 512, num_layers=2) on (5, 3, 300): layer 0 4·512·(300 + 512), layer 1
    # 4·512·(512 + 512), each per sample and step; 15 samples·steps.
    report = summary("nn.LSTM(300, 512, num_layers=2)", batch_input_shape=(5, 3, 300))
    assert report.macs == 15 * 4 * 512 * (812 + 1024)


def test_memory_breakdown():
    report = summary("LSTM(32)", batch_input_shape=(16, 10, 64), optimizer="sgd")
    used = report.memory
    assert used.params_bytes == used.gradients_bytes == 12_416 * 4
    assert used.optimizer_bytes == 0
    # Inference: the output (16, 32) and the two live states (16, 32) each.
    assert used.activations_inference_bytes == 3 * 16 * 32 * 4
    # Training: 7 values per unit and step (docs/cost.md), 16 samples × 10 steps.
    assert used.activations_training_bytes == 7 * 32 * 16 * 10 * 4
    assert used.total_training_bytes == sum(
        getattr(used, k)
        for k in (
            "params_bytes",
            "gradients_bytes",
            "optimizer_bytes",
            "activations_inference_bytes",
            "activations_training_bytes",
        )
    )


@pytest.mark.parametrize(
    ("dtype", "activation", "variable"),
    [("float32", 4, 4), ("float16", 2, 2), ("float64", 8, 8), ("mixed_float16", 2, 4)],
)
def test_dtypes(dtype, activation, variable):
    used = summary("GRU(8)", batch_input_shape=(2, 3, 4), dtype=dtype, optimizer="adam").memory
    params = summary("GRU(8)", batch_input_shape=(2, 3, 4)).params
    assert used.params_bytes == params * variable
    assert used.optimizer_bytes == 2 * params * variable
    assert used.activations_training_bytes == 7 * 8 * 2 * 3 * activation


def test_open_sizes_give_no_cost_until_filled():
    open_time = summary("LSTM(4)", input_shape=(None, 3))
    assert open_time.macs is None and open_time.memory is None
    filled = summary("LSTM(4)", input_shape=(None, 3), batch_size=2, timesteps=10)
    assert filled.input_shape == (2, 10, 3)
    assert filled.macs == 2 * 10 * 4 * 4 * (3 + 4)
    with pytest.raises(RnncalcError, match="disagrees"):
        summary("LSTM(4)", input_shape=(5, 3), timesteps=10)


def test_summary_json_has_macs_and_memory():
    result = run_cli(
        "summary",
        "GRU(8)",
        "--input-shape",
        "None,4",
        "--batch-size",
        "2",
        "--timesteps",
        "3",
        "--json",
    )
    report = json.loads(result.stdout)
    assert report["macs"] == 2 * 3 * 3 * 8 * (4 + 8)
    assert set(report["memory"]) >= {
        "params_bytes",
        "gradients_bytes",
        "optimizer_bytes",
        "activations_inference_bytes",
        "activations_training_bytes",
        "total_training_bytes",
    }


@given(
    family=st.sampled_from(["SimpleRNN", "GRU", "LSTM"]),
    units=st.integers(1, 64),
    features=st.integers(1, 64),
    batch=st.integers(1, 64),
    steps=st.integers(1, 200),
)
def test_cost_is_linear_in_batch_and_time(family, units, features, batch, steps):
    one = summary(f"{family}({units})", batch_input_shape=(1, 1, features))
    many = summary(f"{family}({units})", batch_input_shape=(batch, steps, features))
    assert many.macs == batch * steps * one.macs
    # Keras layers keep no per-sequence values: training activations scale with both too.
    assert many.memory.activations_training_bytes == (
        batch * steps * one.memory.activations_training_bytes
    )
