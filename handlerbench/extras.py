"""The optional extras: import one, or say in one line which extra to install.

django, asgiref and pyperf are all handlerbench needs; plotting, uvloop,
pyinstrument and the notebook helpers are extras (``pip install
'handlerbench[plot]'`` ...), imported only by the option that uses them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from handlerbench.errors import HandlerbenchError


def require(module: str, needed_by: str, extra: str, message: str | None = None) -> ModuleType:
    """``module`` imported, or a HandlerbenchError: ``NEEDED_BY needs MODULE: pip install ...``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        hint = f"pip install 'handlerbench[{extra}]'"
        raise HandlerbenchError(
            message.format(hint=hint) if message else f"{needed_by} needs {module}: {hint}"
        ) from None
