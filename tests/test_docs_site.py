"""The reference site: pages generated from the models, committed equal to a fresh generation,
built safely and deterministically, and rendered in a real browser (headless Chromium)."""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rnncalc import api
from rnncalc.calc.torch_modules import SIGNATURES
from rnncalc.config.enums import KerasVersion
from rnncalc.config.families import FAMILIES
from rnncalc.config.inputs import shape_text
from rnncalc.config.keras import version_default
from rnncalc.docs import MANIFEST, build, pages
from rnncalc.docs.reference import EXAMPLES, _plan, input_forms, signatures, slug, torch_signature
from rnncalc.parse.construct import KERAS

from conftest import run_cli

ROOT = Path(__file__).parent.parent
REFERENCE = ROOT / "docs" / "reference"


def test_committed_pages_equal_a_fresh_generation():
    fresh = pages()
    committed = {p.name: p.read_text() for p in REFERENCE.iterdir() if p.suffix in (".md", ".svg")}
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
            line
            for line in section.splitlines()
            if line.startswith((f"| `{argument['name']}`", f"| [`{argument['name']}`]"))
        )
        default = "required" if argument["required"] else f"`{argument['default']!r}`"
        assert row.split("|")[3].strip() == default
    table = page.split("## Output shapes")[1].split("## Parameters")[0]
    rows = [line for line in table.splitlines() if line.startswith(("no ", "yes "))]
    assert len(rows) == 8
    assert "\n# LSTM\n" in (REFERENCE / "lstm.zh.md").read_text()
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


LAYER_PAGES = [name for name in EXAMPLES]


def _section(page: str, heading: str) -> str:
    return page.split(f"## {heading}")[1].split("\n## ")[0]


@pytest.mark.parametrize("name", LAYER_PAGES)
def test_what_a_page_says_of_states_is_what_its_family_carries(name):
    """A page names PyTorch's final states as the family carries them: (h_n, c_n) for LSTM
    only (GRU, SimpleRNN and nn.GRU once said (h_n, c_n))."""
    page = (REFERENCE / f"{slug(name)}.md").read_text()
    families = {cell.family.name for cell in _plan(EXAMPLES[name]).cells}
    if "(h_n, c_n)" in page:
        assert "LSTM" in families, name
    for family in families:
        for state in FAMILIES[family].states:
            assert state in page or name.startswith("torch-"), (name, state)


@pytest.mark.parametrize("name", LAYER_PAGES)
def test_the_other_framework_class_a_page_names_exists(name):
    """Every counterpart a page names is a class of the other framework (the cell and CuDNN
    pages once said PyTorch has none, though nn.LSTMCell exists)."""
    page = (REFERENCE / f"{slug(name)}.md").read_text()
    section = _section(page, "In the other framework")
    named = re.findall(r"`nn\.(\w+)\(", section) + re.findall(r"\[`nn\.(\w+)`\]", page)
    keras = re.findall(r"- Keras: `(?:Bidirectional\()?(\w+)\(", section)
    assert named or "no ConvLSTM" in section, name
    assert all(module in SIGNATURES for module in named), named
    assert all(layer in KERAS for layer in keras), keras
    if "no ConvLSTM" in section:
        assert name.startswith("ConvLSTM") and "ConvLSTM" not in " ".join(SIGNATURES)
    assert "no single layer" not in page


@pytest.mark.parametrize("name", LAYER_PAGES)
def test_every_input_form_a_page_shows_is_one_rnncalc_accepts(name):
    """The "Input forms" rows have the layer's own rank (ConvLSTM's once showed a 3-D
    input_shape=(10, 64) that rnncalc refuses), and each gives the full shape it says."""
    if name.startswith("torch-"):
        return
    example = EXAMPLES[name]
    page = _section((REFERENCE / f"{slug(name)}.md").read_text(), "Input forms")
    rows = re.findall(r"^\| \[`(.+?)`\]\(\.\./learn/inputs\.md\)\s*\| `(.+?)`", page, re.M)
    assert len(rows) >= 4
    for (written, full), (_, args) in zip(rows, input_forms(example.shape), strict=True):
        given = written if args else f"batch_input_shape={(32, *example.shape[1:])}"
        report = api.summary(f"{example.expression[:-1]}, {given})")
        assert shape_text(report.input_shape) == full, (name, written)


