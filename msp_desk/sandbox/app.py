"""HTTP routes: MultiSafepay's JSON API under /v1/json, plus the browser pages at the root.

Handlers stay thin: authenticate, hand the raw body to the engine, wrap the
answer. Every refusal under /v1/json is MultiSafepay's JSON error body; the
browser pages refuse with a short HTML page, since a person reads those.
Nothing a client sends can produce a 500 or a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from msp_desk.sandbox import threeds
from msp_desk.sandbox.engine import Engine, SiteNotFoundError
from msp_desk.sandbox.errors import ApiError, error_body
from msp_desk.sandbox.faults import FAULT_METHODS, FaultMiddleware, Scope, parse_fault
from msp_desk.sandbox.receiver import RECEIVER_PATH, AnswerMode
from msp_desk.sandbox.store import Site
from msp_desk.sandbox.validation import E_UNKNOWN, check_url, is_text, parse_json_object

log = logging.getLogger(__name__)

API_PREFIX = "/v1/json"
MAX_BODY = 1_000_000
"""Bigger bodies are refused; nothing MultiSafepay accepts comes close."""
MAX_LOG_PAGE = 10_000
"""The most attempts or received notifications one request returns; page on with ``since``."""
MAX_URL = 2000
MAX_PATH_IN_MESSAGE = 200
"""Error messages quote the path, but not an arbitrarily long one."""

Handler = Callable[[Request], Awaitable[Response]]
OrderHandler = Callable[[Request, str], Awaitable[Response]]
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def api_key_from_scope(scope: Scope) -> str | None:
    """The key as MultiSafepay accepts it: ``api_key`` header, ``Authorization: Bearer``, or ``?api_key=``."""
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"api_key" or name == b"api-key":
            return value.decode("latin-1").strip()
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    query: bytes = scope.get("query_string", b"")
    if b"api_key=" in query:
        values = parse_qs(query.decode("latin-1")).get("api_key")
        if values:
            return values[0].strip()
    return None


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def _success(data: Any) -> JSONResponse:
    return JSONResponse({"success": True, "data": data})


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.http_status)


async def _body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length and length.isascii() and length.isdigit() and int(length) > MAX_BODY:
        raise ApiError(1000, f"Invalid request: the body is larger than {MAX_BODY} bytes", 413)
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiError(1000, f"Invalid request: the body is larger than {MAX_BODY} bytes", 413)
    return body


async def _form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields; file parts are ignored, since no sandbox page has a file input.

    A body the form parser cannot read is the browser's (or the test's) mistake: error 1000, HTTP 400.
    """
    await _body(request)  # the size limit, before the parser buffers anything
    try:
        async with request.form() as form:
            fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    except (HTTPException, MultiPartException) as exc:
        detail = exc.detail if isinstance(exc, HTTPException) else exc.message
        raise ApiError(E_UNKNOWN, f"Invalid request: the form could not be read ({detail})") from None
    for key, value in fields.items():
        if not (is_text(key) and is_text(value)):
            raise ApiError(E_UNKNOWN, "Invalid request: a form field is not valid Unicode text")
    return fields


def _count_param(value: str | None, name: str, low: int, high: int, *, default: int = 0) -> int:
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 19) or not low <= int(value) <= high:
        raise ApiError(E_UNKNOWN, f"Invalid {name}: expected an integer from {low} to {high}")
    return int(value)


