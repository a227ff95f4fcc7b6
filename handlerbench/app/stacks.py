"""Middleware stacks by name: dotted paths only, so naming a stack never imports Django.

``resolve(name)`` turns a stack name into the ``Stack`` a handler is built
with: its MIDDLEWARE list and whether the #37177 fix (``handlerbench.handlers.fix``)
is applied while the handler is built.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlerbench.errors import UsageError

SESSION = "django.contrib.sessions.middleware.SessionMiddleware"

# The seven middleware of `django-admin startproject`, in its order.
DEFAULT_MIDDLEWARE: tuple[str, ...] = (
    "django.middleware.security.SecurityMiddleware",
    SESSION,
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)

SYNC_PASS_THROUGH = "handlerbench.app.middleware.SyncPassThrough"
ASYNC_PASS_THROUGH = "handlerbench.app.middleware.AsyncPassThrough"

FIXED = "-fixed"
EACH = "each"
EACH_PREFIX = "each:"
CUSTOM = "custom"

# What a default middleware cannot run without when it stands alone (each:NAME):
# AuthenticationMiddleware raises ImproperlyConfigured without request.session,
# and MessageMiddleware's default FallbackStorage asserts it.
PREREQUISITES: dict[str, tuple[str, ...]] = {
    "AuthenticationMiddleware": (SESSION,),
    "MessageMiddleware": (SESSION,),
}

NAMED: dict[str, tuple[str, ...]] = {
    "none": (),
    "default": DEFAULT_MIDDLEWARE,
    # Same length as the default stack, so one hop's cost can be isolated.
    "async-native": (ASYNC_PASS_THROUGH,) * len(DEFAULT_MIDDLEWARE),
    "sync-only": (SYNC_PASS_THROUGH,) * len(DEFAULT_MIDDLEWARE),
}


def class_name(path: str) -> str:
    return path.rpartition(".")[2]


EACH_STACKS: tuple[str, ...] = tuple(EACH_PREFIX + class_name(p) for p in DEFAULT_MIDDLEWARE)

# Every stack a scenario name may carry, in the order reports list them.
STACK_NAMES: tuple[str, ...] = (
    "none",
    "default",
    "default" + FIXED,
    "async-native",
    "sync-only",
    *EACH_STACKS,
    CUSTOM,
    CUSTOM + FIXED,
)


@dataclass(frozen=True)
class Stack:
    """A MIDDLEWARE list, and whether to build it with the #37177 fix applied."""

    name: str
    middleware: tuple[str, ...]
    fixed: bool = False


def expand(names: list[str]) -> list[str]:
    """Stack names with ``each`` replaced by one ``each:NAME`` per default middleware."""
    expanded: list[str] = []
    for name in names:
        expanded.extend(EACH_STACKS if name == EACH else [name])
    return expanded


def resolve(name: str, custom: tuple[str, ...] = ()) -> Stack:
    """The ``Stack`` called ``name``; ``custom`` is the ``--middleware`` list."""
    base, fixed = (name[: -len(FIXED)], True) if name.endswith(FIXED) else (name, False)
    if base in NAMED and (not fixed or base == "default"):
        return Stack(name, NAMED[base], fixed)
    if base == CUSTOM:
        if not custom:
            raise UsageError(f"stack {name!r} needs --middleware a.B,c.D")
        return Stack(name, tuple(custom), fixed)
    if name in EACH_STACKS:
        alone = DEFAULT_MIDDLEWARE[EACH_STACKS.index(name)]
        return Stack(name, (*PREREQUISITES.get(class_name(alone), ()), alone))
    if name == EACH:
        raise UsageError(
            "stack 'each' is a set of scenarios: give it to --stack, "
            f"or name one of {', '.join(EACH_STACKS)}"
        )
    raise UsageError(f"unknown stack {name!r} (choose from {', '.join(STACK_NAMES)})")
