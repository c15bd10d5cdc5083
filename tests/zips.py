"""Zip archives built in memory for the tests (own-data uploads, the archive reader)."""

from __future__ import annotations

import io
import zipfile


def zip_bytes(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``files`` (name inside the archive -> its bytes), each entry ``compression``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buf.getvalue()
