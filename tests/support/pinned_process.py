"""`python -m tests.support.pinned_process MODULE ARGS...` runs MODULE as `python -m` would, and
`python -m tests.support.pinned_process -c CODE` runs CODE, with the project's clock running from
the instant the test pinned (tests/support/pinned_clock.py), whatever the wall clock says."""

from __future__ import annotations

import os
import runpy
import sys

from storage import clock
from tests.support.pinned_clock import ENV, from_env


def main() -> None:
    clock.use_source(from_env(os.environ[ENV]))
    target, *arguments = sys.argv[1:]
    if target == "-c":
        sys.argv = ["-c", *arguments[1:]]
        exec(compile(arguments[0], "<pinned -c>", "exec"), {"__name__": "__main__"})
        return
    sys.argv = [target, *arguments]
    runpy.run_module(target, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
