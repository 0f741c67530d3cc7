"""Every single-layer case Keras itself reported (tf-keras 2.21, Keras 3.15), through the CLI."""

import json

import pytest

from conftest import load_cases, run_cli

CASES = load_cases("keras_single.jsonl")
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


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["kind"] not in ZERO_AXES], ids=lambda c: c["id"]
)
def test_matches_keras(case):
    result = invoke(case)
    if case["accepted"]:
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["output_shapes"] == case["output_shapes"]
        assert report["params"] == case["params"]
        assert [[w["name"], w["shape"]] for w in report["weights"]] == case["weights"]
        assert report["layer"] == case["layer"]
        assert report["keras"] == case["keras"]
    else:
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


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
    result = run_cli("summary", case["expression"], "--keras", case["keras"], "--json")
    if case["accepted"]:
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["output_shapes"] == case["output_shapes"]
        assert report["params"] == case["params"]
        assert report["trainable_params"] == case["trainable_params"]
        assert [w["shape"] for w in report["weights"]] == case["weights"]
    else:
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith("error: ")
        assert len(result.stderr.strip().splitlines()) == 1
