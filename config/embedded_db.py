"""Embedded PostgreSQL for local runs and tests, so a bare machine needs no database server.

The server comes from the `pgserver` wheel (real PostgreSQL binaries). Its data directory is keyed
on the checkout's path, so two clones (or two worktrees) never share a database. pgserver stops the
server when the last process that opened it exits.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import warnings
from pathlib import Path

DATABASE_NAME = "wayfarer"


def embedded_data_dir(configured: str, base_dir: Path) -> Path:
    """EMBEDDED_POSTGRES_DIR if set, else a per-checkout folder under the system temp dir.

    Not under the project or home folder: pgserver makes every parent world-readable.
    """
    if configured:
        return Path(configured)
    digest = hashlib.sha256(str(base_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "wayfarer-pg" / digest


def _pgserver():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI); its /tmp fallback is fine.
        warnings.simplefilter("ignore")
        import pgserver
    return pgserver


def embedded_database_url(data_dir: Path, *, keep_running: bool = False) -> str:
    """Start (or reuse) the embedded server, create the project database, return its URL.

    `keep_running` leaves the server up after this process exits, for a run on another Python
    (scripts/test-next), which stops it with `embedded_server_stop`.
    """
    import psycopg
    from psycopg import errors

    pgserver = _pgserver()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None if keep_running else "stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process (an xdist worker) may create it first.
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return f"postgres://postgres@/{DATABASE_NAME}?host={data_dir}"


def embedded_server_stop(data_dir: Path) -> None:
    """Stop the embedded server at `data_dir` once no other process uses it."""
    _pgserver().get_server(data_dir, cleanup_mode="stop")
