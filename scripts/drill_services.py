"""The drill's services (scripts/drill.py): processes it supervises, PostgreSQL, an SMTP sink.

Everything listens on 127.0.0.1 only, and everything started is stopped by PID.
"""

import glob
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Supervisor:
    """Start processes in their own session, restart the ones marked restart=True, stop all."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.processes: dict[str, tuple] = {}  # name: (process, command, env, restart, before)
        self.restarts = Counter()
        self._stopping = False
        threading.Thread(target=self._watch, daemon=True).start()

    def start(self, name: str, command: list, env=None, restart=False, before_restart=None):
        """Start a process; with restart=True, run before_restart and start it again if it dies."""
        log = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
        self.processes[name] = (process, command, env, restart, before_restart)
        return process

    def _watch(self):
        """Restart a crashed process marked restart=True, as systemd's Restart=always would."""
        while not self._stopping:
            for name, (process, command, env, restart, before) in list(self.processes.items()):
                if restart and process.poll() is not None and not self._stopping:
                    self.restarts[name] += 1
                    if before:  # like systemd's ExecStartPre
                        subprocess.run(before, cwd=ROOT, env=env, capture_output=True, timeout=60)
                    self.start(name, command, env, restart, before)
            time.sleep(0.5)

    def kill_one_child(self, name: str) -> int:
        """SIGKILL one child (a gunicorn worker) of the named process; return its PID."""
        parent = self.processes[name][0].pid
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        pid = int(children[0])
        os.kill(pid, signal.SIGKILL)
        return pid

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self):
        """Stop every process: SIGTERM by PID, then SIGKILL whatever is left after 10 s."""
        self._stopping = True
        for process, *_ in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process, *_ in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Postgres:
    """A throwaway PostgreSQL cluster the drill can stop and start (run as `postgres` if root)."""

    def __init__(self, tmp: Path):
        self.dir = tmp / "pg"
        self.data = self.dir / "data"
        self.port = free_port()
        self.bin = find_pg_bindir()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.closed = False  # set once the drill is cleaning up: never start again after that

    def as_owner(self, command: list) -> list:
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.dir)], check=True)
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def init(self):
        self.dir.mkdir()
        command = [f"{self.bin}/initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust"]
        subprocess.run(
            self.as_owner([*command, "--encoding=UTF8", "--locale=C.UTF-8"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self):
        if self.closed:
            return
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200"
        )
        command = [
            f"{self.bin}/pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-t",
            "30",
            "-l",
            str(self.dir / "server.log"),
            "-o",
            options,
            "start",
        ]
        subprocess.run(self.as_owner(command), check=True, stdout=subprocess.DEVNULL)

    def stop(self, mode: str = "fast"):
        command = [f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"]
        subprocess.run(self.as_owner(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def restart(self, down_seconds: float):
        self.stop("fast")
        time.sleep(down_seconds)
        self.start()

    def stop_for_good(self):
        """Stop the cluster; if pg_ctl could not, kill the postmaster by the PID it recorded."""
        self.closed = True
        if not self.data.exists():
            return
        self.stop("immediate")
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass


def find_pg_bindir() -> str:
    """Return the directory of initdb/pg_ctl, as scripts/pg_common.sh finds it."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    try:
        candidates.append(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        )
    except OSError:
        pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and os.access(f"{candidate}/initdb", os.X_OK):
            return candidate
    raise SystemExit("PostgreSQL server programs not found: apt-get install postgresql")


class SmtpSink:
    """A minimal SMTP server that accepts every message, and can refuse connections for a while."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[tuple[list[str], bytes]] = []  # (recipients, message)
        self._listener = None
        self._lock = threading.Lock()

    def start(self):
        self.accept()

    def accept(self):
        """Listen (again) on the same port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self._listener = listener
        threading.Thread(target=self._serve, args=(listener,), daemon=True).start()

    def refuse(self):
        """Close the listening socket: new connections are refused until accept()."""
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            listener.close()

    close = refuse

    def _serve(self, listener):
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed by refuse()
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        recipients = []
        with conn, conn.makefile("rb") as reader:
            conn.sendall(b"220 drill-sink ESMTP\r\n")
            for line in reader:
                verb = line[:4].upper()
                if verb == b"RCPT":
                    address = line.decode("ascii", "replace").split(":", 1)[-1]
                    recipients.append(address.strip().strip("<>").lower())
                    conn.sendall(b"250 ok\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 end with .\r\n")
                    self._read_message(reader, recipients)
                    recipients = []
                    conn.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                elif verb == b"EHLO":
                    conn.sendall(b"250-drill-sink\r\n250 8BITMIME\r\n")
                else:
                    conn.sendall(b"250 ok\r\n")

    def _read_message(self, reader, recipients: list[str]):
        lines = []
        for line in reader:
            if line in (b".\r\n", b".\n"):
                break
            lines.append(line)
        with self._lock:
            self.messages.append((list(recipients), b"".join(lines)))

    def count_to(self, address: str) -> int:
        """Return how many messages were delivered to the address."""
        with self._lock:
            return sum(address.lower() in recipients for recipients, _ in self.messages)
