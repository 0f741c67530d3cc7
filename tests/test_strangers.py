"""Files from strangers: storage that points elsewhere, links and FIFOs where rnncalc writes,
sizes declared before anything is allocated, and every failure as one line with exit 2.

Each test makes its hostile files itself (h5py, numpy, zipfile) in a temporary folder, and
checks that nothing outside what the command was given is read, created or changed.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc import RnncalcError, limits, summary
from rnncalc.docs import MANIFEST

from conftest import DATA, run_cli

h5py = pytest.importorskip("h5py")
WEIGHTS = DATA / "weights"
SECRET = b"root:x:0:0:SECRET-BYTES-OF-A-LOCAL-FILE\n" * 8
ENCODER = "layers/lstm/cell/vars/0"  # k3_named's encoder kernel, (3, 16) float32


def one_line(result, *words: str) -> str:
    """Refused with exit 2 and one `error: ... Fix: ...` line naming `words`."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Fix: " in lines[0], lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def listing(folder: Path) -> dict[str, bytes | str]:
    """Every entry below `folder`: files by content, links by target, the rest by kind."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "folder" if path.is_dir() else "other"
    return found


# HDF5 storage that points elsewhere


def _weights(tmp_path: Path, replace) -> Path:
    """k3_named's weights with the encoder kernel replaced by what `replace(h5, name)` makes."""
    path = tmp_path / "hostile.weights.h5"
    shutil.copy(WEIGHTS / "k3_named.weights.h5", path)
    with h5py.File(path, "r+") as h5:
        del h5[ENCODER]
        replace(h5, ENCODER)
    return path