@pytest.mark.parametrize("name", LAYER_PAGES)
def test_a_pages_equations_name_every_gate_block_of_its_family(name):
    from rnncalc.docs.equations import equations

    plan = _plan(EXAMPLES[name])
    latex = " ".join(equations(plan))
    for cell in plan.cells:
        family = cell.family
        names = family.torch_gate_names if plan.torch else family.gate_names
        for gate in names if family.gates > 1 else ():
            assert re.search(rf"W_{{?i?{gate}}}?", latex), (name, gate)
    page = (REFERENCE / f"{slug(name)}.md").read_text()
    assert page.count("<math") == len(equations(plan))
    assert "mermaid" not in page and "https://cdn" not in page


def test_argument_tables_list_every_argument_keras_accepts_and_name_their_types():
    """`implementation` (tf-keras takes it through **kwargs) is listed; no type is a Python
    repr (Bidirectional's `weights` was typed NoneType); nn.GRU has no proj_size."""
    lstm = _section((REFERENCE / "lstm.md").read_text(), "Arguments")
    assert "| `implementation`" in lstm and "Through `**kwargs`." in lstm
    assert "NoneType" not in (REFERENCE / "bidirectional.md").read_text()
    assert "proj_size" not in (REFERENCE / "torch-gru.md").read_text()
    assert "In Keras's order" not in (REFERENCE / "torch-lstm.md").read_text()
    for name in ("GRU", "LSTM", "RNN"):
        page = (REFERENCE / f"torch-{name.lower()}.md").read_text()
        signature = _section(page, "Signature")
        assert [a for a, _ in torch_signature(f"torch-{name}")] == re.findall(
            r"^    (\w+)", signature, re.M
        )


def test_the_cli_page_shows_defaults_as_typed_and_every_group_command():
    page = (REFERENCE / "cli.md").read_text()
    assert "KerasVersion." not in page and "DType." not in page
    assert "## `rnncalc docs build`" in page
    assert "| option   | default   | help   |\n|----------|-----------|--------|\n\n" not in page


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


@pytest.fixture(scope="module")
def chrome():
    browser, driver = _chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--hide-scrollbars")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    found = webdriver.Chrome(service=Service(driver), options=options)
    yield found
    found.quit()


# The arguments' names an argument table shows on two lines: broken mid-word.
BROKEN_NAMES = (
    "return [...document.querySelectorAll('article .arguments td:first-child code')]"
    ".filter(c => c.getClientRects().length > 1).map(c => c.textContent)"
)


def _hosts(chrome) -> set[str]:
    """Every host the browser sent a request to since the last call."""
    import json

    found = set()
    for entry in chrome.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http:", "https:", "ws:", "wss:")):
                found.add(url.split("/")[2])
    return found


def _site_pages(site: str) -> list[str]:
    import urllib.request

    sitemap = urllib.request.urlopen(f"{site}/sitemap.xml").read().decode()
    # no site_url in mkdocs.yml: each <loc> is "None" and the page's path
    paths = [re.sub(r"^None\.?/?", "", loc) for loc in re.findall(r"<loc>(.*?)</loc>", sitemap)]
    return sorted({f"/{path}" for path in paths} | {f"/zh/{path}" for path in paths})


def test_the_lstm_page_in_a_real_browser(site, chrome):
    from selenium.webdriver.common.by import By

    chrome.set_window_size(1280, 1000)
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


