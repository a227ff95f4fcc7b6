import pyperf

from handlerbench.report import format_table, rows


def benchmark(name, values):
    run = pyperf.Run(values, metadata={"name": name, "unit": "second", "loops": 1})
    return pyperf.Benchmark([run])


def test_rows_give_microseconds_and_ratio_to_the_first():
    table = rows(
        [benchmark("wsgi/none/sync", [40e-6, 60e-6]), benchmark("asgi/none/sync", [500e-6])]
    )
    assert table == [
        ("wsgi/none/sync", "50.0 +- 14.1", "1.00x"),
        ("asgi/none/sync", "500.0", "10.00x"),
    ]


def test_text_table_is_aligned():
    text = format_table([benchmark("a/b/c", [1e-6, 1e-6]), benchmark("long/name/here", [2e-6])])
    lines = text.splitlines()
    assert lines[0].split() == ["scenario", "us/req", "ratio"]
    assert set(lines[1]) <= {"-", " "}
    assert len({len(line) for line in lines}) == 1


def test_markdown_table():
    text = format_table([benchmark("asgi/none/sync", [1e-3, 1e-3])], "md")
    assert text.splitlines() == [
        "| scenario | us/req | ratio |",
        "| --- | ---: | ---: |",
        "| asgi/none/sync | 1,000.0 +- 0.0 | 1.00x |",
    ]


def test_no_benchmarks_no_rows():
    assert rows([]) == []