def _external_storage(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    return lambda h5, name: h5.create_dataset(
        name, (3, 16), "f4", external=[(str(secret), 0, 3 * 16 * 4)]
    )


def _virtual(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as h5:
        h5["x"] = np.frombuffer(SECRET[: 3 * 16 * 4], "f4").reshape(3, 16)

    def make(h5, name):
        layout = h5py.VirtualLayout((3, 16), "f4")
        layout[:] = h5py.VirtualSource(str(other), "x", shape=(3, 16))
        h5.create_virtual_dataset(name, layout)

    return make


def _external_link(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as h5:
        h5["x"] = np.frombuffer(SECRET[: 3 * 16 * 4], "f4").reshape(3, 16)

    def make(h5, name):
        h5[name] = h5py.ExternalLink(str(other), "/x")

    return make


def _unwritten(tmp_path):  # 40 GB declared, nothing stored
    return lambda h5, name: h5.create_dataset(name, (100_000, 100_000), "f4", chunks=(100, 100))


def _plugin_filter(tmp_path):
    return lambda h5, name: h5.create_dataset(
        name,
        data=np.zeros((3, 16), "f4"),
        chunks=(3, 16),
        compression=32001,
        allow_unknown_filter=True,
    )


HOSTILE = {
    "external storage": (_external_storage, "external file"),
    "virtual dataset": (_virtual, "virtual dataset"),
    "external link": (_external_link, "link to another file"),
    "unwritten 100000x100000": (_unwritten, "limit of 536,870,912"),
    "a plugin filter": (_plugin_filter, "as a plugin"),
}


def _as_keras(tmp_path: Path, weights: Path) -> Path:
    """k3_named.keras with its model.weights.h5 replaced, stored as Keras stores it."""
    path = tmp_path / "hostile.keras"
    with zipfile.ZipFile(WEIGHTS / "k3_named.keras") as source:
        members = {n: source.read(n) for n in source.namelist()}
    members["model.weights.h5"] = weights.read_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("container", [".weights.h5", ".keras"])
def test_storage_outside_the_file_is_refused(kind, container, tmp_path):
    make, words = HOSTILE[kind]
    weights = _weights(tmp_path, make(tmp_path))
    given = weights if container == ".weights.h5" else _as_keras(tmp_path, weights)
    out = tmp_path / "out.npz"
    before = listing(tmp_path)
    if container == ".keras":
        args = ["convert", str(given), "--layer", "encoder", "--output", str(out)]
    else:
        args = ["convert", "LSTM(4)", "--input-shape", "6,3", "--weights", str(given)]
        args += ["--layer", "encoder", "--output", str(out)]
    one_line(run_cli(*args), words, "Fix: ")
    assert listing(tmp_path) == before  # no output, nothing changed
    if container == ".keras":  # run reads the same weights
        np.save(tmp_path / "x.npy", np.zeros((2, 6, 3), "f4"))
        run = run_cli("run", str(given), "--input", str(tmp_path / "x.npy"))
        one_line(run, words)


def test_a_legacy_h5_model_with_an_external_dataset_is_refused(tmp_path):
    path = tmp_path / "model.h5"
    shutil.copy(WEIGHTS / "k2_named.h5", path)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    with h5py.File(path, "r+") as h5:

        def first(name, item):
            return name if isinstance(item, h5py.Dataset) else None

        name = "model_weights/" + h5["model_weights"].visititems(first)
        shape, dtype = h5[name].shape, h5[name].dtype
        del h5[name]
        size = int(np.prod(shape)) * dtype.itemsize
        h5.create_dataset(name, shape, dtype, external=[(str(secret), 0, size)])
    np.save(tmp_path / "x.npy", np.zeros((2, 6, 3), "f4"))
    one_line(run_cli("run", str(path), "--input", str(tmp_path / "x.npy")), "external file")


def test_soft_links_and_cycles_are_not_followed(tmp_path):
    def soft(h5, name):
        h5[name] = h5py.SoftLink("/layers/lstm_1/cell/vars/0")

    weights = _weights(tmp_path, soft)
    args = ["convert", "LSTM(4)", "--input-shape", "6,3", "--weights", str(weights)]
    one_line(run_cli(*args, "--output", str(tmp_path / "o.npz")), "link to another place")

    def cycle(h5, name):
        h5[name] = h5["layers"]  # a hard link back up: the walk would never end

    weights = _weights(tmp_path, cycle)
    one_line(run_cli(*args, "--output", str(tmp_path / "o.npz")), "reached twice")


@pytest.mark.parametrize(
    "damage",
    [
        lambda h5: (h5.__delitem__("layers"), h5.create_dataset("layers", data=[1, 2])),
        lambda h5: (h5.__delitem__(ENCODER), h5.create_dataset(ENCODER, data=b"text")),
        lambda h5: (h5.__delitem__(ENCODER), h5.create_group(ENCODER)),
        lambda h5: (h5.__delitem__(ENCODER), h5.create_dataset(ENCODER, data=np.zeros(()))),
    ],
)
def test_valid_hdf5_laid_out_unlike_keras(damage, tmp_path):
    path = tmp_path / "odd.weights.h5"
    shutil.copy(WEIGHTS / "k3_named.weights.h5", path)
    with h5py.File(path, "r+") as h5:
        damage(h5)
    args = ["convert", "LSTM(4)", "--input-shape", "6,3", "--weights", str(path)]
    one_line(run_cli(*args, "--layer", "encoder", "--output", str(tmp_path / "o.npz")))


def test_legacy_weight_names_that_are_not_a_list(tmp_path):
    path = tmp_path / "legacy.h5"
    shutil.copy(WEIGHTS / "k2_named.legacy.h5", path)
    with h5py.File(path, "r+") as h5:
        layer = next(iter(h5.values()))
        layer.attrs["weight_names"] = 5
    args = ["convert", "LSTM(4)", "--input-shape", "6,3", "--weights", str(path)]
    one_line(run_cli(*args, "--output", str(tmp_path / "o.npz")), "weight_names")


# Array headers that declare more than the file holds


def _npy_bomb(path: Path, shape=(100_000, 100_000)) -> Path:
    with path.open("wb") as stream:
        np.lib.format.write_array_header_1_0(
            stream, {"descr": "<f4", "fortran_order": False, "shape": shape}
        )
        stream.write(b"\0" * 64)
    return path


def test_npy_and_npz_headers_are_checked_before_allocating(tmp_path):
    model = WEIGHTS / "k3_named.keras"
    bomb = _npy_bomb(tmp_path / "bomb.npy")
    one_line(run_cli("run", str(model), "--input", str(bomb)), "limit of 536,870,912")
    small = _npy_bomb(tmp_path / "small.npy", (2, 6, 3000))  # within the limit, not in the file
    one_line(run_cli("run", str(model), "--input", str(small)), "more than the file holds")
    npz = tmp_path / "bomb.npz"
    with zipfile.ZipFile(npz, "w") as archive:
        archive.writestr("arr_0.npy", bomb.read_bytes())
    args = ["convert", "LSTM(4)", "--input-shape", "6,3", "--weights", str(npz)]
    one_line(run_cli(*args, "--output", str(tmp_path / "o.npz")), "arr_0.npy")
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    one_line(run_cli("run", str(model), "--input", str(objects)), "not real numbers")


def _peak(*args: str, timeout: float = 30) -> tuple[int, str, int]:
    """Run rnncalc in a fresh process: exit code, stderr, and peak memory in bytes (its own
    VmHWM: ru_maxrss would start from this process's, inherited across exec)."""
    code = (
        "import sys\n"
        "from rnncalc.main import main\n"
        "sys.argv = ['rnncalc', *sys.argv[1:]]\n"
        "try:\n    main()\n"
        "except SystemExit as exc:\n    status = exc.code or 0\n"
        "else:\n    status = 0\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "sys.stderr.write(f'\\npeak {hwm}\\n')\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout
    )
    *lines, peak = done.stderr.strip().splitlines()
    return done.returncode, "\n".join(lines).strip(), int(peak.split()[1]) * 1024


def test_bombs_stay_small_and_quick(tmp_path):
    """Declared terabytes, a million stacked layers, ten million timesteps: each refused
    within the subprocess timeout and well under 1 GiB."""
    bomb = _npy_bomb(tmp_path / "bomb.npy", (10**6, 10**6))
    weights = _weights(tmp_path, _unwritten(tmp_path))
    for args in [
        ["run", str(WEIGHTS / "k3_named.keras"), "--input", str(bomb)],
        [
            "convert",
            "LSTM(4)",
            "--input-shape",
            "6,3",
            "--weights",
            str(weights),
            "--layer",
            "encoder",
            "--output",
            str(tmp_path / "o.npz"),
        ],
        ["summary", "nn.LSTM(3, 4, num_layers=1000000)", "--batch-input-shape", "5,2,3"],
        ["check", "LSTM(1)", "--batch-input-shape", "1,10000000,1"],
        ["sweep", "LSTM(4)", "--input-shape", "3,4", "--vary", "units=1:1000000000000"],
        [
            "memory",
            "LSTM(4)",
            "--input-shape",
            "3,4",
            "--batch-size",
            "2",
            "--sweep",
            "timesteps=1:1000000000000",
        ],
    ]:
        status, stderr, peak = _peak(*args)
        assert status == 2 and stderr.startswith("error: ") and "\n" not in stderr, stderr
        assert peak < 2**30, (args, peak)


# Writing: only where asked, never through a link, never blocking on a FIFO


def test_docs_build_never_writes_through_what_is_inside_out(tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim.md"
    run_cli("docs", "build", str(out))
    victim.write_text("mine")
    cases = {
        "a listed page": lambda: (out / "lstm.md").unlink() or (out / "lstm.md").symlink_to(victim),
        "a dangling link": lambda: (
            (out / "gru.md").unlink() or (out / "gru.md").symlink_to(tmp_path / "new.md")
        ),
        "the manifest": lambda: (out / MANIFEST).unlink() or (out / MANIFEST).symlink_to(victim),
        "a FIFO": lambda: (out / "index.md").unlink() or os.mkfifo(out / "index.md"),
        "a folder": lambda: (out / "cli.md").unlink() or (out / "cli.md").mkdir(),
    }
    for what, make in cases.items():
        shutil.rmtree(out)
        run_cli("docs", "build", str(out))
        make()
        before = listing(tmp_path)
        one_line(run_cli("docs", "build", str(out)))
        assert listing(tmp_path) == before, what  # nothing half-written, nothing outside
        assert victim.read_text() == "mine"


def test_docs_build_refuses_odd_manifests_and_an_empty_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_line(run_cli("docs", "build", ""), "empty")
    assert list(tmp_path.iterdir()) == []
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_bytes(b"\xff\xfe not text")
    one_line(run_cli("docs", "build", str(out)), MANIFEST)
    (out / MANIFEST).unlink()
    (out / MANIFEST).mkdir()
    one_line(run_cli("docs", "build", str(out)), "a folder")
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST]


def test_a_manifest_cannot_claim_files_outside(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text("../victim.md\n/etc/passwd\nlstm.md\n")
    assert run_cli("docs", "build", str(out)).exit_code == 0
    assert "../victim.md" not in (out / MANIFEST).read_text()
    assert not (tmp_path / "victim.md").exists()


def _sweep_model():
    return [
        "memory",
        "LSTM(4)",
        "--input-shape",
        "3,4",
        "--batch-size",
        "2",
        "--sweep",
        "timesteps=1:3",
    ]


def test_outputs_refuse_fifos_folders_and_devices_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    model, x = WEIGHTS / "k3_named.keras", WEIGHTS / "k3_named.input.npy"
    one_line(run_cli("run", str(model), "--input", str(x), "--output", str(fifo)), "FIFO")
    pytest.importorskip("matplotlib")
    png = tmp_path / "pipe.png"
    os.mkfifo(png)
    line = one_line(run_cli(*_sweep_model(), "--plot", str(png)), "FIFO")
    assert "None" not in line
    one_line(run_cli(*_sweep_model(), "--plot", str(tmp_path)), "--plot")
    device = tmp_path / "device.npz"
    device.symlink_to("/dev/null")
    one_line(run_cli("run", str(model), "--input", str(x), "--output", str(device)), "regular")


def test_a_symlink_the_user_names_is_written_through(tmp_path):
    target, link = tmp_path / "real.npz", tmp_path / "link.npz"
    target.write_bytes(b"old")
    link.symlink_to(target)
    model, x = WEIGHTS / "k3_named.keras", WEIGHTS / "k3_named.input.npy"
    assert run_cli("run", str(model), "--input", str(x), "--output", str(link)).exit_code == 0
    assert link.is_symlink() and np.load(target)["arr_0"].ndim == 2  # as cp does
    dangling = tmp_path / "dangling.npz"
    dangling.symlink_to(tmp_path / "nowhere.npz")
    one_line(run_cli("run", str(model), "--input", str(x), "--output", str(dangling)), "link")


def test_matplotlib_leaves_the_home_folder_alone_and_reads_no_matplotlibrc_here(tmp_path):
    """Its cache goes to a folder of its own, and a `matplotlibrc` in the current folder
    (which matplotlib reads first) is not read: this one would draw at 4,000 dpi."""
    pytest.importorskip("matplotlib")
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "matplotlibrc").write_text("savefig.dpi: 4000\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CACHE_HOME")}
    env |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    plot = tmp_path / "sweep.png"
    done = subprocess.run(
        [sys.executable, "-m", "rnncalc", *_sweep_model(), "--plot", str(plot)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert plot.read_bytes().startswith(b"\x89PNG") and plot.stat().st_size < 2**20
    assert list(home.iterdir()) == []


# Limits, at their boundary


def test_limits_hold_at_their_boundary(monkeypatch):
    from rnncalc.calc import planning

    ok = ["sweep", "LSTM(4)", "--input-shape", "3,4"]
    monkeypatch.setattr(planning, "GRID_POINTS", limits.GRID_POINTS._replace(value=4))
    assert run_cli(*ok, "--vary", "units=1:4").exit_code == 0
    one_line(run_cli(*ok, "--vary", "units=1:5"), "5 combinations", "limit of 4")
    one_line(run_cli(*ok, "--vary", "units=1,2", "--vary", "dropout=0,0.5,0.9"), "6 comb")
    monkeypatch.setattr(planning, "SWEEP_POINTS", limits.SWEEP_POINTS._replace(value=3))
    mem = ["memory", "LSTM(4)", "--input-shape", "3,4", "--batch-size", "2"]
    assert run_cli(*mem, "--sweep", "timesteps=1:3").exit_code == 0
    one_line(run_cli(*mem, "--sweep", "timesteps=1:4"), "4 values", "limit of 3")
    torch = ["summary", "--batch-input-shape", "5,2,3"]
    assert run_cli(torch[0], "nn.GRU(3, 4, num_layers=1000)", *torch[1:]).exit_code == 0
    one_line(run_cli(torch[0], "nn.GRU(3, 4, num_layers=1001)", *torch[1:]), "limit of 1,000")
    assert run_cli("summary", f"LSTM({2**63 - 1})", "--input-shape", "3,4").exit_code == 0
    one_line(run_cli("summary", f"LSTM({2**63})", "--input-shape", "3,4"), "64 bits")
    check = ["check", "SimpleRNN(1)", "--batch-input-shape"]
    assert run_cli(*check, "1,100000,1").exit_code == 0
    one_line(run_cli(*check, "1,100001,1"), "100,001 steps", "limit of 100,000")


def test_a_model_run_is_bounded_across_its_layers(tmp_path):
    """Each layer within the bounds, the whole model not: steps add up across layers, and a
    Dense layer's output counts before it is allocated."""
    from rnncalc import KerasVersion, LSTMConfig
    from rnncalc.execute import random_weights, run_layer
    from rnncalc.execute.layers import Work

    layer, work = LSTMConfig(units=1), Work()
    x = np.zeros((1, 60_000, 1), "f4")
    params = random_weights(layer, x.shape, KerasVersion.V2)
    run_layer(layer, params, x, work=work)
    with pytest.raises(RnncalcError, match="120,000 steps"):
        run_layer(layer, params, x, work=work)

    archive = tmp_path / "wide.keras"
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {"name": "in", "batch_shape": [None, 50000, 1]},
                },
                {"class_name": "Dense", "config": {"name": "dense", "units": 100_000}},
            ],
        },
    }
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5:
        h5["layers/dense/vars/0"] = np.zeros((1, 100_000), "f4")
        h5["layers/dense/vars/1"] = np.zeros((100_000,), "f4")
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("metadata.json", json.dumps({"keras_version": "3.15.0"}))
        zipped.writestr("config.json", json.dumps(config))
        zipped.writestr("model.weights.h5", weights.getvalue())
    np.save(tmp_path / "x.npy", np.zeros((1, 50_000, 1), "f4"))
    status, stderr, peak = _peak("run", str(archive), "--input", str(tmp_path / "x.npy"))
    assert status == 2 and "limit of" in stderr and peak < 2**30, (stderr, peak)


