"""The results table of bench/run.py, as Markdown, with each goal checked.

The goals are those of issue 12 ("Idiom before speed"), met with Django's own machinery: the
page cache for the public pages, the ORM for search, a plain form render per request.
"""

import statistics
from dataclasses import dataclass, field

# The goals, as a share of the static reference's req/s; the three public pages also p99.
RATIO_GOALS = {
    "home": 0.5,
    "article list": 0.5,
    "article": 0.5,
    "search": 0.05,
    "consultation form GET": 0.15,
    "consultation POST": 0.04,
}
P99_GOAL_TARGETS = ("home", "article list", "article")
ARTICLE_P99_MS = 15
INBOX_MAX_QUERIES = 12
INBOX_P50_MS = 150
PAGE_MAX_QUERIES = 3
WORKER_MAX_MB = 90
WEIGHT_MAX_KB = 40
WEIGHT_MAX_REQUESTS = 6
CONNECTIONS = 16


@dataclass
class Target:
    name: str
    path: str
    post: bool = False
    script: str | None = None  # a wrk Lua script in bench/
    runs: list = field(default_factory=list)
    # ((all, on the cache table) rendered, (all, on the cache table) from the page cache)
    queries: tuple[tuple[int, int], tuple[int, int]] | None = None
    post_rows: int = 0

    def median(self, attr: str) -> float:
        return statistics.median(getattr(run, attr) for run in self.runs)

    def spread(self, attr: str, fmt: str) -> str:
        values = [getattr(run, attr) for run in self.runs]
        return f"{self.median(attr):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


