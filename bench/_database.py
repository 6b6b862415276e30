"""A fresh database for one benchmark: an SQLite file in /tmp, or a PostgreSQL database on the server of
$DATABASE_URL (dropped and created here); then Django is set up and migrated."""

from __future__ import annotations

import os
from pathlib import Path


def fresh_database(name: str, db: str) -> None:
    if db == "sqlite":
        path = Path(f"/tmp/{name}.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        base = (os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres").rsplit(
            "/", 1
        )[0]
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.settings")
    os.environ["BIANZHI_DATA_DIR"] = f"/tmp/{name}_data"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
