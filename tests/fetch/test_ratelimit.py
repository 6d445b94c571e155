"""The per-client limiter on a simulated clock: never more than `rate` requests in any one-second window."""

from __future__ import annotations

import pytest

from neurolit.fetch.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize("rate", [3.0, 10.0, 2.5, 0.5])
def test_no_window_of_one_second_exceeds_the_rate(rate: float) -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate, clock=clock.time, sleep=clock.sleep, margin=0.0)
    sent = []
    for _ in range(40):
        limiter.wait()
        sent.append(clock.now)
    for i, start in enumerate(sent):
        in_window = [t for t in sent[i:] if t < start + 1.0]
        assert len(in_window) <= max(1, int(rate))
    # ... and not slower than it needs to be: 40 requests within one window of 40 / floor(rate) windows.
    slots = max(1, int(rate))
    window = 1.0 if rate >= 1 else 1.0 / rate
    assert sent[-1] == pytest.approx((40 - 1) // slots * window)


def test_a_burst_up_to_the_rate_is_immediate_and_the_margin_widens_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock.time, sleep=clock.sleep)
    assert [limiter.wait() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait() == pytest.approx(1.02)
    with pytest.raises(ValueError):
        RateLimiter(0)