def test_models_are_read_in_linear_time_and_bounded(tmp_path):
    def chain(n: int) -> dict:
        layers = [
            {
                "class_name": "InputLayer",
                "name": "in",
                "config": {"name": "in", "batch_shape": [None, 4]},
                "inbound_nodes": [],
            }
        ]
        for i in range(n):
            previous = layers[-1]["name"]
            layers.append(
                {
                    "class_name": "Dense",
                    "name": f"d{i}",
                    "config": {"name": f"d{i}", "units": 4},
                    "inbound_nodes": [[[previous, 0, 0, {}]]],
                }
            )
        last = layers[-1]["name"]
        return {
            "class_name": "Functional",
            "keras_version": "2.15.0",
            "config": {
                "name": "m",
                "layers": layers[::-1],  # listed last layer first
                "input_layers": [["in", 0, 0]],
                "output_layers": [[last, 0, 0]],
            },
        }

    path = tmp_path / "reversed.json"
    path.write_text(json.dumps(chain(limits.MODEL_LAYERS.value - 1)))
    status, stderr, _ = _peak("model", str(path), "--json", timeout=20)  # was minutes
    assert status == 0, stderr
    path.write_text(json.dumps(chain(limits.MODEL_LAYERS.value)))
    status, stderr, _ = _peak("model", str(path))
    assert status == 2 and "limit of 10,000" in stderr


# Every exception class, at the CLI and at the API


def _nested_sequential(depth: int) -> bytes:
    opening = b'{"class_name": "Sequential", "config": {"name": "s", "layers": ['
    dense = b'{"class_name": "Dense", "config": {"name": "d", "units": 2}}'
    return opening * depth + dense + b"]}}" * depth


