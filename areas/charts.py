"""A small trend line per measure, drawn on the server as inline SVG (no JavaScript).

The product's pattern (reports/charts.py): the <svg> has role="img" and is labelled by its
<title> and <desc>; the same figures are in the table beside it; geometry is in whole SVG units
so that no locale puts a decimal comma into an attribute. The geometry has the shape the
comparison pages' line chart takes (templates/reports/comparison/_line_chart.html), which draws
it; unlike theirs, the scale is fitted to the values, so a change of a few per cent in a year
shows as a slope rather than a flat line.
"""

import math

WIDTH = 360
HEIGHT = 150
LEFT = 56
RIGHT = 24
TOP = 10
BOTTOM = 30


def _nice_step(span: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at least `span`."""
    if span <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(span))
    for factor in (1, 2, 5, 10):
        if factor * power >= span:
            return float(factor * power)
    return float(10 * power)


def scale(values) -> tuple[float, float]:
    """(low, high) of the axis: round numbers around the values, two equal steps apart."""
    low, high = float(min(values)), float(max(values))
    step = _nice_step(max((high - low) / 2, abs(high) * 0.02, 1.0))
    while True:
        bottom = math.floor(low / step) * step
        if bottom + 2 * step >= high:
            return bottom, bottom + 2 * step
        step = _nice_step(step * 1.01)


def trend_chart(points, *, is_share: bool) -> dict:
    """points = [{"label": year, "value": number or None}]; gaps (None) break the line."""
    values = [float(p["value"]) for p in points if p["value"] is not None]
    low, high = scale(values) if values else (0.0, 1.0)
    if is_share:  # a share's axis stays within 0–100 %
        low = max(low, 0.0)
        high = min(high, 100.0) if min(high, 100.0) > low else high
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def y_of(value) -> int:
        return TOP + round(plot_h - (float(value) - low) * plot_h / ((high - low) or 1))

    drawn, segments, current = [], [], []
    for i, point in enumerate(points):
        x = LEFT + round(i * step) if len(points) > 1 else LEFT + plot_w // 2
        item = {"label": point["label"], "tick": point["label"], "x": x, "value": point["value"]}
        if point["value"] is not None:
            item["y"] = y_of(point["value"])
            current.append(f"{x},{item['y']}")
        elif current:
            segments.append(" ".join(current))
            current = []
        drawn.append(item)
    if current:
        segments.append(" ".join(current))
    # Years under the axis: every one when they fit, else every second.
    every = 1 if len(points) <= 8 else 2
    for i, item in enumerate(drawn):
        if i % every and i != len(drawn) - 1:
            item["tick"] = ""
    ticks = [low, (low + high) / 2, high]
    return {
        "points": drawn,
        "segments": segments,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": TOP + plot_h,
        "label_y": TOP + plot_h + 18,
        "label_y2": TOP + plot_h + 34,
        "ticks": [{"y": y_of(t), "value": _tick(t), "text_y": y_of(t) + 4} for t in ticks],
        "tick_x": LEFT - 6,
        "targets": [],
        "is_share": is_share,
    }


def _tick(value: float):
    return int(value) if float(value).is_integer() else round(value, 1)
