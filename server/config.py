"""Server settings: where sessions live and the ceilings every request is held to."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


def default_data_dir() -> Path:
    """Per-user data folder.

    $NNPLAY_DATA_DIR, else $XDG_DATA_HOME/nnplay, else ~/.local/share/nnplay.
    """
    explicit = os.environ.get("NNPLAY_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "nnplay"


MIB = 1024 * 1024


def default_max_memory() -> int:
    """Bytes sessions and their data may hold: a quarter of the machine's memory, at least
    256 MiB and at most 4 GiB (512 MiB where the machine's size cannot be read)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 512 * MIB
    return max(256 * MIB, min(4096 * MIB, total // 4))


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know at start-up, limits included.

    Every ceiling here is enforced with a 4xx naming the field that crossed it.
    """

    data_dir: Path = field(default_factory=default_data_dir)
    # Where sessions are kept: None -> SQLite at database_path (under data_dir), or a
    # postgresql://user@host:port/dbname URL (server.persist.session_store.open_store).
    store: str | None = None
    # Where sessions run: None -> in this process; a Ray address ("auto", "host:port") ->
    # each live session a Ray actor on that cluster (server.runtime.ray_runtime; needs a
    # PostgreSQL store every node reaches).
    ray_address: str | None = None
    session_idle_seconds: float = 300.0  # on Ray: an actor unused this long saves and leaves
    session_cpus: float = 0.25  # on Ray: the CPUs each session's actor asks its node for

    # Who may talk to it (server.http.host_guard, server.http.access_token).
    host: str = "127.0.0.1"  # the bound address: Host headers must name it (or allow_hosts)
    allow_hosts: tuple[str, ...] = ()  # more names Host may carry ("*": any; never by default)
    token: str | None = None  # shared access token every request must carry, if set

    # Uploads and images.
    max_upload_bytes: int = 16 * 1024 * 1024  # a multipart upload (image, zip, npz)
    # Any other (JSON) body. The largest a page or client needs: a 512x512 drawing as a list
    # of 0..255 numbers is under 2 MB, as base64 0.35 MB; parsing JSON takes many times its
    # size in memory, so this stays well below max_upload_bytes. Larger images go as uploads.
    max_json_bytes: int = 4 * 1024 * 1024
    max_image_pixels: int = 4_000_000  # width * height of one image (drawn or uploaded)

    # Architectures.
    max_layers: int = 32
    max_filters: int = 64
    max_params: int = 2_000_000
    max_activations: int = 2_000_000  # numbers every layer outputs for one input, summed
    max_batch_values: int = 64_000_000  # batch_size x max_activations while training

    # Data and training.
    max_dataset_size: int = 20_000  # examples a session trains on (and own samples it keeps)
    max_dataset_pixels: int = 20_000 * 28 * 28  # examples x pixels of a generated dataset
    max_zip_files: int = 5_000  # entries read from one uploaded zip
    max_zip_pixels: int = 64_000_000  # pixels decoded for one zip upload (~1 s of decoding)
    max_decode_pixels_per_minute: int = 256_000_000  # decoded from zips, per client
    max_grid: int = 41  # loss-surface grid side
    max_landscape_eval: int = 1_024  # evaluation images for a loss surface

    # Work.
    training_threads: int = 1  # training steps, probes and surfaces running at once, all
    #                            sessions together; forwards never wait for these

    # Sessions.
    max_sessions_in_memory: int = 64  # least recently used ones beyond this are dropped to disk
    # Bytes the sessions in memory and their data may hold together (server.runtime.memory):
    # the least recently used idle ones are dropped to disk beyond it; a new one is refused
    # (503) only when nothing can be dropped.
    # The process itself (Python, NumPy, MNIST) comes on top.
    max_memory_bytes: int = field(default_factory=default_max_memory)
    max_sessions_on_disk: int = 10_000  # creating one more is refused (503) until some expire
    max_sessions_per_minute: int = 60  # sessions one client (IP address) may create a minute
    session_ttl_seconds: float = 7 * 24 * 3600.0  # idle sessions are deleted after this
    expiry_interval_seconds: float = 600.0  # how often the idle sweep runs

    @property
    def database_path(self) -> Path:
        return self.data_dir / "sessions.sqlite3"

    @property
    def store_target(self) -> str | Path:
        """What open_store opens: the --store URL, else the SQLite file under data_dir."""
        return self.store if self.store else self.database_path
