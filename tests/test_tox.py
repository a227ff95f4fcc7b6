"""tox.ini: the matrix the README promises, every environment fully specified."""

import configparser
import itertools
import re

from tests.helpers import ROOT

DJANGOS = ["42", "50", "51", "52", "60", "61"]
ENVS = [f"dj{d}-asgiref{a}" for d, a in itertools.product(DJANGOS, ["min", "max"])]


def tox():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tox.ini")
    return parser


def conditions(text, separator=":"):
    """``factor-expr: value`` lines (or ``name = value``) as a dict."""
    lines = text.strip().splitlines()
    pairs = (line.split(separator, 1) for line in lines if separator in line)
    return {key.strip(): value.strip() for key, value in pairs if not key.startswith("#")}


def test_labels_cover_every_django_with_its_oldest_and_newest_asgiref():
    labels = conditions(tox()["tox"]["labels"], "=")
    assert [name.strip() for name in labels["test"].split(",")] == [f"test-{e}" for e in ENVS]
    assert [name.strip() for name in labels["bench"].split(",")] == [f"bench-{e}" for e in ENVS]


def test_each_environment_has_its_python_django_and_asgiref():
    testenv = tox()["testenv"]
    pythons = conditions(testenv["base_python"])
    deps = conditions(testenv["deps"])
    for env in ENVS:
        django = env.split("-")[0]
        assert re.fullmatch(r"python3\.1[0-3]", pythons[env]), env
        assert deps[django].startswith("Django>="), env
        if env.endswith("min"):
            assert deps[env].startswith("asgiref=="), env
    # asgiref 3.13 needs Python 3.11 or later.
    assert all(pythons[e] != "python3.10" for e in ENVS if e.endswith("max"))
    assert deps["asgirefmax"] == "asgiref==3.13.*"
