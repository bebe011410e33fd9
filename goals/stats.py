"""Statistics for goals: the Wilson score interval for a share."""

import math

Z_95 = 1.959964


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float | None, float | None]:
    """The Wilson score interval (95 % by default) for `successes` out of `n`.

    n = 0 gives (None, None): there is no share to be uncertain about. The interval always
    contains the observed share successes / n (also at 0 and n, where it touches 0 or 1 exactly),
    so a goal's value never falls outside its interval through rounding.
    """
    if n <= 0:
        return None, None
    if successes < 0 or successes > n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, min(centre - half, p))
    high = 1.0 if successes == n else min(1.0, max(centre + half, p))
    return low, high
