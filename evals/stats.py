"""Small statistics for reports."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values.

    Example:
        >>> percentile([10, 20, 30, 40], 50), percentile([10, 20, 30, 40], 95)
        (20, 40)
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]
