"""A per-client request limiter: at most `rate` requests in any sliding one-second window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Blocks in `wait()` until one more request fits within `rate` requests per `period` seconds.

    `margin` widens the window slightly (2 %) so that network jitter cannot make the server see one
    request too many. Each E-utilities client owns one (no module globals), shared by the threads using
    that client.
    `clock` and `sleep` are injectable for tests.
    """

    def __init__(
        self,
        rate: float,
        *,
        period: float = 1.0,
        margin: float = 0.02,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # At most floor(rate) requests per window of `period` (a fractional rate rounds down: 2.5/s allows 2
        # in any second); a rate below one means one request per period / rate seconds.
        self._slots = max(1, int(rate))
        self._window = (period if rate >= 1 else period / rate) * (1.0 + margin)
        self._sent: deque[float] = deque()

    def wait(self) -> float:
        """Wait until a request may be sent and record it; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            while self._sent and now - self._sent[0] >= self._window:
                self._sent.popleft()
            waited = 0.0
            if len(self._sent) >= self._slots:
                oldest = self._sent.popleft()
                waited = max(0.0, oldest + self._window - now)
                if waited:
                    self._sleep(waited)
                # Record the slot's earliest allowed time even if the sleep woke a little early.
                now = max(self._clock(), oldest + self._window)
            self._sent.append(now)
            return waited
