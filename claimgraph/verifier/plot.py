"""A reliability diagram as a PNG, drawn pixel by pixel (no plotting library needed).

The square plot has predicted confidence on x and the observed share of correct statements on y, both 0..1 with
grid lines every 0.1; the diagonal is perfect calibration (grey); each confidence bin is a bar (blue) as tall
as its observed share, as wide as the bin, darker the more statements it holds; the hand-set confidences'
curve, when given, is drawn as orange dots.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIZE = 400
MARGIN = 30
WHITE, GRID, AXIS, DIAGONAL = (255, 255, 255), (225, 225, 225), (0, 0, 0), (150, 150, 150)
ORANGE = (230, 120, 20)


class Canvas:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.pixels = [bytearray(WHITE * width) for _ in range(height)]

    def set(self, x: int, y: int, colour: tuple[int, int, int]) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.pixels[y][3 * x : 3 * x + 3] = bytes(colour)

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        for y in range(min(y0, y1), max(y0, y1) + 1):
            for x in range(min(x0, x1), max(x0, x1) + 1):
                self.set(x, y, colour)

    def line(self, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in range(steps + 1):
            self.set(round(x0 + (x1 - x0) * i / steps), round(y0 + (y1 - y0) * i / steps), colour)

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.pixels)

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + \
            chunk(b"IEND", b"")


def reliability_png(path: str | Path, bins: list[tuple[float, float, float, int]],
                    baseline: list[tuple[float, float, float, int]] | None = None) -> None:
    """``bins``: (low, high, observed share correct, statements) per confidence bin."""
    side = SIZE + 2 * MARGIN
    canvas = Canvas(side, side)

    def px(v: float) -> int:
        return MARGIN + round(v * SIZE)

    def py(v: float) -> int:
        return MARGIN + SIZE - round(v * SIZE)

    for i in range(11):
        canvas.line(px(i / 10), py(0), px(i / 10), py(1), GRID)
        canvas.line(px(0), py(i / 10), px(1), py(i / 10), GRID)
    most = max((n for *_, n in bins), default=1) or 1
    for low, high, share, n in bins:
        if n:
            shade = round(200 - 150 * n / most)
            canvas.rect(px(low) + 2, py(share), px(high) - 2, py(0), (shade, shade, 255))
    canvas.line(px(0), py(0), px(1), py(1), DIAGONAL)
    for low, high, share, n in baseline or []:
        if n:
            x, y = px((low + high) / 2), py(share)
            canvas.rect(x - 3, y - 3, x + 3, y + 3, ORANGE)
    canvas.line(px(0), py(0), px(1), py(0), AXIS)
    canvas.line(px(0), py(0), px(0), py(1), AXIS)
    Path(path).write_bytes(canvas.png())
