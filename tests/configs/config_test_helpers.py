"""Shared helpers of the config tests: paths, the reference, fake programs and shell runs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from tests.no_skips import find_program, require

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FILES = PROJECT_ROOT / "files"
REFERENCE = PROJECT_ROOT / "tests" / "reference" / "cluster-facts.yaml"

_reference_cache: dict[str, Any] = {}


def reference_module(module: str) -> dict[str, Any]:
    """The reference's ``kubernetes.<module>`` entry."""
    if "facts" not in _reference_cache:
        _reference_cache["facts"] = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    return _reference_cache["facts"]["kubernetes"][module]


def reference_resource(module: str, name: str, kind: str) -> dict[str, Any]:
    for resource in reference_module(module)["resources"]:
        if resource["name"] == name and resource["kind"] == kind:
            return resource
    raise LookupError(f"{module} has no {kind} {name}")


def fake_program(bin_dir: Path, name: str, body: str) -> Path:
    """An executable ``name`` in ``bin_dir`` running the sh ``body``; ``$LOG`` collects calls."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / name
    path.write_text(f'#!/bin/sh\necho "{name} $*" >> "$LOG"\n{body}\n', encoding="utf-8")
    path.chmod(0o755)
    return path


def run_sh(
    script: str, *, bin_dir: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs ``script`` as the pod does (``sh -c SCRIPT``), with ``bin_dir`` first on PATH."""
    path = os.environ.get("PATH", "/usr/bin:/bin")
    full_env = {"PATH": f"{bin_dir}:{path}" if bin_dir else path, **(env or {})}
    return subprocess.run(["sh", "-c", script], env=full_env, capture_output=True, text=True, timeout=60)


def assert_valid_sh(script: str) -> None:
    result = subprocess.run(["sh", "-n"], input=script, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def kubelet_references(text: str) -> list[str]:
    """What the kubelet would rewrite in a container's command/args: ``$(NAME)`` and ``$$``."""
    return re.findall(r"\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\$", text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str:
    binary = find_program("nginx")
    require(binary, "nginx is not installed (`make test` installs nginx-light) for the live nginx tests")
    return binary


def nginx_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10).stderr
    return tuple(int(part) for part in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out).groups())


class NginxServer:
    """A real nginx on loopback with a given main config; stopped on exit."""

    def __init__(self, binary: str, config: Path, port: int):
        self.binary, self.config, self.port = binary, config, port
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> NginxServer:
        check = subprocess.run([self.binary, "-t", "-c", str(self.config)], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.__exit__()
        raise AssertionError("nginx did not start listening")

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def get(self, path: str, host: str = "localhost") -> tuple[int, dict[str, str], str]:
        """(status, headers, body) without following redirects."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={"Host": host})
        try:
            with opener.open(request, timeout=5) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()
