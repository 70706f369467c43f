"""Run one function in many threads at once, to test what happens when people race for the same row.

Each thread opens its own database connection (Django gives every thread one) and closes it at the end, so
the test database can be dropped afterwards. Use it in tests marked `pytest.mark.django_db(transaction=True)`:
the rows the threads race for must be committed before they start, which the ordinary test transaction
would hide from them. On SQLite the test database is a file for this reason (see tests/conftest.py).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

# Long enough for 40 threads queueing for SQLite's single writer, short enough to fail a hung test.
RACE_TIMEOUT_SECONDS = 120


@dataclass
class RaceResult:
    """What the racers returned (`results`, in no particular order) and what they raised (`errors`)."""

    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def count(self, value) -> int:
        return sum(1 for result in self.results if result == value)


def race(n: int, fn: Callable[[int], Any], *, timeout: float = RACE_TIMEOUT_SECONDS) -> RaceResult:
    """Call `fn(i)` for i in 0..n-1, each in its own thread, all released together by a barrier.

    Returns their results and exceptions; raises AssertionError when a thread does not finish in time.
    """
    barrier = threading.Barrier(n)
    lock = threading.Lock()
    outcome = RaceResult()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            result = fn(index)
        except BaseException as error:  # every failure of a racer is collected for the test
            with lock:
                outcome.errors.append(error)
        else:
            with lock:
                outcome.results.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,), name=f"racer-{index}") for index in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"racers did not finish within {timeout} s: {stuck}"
    return outcome