def test_every_layer_page_shows_its_equations_and_figures_offline(site, chrome):
    """Rendered MathML (no JavaScript, no CDN) and loaded figures, and no request leaves
    the machine (the site is served on 127.0.0.1)."""
    chrome.set_window_size(1280, 1000)
    _hosts(chrome)
    for name in EXAMPLES:
        for prefix in ("", "/zh"):
            chrome.get(f"{site}{prefix}/reference/{slug(name)}/")
            heights = chrome.execute_script(
                "return [...document.querySelectorAll('article math')]"
                ".map(m => m.getBoundingClientRect().height)"
            )
            assert heights and min(heights) > 8, (name, prefix, heights)
            figures = chrome.execute_script(
                "return [...document.querySelectorAll('article img')]"
                ".map(i => i.complete && i.naturalWidth)"
            )
            assert len(figures) == 2 and all(figures), (name, prefix, figures)
            broken = chrome.execute_script(BROKEN_NAMES)
            assert not broken, (name, prefix, broken)
    assert _hosts(chrome) <= {f"127.0.0.1:{site.rsplit(':', 1)[1]}"}


def _search(chrome, site: str, page: str, query: str) -> list[str]:
    from selenium.webdriver.common.by import By

    chrome.get(f"{site}{page}")
    chrome.execute_script("document.querySelector('#__search').checked = true")
    chrome.find_element(By.CSS_SELECTOR, "input.md-search__input").send_keys(query)
    for _ in range(50):  # the index loads in a worker
        found = chrome.find_elements(By.CSS_SELECTOR, ".md-search-result__item > a")
        if found:
            break
        time.sleep(0.1)
    pages = [a.get_attribute("href").removeprefix(site).split("#")[0] for a in found]
    return list(dict.fromkeys(pages))  # each page once, in rank order


@pytest.mark.parametrize("query", ["时间步", "双向", "批大小", "遗忘门", "返回", "参数量"])
def test_chinese_search_finds_chinese_pages_only(site, chrome, query):
    """One index per language (rnncalc/docs/hooks.py), Chinese words segmented by jieba."""
    chrome.set_window_size(1280, 1000)
    found = _search(chrome, site, "/zh/", query)
    assert found and all(page.startswith("/zh/") for page in found), (query, found)


def test_english_search_finds_the_lstm_page_for_an_argument(site, chrome):
    chrome.set_window_size(1280, 1000)
    found = _search(chrome, site, "/", "return_state")
    assert "/reference/lstm/" in found[:3], found
    assert not any(page.startswith("/zh/") for page in found)


def test_no_page_scrolls_sideways_at_phone_width_and_screenshots(site, chrome, tmp_path):
    """At 390 px only code blocks scroll; the screenshots of the pages the issue names, at
    both widths and in both languages, go to $RNNCALC_SCREENSHOTS (to look at) or tmp."""
    chrome.set_window_size(390, 900)
    wide = []
    for page in _site_pages(site):
        chrome.get(f"{site}{page}")
        width = chrome.execute_script("return document.documentElement.scrollWidth")
        if width > chrome.execute_script("return window.innerWidth"):
            wide.append((page, width))
        broken = chrome.execute_script(BROKEN_NAMES)
        wide += [(page, name) for name in broken]  # an argument's name broken mid-word
    assert not wide
    out = Path(os.environ.get("RNNCALC_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    shown = ["/", "/reference/lstm/", "/reference/gru/", "/reference/bidirectional/"]
    shown += ["/reference/torch-lstm/", "/learn/returns/"]
    for width in (1280, 390):
        chrome.set_window_size(width, 1000)
        for page in shown:
            for prefix in ("", "/zh"):
                chrome.get(f"{site}{prefix}{page}")
                name = (prefix + page).strip("/").replace("/", "-") or "home"
                chrome.save_screenshot(str(out / f"{name}-{width}.png"))
    assert len(list(out.glob("*.png"))) >= 24
