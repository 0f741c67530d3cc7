"""Shared test helpers: the CLI runner and the oracle cases copied from real Keras."""

import json
import os
from pathlib import Path

from hypothesis import settings
from typer.testing import CliRunner

from rnncalc.cli import app

DATA = Path(__file__).parent / "data"


def load_cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).open()]


def run_cli(*args: str):
    """Run `rnncalc ARGS` in-process; the result has exit_code, stdout and stderr."""
    return CliRunner().invoke(app, list(args))


# Property-based tests: a fixed, derandomized budget by default (CI); HYPOTHESIS_PROFILE=long
# searches much further for maintainers.
settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None)
settings.register_profile("long", max_examples=5_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
