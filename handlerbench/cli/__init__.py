"""The command line: ``python -m handlerbench COMMAND [options]``.

- ``main``: the commands and the exit policy (one line per error).
- ``arguments``: every option, defined once; ``types``: their value types.
- ``targets``: the rules that turn options into targets to time.
- ``forwarding``: what pyperf's workers are told; ``program``: the pyperf
  program ``run`` and ``explain`` are, with its ``--help`` laid out.
- ``commands/``: one module per command, each a parser and a thin body.
- ``scripts``: the main of the ``bench_*.py`` scripts.
- ``output``: where a command's report goes.
"""

from __future__ import annotations

from handlerbench.cli.main import main

__all__ = ["main"]