DEEP_MODELS = {
    "deep JSON": b"[" * 200_000 + b"]" * 200_000,
    "deep object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "nested Sequential": _nested_sequential(500),
    "a 5000-digit number": b'{"class_name": "Sequential", "config": {"layers": [], "x": '
    + b"9" * 5000
    + b"}}",
    "a 4000-digit units": json.dumps(
        {
            "class_name": "Sequential",
            "config": {
                "layers": [
                    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3, 4]}},
                    {"class_name": "LSTM", "config": {"units": int("9" * 4000)}},
                ]
            },
        }
    ).encode(),
}


@pytest.mark.parametrize("kind", list(DEEP_MODELS))
def test_deep_and_huge_json_everywhere(kind, tmp_path):
    data = DEEP_MODELS[kind]
    path = tmp_path / "model.json"
    path.write_bytes(data)
    one_line(run_cli("model", str(path)))
    one_line(CliRunnerStdin(data))
    archive = tmp_path / "model.keras"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("config.json", data)
        zipped.writestr("metadata.json", b"[" * 100_000)
    one_line(run_cli("model", str(archive)))
    h5 = tmp_path / "model.h5"
    with h5py.File(h5, "w") as file:
        file.attrs["model_config"] = data
    one_line(run_cli("model", str(h5)))
    from rnncalc import model_summary

    with pytest.raises(RnncalcError):
        model_summary(str(path))


def CliRunnerStdin(data: bytes):
    from typer.testing import CliRunner

    from rnncalc.main import app

    return CliRunner().invoke(app, ["model", "-"], input=data)


@pytest.mark.parametrize(
    "expression",
    [
        "LSTM(" + "not " * 2400 + "1)",
        "LSTM(" + "-" * 9000 + "1)",
        "LSTM(" + "+" * 9000 + "1)",
        "LSTM(units=" + "lambda:" * 1400 + "1)",
        "LSTM(a" + ".b" * 4900 + ")",
        "x" + ".y" * 4900 + "(1)",
        "LSTM(" + "9" * 4000 + ")",
        "LSTM(4, input_shape=(10, " + "9" * 400 + "))",
        "LSTM(\udcff)",
        "LSTM(4, name='\ud800')",
    ],
)
def test_expressions_that_brackets_do_not_show(expression):
    one_line(run_cli("summary", expression, "--input-shape", "3,4"))
    with pytest.raises(RnncalcError):
        summary(expression, input_shape=(3, 4))


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "LSTM(4)", "--input-shape", "3," + "9" * 400],
        ["summary", "LSTM(4)", "--input-shape", "3,4", "--batch-size", "9" * 400],
        ["summary", "LSTM(4)", "--input-shape", "3,4", "--timesteps", "9" * 400],
        ["memory", "LSTM(4)", "--input-shape", "3,4", "--batch-size", "2", "--fit", "9" * 400],
        [
            "memory",
            "LSTM(4)",
            "--input-shape",
            "3,4",
            "--batch-size",
            "2",
            "--fit",
            "9" * 5000 + "GiB",
        ],
        ["sweep", "LSTM(4)", "--input-shape", "3,4", "--vary", "units=1:2:0"],
        ["sweep", "LSTM(4)", "--input-shape", "3,4", "--vary", "units=" + "9" * 5000],
        [
            "memory",
            "LSTM(4)",
            "--input-shape",
            "3,4",
            "--batch-size",
            "2",
            "--sweep",
            "batch=1:2:0",
        ],
        ["summary", "LSTM(4)", "--input-shape", "²,³"],
        ["summary", "LSTM(4)", "--batch-input-shape", "٣,4,5"],
        ["check", "LSTM(4)", "--batch-input-shape", "0,3,8"],
        ["check", "LSTM(4)", "--batch-input-shape", "2,0,8"],
        ["check", "LSTM(4)", "--batch-input-shape", "2,0,8", "--all"],
        ["check", "LSTM(4, unroll=True)", "--batch-input-shape", "2,None,8"],
        ["check", "LSTM(4, unroll=True)", "--batch-input-shape", "2,None,8", "--all"],
        ["model", "/proc/self/mem"],
        ["run", str(WEIGHTS / "k3_named.keras"), "--input", "/proc/self/mem"],
        [
            "convert",
            "LSTM(4)",
            "--input-shape",
            "6,3",
            "--weights",
            "/proc/self/mem",
            "--output",
            "/tmp/never-written.npz",
        ],
        ["model", os.fsdecode(b"/tmp/\xff\xfe-not-utf8.json")],
    ],
)
def test_every_bad_value_is_one_line(args):
    one_line(run_cli(*args))
    assert not Path("/tmp/never-written.npz").exists()


def test_check_refuses_what_summary_refuses():
    args = ["LSTM(4, unroll=True)", "--batch-input-shape", "2,None,8"]
    summary_line = one_line(run_cli("summary", *args))
    assert one_line(run_cli("check", *args)) == summary_line


def test_names_that_are_not_unicode_print(tmp_path):
    config = json.loads((DATA / "models" / "k3_small.json").read_text())
    config["config"]["layers"][1]["config"]["name"] = "bad\udc80name"
    config["config"]["layers"][1]["name"] = "bad\udc80name"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(config))  # json writes the surrogate as \udc80
    table = run_cli("model", str(path))
    assert table.exit_code == 0 and "bad\\udc80name" in table.stdout, table.output
    result = run_cli("model", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["layers"][0]["name"] == "bad\udc80name"


def test_control_characters_from_a_file_never_reach_the_terminal(tmp_path):
    config = json.loads((DATA / "models" / "k3_small.json").read_text())
    config["config"]["layers"][1]["config"]["name"] = "x\n\x1b[31mred"
    config["config"]["layers"][1]["name"] = "x\n\x1b[31mred"
    config["config"]["layers"][1]["class_name"] = "Odd\n\x1b[31mLayer"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(config))
    line = one_line(run_cli("model", str(path)))
    assert "\x1b" not in line and "\\x1b" in line
    result = run_cli("summary", "LSTM(4, dropout='a\nb\x1b[2J')", "--input-shape", "3,4")
    assert "\x1b" not in result.output


def test_an_encrypted_member_is_refused(tmp_path):
    archive = tmp_path / "locked.keras"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("config.json", (DATA / "models" / "k3_small.json").read_bytes())
    data = bytearray(archive.read_bytes())
    for signature, flag in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the encrypted bit
        at = data.find(signature)
        data[at + flag] |= 1
    archive.write_bytes(bytes(data))
    one_line(run_cli("model", str(archive)), "encrypt")


