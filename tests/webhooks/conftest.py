"""Merchant endpoints on loopback for the endpoint check: scripted HTTP answers, real TLS certificates."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LONGEST_WAIT = 15.0
"""How long a silent endpoint holds a connection at most; teardown releases it at once."""


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Script:
    status: int = 200
    body: str = "OK"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    silent: bool = False
    """Read the request, then say nothing and keep the connection open."""
    hang_up: bool = False
    """Read the request, then close the connection without answering."""
    reset: bool = False
    """Read the request, then reset the connection (TCP RST) without answering."""
    declared_length: int | None = None
    """Announce this Content-Length, send the body, and close: an answer cut short."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    endpoint: Endpoint

    def finish_request(self, request: Any, client_address: Any) -> None:
        tls = self.endpoint.tls
        if tls is not None:
            request.settimeout(LONGEST_WAIT)
            try:
                request = tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client refused the certificate: what the TLS tests expect
        try:
            super().finish_request(request, client_address)
        finally:
            request.close()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        endpoint = self.server.endpoint
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        with endpoint.lock:
            endpoint.requests.append(
                Received(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
            )
            endpoint.arrived.set()
        script = endpoint.script
        if script.silent:
            endpoint.stop.wait(LONGEST_WAIT)
            self.close_connection = True
            return
        if script.hang_up:
            self.close_connection = True
            return
        if script.reset:
            # Lingering 0 s makes the close a RST; closing here, before the server's shutdown, sends no FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if script.delay:
            endpoint.stop.wait(script.delay)
        payload = script.body.encode()
        self.send_response(script.status)
        for name, value in script.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(script.declared_length or len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Endpoint:
    """A merchant's webhook endpoint on 127.0.0.1 whose answer each test scripts."""

    def __init__(self, tls: ssl.SSLContext | None = None, port: int = 0) -> None:
        self.tls = tls
        self.script = Script()
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self.arrived = threading.Event()
        self.stop = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.endpoint = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path: str = "/webhook") -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def endpoints() -> Iterator[Callable[..., Endpoint]]:
    """Makes endpoints (``tls=`` a server context for https) and closes them after the test."""
    made: list[Endpoint] = []

    def make(tls: ssl.SSLContext | None = None, port: int = 0) -> Endpoint:
        made.append(Endpoint(tls, port))
        return made[-1]

    yield make
    for endpoint in made:
        endpoint.close()


@pytest.fixture
def endpoint(endpoints: Callable[..., Endpoint]) -> Endpoint:
    return endpoints()


@pytest.fixture
def refused_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def mute_listener() -> Iterator[int]:
    """A port that accepts connections (in the kernel's backlog) and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield int(sock.getsockname()[1])


# -- certificates ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA(organization_name="msp-desk test CA")


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def server_context(leaf: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    return context


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A certificate for 127.0.0.1 that signs itself, as a quick test server would."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "self-signed shop")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now() - dt.timedelta(days=1))
        .not_valid_after(now() + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    folder: Path = tmp_path_factory.mktemp("self-signed")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context
