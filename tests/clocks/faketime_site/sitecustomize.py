"""Put on PYTHONPATH only for processes run under libfaketime (tests/clocks).

libfaketime 0.9.10 (Debian 12) answers Python 3.11's `time.sleep`, a `clock_nanosleep` on
CLOCK_MONOTONIC with TIMER_ABSTIME, with EINVAL when the monotonic clock is left real
(FAKETIME_DONT_FAKE_MONOTONIC=1); faking the monotonic clock instead hangs every timed
condition wait (`threading.Event.wait`). A timed condition wait on the real monotonic clock
works, so `time.sleep` waits on one. Nothing else changes: wall-clock time stays moved.
"""

import threading
import time
from typing import SupportsFloat, SupportsIndex


def _sleep(secs: SupportsFloat | SupportsIndex, /) -> None:
    seconds = float(secs)
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


time.sleep = _sleep