def test_other_failures_at_the_boundary(monkeypatch):
    from rnncalc.calc import analysis as api

    def fail(exc):
        def raising(*args, **kwargs):
            raise exc

        return raising

    for exc in (
        MemoryError(),
        RecursionError(),
        OverflowError("x"),
        KeyError("x"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        OSError(5, "Input/output error", "/x"),
    ):
        monkeypatch.setattr(api, "analyze", fail(exc))
        one_line(run_cli("summary", "LSTM(4)", "--input-shape", "3,4"))
        with pytest.raises(RnncalcError):
            summary("LSTM(4)", input_shape=(3, 4))


@pytest.mark.parametrize("target", ["/dev/full", "closed"])
def test_an_output_that_cannot_be_written(target):
    stdout = open("/dev/full", "w") if target == "/dev/full" else subprocess.DEVNULL  # noqa: SIM115
    command = [sys.executable, "-m", "rnncalc", "table", "LSTM(4)", "--input-shape", "3,4"]
    if target == "closed":
        command = ["sh", "-c", '"$@" >&-', "sh", *command]
    done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.stderr.startswith("error: cannot write the output"), done.stderr


@given(data=st.binary(max_size=300), depth=st.integers(0, 3000))
def test_nested_garbage_never_escapes(data, depth):
    """Hypothesis: bytes inside deep brackets, as model JSON and as an .npy header."""
    payload = b"[" * depth + data + b"]" * depth
    result = CliRunnerStdin(payload)
    assert result.exit_code == 2 and result.stderr.startswith("error: "), result.output
    stream = io.BytesIO(b"\x93NUMPY\x01\x00" + len(payload).to_bytes(2, "little") + payload)
    from rnncalc.execute.io import Budget, _npy_header

    with pytest.raises(RnncalcError):
        _npy_header(stream, Budget("x.npy"), "the array", 10**6)


@pytest.mark.parametrize("page", ["speed.md", "speed.zh.md"])
def test_every_limit_is_documented(page):
    text = (Path(__file__).parent.parent / "docs" / page).read_text()
    heading = text.index("{#limits}" if "zh" in page else "### Limits")
    table = text[text.index("| --- | --- | --- |", heading) :]
    for name, limit in limits.ALL.items():
        assert f"| {limit.value:,}" in table, (page, name)
    assert table.count("\n| ") == len(limits.ALL), page


# Found by a red-team pass: each refused, quickly and small


def _keras_archive(path: Path, config: dict, arrays: dict[str, np.ndarray], deflate=False) -> Path:
    """A Keras 3 `.keras` archive made by hand: its config and its weights by path."""
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5:
        for name, array in arrays.items():
            h5[name] = array
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as zipped:
        zipped.writestr("metadata.json", json.dumps({"keras_version": "3.15.0"}))
        zipped.writestr("config.json", json.dumps(config))
        zipped.writestr("model.weights.h5", weights.getvalue())
    return path


def _sequential(batch_shape: list, *layers: dict) -> dict:
    first = {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": batch_shape}}
    return {"class_name": "Sequential", "config": {"name": "s", "layers": [first, *layers]}}


def _embedding(tmp_path: Path, sizes: tuple[int, int], weights: tuple[int, int], length: int):
    """A model of one Embedding of `sizes` (input_dim, output_dim) holding `weights`."""
    config = {"name": "e", "input_dim": sizes[0], "output_dim": sizes[1]}
    layer = {"class_name": "Embedding", "config": config}
    arrays = {"layers/embedding/vars/0": np.ones(weights, "f4")}
    return _keras_archive(tmp_path / "emb.keras", _sequential([None, length], layer), arrays)


def test_run_checks_weights_against_the_config(tmp_path):
    dense = {"class_name": "Dense", "config": {"name": "dense", "units": 2}}
    archive = _keras_archive(
        tmp_path / "bcast.keras",
        _sequential([None, 3], dense),
        {
            "layers/dense/vars/0": np.ones((3, 2), "f4"),
            "layers/dense/vars/1": np.ones((64, 1, 1), "f4"),
        },
    )
    np.save(tmp_path / "x.npy", np.ones((1, 3), "f4"))
    one_line(run_cli("run", str(archive), "--input", str(tmp_path / "x.npy")), "(64, 1, 1)")
    archive = _embedding(tmp_path, (10, 4), (10, 65536), 5)
    np.save(tmp_path / "ids.npy", np.ones((1, 5), "f4"))
    one_line(run_cli("run", str(archive), "--input", str(tmp_path / "ids.npy")), "(10, 65536)")


def test_run_bounds_the_model_on_the_arrays_given(tmp_path):
    dense = {"class_name": "Dense", "config": {"name": "dense", "units": 2**20}}
    archive = _keras_archive(
        tmp_path / "wide.keras",
        _sequential([None, 2, None, 1], dense),
        {
            "layers/dense/vars/0": np.ones((1, 2**20), "f4"),
            "layers/dense/vars/1": np.ones(2**20, "f4"),
        },
    )
    np.save(tmp_path / "x.npy", np.ones((1, 2, 400, 1), "f4"))
    status, stderr, peak = _peak("run", str(archive), "--input", str(tmp_path / "x.npy"))
    assert status == 2 and "limit of 67,108,864" in stderr and peak < 2**29, (stderr, peak)
    archive = _embedding(tmp_path, (3, 2), (3, 2), 4)
    for ids in ([[0, 1, 2, np.nan]], [[0, 1, 2, 3]], [[-1, 0, 0, 0]], [[0.5, 0, 0, 0]]):
        np.save(tmp_path / "ids.npy", np.array(ids, "f4"))
        one_line(run_cli("run", str(archive), "--input", str(tmp_path / "ids.npy")), "0 to 2")


def test_inputs_are_counted_and_bounded_together(tmp_path, monkeypatch):
    model = str(WEIGHTS / "k3_named.keras")
    missing = str(tmp_path / "missing.npy")
    one_line(
        run_cli("run", model, "--input", missing, "--input", missing),
        "takes 1 inputs (steps), got 2",
    )
    np.save(tmp_path / "c.npy", np.zeros((2, 6, 3), np.complex64))
    one_line(run_cli("run", model, "--input", str(tmp_path / "c.npy")), "not real numbers")
    np.save(tmp_path / "ld.npy", np.zeros((2, 6, 3), np.longdouble))
    one_line(run_cli("run", model, "--input", str(tmp_path / "ld.npy")), "not real numbers")
    from rnncalc.execute import io as execute_io

    monkeypatch.setattr(execute_io, "ARRAY_BYTES", limits.ARRAY_BYTES._replace(value=10_000))
    dense = {"class_name": "Dense", "config": {"name": "dense", "units": 2}}
    arrays = {
        "layers/dense/vars/0": np.ones((3, 2), "f4"),
        "layers/dense/vars/1": np.ones(2, "f4"),
        "layers/dense/vars/2": np.zeros(4096, "f4"),
    }  # 16 KiB more, packed to nothing
    archive = _keras_archive(tmp_path / "packed.keras", _sequential([None, 3], dense), arrays, True)
    np.save(tmp_path / "x.npy", np.ones((1, 3), "f4"))
    one_line(run_cli("run", str(archive), "--input", str(tmp_path / "x.npy")), "limit of 10,000")


def test_convert_bounds_before_it_copies(tmp_path):
    weights = tmp_path / "i8.npz"
    np.savez_compressed(
        weights, np.zeros((2**25, 1), np.int8), np.zeros((1, 1), np.int8), np.zeros(1, np.int8)
    )
    status, stderr, peak = _peak(
        "convert", "SimpleRNN(1)", "--weights", str(weights), "--output", str(tmp_path / "o.npz")
    )
    assert status == 2 and "limit of 67,108,864" in stderr and peak < 2**29, (stderr, peak)
    assert not (tmp_path / "o.npz").exists()
    nan = tmp_path / "nan.npz"
    np.savez(nan, np.full((3, 1), np.nan, "f4"), np.zeros((1, 1), "f4"), np.zeros(1, "f4"))
    args = ["convert", "SimpleRNN(1)", "--input-shape", "5,3", "--weights", str(nan)]
    one_line(run_cli(*args, "--output", str(tmp_path / "o.npz")), "NaN")


INPUT_3x4 = {
    "class_name": "InputLayer",
    "name": "in",
    "inbound_nodes": [],
    "config": {"name": "in", "batch_shape": [None, 3, 4]},
}


def _tensor(name: str, node: int = 0) -> dict:
    """A Keras 3 reference to a layer's output."""
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, 0]}}


