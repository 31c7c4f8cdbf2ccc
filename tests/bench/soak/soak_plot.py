# SPDX-License-Identifier: BSD-2-Clause
"""The soak's plot as a plain SVG (no plotting library to install): one panel per figure, time in
hours along the bottom, each panel scaled from 0 to its own maximum."""
import os
from xml.sax.saxutils import escape

PANELS = (("rss_kib", "RSS (MiB)", 1 / 1024), ("fds", "open fds", 1), ("tick_ms", "tick (ms)", 1),
          ("players_cs", "players cs (udp)", 1), ("players_mc", "players mc (tcp)", 1))
WIDTH, PANEL_HEIGHT, LEFT, RIGHT, GAP = 900, 120, 70, 20, 30


def write_svg(path, rows):
    height = len(PANELS) * (PANEL_HEIGHT + GAP) + GAP
    span = max(1, rows[-1]["elapsed_s"]) if rows else 1
    plot_w = WIDTH - LEFT - RIGHT
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             'font-family="sans-serif" font-size="11">', f'<rect width="{WIDTH}" height="{height}" fill="white"/>']
    for i, (key, title, scale) in enumerate(PANELS):
        top = GAP + i * (PANEL_HEIGHT + GAP)
        points = [(r["elapsed_s"], r[key] * scale) for r in rows if isinstance(r[key], (int, float))]
        peak = max((v for _, v in points), default=0) or 1
        parts.append(f'<rect x="{LEFT}" y="{top}" width="{plot_w}" height="{PANEL_HEIGHT}" fill="none" stroke="#999"/>')
        parts.append(f'<text x="{LEFT}" y="{top - 6}">{escape(title)}</text>')
        parts.append(f'<text x="{LEFT - 6}" y="{top + 10}" text-anchor="end">{peak:.4g}</text>')
        parts.append(f'<text x="{LEFT - 6}" y="{top + PANEL_HEIGHT}" text-anchor="end">0</text>')
        path_points = " ".join(f"{LEFT + plot_w * t / span:.1f},{top + PANEL_HEIGHT * (1 - v / peak):.1f}"
                               for t, v in points)
        if path_points:
            parts.append(f'<polyline points="{path_points}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>')
    bottom = GAP + len(PANELS) * (PANEL_HEIGHT + GAP) - GAP + 14
    parts.append(f'<text x="{LEFT}" y="{bottom}">0 h</text>')
    parts.append(f'<text x="{LEFT + plot_w}" y="{bottom}" text-anchor="end">{span / 3600:.2f} h</text>')
    parts.append("</svg>\n")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(parts))
    os.replace(path + ".tmp", path)
