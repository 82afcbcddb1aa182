"""A price-over-time step chart as inline SVG, drawn on the server (no JavaScript).

Pure functions: the admin view fetches the price timeline and passes the
segments in; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

OMNIBUS_WINDOW = timedelta(days=30)
PRIOR_COLOUR = "#059669"

# (from, to, amount): ``to`` None means open-ended; ``amount`` None means no price then.
Segment = tuple[datetime, datetime | None, Decimal | None]


@dataclass(frozen=True)
class ChartBox:
    width: int = 760
    height: int = 300
    left: int = 70
    right: int = 20
    top: int = 20
    bottom: int = 50

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


def clip_segments(
    segments: Sequence[Segment], *, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, Decimal]]:
    """Return the priced parts of ``segments`` inside ``[start, end)``, in time order."""
    clipped = []
    for seg_from, seg_to, amount in sorted(segments, key=lambda s: s[0]):
        if amount is None:
            continue
        lo = max(seg_from, start)
        hi = min(seg_to or end, end)
        if lo < hi:
            clipped.append((lo, hi, amount))
    return clipped


def lowest_series(
    segments: Sequence[Segment],
    *,
    start: datetime,
    end: datetime,
    window: timedelta = OMNIBUS_WINDOW,
) -> list[tuple[datetime, datetime, Decimal]]:
    """Return the lowest price of the trailing ``window`` at every moment of ``[start, end)``.

    ``segments`` must reach back ``window`` before ``start``.  The lowest only
    changes where a price starts (it may drop) or ``window`` after a price
    ends (it may rise), so evaluating at those moments gives the exact steps.
    """
    priced = clip_segments(segments, start=start - window, end=end)
    moments = {start}
    for seg_from, seg_to, _amount in priced:
        moments.update((seg_from, seg_to + window))
    moments = sorted(t for t in moments if start <= t < end)

    def lowest_at(moment: datetime) -> Decimal | None:
        seen = [
            amount
            for seg_from, seg_to, amount in priced
            if seg_from <= moment and seg_to > moment - window
        ]
        return min(seen) if seen else None

    steps: list[tuple[datetime, datetime, Decimal]] = []
    for index, moment in enumerate(moments):
        until = moments[index + 1] if index + 1 < len(moments) else end
        value = lowest_at(moment)
        if value is None:
            continue
        if steps and steps[-1][1] == moment and steps[-1][2] == value:
            steps[-1] = (steps[-1][0], until, value)
        else:
            steps.append((moment, until, value))
    return steps


def _nice_range(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """An axis from below ``low`` to above ``high`` in round steps: (bottom, top, step)."""
    spread = max(high - low, abs(high) * Decimal("0.1"), Decimal(1))
    raw = spread / 3
    magnitude = Decimal(10) ** raw.adjusted()
    step = next(
        m * magnitude
        for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
        if m * magnitude >= raw
    )
    bottom = max(Decimal(0), (low / step).to_integral_value(rounding="ROUND_FLOOR") * step - step)
    top = (high / step).to_integral_value(rounding="ROUND_CEILING") * step + step
    return bottom, top, step


def price_chart_svg(
    *,
    segments: Sequence[Segment],
    start: datetime,
    end: datetime,
    currency: str,
    now: datetime | None = None,
    box: ChartBox | None = None,
    prior: Sequence[Segment] = (),
) -> SafeString:
    """Draw the price (solid), its trailing 30-day lowest (dashed) and the Omnibus prior price
    of each reduction (dotted, labelled) as an SVG step chart.

    ``segments`` should reach 30 days before ``start`` so the lowest line is
    right from the first day; ``prior`` holds (start, end, prior price) per
    reduction; ``now``, when inside the range, is marked.
    """
    box = box or ChartBox()
    prices = clip_segments(segments, start=start, end=end)
    lowest = lowest_series(segments, start=start, end=end)
    priors = clip_segments(prior, start=start, end=end)
    title = escape(_("Price and 30-day lowest price (%(currency)s)") % {"currency": currency})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{box.width}" '
        f'height="{box.height}" viewBox="0 0 {box.width} {box.height}" '
        f'font-family="sans-serif" font-size="11"><title>{title}</title>',
        f'<rect x="0" y="0" width="{box.width}" height="{box.height}" fill="#fff"/>',
    ]
    if not prices:
        no_price = escape(_("No price in this period."))
        parts.append(
            f'<text x="{box.width // 2}" y="{box.height // 2}" text-anchor="middle" '
            f'fill="#666">{no_price}</text></svg>'
        )
        return mark_safe("".join(parts))  # noqa: S308  (numbers and escaped text only)

    amounts = [amount for *_, amount in (*prices, *lowest, *priors)]
    y_low, y_high, y_step = _nice_range(min(amounts), max(amounts))
    span = (end - start).total_seconds()

    def x(moment: datetime) -> float:
        return box.left + box.plot_width * (moment - start).total_seconds() / span

    def y(amount: Decimal) -> float:
        share = (amount - y_low) / (y_high - y_low)
        return box.top + box.plot_height * (1 - float(share))

    parts.append(
        _axes(box, start=start, end=end, y_low=y_low, y_high=y_high, y_step=y_step, x=x, y=y)
    )
    if now is not None and start < now < end:
        now_label = escape(_("now"))
        parts.append(
            f'<line x1="{x(now):.1f}" y1="{box.top}" x2="{x(now):.1f}" '
            f'y2="{box.top + box.plot_height}" stroke="#9ca3af" stroke-dasharray="2,2"/>'
            f'<text x="{x(now) + 3:.1f}" y="{box.top + 10}" fill="#6b7280">{now_label}</text>'
        )
    parts.append(_steps(lowest, x=x, y=y, colour="#d97706", dashed=True))
    parts.append(_steps(prices, x=x, y=y, colour="#2563eb", dashed=False))
    parts.append(_prior_lines(priors, x=x, y=y))
    legend_y = box.height - 12
    price_label = escape(_("Price"))
    lowest_label = escape(_("Lowest price of the previous 30 days"))
    prior_label = escape(_("Prior price (Omnibus)"))
    parts.append(
        f'<line x1="{box.left}" y1="{legend_y - 4}" x2="{box.left + 24}" y2="{legend_y - 4}" '
        f'stroke="#2563eb" stroke-width="2"/>'
        f'<text x="{box.left + 30}" y="{legend_y}">{price_label}</text>'
        f'<line x1="{box.left + 90}" y1="{legend_y - 4}" x2="{box.left + 114}" '
        f'y2="{legend_y - 4}" stroke="#d97706" stroke-width="2" stroke-dasharray="5,3"/>'
        f'<text x="{box.left + 120}" y="{legend_y}">{lowest_label}</text>'
        f'<line x1="{box.left + 360}" y1="{legend_y - 4}" x2="{box.left + 384}" '
        f'y2="{legend_y - 4}" stroke="{PRIOR_COLOUR}" stroke-width="2" stroke-dasharray="1,3"/>'
        f'<text x="{box.left + 390}" y="{legend_y}">{prior_label}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (numbers and escaped text only)


def _prior_lines(priors, *, x, y) -> str:
    """Each reduction's prior price: a dotted line over its life, labelled with the amount."""
    parts = []
    for seg_from, seg_to, amount in priors:
        ypos = y(amount)
        label = escape(_("Prior price %(amount)s") % {"amount": f"{amount:.2f}"})
        parts.append(
            f'<g class="prior-price"><line x1="{x(seg_from):.1f}" y1="{ypos:.1f}" '
            f'x2="{x(seg_to):.1f}" y2="{ypos:.1f}" stroke="{PRIOR_COLOUR}" stroke-width="2" '
            f'stroke-dasharray="1,3"/><text x="{x(seg_from) + 3:.1f}" y="{ypos - 4:.1f}" '
            f'fill="{PRIOR_COLOUR}">{label}</text></g>'
        )
    return "".join(parts)