def _nested(depth: int) -> dict:
    """Functional models nested `depth` deep, each calling the one inside twice."""

    model = {
        "class_name": "Functional",
        "config": {
            "name": "m0",
            "layers": [
                dict(INPUT_3x4),
                {
                    "class_name": "LSTM",
                    "name": "l",
                    "inbound_nodes": [{"args": [_tensor("in")]}],
                    "config": {"name": "l", "units": 4, "return_sequences": True},
                },
            ],
            "input_layers": [["in", 0, 0]],
            "output_layers": [["l", 0, 0]],
        },
    }
    for level in range(1, depth + 1):
        inner = dict(model, name=f"m{level - 1}")
        inner["inbound_nodes"] = [{"args": [_tensor("in")]}, {"args": [_tensor(f"m{level - 1}")]}]
        model = {
            "class_name": "Functional",
            "config": {
                "name": f"m{level}",
                "layers": [dict(INPUT_3x4), inner],
                "input_layers": [["in", 0, 0]],
                "output_layers": [[f"m{level - 1}", 1, 0]],
            },
        }
    return model


def test_model_walks_do_not_multiply(tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_text(json.dumps(_nested(18)))  # 2^18 calls if each were computed anew
    status, stderr, _ = _peak("model", str(nested), timeout=20)
    assert status == 0, stderr
    shared = json.loads(
        (Path(__file__).parent.parent / "docs/examples/encoder_decoder.json").read_text()
    )
    lstm = next(e for e in shared["config"]["layers"] if e["class_name"] == "LSTM")
    lstm["inbound_nodes"] *= 5000  # one layer called 5,000 times
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(shared))
    status, stderr, _ = _peak("model", str(path), timeout=20)
    assert status == 0, stderr
    cells = [{"class_name": "GRUCell", "config": {"units": 3}}] * 999
    layer = {
        "class_name": "Bidirectional",
        "config": {"layer": {"class_name": "RNN", "config": {"cell": cells}}},
    }
    path.write_text(json.dumps(_sequential([None, 5, 3], *[layer] * 12)))
    one_line(run_cli("model", str(path)), "layers and cells", "limit of 10,000")


def test_runs_count_stacked_cells_and_every_combination():
    cells = ", ".join(["SimpleRNNCell(1)"] * 40)
    one_line(
        run_cli("check", f"RNN([{cells}])", "--batch-input-shape", "1,5000,1"), "200,000 steps"
    )
    one_line(
        run_cli("check", "Bidirectional(LSTM(1))", "--input-shape", "50000,1", "--all"),
        "limit of 100,000",
    )


def test_hdf5_chunks_and_links_are_counted(tmp_path):
    path = tmp_path / "chunks.h5"
    shutil.copy(WEIGHTS / "k2_named.legacy.h5", path)
    with h5py.File(path, "r+") as h5:
        layer = h5["encoder"]
        name = layer.attrs["weight_names"][0]
        shape = layer[name].shape
        del layer[name]
        layer.create_dataset(name, (2048, 2048), "f4", chunks=(1, 1), fillvalue=2.0)
    args = ["convert", "LSTM(4)", "--weights", str(path), "--layer", "encoder"]
    one_line(run_cli(*args, "--output", str(tmp_path / "o.npz")), "chunks", "limit of 100,000")
    assert shape == (3, 16)
    path = tmp_path / "links.h5"
    with h5py.File(path, "w", libver="latest") as h5:
        h5["encoder/w"] = np.zeros(())
        h5["encoder"].attrs["weight_names"] = [b"w"] * 30_000
    start = __import__("time").perf_counter()
    one_line(
        run_cli(*args[:3], str(path), *args[4:], "--output", str(tmp_path / "o.npz")),
        "limit of 20,000",
    )
    assert __import__("time").perf_counter() - start < 20


def test_docs_build_does_not_read_a_huge_page(tmp_path):
    out = tmp_path / "out"
    assert run_cli("docs", "build", str(out)).exit_code == 0
    with (out / "cli.md").open("r+b") as page:
        page.truncate(3 * 2**30)  # sparse: 3 GiB that take no disk
    status, stderr, peak = _peak("docs", "build", str(out))
    assert status == 0 and peak < 2**29, (stderr, peak)
    assert (out / "cli.md").stat().st_size < 2**20


def test_numpy_warnings_do_not_reach_stderr(tmp_path):
    dense = {
        "class_name": "Dense",
        "config": {"name": "dense", "units": 2, "activation": "exponential"},
    }
    archive = _keras_archive(
        tmp_path / "exp.keras",
        _sequential([None, 3], dense),
        {
            "layers/dense/vars/0": np.ones((3, 2), "f4"),
            "layers/dense/vars/1": np.full(2, 1e30, "f4"),
        },
    )
    np.save(tmp_path / "x.npy", np.ones((1, 3), "f4"))
    result = run_cli("run", str(archive), "--input", str(tmp_path / "x.npy"))
    assert result.exit_code == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "LSTM(4)", "--batch-size", "abc"],
        ["summary", "LSTM(4)", "--timesteps", "٣"],
        ["summary", "LSTM(4)", "--bogus"],
        ["summary", "LSTM(4)", "--keras", "4"],
        ["summary"],
        ["nonsense"],
        ["docs", "build", "--bogus"],
        ["run", "x.keras"],
    ],
)
def test_usage_errors_are_one_line_too(args):
    one_line(run_cli(*args), "--help")


