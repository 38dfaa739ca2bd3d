"""Progress of long drift work on stderr: one updating line on a terminal, plain lines in logs.

A CI log gets no control codes (`\\r`, ANSI): only whole lines, so it stays readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._open = False
        self._start = time.monotonic()

    def step(self, text: str) -> None:
        line = f"{self.label}: {text}"
        if self.tty:
            self.stream.write("\r\x1b[K" + line)
            self._open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, text: str) -> None:
        if self._open:
            self.stream.write("\r\x1b[K")
            self._open = False
        seconds = time.monotonic() - self._start
        self.stream.write(f"{self.label}: {text} ({seconds:.0f} s)\n")
        self.stream.flush()
