"""Graceful shutdown for the long-running commands (serve, run_periodic)."""

import signal


class StopFlag:
    """Set when the process gets SIGINT (Ctrl-C) or SIGTERM; loops poll ``requested``."""

    def __init__(self):
        self.requested = False
        signal.signal(signal.SIGINT, self.request)
        signal.signal(signal.SIGTERM, self.request)

    def request(self, signum=None, frame=None) -> None:
        self.requested = True