def test_more_limits_at_their_boundary(tmp_path, monkeypatch):
    from rnncalc import RNNConfig, SimpleRNNCellConfig
    from rnncalc.calc.planning import parse_size
    from rnncalc.parse.keras_files import check_json

    def nested(depth: int) -> list:
        value: list = []
        for _ in range(depth - 1):
            value = [value]
        return value

    check_json(nested(limits.JSON_DEPTH.value), "x")
    with pytest.raises(RnncalcError, match="limit of 100"):
        check_json(nested(limits.JSON_DEPTH.value + 1), "x")
    cell = SimpleRNNCellConfig(units=1)
    RNNConfig(cell=[cell] * limits.CELLS.value)
    with pytest.raises(ValueError, match="limit of 1,000"):
        RNNConfig(cell=[cell] * (limits.CELLS.value + 1))
    assert parse_size(f"{2**63}") == limits.BUDGET.value
    with pytest.raises(RnncalcError, match="8 EiB"):
        parse_size(f"{2**63 + 1}")
    brackets = "LSTM(4, kernel_regularizer={})"
    deepest = "[" * (limits.EXPRESSION_DEPTH.value - 1) + "]" * (limits.EXPRESSION_DEPTH.value - 1)
    assert (
        "nests" not in run_cli("summary", brackets.format(deepest), "--input-shape", "3,4").stderr
    )
    one_line(run_cli("summary", brackets.format(f"[{deepest}]"), "--input-shape", "3,4"), "32")
    from rnncalc.execute import io as execute_io

    monkeypatch.setattr(execute_io, "ARRAY_BYTES", limits.ARRAY_BYTES._replace(value=2 * 6 * 3 * 4))
    np.save(tmp_path / "x.npy", np.zeros((2, 6, 3), "f4"))  # exactly at the limit
    execute_io.load_array(str(tmp_path / "x.npy"))
    np.save(tmp_path / "y.npy", np.zeros((2, 6, 3), "f8"))
    with pytest.raises(RnncalcError, match="limit of 144"):
        execute_io.load_array(str(tmp_path / "y.npy"))


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        (summary, {"layer": "LSTM(4)", "input_shape": (3, 4), "batch_size": 10**400}),
        (summary, {"layer": "LSTM(4)", "batch_input_shape": (2, 10**30, 4)}),
        (summary, {"layer": "LSTM(" + "-" * 9000 + "1)", "input_shape": (3, 4)}),
        (summary, {"layer": "LSTM(\udcff)", "input_shape": (3, 4)}),
    ],
)
def test_the_api_raises_only_rnncalc_errors(call, kwargs):
    with pytest.raises(RnncalcError):
        call(**kwargs)


def test_the_api_on_hostile_files(tmp_path):
    from rnncalc import model_summary
    from rnncalc.docs import build
    from rnncalc.execute import run_model

    locked = tmp_path / "locked.keras"
    with zipfile.ZipFile(locked, "w") as zipped:
        zipped.writestr("config.json", (DATA / "models" / "k3_small.json").read_bytes())
    data = bytearray(locked.read_bytes())
    for signature, flag in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.find(signature) + flag] |= 1
    locked.write_bytes(bytes(data))
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    for path in (locked, deep, Path("/proc/self/mem"), tmp_path):
        with pytest.raises(RnncalcError):
            model_summary(str(path))
    weights = _weights(tmp_path, _external_storage(tmp_path))
    with pytest.raises(RnncalcError, match="external file"):
        run_model(str(_as_keras(tmp_path, weights)), [np.zeros((2, 6, 3), "f4")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "lstm.md").symlink_to(tmp_path / "victim.md")
    with pytest.raises(RnncalcError, match="symbolic link"):
        build(str(out))
    assert not (tmp_path / "victim.md").exists()


# Found by a second red-team pass


def _functional(layers: list[dict], outputs: list) -> dict:
    return {
        "class_name": "Functional",
        "config": {
            "name": "f",
            "layers": layers,
            "input_layers": [["in", 0, 0]],
            "output_layers": outputs,
        },
    }


def test_merges_combine_two_at_a_time_on_their_axis(tmp_path):
    inputs = INPUT_3x4
    add = {
        "class_name": "Add",
        "name": "add",
        "config": {"name": "add"},
        "inbound_nodes": [{"args": [[_tensor("in")] * 2000]}],
    }
    archive = _keras_archive(
        tmp_path / "add.keras", _functional([inputs, add], [["add", 0, 0]]), {}
    )
    np.save(tmp_path / "x.npy", np.ones((1, 3, 4), "f4"))
    out = tmp_path / "o.npz"
    assert (
        run_cli(
            "run", str(archive), "--input", str(tmp_path / "x.npy"), "--output", str(out)
        ).exit_code
        == 0
    )
    np.testing.assert_array_equal(np.load(out)["arr_0"], np.full((1, 3, 4), 2000.0))
    cat = {
        "class_name": "Concatenate",
        "name": "cat",
        "config": {"name": "cat", "axis": 1},
        "inbound_nodes": [{"args": [[_tensor("in"), _tensor("in")]]}],
    }
    archive = _keras_archive(
        tmp_path / "cat.keras", _functional([inputs, cat], [["cat", 0, 0]]), {}
    )
    assert (
        run_cli(
            "run", str(archive), "--input", str(tmp_path / "x.npy"), "--output", str(out)
        ).exit_code
        == 0
    )
    assert np.load(out)["arr_0"].shape == (1, 6, 4)  # as rnncalc model says


def test_gelu_is_whole_arrays_and_exact():
    import math

    from rnncalc import KerasVersion
    from rnncalc.execute.activations import activation

    x = np.linspace(-12, 12, 100_001).astype("f8")
    erf = np.vectorize(math.erf)(x / math.sqrt(2))
    np.testing.assert_allclose(
        activation("gelu", KerasVersion.V3)(x), 0.5 * x * (1 + erf), atol=2e-6
    )


@pytest.mark.filterwarnings("ignore:Duplicate name")  # writing the twins, on purpose
def test_npz_negative_shapes_and_twin_names(tmp_path):
    bad = tmp_path / "neg.npz"
    with zipfile.ZipFile(bad, "w") as archive:
        stream = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            stream, {"descr": "<f4", "fortran_order": False, "shape": (-(10**12),)}
        )
        archive.writestr("arr_0.npy", stream.getvalue())
    args = ["convert", "SimpleRNN(1)", "--input-shape", "6,3", "--output", str(tmp_path / "o.npz")]
    one_line(run_cli(*args, "--weights", str(bad)), "shape")
    twins = tmp_path / "twins.npz"
    with zipfile.ZipFile(twins, "w") as archive:
        for _ in range(2):
            stream = io.BytesIO()
            np.save(stream, np.zeros((3, 1), "f4"))
            archive.writestr("arr_0.npy", stream.getvalue())
    one_line(run_cli(*args, "--weights", str(twins)), "share a name")


