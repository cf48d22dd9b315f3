"""The list of feeds to watch: an OPML file (what feed readers export) or a text file of URLs.

A text file has one feed a line: the URL, optionally followed by a title; blank lines and ``#`` comments are
ignored. An OPML file's ``<outline xmlUrl="...">`` elements are the feeds, nested folders included. Problems
name the file and line.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from ..errors import InputError

MAX_LIST_BYTES = 10_000_000


class FeedSpec(BaseModel):
    url: str
    title: str | None = None


def read_feed_list(path: str | Path) -> list[FeedSpec]:
    """The feeds listed in ``path`` (OPML when it looks like XML, else one URL a line), each once."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_LIST_BYTES:
            raise InputError(f"{file}: larger than {MAX_LIST_BYTES:,} bytes; not a list of feeds")
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read ({exc.strerror or exc})") from exc
    head = data.lstrip()[:200].lower()
    feeds = _from_opml(data, str(file)) if head.startswith(b"<") else _from_text(data, str(file))
    first: dict[str, FeedSpec] = {}
    for feed in feeds:
        first.setdefault(feed.url, feed)  # listed twice: the first line (and its title) counts
    unique = list(first.values())
    if not unique:
        raise InputError(f"{file}: no feeds listed")
    return unique


def _check_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{where}: {url!r} is not an http(s) URL")
    return url


def _from_text(data: bytes, name: str) -> list[FeedSpec]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    feeds = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        url, _, title = line.partition(" ")
        feeds.append(FeedSpec(url=_check_url(url, f"{name}:{number}"), title=title.strip() or None))
    return feeds


def _from_opml(data: bytes, name: str) -> list[FeedSpec]:
    from lxml import etree

    # No DTDs, entities or network: a feed list from elsewhere is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}:{exc.lineno}: not well-formed OPML ({exc.msg})") from exc
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            title = outline.get("title") or outline.get("text")
            feeds.append(FeedSpec(url=_check_url(url, f"{name}:{outline.sourceline}"), title=title or None))
    return feeds
