"""PyTorch's cells in `rnncalc summary`: shapes, parameters and the checks of their input and
states, against tests/data/torch_cells.jsonl (tests/data/generate_torch_cells.py: what torch
2.13 returned or raised for each cell, input and hx)."""

import json

import pytest

from conftest import load_cases, run_cli

CASES = load_cases("torch_cells.jsonl")


def _shape(shape):
    return ",".join(map(str, shape))


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c['cell']}-{_shape(c['input_shape'])}-{c['hx']}"
)
def test_cells_answer_as_torch_does(case):
    args = ["summary", case["cell"], "--batch-input-shape", _shape(case["input_shape"])]
    if case["hx"] is not None:
        args += ["--hx", _shape(case["hx"])]
        if case["cell"].startswith("nn.LSTMCell"):
            args += ["--cx", _shape(case["hx"])]
    result = run_cli(*args, "--json")
    if "error" in case:
        assert result.exit_code == 2, result.stdout
        said = result.stderr.strip().removeprefix("error: ").split(". Fix: ")[0]
        assert said == case["error"]
        return
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["output_shapes"] == case["output_shapes"]
    assert [[w["name"], w["shape"]] for w in report["weights"]] == case["parameters"]
    assert report["params"] == sum(w["size"] for w in report["weights"])


def test_a_cell_says_what_it_takes_and_refuses_what_it_does_not():
    text = run_cli("summary", "nn.LSTMCell(10, 20)", "--batch-input-shape", "3,10").stdout
    assert (
        "h_1        (3, 20)" in text and "initial states it takes: h_0 (3, 20), c_0 (3, 20)" in text
    )
    result = run_cli("summary", "nn.GRUCell(10, 20, num_layers=2)", "--batch-input-shape", "3,10")
    assert result.exit_code == 2 and "unexpected keyword argument 'num_layers'" in result.stderr
    result = run_cli(
        "summary", "nn.LSTMCell(10, 20)", "--batch-input-shape", "3,10", "--hx", "3,20"
    )
    assert result.exit_code == 2 and "give h_0 and c_0" in result.stderr
