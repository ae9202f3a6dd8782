"""A throwaway PostgreSQL server on 127.0.0.1, for the tests and the storage load benchmark.

Debian's ``postgresql`` package provides the server binaries (``.ci/run`` installs it when it is
missing). PostgreSQL refuses to run as root, so under root the server runs as the ``postgres``
user the package creates. The data directory and the socket live in a temporary directory that
:func:`postgres_server` removes on exit, after an immediate shutdown.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Where Debian installs each major version's server programs.
_DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"


def server_bindir() -> str | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or ``None`` if absent."""
    candidates = sorted(glob.glob(_DEBIAN_BINDIRS), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(os.path.dirname(os.path.realpath(on_path)))
    for bindir in candidates:
        if all(os.access(os.path.join(bindir, p), os.X_OK) for p in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres_server(database: str = "metaautoml") -> Iterator[str]:
    """Run a server for the block and yield a SQLAlchemy URL of an empty database on it.

    Raises
    ------
    RuntimeError
        When the server programs are missing, or the server does not start (its log follows).
    """
    bindir = server_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl, postgres) are not "
                           "installed; `apt-get install postgresql`")
    as_root = os.geteuid() == 0
    user = "postgres" if as_root else pwd.getpwuid(os.geteuid()).pw_name
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    root = Path(tempfile.mkdtemp(prefix="metaautoml-pg-"))
    data, log = root / "data", root / "server.log"
    port = _free_port()
    if as_root:
        os.chmod(root, 0o755)
        shutil.chown(root, user="postgres")

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=root)
        if done.returncode != 0:
            raise subprocess.CalledProcessError(done.returncode, args[0], done.stdout,
                                                f"{args[0]}: {done.stderr.strip()}")

    try:
        run(os.path.join(bindir, "initdb"), "-D", str(data), "-A", "trust", "-U", user,
            "--no-sync", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=200"
        try:
            run(os.path.join(bindir, "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                "-w", "-t", "60", "start")
        except subprocess.CalledProcessError as exc:
            text = log.read_text() if log.exists() else exc.stderr
            raise RuntimeError(f"PostgreSQL did not start: {text[-2000:]}") from None
        run(os.path.join(bindir, "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user,
            database)
        yield f"postgresql://{user}@127.0.0.1:{port}/{database}"
    finally:
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                run(os.path.join(bindir, "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                    "stop")
        shutil.rmtree(root, ignore_errors=True)