def _axes(box: ChartBox, *, start, end, y_low, y_high, y_step, x, y) -> str:
    parts = []
    bottom = box.top + box.plot_height
    amount = y_low
    while amount <= y_high:
        ypos = y(amount)
        parts.append(
            f'<line x1="{box.left}" y1="{ypos:.1f}" x2="{box.left + box.plot_width}" '
            f'y2="{ypos:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{box.left - 6}" y="{ypos + 4:.1f}" text-anchor="end">{amount:.2f}</text>'
        )
        amount += y_step
    # A tick on the first day of every month in the range.
    month = datetime(start.year, start.month, 1, tzinfo=start.tzinfo)
    while month < end:
        if month >= start:
            xpos = x(month)
            parts.append(
                f'<line x1="{xpos:.1f}" y1="{bottom}" x2="{xpos:.1f}" y2="{bottom + 4}" '
                f'stroke="#666"/><text x="{xpos:.1f}" y="{bottom + 16}" '
                f'text-anchor="middle">{date_format(month, "M Y")}</text>'
            )
        month = datetime(
            month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=start.tzinfo
        )
    parts.append(
        f'<line x1="{box.left}" y1="{bottom}" x2="{box.left + box.plot_width}" y2="{bottom}" '
        f'stroke="#666"/><line x1="{box.left}" y1="{box.top}" x2="{box.left}" y2="{bottom}" '
        f'stroke="#666"/>'
    )
    return "".join(parts)


def _steps(steps, *, x, y, colour: str, dashed: bool) -> str:
    """One polyline per unbroken run of steps; a gap (no price) breaks the line."""
    runs: list[list[str]] = []
    previous_end = None
    for seg_from, seg_to, amount in steps:
        ypos = y(amount)
        point_from, point_to = f"{x(seg_from):.1f},{ypos:.1f}", f"{x(seg_to):.1f},{ypos:.1f}"
        if runs and previous_end == seg_from:
            runs[-1] += [point_from, point_to]
        else:
            runs.append([point_from, point_to])
        previous_end = seg_to
    dash = ' stroke-dasharray="5,3"' if dashed else ""
    return "".join(
        f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} '
        f'points="{" ".join(points)}"/>'
        for points in runs
    )
