"""The bulk engine against the sandbox over loopback, with faults injected on a share of the ids."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.bulk.engine import MAX_CONCURRENCY, BulkLookup, PassEnd, PassSummary, Progress
from msp_desk.bulk.results import LookupResult, Outcome, tally
from tests.bulk.conftest import QUICK, RequestLog, Sandbox

FINISH = 60.0  # an upper bound for a pass to end, never an expectation of speed


def ids_for(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i:04d}" for i in range(count)]


# For id number i: the fault queued for it, how many times, what the id ends as, and GETs it takes.
def planned(i: int, exists: bool) -> tuple[str | None, int, str | None, int]:
    found_or_missing = None if exists else "not found (1006)"
    if i == 150:
        return "status=429,retry-after=1", 1, found_or_missing, 2
    if i % 25 == 2:
        return "status=500", 3, "server error 500 after 3 tries", 3
    if i % 50 == 9:
        return "drop", 3, "connection dropped after 3 tries", 3
    if i % 30 == 4:
        return "malformed", 1, "answer is not JSON", 1
    if i % 10 == 1:
        return "status=500", 1, found_or_missing, 2
    if i % 20 == 3:
        return "drop", 1, found_or_missing, 2
    if i % 40 == 7:
        return "truncated", 1, found_or_missing, 2
    return None, 0, found_or_missing, 1


def test_300_ids_with_faults_each_end_once_with_a_result_or_a_specific_error(
    sandbox: Sandbox, client: MspClient, requests_seen: RequestLog
) -> None:
    ids = ids_for("run300", 300)
    existing = {order_id for i, order_id in enumerate(ids) if i % 6 != 5}
    sandbox.create_orders(sorted(existing))
    plan = {order_id: planned(i, order_id in existing) for i, order_id in enumerate(ids)}
    for order_id, (fault, count, _, _) in plan.items():
        if fault:
            sandbox.fault(fault, paths=f"/orders/{order_id}", count=count)
    assert sum(1 for fault, *_ in plan.values() if fault) >= 60

    arrived: list[LookupResult] = []
    overlapping: list[str] = []
    pauses: list[float] = []
    finished: list[PassSummary] = []
    gate = threading.Lock()

    def on_result(result: LookupResult, progress: Progress) -> None:
        if not gate.acquire(blocking=False):
            overlapping.append(result.order_id)
            return
        try:
            arrived.append(result)
            assert progress.done == len(arrived)
        finally:
            gate.release()

    lookup = BulkLookup(
        client,
        ids,
        concurrency=8,
        on_result=on_result,
        on_paused=lambda seconds, _: pauses.append(seconds),
        on_finished=finished.append,
    )
    assert lookup.start() == 300
    assert lookup.wait(FINISH)

    results = lookup.results()
    assert [r.order_id for r in results] == ids  # input order, none missing
    assert sorted(r.order_id for r in arrived) == sorted(ids)  # one callback per id
    assert overlapping == []
    for result in results:
        _, _, error, _ = plan[result.order_id]
        if error is None:
            assert result.outcome is Outcome.FOUND, (result.order_id, result.error)
            assert result.order is not None
            assert result.order.order_id == result.order_id
        else:
            assert (result.outcome, result.error) == (Outcome.FAILED, error), result.order_id
            assert result.detail
    expected_gets = {order_id: gets for order_id, (*_, gets) in plan.items()}
    assert dict(requests_seen.per_id()) == expected_gets  # no id looked up twice; retries as planned
    assert pauses == [1.0]
    assert [(s.end, s.progress.done, s.progress.left) for s in finished] == [(PassEnd.COMPLETED, 300, 0)]
    counts = tally(results)
    assert counts.failed == sum(1 for *_, error, _ in plan.values() if error) == finished[0].progress.failed
    assert counts.pending == 0


def test_a_429_holds_back_every_worker_until_retry_after_has_passed(
    sandbox: Sandbox, client: MspClient, requests_seen: RequestLog
) -> None:
    ids = ids_for("pause", 40)
    sandbox.create_orders(ids)
    sandbox.fault("status=429,retry-after=2", paths=f"/orders/{ids[5]}")
    pauses: list[float] = []
    lookup = BulkLookup(client, ids, concurrency=4, on_paused=lambda s, _: pauses.append(s))
    lookup.start()
    assert lookup.wait(FINISH)

    assert all(r.outcome is Outcome.FOUND for r in lookup.results())
    assert pauses == [2.0]
    limited_at = next(at for at, order_id, status in requests_seen.answered if status == 429)
    # Requests already in flight may finish, but none starts until Retry-After has passed.
    started_during_pause = [
        order_id for at, order_id in requests_seen.sent if limited_at + 0.3 < at < limited_at + 1.7
    ]
    assert started_during_pause == []
    assert any(at >= limited_at + 2.0 for at, _ in requests_seen.sent)
    assert requests_seen.per_id()[ids[5]] == 2


def test_cancel_keeps_finished_rows_and_stops_at_once(
    sandbox: Sandbox, client: MspClient, requests_seen: RequestLog
) -> None:
    ids = ids_for("cancel", 300)
    sandbox.create_orders(ids)
    sandbox.fault("latency=100", count=10_000)
    twenty = threading.Event()
    finished: list[PassSummary] = []
    lookup = BulkLookup(
        client,
        ids,
        concurrency=4,
        on_result=lambda _, progress: progress.done >= 20 and twenty.set(),
        on_finished=finished.append,
    )
    lookup.start()
    assert twenty.wait(FINISH)
    lookup.cancel()
    assert lookup.wait(0)  # no waiting for requests in flight
    cancelled_at = time.monotonic()
    kept = lookup.results()

    done = [r for r in kept if r.outcome is Outcome.FOUND]
    assert 20 <= len(done) < 300
    assert all(r.order is not None and r.order.order_id == r.order_id for r in done)
    assert all(r.outcome is Outcome.PENDING and r.reason == "not looked up" for r in kept if r not in done)
    assert [(s.end, s.progress.done) for s in finished] == [(PassEnd.CANCELLED, len(done))]
    assert not lookup.running

    time.sleep(0.5)  # the abandoned requests answer meanwhile; nothing is added and nothing new is sent
    assert lookup.results() == kept
    # Each worker has at most one request of its own outstanding: in flight, or taken just before the cancel.
    assert len(requests_seen.sent) <= len(done) + 4
    assert len([at for at, _ in requests_seen.sent if at > cancelled_at]) <= 4

    sandbox.clear_faults()
    lookup.start()  # resumes with the ids not looked up
    assert lookup.wait(FINISH)
    assert all(r.outcome is Outcome.FOUND for r in lookup.results())
    assert all(lookup.results()[r.index] == r for r in done)  # not looked up again
    twice = {order_id for order_id, n in requests_seen.per_id().items() if n > 1}
    assert len(twice) <= 4  # only the requests abandoned in flight are sent again
    assert not twice & {r.order_id for r in done}


def test_retry_failed_looks_up_only_the_failed_ids(
    sandbox: Sandbox, client: MspClient, requests_seen: RequestLog
) -> None:
    ids = ids_for("retry", 30)
    sandbox.create_orders(ids)
    broken = ids[3], ids[17]
    for order_id in broken:
        sandbox.fault("status=503", paths=f"/orders/{order_id}", count=3)
    lookup = BulkLookup(client, ids)
    lookup.start()
    assert lookup.wait(FINISH)
    assert [r.order_id for r in lookup.results() if r.outcome is Outcome.FAILED] == list(broken)
    assert lookup.results()[3].error == "server error 503 after 3 tries"

    before = requests_seen.per_id()
    assert lookup.retry_failed() == 2
    assert lookup.wait(FINISH)
    again = requests_seen.per_id() - before
    assert dict(again) == dict.fromkeys(broken, 1)
    assert all(r.outcome is Outcome.FOUND for r in lookup.results())


def test_at_most_concurrency_requests_are_in_flight(
    sandbox: Sandbox, client: MspClient, requests_seen: RequestLog
) -> None:
    ids = ids_for("bound", 60)
    sandbox.fault("latency=30", count=10_000)
    lookup = BulkLookup(client, ids, concurrency=5)
    lookup.start()
    assert lookup.wait(FINISH)
    assert requests_seen.most_in_flight == 5
    assert tally(lookup.results()).failures == {"not found (1006)": 60}


def test_a_refused_key_stops_the_pass(
    sandbox: Sandbox, http: httpx.Client, requests_seen: RequestLog
) -> None:
    stranger = MspClient(http, sandbox.server.base_url, "f" * 40, retry=QUICK)
    finished: list[PassSummary] = []
    lookup = BulkLookup(stranger, ids_for("key", 100), concurrency=3, on_finished=finished.append)
    lookup.start()
    assert lookup.wait(FINISH)
    assert finished[0].end is PassEnd.STOPPED
    assert finished[0].reason is not None
    assert "refused the API key" in finished[0].reason
    failed = [r for r in lookup.results() if r.outcome is Outcome.FAILED]
    assert 1 <= len(failed) <= 3
    assert failed[0].error == "API key refused (1032)"
    assert len(requests_seen.sent) <= 3 + 3


def test_bad_arguments_are_refused(client: MspClient) -> None:
    with pytest.raises(ValueError, match="1 to 32"):
        BulkLookup(client, ["a"], concurrency=33)
    with pytest.raises(ValueError, match="1 to 32"):
        BulkLookup(client, ["a"], concurrency=0)
    with pytest.raises(ValueError, match="unique"):
        BulkLookup(client, ["a", "b", "a"])


def test_an_empty_list_completes_at_once(client: MspClient) -> None:
    finished: list[PassSummary] = []
    lookup = BulkLookup(client, [], on_finished=finished.append)
    assert lookup.start() == 0
    assert lookup.wait(0)
    assert finished[0].end is PassEnd.COMPLETED
    assert lookup.results() == []


def test_at_the_most_lookups_at_a_time_every_connection_is_kept_for_the_next(
    sandbox: Sandbox, client: MspClient, http: httpx.Client, requests_seen: RequestLog
) -> None:
    # A new connection per lookup costs both sides a TCP handshake and the client's pool its set-up,
    # on the one interpreter lock the window needs too.
    ids = ids_for("reuse", 8 * MAX_CONCURRENCY)
    sandbox.fault("latency=30", count=10_000)
    connections: set[object] = set()
    http.event_hooks["response"].append(lambda answer: connections.add(answer.extensions["network_stream"]))
    lookup = BulkLookup(client, ids, concurrency=MAX_CONCURRENCY)
    lookup.start()
    assert lookup.wait(FINISH)
    assert requests_seen.most_in_flight == MAX_CONCURRENCY
    assert len(requests_seen.answered) == len(ids)
    assert len(connections) <= MAX_CONCURRENCY
