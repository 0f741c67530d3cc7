"""Every tensor a recurrent layer returns, with its shape: the output, then the states."""

from __future__ import annotations

from rnncalc.inputs import Shape
from rnncalc.layers import RecurrentConfig


def output_shapes(config: RecurrentConfig, shape: Shape) -> list[tuple[str, Shape]]:
    """The tensors the layer returns, in Keras's order, for a checked 3-D input.

    Args:
        config: the layer.
        shape: the full input shape; `(batch, timesteps, features)`, or
            `(timesteps, batch, features)` with `time_major=True`.

    Returns:
        `(name, shape)` for the output and then, with `return_state`, each state.

    Example:
        >>> lstm = LSTMConfig(units=4, return_sequences=True, return_state=True)
        >>> output_shapes(lstm, (32, 10, 8))
        [('output', (32, 10, 4)), ('state_h', (32, 4)), ('state_c', (32, 4))]
    """
    if config.time_major:
        time, batch, _ = shape
    else:
        batch, time, _ = shape
    units = config.units
    if not config.return_sequences:
        output: Shape = (batch, units)
    elif config.time_major:
        output = (time, batch, units)  # sequences stay time-major; states never are
    else:
        output = (batch, time, units)
    returned = [("output", output)]
    if config.return_state:
        returned += [(state, (batch, units)) for state in config.family.states]
    return returned
