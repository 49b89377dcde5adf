"""Where the system Chromium is and how to launch it on these machines.

Shared by the browser tests and the bench's page-weight check. The background-networking flags
keep Chromium from calling home: on a closed network it would flood it with refused requests.
"""

import os
import shutil

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
]
