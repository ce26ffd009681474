"""``msp-desk sandbox``: the sandbox as a foreground process.

    msp-desk sandbox --port 8765 --api-key KEY [--api-key KEY2 ...] [--state PATH] [--time-scale N]

Prints the base URL and each website's key and ids, then serves until Ctrl-C
or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from msp_desk.sandbox.server import SandboxServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="msp-desk sandbox", description="Local MultiSafepay API sandbox.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="a website's API key; repeat for more websites (default: one generated key)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="SQLite file that keeps sites and orders across restarts (default: msp-desk's data folder)",
    )
    parser.add_argument("--memory", action="store_true", help="keep state in memory only")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="divide documented delays (uncleared cards, notification retries) by N",
    )
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.time_scale <= 0:
        print("--time-scale must be positive", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print("--port must be 0..65535", file=sys.stderr)
        return 2
    state: Path | None = None
    if not args.memory:
        if args.state is not None:
            state = args.state
        else:
            from msp_desk.core.paths import data_dir

            state = data_dir() / "sandbox.sqlite3"
    keys = args.api_keys
    if keys is None:
        # A fresh key each run unless a state file already holds the default site's key.
        keys = None if state is not None else [secrets.token_hex(20)]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The form parser warns about every malformed browser form; the sandbox already answers those
    # with a 400 page, so the warning would only repeat a client's mistake in the server log.
    logging.getLogger("python_multipart").setLevel(logging.ERROR)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = SandboxServer(
        host=args.host, port=args.port, api_keys=keys, state_path=state, time_scale=args.time_scale
    )
    try:
        try:
            server.start()
        except OSError as exc:
            print(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"MultiSafepay sandbox API: {server.base_url}", flush=True)
        if state is not None:
            print(f"State: {state}", flush=True)
        for site in server.sites:
            print(
                f"Website {site.site_id} (account {site.account_id}, {site.name}): api_key {site.api_key}",
                flush=True,
            )
        for site in server.sites:
            print(
                f"Notification receiver of website {site.site_id}: {server.receiver_url(site.site_id)}",
                flush=True,
            )
        print("Press Ctrl-C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
        return 0
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
