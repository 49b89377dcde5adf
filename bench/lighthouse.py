"""Run Lighthouse (mobile preset) against the production-like server and print the scores.

Usage: make lighthouse   (or: scripts/with_postgres.sh .venv/bin/python bench/lighthouse.py)

Installs npm `lighthouse@12.8.2` into bench/.work/node_modules when missing (12.x is the last
line that runs on Node 20), starts `scripts/serve.sh` on a free port against the PostgreSQL in
DATABASE_URL (`make lighthouse` starts a throwaway one), and audits the home page, the first
article linked from /learn/ (when there is one), the consultation form and, when staff have
filled them in, Our team, Visit us and Costs, with the system Chromium. Prints performance,
accessibility, best practices and SEO per page (goal: 1.00 in each), lists the audits that lost
points, keeps the JSON reports in bench/.work/lighthouse/, and stops the server it started.
Exits non-zero if any score is below 1.0.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import ROOT, WORK, Server

VERSION = "12.8.2"
BIN = WORK / "node_modules" / ".bin" / "lighthouse"
REPORTS = WORK / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--no-first-run --disable-quic --disable-default-apps"
)


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse locally unless that exact version is there."""
    package = WORK / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == VERSION:
        return
    print(f"Installing lighthouse@{VERSION} into {WORK.relative_to(ROOT)} ...", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(WORK), "--no-audit", "--no-fund", "--silent",
         f"lighthouse@{VERSION}"],
        check=True,
    )  # fmt: skip


def first_article_path(base_url: str) -> str | None:
    """Return the path of the first article linked from the article list, if any."""
    try:
        with urllib.request.urlopen(base_url + "/learn/", timeout=10) as response:
            html = response.read().decode()
    except OSError:
        return None
    for path in re.findall(r'href="(/learn/[a-z0-9-]+/)"', html):
        if path != "/learn/search/":
            return path
    return None


def audit(url: str, name: str) -> dict:
    """Run Lighthouse on one URL and return its parsed JSON report."""
    tmp = WORK / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    REPORTS.mkdir(parents=True, exist_ok=True)
    out = REPORTS / f"{name}.json"
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
           "TMPDIR": str(tmp)}  # fmt: skip
    subprocess.run(
        [str(BIN), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
        check=True, env=env, timeout=180,
    )  # fmt: skip
    return json.loads(out.read_text())


def lost_points(report: dict) -> list[str]:
    """Return 'category: audit title' for every weighted audit that did not score fully."""
    lines = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                lines.append(f"    {key}: {result['title']} ({result['score']:.2f})")
    return lines


CLINIC_PAGES = [("team", "/team/"), ("visit", "/visit/"), ("costs", "/costs/")]


def answers(url: str) -> bool:
    """Return whether the page exists (200), rather than 404 for an empty clinic profile."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def main() -> int:
    ensure_lighthouse()
    with Server() as server:
        pages = [("home", "/")]
        article = first_article_path(server.url)
        if article:
            pages.append(("article", article))
        else:
            print("No article linked from /learn/ yet: auditing home and the form only.")
        pages.append(("consultation", "/consultation/"))
        # Shown only once staff (or the demo) fill them in: audited when they exist.
        pages += [(name, path) for name, path in CLINIC_PAGES if answers(server.url + path)]
        print(f"\nLighthouse {VERSION}, mobile preset, {server.url}\n")
        print(f"{'page':<34}" + "".join(f"{c:>16}" for c in CATEGORIES))
        all_full = True
        for name, path in pages:
            report = audit(server.url + path, name)
            scores = [report["categories"][c]["score"] for c in CATEGORIES]
            all_full &= all(score == 1 for score in scores)
            print(f"{path:<34}" + "".join(f"{s:>16.2f}" for s in scores), flush=True)
            for line in lost_points(report):
                print(line)
    shutil.rmtree(WORK / "tmp", ignore_errors=True)  # Chromium leaves a profile per run
    print(f"\nJSON reports: {REPORTS.relative_to(ROOT)}/")
    return 0 if all_full else 1


if __name__ == "__main__":
    sys.exit(main())
