"""A stacked bar chart of a retention forecast, as a standalone SVG (no plotting library)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from dataward.retention.forecast import Forecast

# Distinguishable for common colour blindness (Okabe and Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

WIDTH, HEIGHT = 880, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 220, 50, 60


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def forecast_svg(
    result: Forecast, *, title: str | None = None, description: str | None = None
) -> str:
    """The chart; `description` (what it shows, in words) is read out by screen readers."""
    by_rule = result.by_rule()
    months = result.months
    totals = result.totals()
    top = _nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(months), 1)
    bar = slot * 0.7
    heading = title or f"Records due to go, by month, from {result.today.isoformat()}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-labelledby="forecast-title{" forecast-desc" if description else ""}">',
        f'<title id="forecast-title">{escape(heading)}</title>',
        *([f'<desc id="forecast-desc">{escape(description)}</desc>'] if description else []),
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="28" font-size="16" font-weight="bold">{escape(heading)}</text>',
    ]
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        label = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#dddddd"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#333333">{label}</text>'
        )
    for index, month in enumerate(months):
        x = LEFT + slot * index + (slot - bar) / 2
        base: float = TOP + plot_h
        for colour_index, (rule, counts) in enumerate(by_rule.items()):
            count = counts[index]
            if not count:
                continue
            height = plot_h * count / top
            base -= height
            colour = PALETTE[colour_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{colour}"><title>{escape(rule)}, {month}: {count:,}</title></rect>'
            )
        if totals[index]:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{base - 4:.1f}" text-anchor="middle" '
                f'font-size="10" fill="#333333">{totals[index]:,}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
            f'font-size="10" fill="#333333">{month}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'stroke="#333333"/>'
    )
    legend_x = LEFT + plot_w + 20
    for colour_index, rule in enumerate(by_rule):
        y = TOP + 20 * colour_index
        colour = PALETTE[colour_index % len(PALETTE)]
        parts.append(f'<rect x="{legend_x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 18}" y="{y + 10}">{escape(rule)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
