"""A small deterministic force-directed layout (Fruchterman-Reingold) for the amplifier network picture."""

from __future__ import annotations

import numpy as np

ITERATIONS = 60  # enough for 16 nodes to settle; each costs ~40 µs
# Share of the radius kept clear around the centre node: a node settling beside it put its name on the person's
# larger node. Distances from the centre are mapped onto [CENTRE_CLEARANCE, 1], in the same order.
CENTRE_CLEARANCE = 0.3


def force_layout(n: int, edges: list[tuple[int, int, float]], *, iterations: int = ITERATIONS) -> np.ndarray:
    """Positions (n x 2, within [-1, 1]) of n nodes; node 0 stays in the centre, the others start on a circle.

    `edges` are (i, j, weight) with weight > 0; heavier edges pull their nodes closer. Same input, same picture.
    """
    if n == 0:
        return np.zeros((0, 2))
    angle = 2 * np.pi * np.arange(n) / max(n - 1, 1)
    pos = np.column_stack([np.cos(angle), np.sin(angle)])
    pos[0] = 0.0
    if n == 1:
        return pos
    k = 2.0 / np.sqrt(n)  # ideal distance in a 2 x 2 square
    pairs = np.array([(i, j) for i, j, _ in edges], dtype=int).reshape(-1, 2)
    weight = np.array([w for _, _, w in edges], dtype=float)
    weight = weight / weight.max() if len(weight) else weight
    for step in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-6)
        push = (delta / dist[..., None] * (k * k / dist)[..., None]).sum(axis=1)
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            length = np.maximum(np.linalg.norm(d, axis=1), 1e-6)
            pull = d * (length / k * (0.5 + weight))[:, None]
            np.add.at(push, pairs[:, 0], -pull)
            np.add.at(push, pairs[:, 1], pull)
        size = np.maximum(np.linalg.norm(push, axis=1), 1e-9)
        temperature = 0.2 * (1 - step / iterations) + 0.005
        pos += push / size[:, None] * np.minimum(size, temperature)[:, None]
        pos[0] = 0.0
    radius = np.linalg.norm(pos, axis=1)
    outer = max(radius.max(), 1e-9)
    stretch = np.divide(
        CENTRE_CLEARANCE + (1 - CENTRE_CLEARANCE) * radius / outer, radius, where=radius > 0, out=np.zeros(n)
    )
    pos *= stretch[:, None]
    return pos / max(np.abs(pos).max(), 1e-9)
