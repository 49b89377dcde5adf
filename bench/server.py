"""Start and stop the production-like server (`scripts/serve.sh`) for the bench scripts.

Used by bench/lighthouse.py and bench/run.py. The server runs in its own session so a Ctrl-C in
the terminal reaches only the bench script, whose `finally` stops the server by its PID.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The gunicorn server of `make serve`, on a free port, for the length of a `with` block."""

    def __init__(self, env: dict[str, str] | None = None, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {}), "PORT": str(self.port)}
        self.env["WEB_CONCURRENCY"] = str(workers)
        self.log_path = WORK / "server.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        WORK.mkdir(parents=True, exist_ok=True)
        if not self.env.get("DATABASE_URL"):
            raise SystemExit("DATABASE_URL is not set: run this through scripts/with_postgres.sh")
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve.sh")],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped at start-up; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"the server did not answer within {timeout:.0f} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """Return the PIDs of the gunicorn workers (children of the master)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def stop(self) -> None:
        """Stop gunicorn by its PID (serve.sh execs it) and wait for it and its workers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
