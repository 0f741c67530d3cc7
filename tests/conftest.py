"""Shared test helpers: the CLI runner, the oracle cases copied from real Keras, layer configs."""

import json
import os
import re
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rnncalc import FAMILIES, LayerReport, summary
from rnncalc.main import app

DATA = Path(__file__).parent / "data"


def load_cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).open()]


def oracle(name: str) -> list[dict]:
    """One file of the shared oracle, as copied by tests/data/copy_oracle.py."""
    return load_cases(f"oracle/{name}.jsonl")


KERAS_ORACLE = ("k2_public", "k3_public", "k2_edge_public", "k3_edge_public")


def layer_cases(*kinds: str) -> list[dict]:
    """The oracle's one-layer models as layer cases: the layer's saved config, its input
    shape, and what Keras reported (or refused), with weights named as rnncalc names them."""
    found = []
    for name in KERAS_ORACLE:
        for case in oracle(name):
            kind = "edge" if case["kind"].startswith("edge:") else case["kind"]
            inputs, layer = case["model_json"]["config"]["layers"][:2]
            if kind not in kinds or len(case["model_json"]["config"]["layers"]) != 2:
                continue
            record = {
                "id": case["id"],
                "kind": case["kind"],
                "keras": "2" if case["keras"].startswith("tf-keras") else "3",
                "layer": layer["class_name"],
                "config": layer["config"],
                "batch_input_shape": inputs["config"].get(
                    "batch_input_shape", inputs["config"].get("batch_shape")
                ),
                "accepted": case.get("accepted", True),
            }
            if record["accepted"]:
                reported = case["layers"][-1]
                record |= {
                    "output_shapes": reported["output_shapes"],
                    "params": reported["params"],
                    "weights": [[short_name(w), s] for w, s in reported["weights"]],
                }
            found.append(record)
    return found


def short_name(weight: str) -> str:
    """`bidirectional/forward_lstm/lstm_cell/kernel:0` -> `forward_lstm/kernel`; with
    stacked cells `rnn/stacked_rnn_cells/lstm_cell_1/kernel:0` -> `lstm_cell_1/kernel`: the
    layer's own name and a single cell's name are dropped, as rnncalc names weights."""
    parts = [p for p in weight.split(":")[0].split("/")[1:] if p != "stacked_rnn_cells"]
    if "stacked_rnn_cells" not in weight:
        parts = [p for p in parts if not re.search(r"_cell(_\d+)?$", p)]
    return "/".join(parts)


def run_cli(*args: str, input: str | None = None, language: str = "en"):
    """Run `rnncalc ARGS` in-process (with `input` on standard input, and RNNCALC_LANG set to
    `language`); the result has exit_code, stdout and stderr."""
    return CliRunner().invoke(app, list(args), input=input, env={"RNNCALC_LANG": language})


# Every valid configuration of a Keras layer, for invariants of shapes, weights and reports.
dims = st.one_of(st.none(), st.integers(1, 4096))
layers = st.builds(
    dict,
    family=st.sampled_from(sorted(FAMILIES)),
    units=st.integers(1, 2048),
    features=st.integers(1, 4096),
    batch=dims,
    time=dims,
    use_bias=st.booleans(),
    reset_after=st.booleans(),
    return_sequences=st.booleans(),
    return_state=st.booleans(),
    time_major=st.booleans(),
    keras=st.sampled_from(["2", "3"]),
)


def _summary(case: dict) -> LayerReport:
    extra = f", reset_after={case['reset_after']}" if case["family"] == "GRU" else ""
    if case["keras"] == "2":
        extra += f", time_major={case['time_major']}"
    expression = (
        f"{case['family']}({case['units']}, use_bias={case['use_bias']}, "
        f"return_sequences={case['return_sequences']}, return_state={case['return_state']}"
        f"{extra})"
    )
    return summary(
        expression,
        batch_input_shape=(case["batch"], case["time"], case["features"]),
        keras=case["keras"],
    )


# Property-based tests: a fixed, derandomized budget by default (CI); HYPOTHESIS_PROFILE=long
# searches much further for maintainers.
settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None)
settings.register_profile("long", max_examples=5_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
