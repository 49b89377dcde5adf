"""Page weight as a browser sees it: bytes over the wire and requests, first and repeat visit.

Uses Playwright with the system Chromium and the DevTools protocol's own byte counts
(encodedDataLength: headers plus the compressed body, as transferred).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS


@dataclass
class Visit:
    requests: int  # requests that reached the network (not answered from the browser's cache)
    bytes: int
    third_party: int
    urls: list[str]


def _visit(page, cdp, url: str) -> Visit:
    seen: dict[str, str] = {}
    from_cache: set[str] = set()
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: seen.setdefault(e["requestId"], e["request"]["url"])
    )
    cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url, wait_until="networkidle")
    host = urlsplit(url).netloc
    network = [rid for rid in seen if rid not in from_cache and sizes.get(rid, 0) > 0]
    return Visit(
        requests=len(network),
        bytes=sum(sizes[rid] for rid in network),
        third_party=sum(1 for rid in seen if urlsplit(seen[rid]).netloc != host),
        urls=[seen[rid] for rid in network],
    )


def page_weight(url: str) -> tuple[Visit, Visit]:
    """Return the first visit and a repeat visit (same browser profile) of `url`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            first = _visit(page, cdp, url)
            cdp2 = context.new_cdp_session(page2 := context.new_page())
            cdp2.send("Network.enable")
            repeat = _visit(page2, cdp2, url)
        finally:
            browser.close()
    return first, repeat
