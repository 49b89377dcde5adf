"""`make serve` (scripts/serve.sh): its own random SECRET_KEY, and workers slow clients cannot pin.

The key signs staff sessions and the patient form's tokens, so it lives with sign-in. The script
runs in a copy of the checkout whose Python, gunicorn and PostgreSQL are stand-ins that record
what they were given: the test needs no server and no database.
"""

import os
import shutil
import socket
import stat
import subprocess
from pathlib import Path

import pytest

# No test here touches the database, but the suite's autouse fixture empties the caches there.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

GUNICORN_STAND_IN = """#!/bin/sh
printf '%s\\n' "$SECRET_KEY" >>"$RECORD_DIR/keys"
printf '%s\\n' "$*" >"$RECORD_DIR/args"
"""


def checkout_copy(tmp_path: Path) -> Path:
    """Return a directory laid out like the checkout, with stand-ins for the heavy parts."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "serve.sh", root / "scripts" / "serve.sh")
    (root / "scripts" / "pg_common.sh").write_text("pg_use_local_cluster() { :; }\n")
    stand_ins = {"python": "#!/bin/sh\nexit 0\n", "gunicorn": GUNICORN_STAND_IN}
    (root / ".venv" / "bin").mkdir(parents=True)
    for name, text in stand_ins.items():
        path = root / ".venv" / "bin" / name
        path.write_text(text)
        path.chmod(0o755)
    return root


def serve(root: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(root), "RECORD_DIR": str(root)}
    result = subprocess.run(
        ["scripts/serve.sh"], cwd=root, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_serve_makes_a_random_owner_only_secret_key_once_and_keeps_it(tmp_path):
    root = checkout_copy(tmp_path)
    serve(root)
    key_file = root / ".local" / "secret_key"
    first = key_file.read_text()
    serve(root)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == first
    assert (root / "keys").read_text().splitlines() == [first, first]
    assert len(first) >= 50 and socket.gethostname() not in first
    other = checkout_copy(tmp_path / "other")
    serve(other)
    assert (other / ".local" / "secret_key").read_text() != first
    ignored = subprocess.run(["git", "check-ignore", "-q", ".local/secret_key"], cwd=ROOT)
    assert ignored.returncode == 0  # never committed


def test_serve_runs_threaded_workers_with_timeouts_and_request_limits(tmp_path):
    root = checkout_copy(tmp_path)
    serve(root)
    args = (root / "args").read_text().split()
    assert args[args.index("--worker-class") + 1] == "gthread"
    assert int(args[args.index("--threads") + 1]) >= 4
    for option in ("--timeout", "--graceful-timeout", "--keep-alive"):
        assert 0 < int(args[args.index(option) + 1]) <= 30, option
    for option in ("--limit-request-line", "--limit-request-fields", "--limit-request-field_size"):
        assert 0 < int(args[args.index(option) + 1]) <= 8190, option
