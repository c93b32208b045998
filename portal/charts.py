"""Charts as inline SVG, drawn on the server: no script, no CDN (the census
network has no internet), and the same picture on screen, in print and in
the PDF of the 通报."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from markupsafe import Markup

from pucha.localtime import SHANGHAI

OK, BAD, NONE, INK = "#2e7d32", "#c62828", "#bbbbbb", "#444"


@dataclass
class Bar:
    label: str  # under the bar (short)
    value: float | None  # None: no data that day
    title: str  # tooltip: the full reading
    bad: bool = False


def bar_chart(bars: list[Bar], *, caption: str, unit: str = "", top: float | None = None,
              threshold: float | None = None, css_class: str = "chart") -> Markup:
    """A bar per reading, a dashed line at ``threshold`` (e.g. the 95% of veto.unreachable)."""
    width, height, left, bottom, pad = 640, 220, 48, 36, 12
    plot_w, plot_h = width - left - pad, height - bottom - pad
    values = [b.value for b in bars if b.value is not None]
    top = top or max(values + [threshold or 0, 1])
    step = plot_w / max(len(bars), 1)
    parts = [f'<svg class="{css_class}" role="img" aria-label="{escape(caption)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
             f'<title>{escape(caption)}</title>',
             f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{pad + plot_h}" stroke="{INK}"/>',
             f'<line x1="{left}" y1="{pad + plot_h}" x2="{left + plot_w}" y2="{pad + plot_h}" stroke="{INK}"/>']
    for frac in (0, 0.5, 1):
        y = pad + plot_h * (1 - frac)
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
                     f'{top * frac:g}{escape(unit)}</text>')
    if threshold is not None:
        y = pad + plot_h * (1 - threshold / top)
        parts.append(f'<line class="threshold" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     f'stroke="{BAD}" stroke-dasharray="4 3"/>')
    label_every = max(1, len(bars) // 14)
    for i, b in enumerate(bars):
        x = left + i * step + step * 0.15
        w = max(step * 0.7, 1)
        if b.value is None:
            parts.append(f'<rect class="bar none" x="{x:.1f}" y="{pad + plot_h - 2}" width="{w:.1f}" height="2" '
                         f'fill="{NONE}"><title>{escape(b.title)}</title></rect>')
        else:
            h = plot_h * min(b.value, top) / top
            parts.append(f'<rect class="bar {"bad" if b.bad else "ok"}" x="{x:.1f}" y="{pad + plot_h - h:.1f}" '
                         f'width="{w:.1f}" height="{max(h, 1):.1f}" fill="{BAD if b.bad else OK}">'
                         f'<title>{escape(b.title)}</title></rect>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{pad + plot_h + 14}" text-anchor="middle" '
                         f'fill="{INK}">{escape(b.label)}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 4}" text-anchor="middle" fill="{INK}">'
                 f'{escape(caption)}</text></svg>')
    return Markup("".join(parts))


def daily_availability_chart(rows: list[dict]) -> Markup:
    """The monitor's days (census.monitor.trends.site_trends): availability % per day."""
    bars = []
    for r in rows:
        avail = r.get("availability")
        bars.append(Bar(r["day"][5:], avail,
                        f"{r['day']}：探测 {r['probes']} 次，失败 {r['failed']} 次"
                        + (f"，可用率 {avail}%" if avail is not None else "，无数据"),
                        bad=avail is not None and avail < 95))
    return bar_chart(bars, caption="监测期内首页每日可用率（%），虚线为 95%", unit="%", top=100, threshold=95)


def probe_chart(probes: list[dict]) -> Markup:
    """A sweep's homepage probes in order: response time, red when the probe failed."""
    bars = []
    for i, p in enumerate(sorted(probes, key=lambda p: p["at"]), 1):
        when = datetime.fromtimestamp(p["at"], timezone.utc).astimezone(SHANGHAI).strftime("%m-%d %H:%M:%S")
        ms = p.get("elapsed_ms")
        outcome = "成功" if p["ok"] else f"失败（{p.get('error') or p.get('status') or '未知'}）"
        bars.append(Bar(str(i), (ms if ms is not None else 0) / 1000, f"第 {i} 次 {when}：{outcome}"
                        + (f"，{ms} 毫秒" if ms is not None else ""), bad=not p["ok"]))
    return bar_chart(bars, caption="普查期间首页探测：每次响应时间（秒），红色为失败", unit="s")


