"""Run the sandbox inside another program: uvicorn on a background thread.

    with SandboxServer() as sandbox:            # in-memory state, one default site
        site = sandbox.sites[0]
        httpx.get(sandbox.base_url + "me", headers={"api_key": site.api_key})

``port=0`` picks a free port; the socket is bound before the thread starts,
so ``base_url`` is known at once and ``start()`` returns only when the server
accepts connections.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn

from msp_desk.core.redaction import mask_key
from msp_desk.sandbox.app import API_PREFIX, build_app
from msp_desk.sandbox.engine import NOTIFICATION_TIMEOUT, Engine
from msp_desk.sandbox.store import Site, Store

log = logging.getLogger(__name__)

START_TIMEOUT = 15.0


class SandboxServer:
    """A MultiSafepay sandbox on ``host:port``.

    ``api_keys``: one website per key, created on first use and kept in the
    state DB. ``None`` means a single default website whose random key is
    created on the first run and reused afterwards (with a ``state_path``).
    ``state_path``: SQLite file; ``None`` keeps everything in memory.
    ``time_scale``: divides every documented delay (uncleared cards,
    notification retries); 1000 turns 15 minutes into 0.9 seconds.
    ``notification_timeout``: how long a notification waits for the
    merchant's answer before the attempt counts as failed (seconds, unscaled).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: list[str] | None = None,
        state_path: str | Path | None = None,
        time_scale: float = 1.0,
        notification_timeout: float = NOTIFICATION_TIMEOUT,
    ) -> None:
        self.host = host
        self._requested_port = port
        self._api_keys = api_keys
        self._state_path = state_path
        self._time_scale = time_scale
        self._notification_timeout = notification_timeout
        self._engine: Engine | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0
        self.sites: list[Site] = []

    @property
    def root_url(self) -> str:
        """Where the browser pages live, e.g. ``http://127.0.0.1:PORT``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The JSON API, ending in a slash: ``http://127.0.0.1:PORT/v1/json/``."""
        return f"{self.root_url}{API_PREFIX}/"

    def receiver_url(self, site_id: int | None = None) -> str:
        """The notification receiver of a website (the first one by default): an order's
        ``notification_url`` that lands in :attr:`Engine.receiver`."""
        return self.engine.receiver.url(
            self.root_url, site_id if site_id is not None else self.sites[0].site_id
        )

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the sandbox is not running")
        return self._engine

    def start(self) -> SandboxServer:
        if self._thread is not None:
            raise RuntimeError("the sandbox is already running")
        store = Store(self._state_path)
        engine = Engine(store, time_scale=self._time_scale, notification_timeout=self._notification_timeout)
        try:
            self.sites = engine.ensure_sites(self._api_keys)
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            # proto must be IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on such sockets, and
            # without it every response waits ~40 ms on Nagle plus the client's delayed ACK.
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self._requested_port))
        except BaseException:
            store.close()
            raise
        sock.listen(256)
        self.port = int(sock.getsockname()[1])
        self._socket = sock
        engine.start()
        config = uvicorn.Config(
            build_app(engine),
            log_config=None,  # leave the host program's logging alone
            access_log=False,  # access lines would carry ?api_key= query strings
            lifespan="off",
            http="h11",
            proxy_headers=False,
            ws="none",
            timeout_graceful_shutdown=3,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sandbox-http", daemon=True
        )
        self._engine, self._server, self._thread = engine, server, thread
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox HTTP server did not start")
            time.sleep(0.005)
        for site in self.sites:
            log.info("sandbox site %s (key %s) at %s", site.site_id, mask_key(site.api_key), self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving, join the HTTP thread, the timers and the notification worker, close the DB."""
        server, thread, engine = self._server, self._thread, self._engine
        if engine is not None:
            engine.receiver.close()  # held no-answer connections would delay the shutdown
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(10)
        if engine is not None:
            engine.close()
            engine.store.close()
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._engine = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
