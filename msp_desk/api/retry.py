"""How hard the client tries before giving up."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    """Retries apply to GET only: repeating a GET cannot change anything.

    ``attempts`` counts the first try. The wait before retry n (1-based) is
    ``backoff * 2 ** (n - 1)``, capped at ``max_backoff``. ``reconcile_delay``
    is the pause before looking up an order whose creation failed in transit,
    giving MultiSafepay a moment to finish storing it.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 4.0
    reconcile_delay: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def wait_before_retry(self, retry_number: int) -> float:
        return float(min(self.backoff * 2 ** (retry_number - 1), self.max_backoff))


NO_WAIT = RetryPolicy(backoff=0.0, max_backoff=0.0, reconcile_delay=0.0)
