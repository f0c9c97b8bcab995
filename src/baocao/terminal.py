"""How every command writes its messages: one rich console on stderr.

A message is written as it is: no markup (``[b]``), no emoji codes (``:100:`` in
``directives.yaml:100:5:`` stays), no highlighting, and never broken into lines by the console
(``soft_wrap``): outside a terminal (a CI log, a pipe) each message is one line, so a
``path:line:col: CODE: message`` line stays whole however long it is; a terminal wraps it
itself.
"""

from __future__ import annotations

from rich.console import Console

err_console = Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


def say(message: str) -> None:
    """Write one message for a person (stderr)."""
    err_console.print(message)
