"""What a zip of large, highly compressible images costs to decode (issue 13, item 6).

The zip: ``--count`` PNGs of 2000x2000 blank pixels (about 200 bytes each, compressed). In one
process, alternating: the reference path (``engine.preprocess.decode_image`` at full size, then
a Lanczos resize to 28x28, as ``load_zip`` did before) and ``load_zip`` as it is now (pixels
charged to a budget before decoding, large images box-reduced before the resize); then
``load_zip`` with its default budget (64 M decoded pixels), which refuses the zip.

    .venv/bin/python bench/zip_decode.py --count 60
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import zipfile

import numpy as np
from PIL import Image

sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # not bench/engine.py

from engine.datasets.archive import PixelBudget, PixelBudgetExceeded, load_zip  # noqa: E402
from engine.preprocess import decode_image  # noqa: E402


def _zip(count: int) -> bytes:
    png = io.BytesIO()
    Image.new("L", (2000, 2000), 0).save(png, "PNG")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(count):
            zf.writestr(f"{'ab'[i % 2]}/{i}.png", png.getvalue())
    return buffer.getvalue()


def _reference(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            gray = decode_image(zf.read(info), info.filename)
            resized = Image.fromarray(gray).resize((28, 28), Image.Resampling.LANCZOS)
            np.clip(np.asarray(resized, dtype=np.float32), 0, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = _zip(args.count)
    old, new = [], []
    for _ in range(args.rounds):
        t = time.perf_counter()
        _reference(data)
        old.append(time.perf_counter() - t)
        t = time.perf_counter()
        load_zip(data, size=28, budget=PixelBudget(10**12))
        new.append(time.perf_counter() - t)
    t = time.perf_counter()
    try:
        load_zip(data, size=28)
        refused = "accepted"
    except PixelBudgetExceeded:
        refused = "refused"
    default = time.perf_counter() - t
    print(f"{args.count} PNGs 2000x2000, zip {len(data)} bytes")
    print(f"reference median {np.median(old):.2f} s, now median {np.median(new):.2f} s, "
          f"ratio {np.median(new) / np.median(old):.2f}")
    print(f"default budget: {refused} after {default:.2f} s")


if __name__ == "__main__":
    main()
