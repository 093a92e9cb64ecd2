#!/usr/bin/env python3
"""Draws Panjere's app icons (the favicon's four-pane window) as PNG with
nothing but the standard library: 192 and 512 px with rounded corners, and a
512 px maskable icon whose panes sit inside the 80% safe zone. Writes them
into `icons/` beside this script; the PNGs are committed."""
import os, struct, zlib

BLUE, WHITE, GOLD = (0x0B, 0x4F, 0x8A), (0xFF, 0xFF, 0xFF), (0xFF, 0xBF, 0x47)

def inside_round_rect(x, y, x0, y0, w, h, r):
    if not (x0 <= x < x0 + w and y0 <= y < y0 + h):
        return False
    cx = min(max(x, x0 + r), x0 + w - r)
    cy = min(max(y, y0 + r), y0 + h - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def draw(size, maskable):
    # Shapes in a 64-unit box, as in favicon.svg.
    scale = size / 64
    if maskable:
        bg = (0, 0, 64, 64, 0)
        k, off = 0.72, 64 * 0.14   # panes shrunk into the safe zone
    else:
        bg = (0, 0, 64, 64, 14)
        k, off = 1.0, 0.0
    panes = [(14, 14, WHITE), (34, 14, WHITE), (14, 34, WHITE), (34, 34, GOLD)]
    ss = 4  # supersampling per axis
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) / scale
                    y = (py + (sy + 0.5) / ss) / scale
                    colour = None
                    if inside_round_rect(x, y, *bg):
                        colour = BLUE
                        for (qx, qy, c) in panes:
                            if inside_round_rect(x, y, off + qx * k, off + qy * k, 16 * k, 16 * k, 2 * k):
                                colour = c
                    if colour:
                        acc[0] += colour[0]; acc[1] += colour[1]; acc[2] += colour[2]; acc[3] += 255
            n = ss * ss
            a = acc[3] // n
            if a:
                row += bytes([acc[0] * 255 // acc[3], acc[1] * 255 // acc[3], acc[2] * 255 // acc[3], a])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False), ("icon-maskable-512.png", 512, True)]:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "icons", name), "wb") as f:
        f.write(draw(size, maskable))
