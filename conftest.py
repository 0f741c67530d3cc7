"""Docstring examples run with the public API in scope, as a user would import it."""

import os

import pytest

import rnncalc

# The suite's expected text is English: a Chinese locale where it runs must not change it
# (tests/test_i18n.py asks for Chinese itself). Subprocesses inherit this too.
os.environ["RNNCALC_LANG"] = "en"
from rnncalc import render

# The snippets are model code to be read, never imported; the generators need the frameworks.
collect_ignore_glob = ["tests/data/*", "docs/examples/*.py"]


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    for name in rnncalc.__all__:
        doctest_namespace[name] = getattr(rnncalc, name)
    doctest_namespace["summary_text"] = render.summary_text
