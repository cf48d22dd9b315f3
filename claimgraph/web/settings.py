"""What the workbench server runs with: database, address, write token and request limits."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field

from ..errors import ConfigError

TOKEN_ENV = "CLAIMGRAPH_TOKEN"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask, so a request cannot tie the server up."""

    body_bytes: int = 64 * 1024  # writes are small JSON objects
    query_chars: int = 4096  # the whole query string
    text_chars: int = 200  # one text parameter (a name, a search)
    list_items: int = 20  # values of one repeatable parameter
    page_items: int = 500  # items in one page of a listing
    deep_items: int = 10_000  # how far a cursor may page into a listing
    network_groups: int = 50_000  # (subject, object, stance, event type) groups counted for one graph
    csp_reports: int = 200  # violation reports kept in memory


@dataclass(frozen=True)
class WebSettings:
    db: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str = field(default="", repr=False)
    token_generated: bool = False  # made up at start (printed), not given in $CLAIMGRAPH_TOKEN
    kb_paths: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)

    @property
    def allowed_hosts(self) -> set[str]:
        """Host header values accepted: the loopback names and the bound address. Anything else is a page on
        another site that re-pointed its DNS name at this machine (DNS rebinding), and is refused."""
        hosts = {"127.0.0.1", "localhost", "::1", "[::1]", self.host, f"[{self.host}]"}
        return hosts | {f"{h}:{self.port}" for h in hosts}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_settings(db: str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                  kb_paths: tuple[str, ...] = (), environ: dict[str, str] | None = None) -> WebSettings:
    """Settings for ``claimgraph serve``. The write token is $CLAIMGRAPH_TOKEN, else a random one (printed at
    start). A non-loopback address is refused without $CLAIMGRAPH_TOKEN: a token nobody chose, printed on a
    terminal, is not what should guard a server other machines can reach."""
    env = os.environ if environ is None else environ
    token = env.get(TOKEN_ENV, "").strip()
    if not 0 < port < 65536:
        raise ConfigError(f"port {port} is not a TCP port (1-65535)")
    if token and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(f"${TOKEN_ENV} is {len(token)} characters; use at least {MIN_TOKEN_CHARS}")
    if not is_loopback(host) and not token:
        raise ConfigError(f"refusing to listen on {host}, which is not a loopback address, without a write token: "
                          f"set ${TOKEN_ENV} (at least {MIN_TOKEN_CHARS} characters), or keep the default "
                          f"--host {DEFAULT_HOST}")
    generated = not token
    return WebSettings(db=db, host=host, port=port, token=token or secrets.token_urlsafe(24),
                       token_generated=generated, kb_paths=tuple(kb_paths))
