"""Saved runs read back: labels from file names, versions from metadata, hops by name."""

import pytest

from handlerbench.errors import HandlerbenchError
from handlerbench.results.saved import hop_names, hops, load, scenario_names
from tests.saved_runs import benchmark, save


def test_a_file_is_labelled_by_its_name_and_versions(tmp_path):
    path = save(tmp_path / "test-dj52-asgirefmax.json", benchmark("asgi/none/sync", [1e-3] * 4))
    result = load(path)
    assert result.label == "test-dj52-asgirefmax"
    assert list(result.benchmarks) == ["asgi/none/sync"]
    assert result.versions() == "Django 5.2.19, asgiref 3.13.0, Python 3.12.1"


def test_hops_are_counted_and_named():
    counted = benchmark("a", [1e-3, 2e-3], ["s2a x", "s2a x", "a2s y"])
    assert hops(counted) == 3
    assert hop_names(counted) == {"s2a x": 2, "a2s y": 1}
    uncounted = pyperf_benchmark_without_counts()
    assert hops(uncounted) is None and hop_names(uncounted) == {}


def pyperf_benchmark_without_counts():
    import pyperf

    run = pyperf.Run([1e-3, 2e-3], metadata={"name": "app", "unit": "second", "loops": 1})
    return pyperf.Benchmark([run])


def test_scenario_names_keep_first_appearance_order(tmp_path):
    first = load(save(tmp_path / "a.json", benchmark("x", [1.0, 1.0]), benchmark("y", [1.0, 1.0])))
    second = load(save(tmp_path / "b.json", benchmark("z", [1.0, 1.0]), benchmark("x", [1.0, 1.0])))
    assert scenario_names([first, second]) == ["x", "y", "z"]


@pytest.mark.parametrize(("content", "message"), [(None, "no such file"), ("{", "not a pyperf")])
def test_bad_files_are_one_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(HandlerbenchError, match=message) as info:
        load(str(path))
    assert "\n" not in str(info.value)


def test_files_with_the_same_name_are_labelled_by_path(tmp_path):
    from handlerbench.results.saved import load_all

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = save(tmp_path / "a" / "run.json", benchmark("x", [1.0, 1.0]))
    second = save(tmp_path / "b" / "run.json", benchmark("x", [1.0, 1.0]))
    assert [r.label for r in load_all([first, second])] == [first, second]
    assert [r.label for r in load_all([first])] == ["run"]
