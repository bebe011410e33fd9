"""Charts as inline SVG drawn on the server, no JavaScript.

One pattern throughout: the <svg> has role="img" and is labelled by its <title> and <desc>; the
same figures follow it in a table. Geometry is in whole SVG units, so that no locale puts a
decimal comma into an SVG attribute.
"""

# Chart geometry, in SVG user units (the SVG scales to the width of the page).
CHART_WIDTH = 640
LABEL_WIDTH = 220
LABEL_CHARS = 30  # longer labels are shortened in the chart; the table has them in full
VALUE_WIDTH = 90
BAR_HEIGHT = 22
BAR_GAP = 10


def short_label(label) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(rows):
    """Geometry of a horizontal bar chart, in whole SVG units (so that no locale puts a decimal
    comma into an SVG attribute). rows: [{"label", "value" (None = hidden), "hidden_text"}]."""
    values = [r["value"] for r in rows if r["value"] is not None]
    largest = float(max(values, default=0)) or 1.0
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    drawn = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        value = row["value"]
        width = 0 if value is None else round(float(value) * bar_space / largest)
        drawn.append(
            {
                **row,
                "label": short_label(row["label"]),
                "y": y,
                "text_y": y + round(BAR_HEIGHT * 0.7),
                "width": width,
                "text_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "rows": drawn,
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP),
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }


def stacked_chart(rows, segments):
    """Geometry of 100 % stacked bars. rows: [{"label", "shares": [percent or None, ...]}];
    segments: [{"label", "css"}] in the same order as the shares."""
    bar_space = CHART_WIDTH - LABEL_WIDTH - 10
    drawn = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        x = LABEL_WIDTH
        parts = []
        for share, segment in zip(row["shares"], segments, strict=True):
            if not share:
                continue
            width = round(share * bar_space / 100)
            parts.append({"x": x, "width": width, "css": segment["css"], "label": segment["label"]})
            x += width
        drawn.append(
            {
                "label": short_label(row["label"]),
                "y": y,
                "text_y": y + round(BAR_HEIGHT * 0.7),
                "parts": parts,
                "empty": not parts,
                "empty_text": row.get("empty_text", ""),
                "empty_x": LABEL_WIDTH + 6,
            }
        )
    legend_y = len(rows) * (BAR_HEIGHT + BAR_GAP) + 4
    legend = []
    x = LABEL_WIDTH
    for segment in segments:
        legend.append({**segment, "x": x, "text_x": x + 18, "y": legend_y, "text_y": legend_y + 12})
        x += 18 + 8 * len(str(segment["label"])) + 20
    return {
        "rows": drawn,
        "legend": legend,
        "width": max(CHART_WIDTH, x),
        "height": legend_y + 20,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }
