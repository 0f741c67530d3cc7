"""The reference site: pages generated from the models, committed equal to a fresh generation,
built safely and deterministically, and rendered in a real browser (headless Chromium)."""

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rnncalc.config.enums import KerasVersion
from rnncalc.config.keras import version_default
from rnncalc.docs import MANIFEST, build, pages
from rnncalc.docs.reference import signatures
from rnncalc.parse.construct import KERAS

from conftest import run_cli

ROOT = Path(__file__).parent.parent
REFERENCE = ROOT / "docs" / "reference"


def test_committed_pages_equal_a_fresh_generation():
    fresh = pages()
    committed = {p.name: p.read_text() for p in REFERENCE.glob("*.md")}
    assert committed == fresh, "run `rnncalc docs build` and commit docs/reference"


def test_builds_are_byte_identical_and_safe(tmp_path):
    out = tmp_path / "reference"
    result = run_cli("docs", "build", str(out))
    assert result.exit_code == 0, result.stderr
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "mine.md").write_text("my own notes")
    build(str(out))
    second = {p.name: p.read_bytes() for p in out.iterdir()}
    assert second.pop("mine.md") == b"my own notes"  # a file put there by hand survives
    assert second == first
    assert all(path.resolve().is_relative_to(out.resolve()) for path in out.rglob("*"))


def test_never_overwrites_a_file_it_did_not_write(tmp_path):
    out = tmp_path / "reference"
    out.mkdir()
    (out / "lstm.md").write_text("someone else's page")
    result = run_cli("docs", "build", str(out))
    assert result.exit_code == 2 and "was not written by rnncalc" in result.stderr
    assert (out / "lstm.md").read_text() == "someone else's page"
    assert not (out / MANIFEST).exists()


def test_lstm_page_lists_the_keras2_signature_and_8_rows():
    page = (REFERENCE / "lstm.md").read_text()
    arguments = [a["name"] for a in signatures()["LSTM"]["2"]]
    assert arguments[0] == "units" and arguments[-1] == "unroll"
    assert len(arguments) == 23  # tf-keras 2.21's LSTM: units ... unroll, then **kwargs
    section = page.split("## Arguments")[1].split("## Call arguments")[0]
    for argument in signatures()["LSTM"]["2"]:
        row = next(
            line for line in section.splitlines() if line.startswith(f"| `{argument['name']}`")
        )
        default = "required" if argument["required"] else f"`{argument['default']!r}`"
        assert row.split("|")[3].strip() == default
    table = page.split("## Output shapes")[1].split("## Parameters")[0]
    rows = [line for line in table.splitlines() if line.startswith(("no ", "yes "))]
    assert len(rows) == 8
    assert (REFERENCE / "lstm.zh.md").read_text().startswith("# LSTM")
    assert "输出形状" in (REFERENCE / "lstm.zh.md").read_text()


@pytest.mark.parametrize("name", sorted(signatures()))
def test_configs_know_every_argument_keras_has(name):
    config = KERAS[name]
    from rnncalc.config.inputs import InputArgs

    for version, arguments in signatures()[name].items():
        for argument in arguments:
            field = config.model_fields.get(argument["name"])
            assert field or argument["name"] in InputArgs.model_fields, (version, argument)
            if field is None or argument["required"]:
                continue
            ours = getattr(field.default, "value", field.default)
            ours = version_default(field, KerasVersion(version)) if version in "23" else ours
            same = [ours, repr(ours), *(repr((ours,) * rank) for rank in (2, 3))]  # 1 = (1, 1)
            assert argument["default"] in same, (version, argument)


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.skip("Chromium and chromedriver are not installed (.ci/run installs them with apt)")
    return browser, driver


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )
    assert built.returncode == 0, built.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_lstm_page_in_a_real_browser(site):
    browser, driver = _chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    try:
        chrome.get(f"{site}/reference/lstm/")
        text = chrome.find_element(By.TAG_NAME, "body").text
        assert "Output shapes" in text and "state_h (16, 32)" in text
        switch = chrome.find_element(By.CSS_SELECTOR, "a[hreflang='zh']")
        chrome.get(switch.get_attribute("href"))
        assert "/zh/reference/lstm/" in chrome.current_url
        text = chrome.find_element(By.TAG_NAME, "body").text
        assert "输出形状" in text and "state_h (16, 32)" in text
        back = chrome.find_element(By.CSS_SELECTOR, "a[hreflang='en']")
        assert back.get_attribute("href").rstrip("/").endswith("/reference/lstm")
    finally:
        chrome.quit()
