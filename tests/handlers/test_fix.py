"""The #37177 fix: which classes it flips, that it flips them only while inside, and back."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.common import CommonMiddleware
from django.utils.deprecation import MiddlewareMixin

from handlerbench.app.stacks import DEFAULT_MIDDLEWARE
from handlerbench.handlers.fix import hooks_are_sync, sync_only_where_hooks_are_sync


class AsyncHook(MiddlewareMixin):
    async def process_request(self, request):
        return None


class DeclaresItsOwn(MiddlewareMixin):
    sync_capable = True
    async_capable = True


class Plain(MiddlewareMixin):
    def process_response(self, request, response):
        return response


class SubclassOfDefault(CommonMiddleware):
    pass


def flags(cls):
    return {key: vars(cls).get(key) for key in ("sync_capable", "async_capable")}


@pytest.mark.parametrize("path", DEFAULT_MIDDLEWARE)
def test_every_default_middleware_has_only_sync_hooks(path):
    from django.utils.module_loading import import_string

    assert hooks_are_sync(import_string(path))


@pytest.mark.parametrize(
    ("middleware", "expected"),
    [
        (Plain, True),
        (SubclassOfDefault, True),
        (AsyncHook, False),
        (DeclaresItsOwn, False),
        (MiddlewareMixin, False),
        (lambda get_response: get_response, False),
        (object, False),
    ],
)
def test_which_classes_the_fix_applies_to(middleware, expected):
    assert hooks_are_sync(middleware) is expected


def test_flags_flip_inside_and_are_put_back_after():
    before = {cls: flags(cls) for cls in (SessionMiddleware, Plain, DeclaresItsOwn)}
    paths = [f"{__name__}.Plain", f"{__name__}.DeclaresItsOwn", DEFAULT_MIDDLEWARE[1]]
    with sync_only_where_hooks_are_sync([*paths, paths[0]]) as changed:
        assert changed == [paths[0], paths[2]]
        assert (SessionMiddleware.sync_capable, SessionMiddleware.async_capable) == (True, False)
        assert (Plain.sync_capable, Plain.async_capable) == (True, False)
        assert DeclaresItsOwn.async_capable is True
        # A subclass of a flipped class is not itself flipped, only inherits.
        assert "async_capable" not in vars(SubclassOfDefault)
    assert {cls: flags(cls) for cls in before} == before
    assert SessionMiddleware.async_capable is True


def test_flags_are_put_back_when_building_fails():
    with pytest.raises(RuntimeError), sync_only_where_hooks_are_sync([f"{__name__}.Plain"]):
        raise RuntimeError("load_middleware failed")
    assert "async_capable" not in vars(Plain)
    assert Plain.async_capable is True


def test_unimportable_paths_are_left_to_load_middleware():
    with sync_only_where_hooks_are_sync(["no.such.Middleware"]) as changed:
        assert changed == []


class NativeChild(Plain):
    """Natively async: must keep its (inherited) async capability when Plain is flipped."""

    async def __acall__(self, request):
        return await self.get_response(request)


def test_a_listed_subclass_left_alone_keeps_its_flags_when_its_parent_flips():
    paths = [f"{__name__}.Plain", f"{__name__}.NativeChild"]
    with sync_only_where_hooks_are_sync(paths) as changed:
        assert changed == [paths[0]]
        assert Plain.async_capable is False
        assert (NativeChild.sync_capable, NativeChild.async_capable) == (True, True)
    assert "async_capable" not in vars(NativeChild)
    assert "async_capable" not in vars(Plain)
    assert NativeChild.async_capable is True
