"""Shared test helpers: the CLI runner and the oracle cases copied from real Keras."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rnncalc
from rnncalc import api, render
from rnncalc.cli import app

DATA = Path(__file__).parent / "data"


def load_cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).open()]


def run_cli(*args: str):
    """Run `rnncalc ARGS` in-process; the result has exit_code, stdout and stderr."""
    return CliRunner().invoke(app, list(args))


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    """The names the docstring examples use, as a user would import them."""
    for name in rnncalc.__all__:
        doctest_namespace[name] = getattr(rnncalc, name)
    doctest_namespace["summary_text"] = render.summary_text
    doctest_namespace["summary"] = api.summary