@dataclass
class Report:
    machine: str
    relaxed: str
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inbox_status: int | None = None
    inbox_queries: int | None = None
    inbox_p50: float | None = None
    plans: dict[str, str] = field(default_factory=dict)
    exactly_once: tuple[int, int, int, int] | None = None
    worker_rss: list[float] = field(default_factory=list)
    weight_path: str = ""
    first_visit: object = None
    repeat_visit: object = None

    def render(self) -> str:
        lines = [
            "# Benchmark results",
            "",
            f"Machine: {self.machine}",
            "",
            "Server: `make serve` (gunicorn, 2 gthread workers, DEBUG off, whitenoise, persistent "
            "database connections). Load: `wrk -t2 -c16 -d10s --latency`, `Accept-Encoding: "
            "gzip, br`, after a 2 s warm-up; each target 3 times round-robin, shown as "
            "median (min-max). CPU = user+system time of the gunicorn workers per request. "
            "x reference = req/s over the static file's (the goal measure); x ref (CPU) = the "
            "static file's CPU ms over the page's, steadier on a shared machine but blind to "
            "time spent in PostgreSQL.",
            "SQL: queries of one uncached render / of the next (cached) request, each as "
            "site queries + queries on the database cache table (CACHE_URL=db://).",
            f"Relaxed for the bench: {self.relaxed}.",
            *[f"{note}." for note in self.notes],
            "",
            *self._table(),
            "",
            *self._extras(),
        ]
        return "\n".join(lines) + "\n"

    def _table(self) -> list[str]:
        rows = [
            "| target | req/s | p50 ms | p99 ms | CPU ms/req | x reference | x ref (CPU) | goal | "
            "errors | SQL render / cached |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        reference = self.targets[0].median("rps")
        reference_cpu = self.targets[0].median("cpu_ms")
        for target in self.targets:
            ratio = target.median("rps") / reference
            cpu_ratio = reference_cpu / target.median("cpu_ms")
            rows.append(
                f"| {target.name} `{target.path}` | {target.spread('rps', '.0f')} | "
                f"{target.spread('p50_ms', '.2f')} | {target.spread('p99_ms', '.2f')} | "
                f"{target.spread('cpu_ms', '.2f')} | {ratio:.3f} | {cpu_ratio:.2f} | "
                f"{self._goal(target, ratio)} | {sum(run.errors for run in target.runs)} | "
                f"{self._queries(target)} |"
            )
        return rows

    def _goal(self, target: Target, ratio: float) -> str:
        goal = RATIO_GOALS.get(target.name)
        if goal is None:
            return "-"
        met = ratio >= goal
        text = f">= {goal}"
        if target.name in P99_GOAL_TARGETS:
            met = met and target.median("p99_ms") <= ARTICLE_P99_MS
            text += f", p99 <= {ARTICLE_P99_MS} ms"
        if target.post:
            met = met and sum(run.errors for run in target.runs) == 0
            text += ", 0 errors"
        return f"{text}: {'met' if met else 'NOT met'}"

    def _queries(self, target: Target) -> str:
        if target.queries is None:
            return "-"
        (rendered, rendered_cache), (cached, cached_cache) = target.queries
        ok = rendered - rendered_cache <= PAGE_MAX_QUERIES
        return (
            f"{rendered - rendered_cache}+{rendered_cache} / {cached - cached_cache}+"
            f"{cached_cache}{'' if ok else ' (over 3)'}"
        )

    def _extras(self) -> list[str]:
        lines = ["## Checks after the run", ""]
        lines += self._post_lines()
        if self.inbox_queries is not None:
            few = self.inbox_queries <= INBOX_MAX_QUERIES
            fast = self.inbox_p50 <= INBOX_P50_MS
            lines.append(
                f"- Admin inbox (logged in, HTTP {self.inbox_status}): {self.inbox_queries} SQL "
                f"queries (goal <= {INBOX_MAX_QUERIES}: {_met(few)}), single-user p50 over 30 "
                f"requests {self.inbox_p50:.1f} ms (goal <= {INBOX_P50_MS} ms: {_met(fast)})"
            )
        if self.worker_rss:
            sizes = ", ".join(f"{mb:.1f}" for mb in self.worker_rss)
            ok = max(self.worker_rss) <= WORKER_MAX_MB
            lines.append(
                f"- Gunicorn worker RSS after the run: {sizes} MB "
                f"(goal <= {WORKER_MAX_MB} MB: {_met(ok)})"
            )
        lines += self._weight_lines()
        for label, plan in self.plans.items():
            uses_index = "Index" in plan
            lines += [
                "",
                f"Inbox search by {label} (uses an index: {_met(uses_index)}):",
                "```",
                plan,
                "```",
            ]
        return lines

    def _post_lines(self) -> list[str]:
        target = next((t for t in self.targets if t.post), None)
        if target is None:
            return []
        confirmed = sum(run.confirmed for run in target.runs)
        lines = []
        if self.exactly_once:
            answered, added, queued, sent = self.exactly_once
            ok = answered == sent and added * 2 == sent and queued == added
            lines.append(
                f"- Double submits, one at a time: {sent} POSTs of {sent // 2} forms, {answered} "
                f"confirmed, {added} rows added, {queued} notification tasks queued (one per "
                f"request, for both its emails) ({_met(ok)}: each form stored and queued once)"
            )
        in_flight = target.post_rows - confirmed
        ok = 0 <= in_flight <= CONNECTIONS * len(target.runs)
        lines.append(
            f"- Consultation POST under load: {confirmed} answered with the confirmation "
            f"redirect, {target.post_rows} rows stored ({_met(ok)}: the {in_flight} extra were "
            "in flight when wrk stopped, stored without wrk reading the answer; never fewer)"
        )
        return lines

    def _weight_lines(self) -> list[str]:
        if self.first_visit is None:
            return []
        first, repeat = self.first_visit, self.repeat_visit
        ok = (
            first.bytes <= WEIGHT_MAX_KB * 1024
            and first.requests <= WEIGHT_MAX_REQUESTS
            and first.third_party == 0
        )
        return [
            f"- Page weight of `{self.weight_path}` in Chromium: first visit "
            f"{first.bytes / 1024:.1f} KB in {first.requests} requests, {first.third_party} "
            f"third-party (goal <= {WEIGHT_MAX_KB} KB, <= {WEIGHT_MAX_REQUESTS} requests, 0 "
            f"third-party: {_met(ok)}); repeat visit {repeat.bytes / 1024:.1f} KB in "
            f"{repeat.requests} request(s) ({_met(repeat.requests <= 1)}: the HTML alone)",
        ]


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"
