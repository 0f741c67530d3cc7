"""Copy the single-layer Keras cases of ../shared/oracle into tests/data/keras_single.jsonl.

Run from the repository root when the oracle changes: `python tests/data/extract_oracle.py`.
Only data is copied (the layer config, the input shape and what Keras reported), so the tests
run without ../shared.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("keras_single.jsonl")
RNN = {"SimpleRNN", "GRU", "LSTM"}


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


def main() -> None:
    oracle = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/oracle")
    with OUT.open("w") as out:
        records = [json.dumps(record, sort_keys=True) for record in cases(oracle)]
        out.write("\n".join(records) + "\n")
    print(f"wrote {len(records)} cases to {OUT}")


if __name__ == "__main__":
    main()