def test_sweeps_and_grids_count_stacked_cells():
    cells = ", ".join(["LSTMCell(4)"] * 760)
    layer = f"RNN([{cells}])"
    one_line(
        run_cli("memory", layer, "--batch-input-shape", "2,None,4", "--sweep", "timesteps=1:100"),
        "layers to analyse",
    )
    one_line(
        run_cli(
            "sweep",
            layer,
            "--batch-input-shape",
            "2,3,4",
            "--vary",
            "go_backwards=" + ",".join(["True"] * 100),
        ),
        "layers to analyse",
    )
    one_line(
        run_cli(
            "sweep", "LSTM(4)", "--input-shape", "3,4", "--vary", "units=1,2", "--vary", "units=3"
        ),
        "twice",
    )


def test_json_counted_before_it_is_parsed(tmp_path):
    path = tmp_path / "dicts.json"
    path.write_bytes(
        b'{"class_name": "Sequential", "config": {"layers": [], "x": ['
        + b"{}," * 2_000_000
        + b"{}]}}"
    )
    status, stderr, peak = _peak("model", str(path))
    assert status == 2 and "limit of 1,000,000" in stderr and peak < 2**28, (stderr, peak)
    shared = json.loads(
        (Path(__file__).parent.parent / "docs/examples/encoder_decoder.json").read_text()
    )
    lstm = next(e for e in shared["config"]["layers"] if e["class_name"] == "LSTM")
    lstm["inbound_nodes"] *= 30_000
    path.write_text(json.dumps(shared))
    one_line(run_cli("model", str(path)), "layer calls", "limit of 20,000")
    layers = [{"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 3]}}]
    for i in range(3):
        layers += [
            {"class_name": "RepeatVector", "config": {"name": f"r{i}", "n": 2**63 - 1}},
            {"class_name": "Flatten", "config": {"name": f"f{i}"}},
        ]
    path.write_text(
        json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": layers}})
    )
    one_line(run_cli("model", str(path), "--batch-size", "1"), "64 bits")


def test_bidirectional_merges_of_different_widths_and_overflowing_weights(tmp_path):
    layer = "Bidirectional(LSTM(4), backward_layer=LSTM(7, go_backwards=True), merge_mode='sum')"
    one_line(run_cli("check", layer, "--input-shape", "3,4", "--keras", "3"), "different widths")
    huge = tmp_path / "huge.npz"
    np.savez(huge, np.full((3, 1), 3e38, "f4"), np.full((1, 1), 3e38, "f4"), np.full(1, 3e38, "f4"))
    args = [
        "convert",
        "SimpleRNN(1, activation='relu')",
        "--input-shape",
        "5,3",
        "--weights",
        str(huge),
    ]
    one_line(run_cli(*args, "--output", str(tmp_path / "o.npz")), "overflow")


# Found by a third red-team pass


def _lstm_with_states(tmp_path: Path, kwargs: dict) -> Path:
    def declared(name, shape):
        return {
            "class_name": "InputLayer",
            "name": name,
            "inbound_nodes": [],
            "config": {"name": name, "batch_shape": shape},
        }

    lstm = {
        "class_name": "LSTM",
        "name": "lstm",
        "config": {"name": "lstm", "units": 2},
        "inbound_nodes": [{"args": [_tensor("in")], "kwargs": kwargs}],
    }
    layers = [
        declared("in", [None, 3, 4]),
        declared("h", [None, 2]),
        declared("c", [None, 2]),
        declared("m", [None, 3]),
        lstm,
    ]
    config = {
        "class_name": "Functional",
        "config": {
            "name": "f",
            "layers": layers,
            "input_layers": [["in", 0, 0], ["h", 0, 0], ["c", 0, 0], ["m", 0, 0]],
            "output_layers": [["lstm", 0, 0]],
        },
    }
    rng = np.random.default_rng(0)
    arrays = {
        "layers/lstm/cell/vars/0": rng.normal(size=(4, 8)).astype("f4"),
        "layers/lstm/cell/vars/1": rng.normal(size=(2, 8)).astype("f4"),
        "layers/lstm/cell/vars/2": rng.normal(size=8).astype("f4"),
    }
    return _keras_archive(tmp_path / "states.keras", config, arrays)


def test_run_takes_initial_state_and_refuses_an_explicit_mask(tmp_path):
    from rnncalc.execute import run_model

    archive = _lstm_with_states(tmp_path, {"initial_state": [_tensor("h"), _tensor("c")]})
    x, m = np.ones((1, 3, 4), "f4"), np.ones((1, 3), "f4")
    zero, five = (
        run_model(str(archive), [x, s, s, m])[0]
        for s in (np.zeros((1, 2), "f4"), np.full((1, 2), 5, "f4"))
    )
    assert not np.allclose(zero, five)  # the states are the call's, not zeros
    archive = _lstm_with_states(tmp_path, {"mask": _tensor("m")})
    with pytest.raises(RnncalcError, match="mask="):
        run_model(str(archive), [x, np.zeros((1, 2), "f4"), np.zeros((1, 2), "f4"), m])


def test_concatenate_axes_and_masks(tmp_path):
    masking = {
        "class_name": "Masking",
        "name": "mask",
        "config": {"name": "mask"},
        "inbound_nodes": [{"args": [_tensor("in")]}],
    }
    cat = {
        "class_name": "Concatenate",
        "name": "cat",
        "config": {"name": "cat", "axis": 1},
        "inbound_nodes": [{"args": [[_tensor("mask"), _tensor("mask")]]}],
    }
    lstm = {
        "class_name": "LSTM",
        "name": "lstm",
        "config": {"name": "lstm", "units": 2},
        "inbound_nodes": [{"args": [_tensor("cat")]}],
    }
    config = _functional([INPUT_3x4, masking, cat, lstm], [["lstm", 0, 0]])
    arrays = {
        "layers/lstm/cell/vars/0": np.ones((4, 8), "f4"),
        "layers/lstm/cell/vars/1": np.ones((2, 8), "f4"),
        "layers/lstm/cell/vars/2": np.ones(8, "f4"),
    }
    archive = _keras_archive(tmp_path / "cat.keras", config, arrays)
    np.save(tmp_path / "x.npy", np.ones((1, 3, 4), "f4"))
    assert run_cli("run", str(archive), "--input", str(tmp_path / "x.npy")).exit_code == 0
    config["config"]["layers"][2]["config"]["axis"] = 3
    path = tmp_path / "cat.json"
    path.write_text(json.dumps(config))
    one_line(run_cli("model", str(path)), "axis=3")


def test_no_arguments_print_help_and_a_deleted_folder_still_plots(tmp_path):
    result = run_cli()
    assert result.exit_code == 0 and "Usage:" in result.stdout and result.stderr == ""
    pytest.importorskip("matplotlib")
    gone = tmp_path / "gone"
    gone.mkdir()
    plot = tmp_path / "p.png"
    command = f'cd "{gone}" && rmdir "{gone}" && exec "$@"'
    done = subprocess.run(
        [
            "sh",
            "-c",
            command,
            "sh",
            sys.executable,
            "-m",
            "rnncalc",
            *_sweep_model(),
            "--plot",
            str(plot),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and plot.exists(), done.stderr