def hbar_chart(bars: list[Bar], *, caption: str, unit: str = "", top: float | None = None,
               css_class: str = "chart hbar") -> Markup:
    """One line per bar, its full label at the left and its value at the bar's end: labels never
    overlap however many bars, and a zero (a unit where nothing passed) still shows as a red mark."""
    # Narrow on purpose: on a 390 px phone the picture shrinks little, so its 13 px text stays legible.
    row, left, right, head = 28, 176, 64, 26
    width = 440
    plot_w = width - left - right
    values = [b.value for b in bars if b.value is not None]
    top = top or max(values + [1])
    height = head + row * len(bars) + 8
    parts = [f'<svg class="{css_class}" role="img" aria-label="{escape(caption)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="Noto Sans CJK SC, sans-serif" font-size="13">',
             f'<title>{escape(caption)}</title>',
             f'<text x="0" y="16" fill="{INK}" font-weight="bold">{escape(caption)}</text>']
    for i, b in enumerate(bars):
        y = head + i * row
        label = b.label if len(b.label) <= 12 else b.label[:11] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" fill="{INK}">{escape(label)}'
                     f'<title>{escape(b.title)}</title></text>')
        if b.value is None:
            parts.append(f'<text x="{left + 4}" y="{y + 16}" fill="{INK}">无数据</text>')
            continue
        w = plot_w * min(b.value, top) / top
        parts.append(f'<rect class="bar {"bad" if b.bad else "ok"}" x="{left}" y="{y + 4}" width="{max(w, 3):.1f}" '
                     f'height="{row - 8}" fill="{BAD if b.bad else OK}"><title>{escape(b.title)}</title></rect>')
        parts.append(f'<text x="{left + max(w, 3) + 4:.1f}" y="{y + 16}" fill="{INK}">{b.value:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def verdict_chart(rows: list) -> Markup:
    """Per region: share of sites that passed (the result table's chart)."""
    bars = [Bar(r.region, round(100 * r.passed / r.sites, 1) if r.sites else None,
                f"{r.region}：{r.sites} 个网站，合格 {r.passed}，不合格 {r.failed}",
                bad=bool(r.sites) and r.passed / r.sites < 0.5) for r in rows]
    return hbar_chart(bars, caption="各地区合格率（%）", unit="%", top=100)


def unit_pass_chart(rows: list) -> Markup:
    """Per unit (portal.rollups.Rollup): share of its sites that passed."""
    bars = [Bar(r.name, r.pass_rate, f"{r.name}：{r.sites} 个网站，合格 {r.passed}，不合格 {r.failed}",
                bad=r.pass_rate is not None and r.pass_rate < 50) for r in rows]
    return hbar_chart(bars, caption="各单位合格率（%）", unit="%", top=100)


def veto_chart(vetoes: dict[str, int], titles: dict[str, str]) -> Markup:
    """Sites vetoed by each kind of 单项否决."""
    bars = [Bar(titles.get(rule, rule), n, f"{titles.get(rule, rule)}：{n} 个网站", bad=True)
            for rule, n in sorted(vetoes.items(), key=lambda kv: -kv[1])]
    return hbar_chart(bars, caption="单项否决：各类网站数", unit=" 个", css_class="chart hbar vetoes")


def probe_days(probes: list[dict]) -> list[dict]:
    """A sweep's probes per Beijing day, in the rows daily_availability_chart reads (附件2's week)."""
    days: dict[str, list[bool]] = {}
    for p in probes:
        day = datetime.fromtimestamp(p["at"], timezone.utc).astimezone(SHANGHAI).date().isoformat()
        days.setdefault(day, []).append(bool(p["ok"]))
    return [{"day": d, "probes": len(oks), "failed": oks.count(False),
             "availability": round(100 * oks.count(True) / len(oks), 1)} for d, oks in sorted(days.items())]


def probe_week_chart(probes: list[dict]) -> Markup:
    """The sweep's week of probes, a bar a day: availability %, red under 95 %."""
    bars = [Bar(r["day"][5:], r["availability"], f"{r['day']}：探测 {r['probes']} 次，失败 {r['failed']} 次，"
                f"可用率 {r['availability']}%", bad=r["availability"] < 95) for r in probe_days(probes)]
    return bar_chart(bars, caption="普查期间首页每日可用率（%），虚线为 95%", unit="%", top=100, threshold=95)
