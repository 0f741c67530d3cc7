"""Every one-layer case the frameworks themselves reported, through the CLI."""

import json

import pytest

from conftest import layer_cases, load_cases, oracle, run_cli, short_name

CASES = layer_cases("single_rnn", "edge")
# Zero-length batch or time axes fail in TensorFlow for implementation reasons, not by a rule:
# out of scope for agreement, but rnncalc must still answer or refuse cleanly.
ZERO_AXES = {"edge:timesteps_zero", "edge:batch_zero"}


def expression(case: dict) -> str:
    """The layer written as code, with every argument from its saved config."""
    args = ", ".join(f"{key}={value!r}" for key, value in case["config"].items())
    return f"{case['layer']}({args})"


def invoke(case: dict):
    shape = ",".join("None" if d is None else str(d) for d in case["batch_input_shape"])
    return run_cli(
        "summary",
        expression(case),
        "--batch-input-shape",
        shape,
        "--keras",
        case["keras"],
        "--json",
    )


def answer(result, case: dict) -> dict | None:
    """rnncalc accepts what the framework accepted, with its shapes and parameter count, and
    refuses the rest with one `error: ... Fix: ...` line; the JSON report of an accepted case."""
    if not case["accepted"]:
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith("error: ") and "Fix: " in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        return None
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["output_shapes"] == case["output_shapes"]
    assert report["params"] == case["params"]
    return report


def named_weights(report: dict) -> list:
    return [[w["name"], w["shape"]] for w in report["weights"]]


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["kind"] not in ZERO_AXES], ids=lambda c: c["id"]
)
def test_matches_keras(case):
    report = answer(invoke(case), case)
    if report:
        assert named_weights(report) == case["weights"]
        assert (report["layer"], report["keras"]) == (case["layer"], case["keras"])


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["kind"] in ZERO_AXES], ids=lambda c: c["id"]
)
def test_zero_length_axes_never_crash(case):
    result = invoke(case)
    assert result.exit_code in (0, 2)
    if result.exit_code == 0 and case["accepted"]:
        assert json.loads(result.stdout)["output_shapes"] == case["output_shapes"]


# Input forms written inside the layer call, and arguments that differ between Keras 2 and 3,
# as real Keras answered them (tests/data/generate_fixtures.py).
EXPRESSIONS = load_cases("keras_expressions.jsonl")


@pytest.mark.parametrize("case", EXPRESSIONS, ids=lambda c: f"k{c['keras']}-{c['expression']}")
def test_expression_matches_keras(case):
    report = answer(
        run_cli("summary", case["expression"], "--keras", case["keras"], "--json"), case
    )
    if report:
        assert report["trainable_params"] == case["trainable_params"]
        assert [w["shape"] for w in report["weights"]] == case["weights"]


# Every Bidirectional and ConvLSTM case of the shared oracle.
WRAPPERS = layer_cases("bidirectional", "conv_lstm")


@pytest.mark.parametrize("case", WRAPPERS, ids=lambda c: c["id"])
def test_wrapper_matches_keras(case):
    report = answer(invoke(case), case | {"accepted": True})
    assert named_weights(report) == case["weights"]
    assert report["layer"] == case["layer"]


# Bidirectional, ConvLSTM, RNN(cells) and CuDNN layers written as code, with the answers of real
# tf-keras 2.21 and Keras 3.15 (tests/data/generate_wrappers.py).
WRAPPER_EXPRESSIONS = load_cases("wrapper_expressions.jsonl")


@pytest.mark.parametrize(
    "case", WRAPPER_EXPRESSIONS, ids=lambda c: f"k{c['keras']}-{c['expression']}"
)
def test_wrapper_expression_matches_keras(case):
    shape = ",".join("None" if d is None else str(d) for d in case["batch_input_shape"])
    result = run_cli(
        "summary",
        case["expression"],
        "--batch-input-shape",
        shape,
        "--keras",
        case["keras"],
        "--json",
    )
    report = answer(result, case)
    if report:
        assert report["trainable_params"] == case["trainable_params"]
        assert named_weights(report) == [[short_name(n), s] for n, s in case["weights"]]


# PyTorch: every case of the shared oracle (the module as print() shows it), and modules written
# as code with PyTorch 2.13's answers (tests/data/generate_torch.py). nn.RNNCell/GRUCell/LSTMCell
# are recorded there too, but rnncalc covers the sequence modules only.
TORCH = [
    {"expression": c["repr"], "accepted": True, "warnings": None} | c for c in oracle("pt_public")
] + [c for c in load_cases("torch_expressions.jsonl") if "Cell(" not in c["expression"]]


@pytest.mark.parametrize("case", TORCH, ids=lambda c: f"{c['expression']}-{c['input_shape']}")
def test_torch_matches_pytorch(case):
    shape = ",".join(map(str, case["input_shape"]))
    result = run_cli(
        "summary",
        case["expression"],
        "--framework",
        "torch",
        "--batch-input-shape",
        shape,
        "--json",
    )
    report = answer(result, case)
    if report:
        assert named_weights(report) == case["weights"]
        if case["warnings"] is not None:
            assert bool(report["warnings"]) == bool(case["warnings"])