def _is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _html_page(title: str, message: str, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(threeds.message_page(title, message), status_code=status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    """What the router and the request parser refuse: unknown paths, wrong methods, unreadable bodies.

    Under /v1/json the answer is MultiSafepay's JSON error body; elsewhere a browser is the
    client, so it gets a page. The status is the real one; only a 404 says "Not found".
    """
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    detail = exc.detail if isinstance(exc, HTTPException) else "Bad Request"
    path = request.url.path
    if len(path) > MAX_PATH_IN_MESSAGE:
        path = path[:MAX_PATH_IN_MESSAGE] + "…"
    if status == 404:
        title, info = "Not found", f"Not found: {path}"
    elif status == 405:
        allowed = headers.get("Allow") or headers.get("allow")
        title = "Method not allowed"
        info = f"Invalid request: {request.method} is not allowed on {path}"
        if allowed:
            info += f" (allowed: {allowed})"
    else:
        title, info = "Invalid request", f"Invalid request: {detail}"
    if _is_api_path(request.url.path):
        body = error_body(E_UNKNOWN, info)
        if status == 404:
            body["message"] = "Not found"  # as MultiSafepay answers a path it does not serve
        return JSONResponse(body, status_code=status, headers=headers)
    return _html_page(title, info, status, headers)


def _segments_after(request: Request, prefix: str) -> list[str]:
    """The path after ``prefix``, split on its raw (still percent-encoded) slashes, each piece decoded.

    ``[""]`` when the raw path does not start with ``prefix`` piece by piece (an
    encoded slash inside the prefix itself): no resource is named that way.
    """
    raw: bytes | None = request.scope.get("raw_path")
    if raw is None:
        # A server without raw_path: an encoded slash cannot be told apart, so it separates.
        return request.url.path[len(prefix) :].split("/")
    pieces = [unquote(piece) for piece in raw.decode("latin-1").split("/")]
    expected = prefix.rstrip("/").split("/")
    if pieces[: len(expected)] != expected:
        return [""]
    return pieces[len(expected) :]


def _root(request: Request) -> str:
    """Scheme and host the client used, so links work through whatever address it reached us on."""
    return str(request.base_url).rstrip("/")


def build_app(engine: Engine) -> FaultMiddleware:
    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as exc:
                return _error(exc)
            except SiteNotFoundError:
                return JSONResponse(
                    {**error_body(1004, "Not found"), "message": "Not found"},
                    status_code=404,
                )
            except Exception:
                # A sandbox bug: log it once, answer like MultiSafepay would, keep serving.
                log.exception("unexpected error handling %s %s", request.method, request.url.path)
                return JSONResponse(error_body(9999, "Unknown error"), status_code=500)

        return run

    def page(handler: Handler) -> Handler:
        """The browser pages' guard: refusals and sandbox bugs alike end on a page a person can read."""

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException:
                raise  # the router's and parser's own refusals: http_error answers them
            except ApiError as exc:
                return _html_page("Payment problem", exc.error_info, exc.http_status)
            except Exception:
                log.exception("unexpected error handling %s %s", request.method, request.url.path)
                return _html_page("Sandbox error", "The sandbox failed on this page; see its log.", 500)

        return run

    def site_of(request: Request) -> Site:
        return engine.authenticate(api_key_from_scope(request.scope))

    async def create_order(request: Request) -> Response:
        site = site_of(request)
        return _success(engine.create_order(site, await _body(request), _root(request)))

    async def get_order(request: Request, order_id: str) -> Response:
        site = site_of(request)
        text = engine.get_order_json(site, order_id)
        # The stored document is already MultiSafepay-shaped JSON: wrap it without re-encoding.
        return Response(
            b'{"success":true,"data":' + text.encode("utf-8") + b"}", media_type="application/json"
        )

    async def patch_order(request: Request, order_id: str) -> Response:
        site = site_of(request)
        return _success(engine.update_order(site, order_id, await _body(request)))

    async def refund(request: Request, order_id: str) -> Response:
        site = site_of(request)
        return _success(engine.refund(site, order_id, await _body(request)))

    order_actions: dict[tuple[str, ...], dict[str, OrderHandler]] = {
        (): {"GET": get_order, "PATCH": patch_order},
        ("refunds",): {"POST": refund},
    }

    async def resend(request: Request, order_id: str) -> Response:
        site = site_of(request)
        raw = await _body(request)
        body = parse_json_object(raw) if raw.strip() else {}
        url = check_url(body.get("url"), "url", max_len=MAX_URL)
        method = body.get("method")
        if method is not None and (not isinstance(method, str) or method.upper() not in {"POST", "GET"}):
            raise ApiError(E_UNKNOWN, "Invalid method: expected POST or GET")
        future = engine.resend_notification(
            site, order_id, url=url, method=method.upper() if method else None
        )
        # Awaited, not waited for: the target may be this very server's receiver.
        attempt = await asyncio.wrap_future(future)
        return _success(attempt.public() if attempt is not None else {})

    sandbox_order_actions: dict[tuple[str, ...], dict[str, OrderHandler]] = {("notify",): {"POST": resend}}

    def order_resource(prefix: str, actions: dict[tuple[str, ...], dict[str, OrderHandler]]) -> Handler:
        async def dispatch(request: Request) -> Response:
            """An order or one of its sub-resources, found by the raw path.

            Order ids are the merchant's and may hold '/'; clients send it as %2F
            (``api.client._segment``). The decoded path can no longer tell that
            apart from a separator, so ``orders/a%2Fb/refunds`` is split on the raw
            path's slashes first and each piece decoded afterwards: order ``a/b``,
            action ``refunds``. A sub-path the sandbox does not serve (captures,
            refunds/{id}, ...) is then a 404, never an order lookup.
            """
            order_id, *action = _segments_after(request, prefix)
            handlers = actions.get(tuple(action)) if order_id else None
            if handlers is None:
                return await http_error(request, HTTPException(404))
            handler = handlers.get("GET" if request.method == "HEAD" else request.method)
            if handler is None:
                allowed = ", ".join(handlers)
                return await http_error(request, HTTPException(405, headers={"Allow": allowed}))
            return await handler(request, order_id)

        return dispatch

    async def me(request: Request) -> Response:
        return _success(engine.me(site_of(request)))

    async def get_site(request: Request) -> Response:
        return _success(engine.get_site(site_of(request), request.path_params["site_id"]))

    async def patch_site(request: Request) -> Response:
        site = site_of(request)
        return _success(engine.update_site(site, request.path_params["site_id"], await _body(request)))

    async def gateways(request: Request) -> Response:
        site_of(request)
        return _success(engine.gateways(dict(request.query_params)))

    async def transactions(request: Request) -> Response:
        site = site_of(request)
        base = f"{_root(request)}{API_PREFIX}/"
        return _json(engine.list_transactions(site, request.query_params.multi_items(), base))

    async def hello(request: Request) -> Response:
        return Response(b'{"success":true,"data":{"hello":"sandbox"}}', media_type="application/json")

    async def notifications(request: Request) -> Response:
        site = site_of(request)
        params = request.query_params
        since = _count_param(params.get("since"), "since", 0, 2**62)
        limit = _count_param(params.get("limit"), "limit", 1, MAX_LOG_PAGE, default=MAX_LOG_PAGE)
        attempts = engine.store.notification_attempts(
            site.site_id, params.get("order_id"), since=since, limit=limit
        )
        return _success([attempt.public() for attempt in attempts])

    async def faults(request: Request) -> Response:
        site = site_of(request)
        if request.method == "DELETE":
            return _success({"cleared": engine.faults.clear(site.site_id)})
        if request.method == "POST":
            body = parse_json_object(await _body(request))
            fault_text = body.get("fault")
            if not isinstance(fault_text, str):
                raise ApiError(1000, 'Missing required field fault: e.g. "status=503"')
            fault = parse_fault(fault_text)
            count = body.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 10_000:
                raise ApiError(1000, "Invalid count: expected an integer from 1 to 10000")
            paths = body.get("paths")
            if paths is not None and (not isinstance(paths, str) or not paths.startswith("/")):
                raise ApiError(1000, "Invalid paths: expected a path prefix such as /orders")
            method = body.get("method")
            if method is not None and (not isinstance(method, str) or method.upper() not in FAULT_METHODS):
                raise ApiError(1000, f"Invalid method: expected one of {', '.join(FAULT_METHODS)}")
            rule = engine.faults.add(site.site_id, fault, count, paths, method.upper() if method else None)
            return _success(rule.public())
        return _success([rule.public() for rule in engine.faults.list(site.site_id)])

    async def receiver_settings(request: Request) -> Response:
        site = site_of(request)
        if request.method in {"PUT", "POST"}:
            mode = parse_json_object(await _body(request)).get("mode")
            if not isinstance(mode, str):
                raise ApiError(E_UNKNOWN, 'Missing required field mode: e.g. "http-500"')
            try:
                engine.receiver.set_mode(site.site_id, mode)
            except ValueError as exc:
                raise ApiError(E_UNKNOWN, str(exc)) from None
        return _success(
            {
                "url": engine.receiver.url(_root(request), site.site_id),
                "mode": engine.receiver.mode(site.site_id).value,
                "modes": [mode.value for mode in AnswerMode],
                "last_id": engine.receiver.last_id(),
            }
        )

    async def received(request: Request) -> Response:
        site = site_of(request)
        if request.method == "DELETE":
            return _success({"cleared": engine.receiver.clear(site.site_id)})
        params = request.query_params
        since = _count_param(params.get("since"), "since", 0, 2**62)
        limit = _count_param(params.get("limit"), "limit", 1, MAX_LOG_PAGE, default=MAX_LOG_PAGE)
        entries = engine.receiver.since(since, limit, site.site_id)
        return _success([entry.public() for entry in entries])

    # browser pages

    async def customer_verification(request: Request) -> Response:
        md = request.query_params.get("md", "")
        return RedirectResponse(f"{threeds.ACS_PATH}?{urlencode({'MD': md})}", status_code=303)

    async def acs(request: Request) -> Response:
        if request.method == "POST":
            form = await _form_fields(request)
            md = form.get("MD", "")
            posted_term = form.get("TermUrl", "")
        else:
            md = request.query_params.get("MD", "")
            posted_term = ""
        found = engine.order_for_token(md)
        if found is None:
            raise ApiError(E_UNKNOWN, "Unknown or expired 3D Secure session.")
        order, site = found
        term_url = engine.term_url(order, _root(request))
        if posted_term and posted_term.startswith(("http://", "https://")):
            term_url = posted_term
        return HTMLResponse(threeds.acs_page(order.doc, site.name, md, term_url))

    async def term(request: Request) -> Response:
        form = await _form_fields(request)
        outcome = form.get("PaRes", "")
        if outcome not in threeds.OUTCOME_VALUES:
            raise ApiError(E_UNKNOWN, "Missing or unknown 3D Secure result (PaRes).")
        redirect = engine.complete_3ds(
            form.get("MD", ""), request.query_params.get("mspid", ""), outcome, _root(request)
        )
        return RedirectResponse(redirect.url, status_code=303)

    async def payment_page(request: Request) -> Response:
        session = request.path_params["session_id"]
        found = engine.order_for_token(session)
        if found is None or found[0].private.get("session_id") != session:
            raise ApiError(E_UNKNOWN, "Unknown or expired payment session.")
        order, site = found
        if request.method == "GET":
            if order.doc["status"] != "initialized":
                return HTMLResponse(threeds.finished_page(order.doc))
            return HTMLResponse(threeds.payment_page(order.doc, site.name, request.url.path))
        form = await _form_fields(request)
        try:
            redirect = engine.pay_on_page(session, form, _root(request))
        except ApiError as exc:
            page = threeds.payment_page(order.doc, site.name, request.url.path, error=exc.error_info)
            return HTMLResponse(page, status_code=400)
        return RedirectResponse(redirect.url, status_code=303)

    async def finished(request: Request) -> Response:
        return HTMLResponse(
            threeds.finished_page(engine.finished_order(request.query_params.get("mspid", "")))
        )

    async def index(request: Request) -> Response:
        return HTMLResponse(
            threeds.message_page("MultiSafepay sandbox", f"The JSON API is at {_root(request)}{API_PREFIX}/")
        )

    api = API_PREFIX
    routes = [
        Route(f"{api}/orders", guarded(create_order), methods=["POST"]),
        Route(
            f"{api}/orders/{{rest:path}}",
            guarded(order_resource(f"{api}/orders/", order_actions)),
            methods=ALL_METHODS,
        ),
        Route(f"{api}/me", guarded(me), methods=["GET"]),
        Route(f"{api}/sites/{{site_id}}", guarded(get_site), methods=["GET"]),
        Route(f"{api}/sites/{{site_id}}", guarded(patch_site), methods=["PATCH"]),
        Route(f"{api}/gateways", guarded(gateways), methods=["GET"]),
        Route(f"{api}/transactions", guarded(transactions), methods=["GET"]),
        Route(f"{api}/_sandbox/hello", hello, methods=["GET"]),
        Route(f"{api}/_sandbox/notifications", guarded(notifications), methods=["GET"]),
        Route(f"{api}/_sandbox/faults", guarded(faults), methods=["GET", "POST", "DELETE"]),
        Route(
            f"{api}/_sandbox/orders/{{rest:path}}",
            guarded(order_resource(f"{api}/_sandbox/orders/", sandbox_order_actions)),
            methods=ALL_METHODS,
        ),
        Route(f"{api}/_sandbox/receiver", guarded(receiver_settings), methods=["GET", "PUT", "POST"]),
        Route(f"{api}/_sandbox/receiver/notifications", guarded(received), methods=["GET", "DELETE"]),
        # The merchant's side: plain-text answers, no key; the receiver is an ASGI app of its own.
        Route(f"{RECEIVER_PATH}/{{site_id}}", engine.receiver),
        Route("/customer-verification", page(customer_verification), methods=["GET"]),
        Route(threeds.ACS_PATH, page(acs), methods=["GET", "POST"]),
        Route(threeds.TERM_PATH, page(term), methods=["POST"]),
        Route("/connect/{session_id}/", page(payment_page), methods=["GET", "POST"]),
        Route("/sandbox/finished", page(finished), methods=["GET"]),
        Route("/", page(index), methods=["GET"]),
    ]

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    # No 307 from /v1/json/me/ to /v1/json/me: a path the API does not serve is a 404, and every
    # browser page is reached through a URL the sandbox wrote itself, in the exact form.
    app.router.redirect_slashes = False

    def site_for_request(scope: Scope) -> int | None:
        key = api_key_from_scope(scope)
        site = engine.store.site_by_key(key) if key else None
        return site.site_id if site else None

    # Faults sit outside Starlette's own middleware: ``drop`` needs the server's untouched ``send``,
    # and even a request the app would reject can be made to fail another way.
    return FaultMiddleware(app, engine.faults, site_for_request, api)
