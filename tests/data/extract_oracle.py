"""Copy the one-layer cases of ../shared/oracle into tests/data.

Run from the repository root when the oracle changes: `python tests/data/extract_oracle.py`.
Only data is copied (the layer config, the input shape and what the framework reported), so
the tests run without ../shared:

- keras_single.jsonl: every single SimpleRNN/GRU/LSTM case, edge cases included;
- keras_wrappers.jsonl: every Bidirectional and ConvLSTM case;
- torch_public.jsonl: every PyTorch case, as it is.
"""

import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
RNN = {"SimpleRNN", "GRU", "LSTM"}


def short_name(weight: str) -> str:
    """`bidirectional/forward_lstm/lstm_cell/kernel:0` -> `forward_lstm/kernel`: the layer's own
    name and the cell's are dropped, as rnncalc names weights within one layer."""
    parts = weight.split(":")[0].split("/")[1:]
    return "/".join(p for p in parts if not re.search(r"_cell(_\d+)?$", p))


def wrapper_cases(oracle: Path):
    for name in ("k2_public", "k3_public"):
        for line in (oracle / f"{name}.jsonl").open():
            case = json.loads(line)
            if case["kind"] not in ("bidirectional", "conv_lstm"):
                continue
            inputs, layer = (x for x in case["model_json"]["config"]["layers"])
            reported = case["layers"][-1]
            yield {
                "id": case["id"],
                "kind": case["kind"],
                "keras": "2" if case["keras"].startswith("tf-keras") else "3",
                "layer": layer["class_name"],
                "config": layer["config"],
                "batch_input_shape": inputs["config"].get(
                    "batch_input_shape", inputs["config"].get("batch_shape")
                ),
                "output_shapes": reported["output_shapes"],
                "params": reported["params"],
                "weights": [[short_name(w), s] for w, s in reported["weights"]],
            }


def cases(oracle: Path):
    for name in ("k2_public", "k3_public", "k2_edge_public", "k3_edge_public"):
        for line in (oracle / f"{name}.jsonl").open():
            case = json.loads(line)
            if case["kind"] != "single_rnn" and not case["kind"].startswith("edge:"):
                continue
            layers = case["model_json"]["config"]["layers"]
            inputs, layer = layers[0]["config"], layers[1]
            if layer["class_name"] not in RNN:
                continue
            record = {
                "id": case["id"],
                "kind": case["kind"],
                "keras": "2" if case["keras"].startswith("tf-keras") else "3",
                "layer": layer["class_name"],
                "config": layer["config"],
                "batch_input_shape": inputs.get("batch_input_shape", inputs.get("batch_shape")),
                "accepted": case.get("accepted", True),
            }
            if record["accepted"]:
                reported = case["layers"][-1]
                record.update(
                    output_shapes=reported["output_shapes"],
                    params=reported["params"],
                    weights=[[w.split("/")[-1].split(":")[0], s] for w, s in reported["weights"]],
                )
            else:
                record.update(error=case["error"], message=case["message"][:300])
            yield record


def write(name: str, records) -> None:
    lines = [json.dumps(record, sort_keys=True) for record in records]
    (HERE / name).write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} cases to tests/data/{name}")


def main() -> None:
    oracle = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/oracle")
    write("keras_single.jsonl", cases(oracle))
    write("keras_wrappers.jsonl", wrapper_cases(oracle))
    shutil.copyfile(oracle / "pt_public.jsonl", HERE / "torch_public.jsonl")
    print("copied pt_public.jsonl to tests/data/torch_public.jsonl")


if __name__ == "__main__":
    main()
