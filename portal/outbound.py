"""Outbound HTTP to addresses that staff typed into the admin (station webhooks, later robots).

A webhook URL is chosen by a person, so the portal must not become a way to reach what sits
behind its firewall (server-side request forgery): loopback, private networks, link-local
addresses such as the cloud metadata service at 169.254.169.254, and the like. The check is made
**when the request is sent**, on the address the connection really goes to — the host name is
resolved, every address checked, and the socket connected to a checked address — so a name that
resolves to something else later (DNS rebinding) gains nothing. Redirects are never followed.

``OUTBOUND_ALLOWED_HOSTS`` names hosts exempt from the address check (exact host names, e.g. a
receiver on the same private network); ``OUTBOUND_REQUIRE_HTTPS`` (on in production) refuses
plain ``http://``. docs/architecture.md and SECURITY.md describe the rule.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError


class OutboundRefused(requests.exceptions.RequestException):
    """The URL or the address it resolves to is not one the portal may send to."""


def allowed_hosts() -> set[str]:
    return {host.strip().lower() for host in getattr(settings, "OUTBOUND_ALLOWED_HOSTS", [])}


def is_public_address(address: str) -> bool:
    """Only globally routable unicast addresses (IPv4-mapped IPv6 judged by its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str:
    """The host of ``url`` if its form may be sent to; raises OutboundRefused otherwise.
    Addresses are checked at connection time (see _guarded_connect)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise OutboundRefused(f"Not an http(s) URL: {scheme or 'no scheme'}")
    if scheme == "http" and getattr(settings, "OUTBOUND_REQUIRE_HTTPS", False):
        raise OutboundRefused("Only https:// addresses are allowed.")
    if parts.username or parts.password:
        raise OutboundRefused("Credentials in the URL are not allowed.")
    return parts.hostname.lower()


def _guarded_connect(connection: HTTPConnection) -> socket.socket:
    host = connection._dns_host.strip("[]").lower()
    exempt = host in allowed_hosts()
    try:
        infos = socket.getaddrinfo(host, connection.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NewConnectionError(connection, f"Cannot resolve {host}: {exc}") from exc
    last_error: OSError | None = None
    for family, socktype, proto, _canonname, sockaddr in infos:
        address = sockaddr[0]
        if not exempt and not is_public_address(address):
            last_error = OutboundRefused(f"{host} resolves to a non-public address ({address}).")
            continue
        sock = socket.socket(family, socktype, proto)
        try:
            timeout = connection.timeout
            if isinstance(timeout, int | float):
                sock.settimeout(timeout)
            for option in connection.socket_options or ():
                sock.setsockopt(*option)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        return sock
    if isinstance(last_error, OutboundRefused):
        raise last_error
    raise NewConnectionError(connection, f"Failed to connect to {host}: {last_error}")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_connect(self)


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_connect(self)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def session() -> requests.Session:
    """A requests session whose connections go only to checked addresses, ignoring proxy
    environment variables (a proxy would connect on our behalf, unchecked)."""
    guarded = requests.Session()
    guarded.trust_env = False
    adapter = _GuardedAdapter(max_retries=0)
    guarded.mount("http://", adapter)
    guarded.mount("https://", adapter)
    return guarded


def post(url: str, **kwargs) -> requests.Response:
    """POST to a staff-configured URL: the URL's form checked, the address checked at connect
    time, redirects never followed. Raises OutboundRefused or a requests exception."""
    check_url(url)
    kwargs["allow_redirects"] = False
    with session() as guarded:
        try:
            return guarded.post(url, **kwargs)
        except requests.exceptions.ConnectionError as exc:
            refused = _refusal_in(exc)
            if refused is not None:
                raise refused from exc
            raise


def _refusal_in(exc: BaseException) -> OutboundRefused | None:
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OutboundRefused):
            return current
        for arg in getattr(current, "args", ()):
            if isinstance(arg, OutboundRefused):
                return arg
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException) and id(reason) not in seen:
            current = reason
            continue
        current = current.__cause__ or current.__context__
    return None
