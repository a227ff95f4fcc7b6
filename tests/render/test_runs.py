import pyperf

from handlerbench.render.runs import format_table, rows, summary


def benchmark(name, values, **counts):
    metadata = {"name": name, "unit": "second", "loops": 1, **counts}
    return pyperf.Benchmark([pyperf.Run(values, metadata=metadata)])


def test_rows_give_microseconds_ratio_and_counts():
    counts = {"sync_to_async": 3, "async_to_sync": 0, "threads_started": 2}
    counters = {"calls": 895.1, "allocations": 31424}
    table = rows(
        [
            benchmark("wsgi/none/sync", [49e-6, 51e-6]),
            benchmark("asgi/none/sync", [500e-6], **counts, **counters),
        ]
    )
    # Counters beside the times, never instead; "-" where a run did not count them.
    assert table == [
        ("wsgi/none/sync", "50.0 +- 1.4", "1.00x", "-", "-", "-", "-", "-", "-", "-"),
        ("asgi/none/sync", "500.0", "10.00x", "-", "-", "3", "0", "2", "895", "30.7"),
    ]


def test_an_unstable_figure_is_flagged_and_explained_once():
    steady = benchmark("wsgi/none/sync", [49e-6, 51e-6])
    spread = benchmark("asgi/none/sync", [40e-6, 60e-6])  # std dev 28% of the mean
    skewed = benchmark("asgi/none/async", [100e-6, 100e-6, 100e-6, 160e-6])  # 26% of the mean
    assert rows([steady, spread])[1][1] == "50.0 +- 14.1 !"
    assert rows([skewed])[0][1] == "115.0 +- 30.0 !"
    text = summary([steady, spread])
    assert text.splitlines()[-1].startswith("! unstable by pyperf's rule")
    assert "unstable" not in summary([steady])


def test_counters_are_the_median_over_the_runs_of_pyperf_workers():
    # Each worker counts its own; pyperf keeps only metadata all runs share.
    common = {"name": "asgi/none/sync", "unit": "second", "loops": 1}
    runs = [
        pyperf.Run([1e-3], metadata={**common, "calls": calls, "allocations": 1024})
        for calls in (895.1, 895.3, 896.0)
    ]
    (row,) = rows([pyperf.Benchmark(runs)])
    assert row[-2:] == ("895", "1.0")


def test_sub_10_us_figures_keep_two_decimals():
    assert rows([benchmark("wsgi/app/null", [0.53e-6, 0.55e-6])])[0][1] == "0.54 +- 0.01"


def test_text_table_is_aligned():
    text = format_table([benchmark("a/b/c", [1e-6, 1e-6]), benchmark("long/name/here", [2e-6])])
    lines = text.splitlines()
    assert lines[0].split() == [
        "scenario",
        "us/req",
        "ratio",
        *("response", "us", "tail", "us"),
        "s2a/req",
        "a2s/req",
        "threads/req",
        "calls/req",
        "alloc",
        "peak",
        "KiB",
    ]
    assert set(lines[1]) <= {"-", " "}
    assert len({len(line) for line in lines}) == 1


def test_markdown_table():
    counts = {"sync_to_async": 16, "async_to_sync": 1, "threads_started": 2}
    counters = {"calls": 3016.5, "allocations": 37169}
    phases = {"response_us": 1200.0, "return_us": 1250.0}
    one = benchmark("asgi/none/sync", [1e-3, 1e-3], **counts, **counters, **phases)
    text = format_table([one], "md")
    assert text.splitlines() == [
        "| scenario | us/req | ratio | response us | tail us | s2a/req | a2s/req | threads/req "
        "| calls/req | alloc peak KiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| asgi/none/sync | 1,000.0 +- 0.0 | 1.00x | 1,200.0 | 50.0 | 16 | 1 | 2 | 3,016 | 36.3 |",
    ]


def test_no_benchmarks_no_rows():
    assert rows([]) == []


def test_several_concurrencies_print_the_37177_shape():
    counts = {"sync_to_async": 16, "async_to_sync": 0, "threads_started": 2, "calls": 3016.5}
    observed = {"latency_p99": 0.0125, "peak_threads": 51}
    benchmarks = [
        benchmark("asgi/default/sync", [1e-3], concurrency=1, **counts),
        benchmark("asgi/default/sync@c=50", [0.5e-3], concurrency=50, **counts, **observed),
        benchmark("asgi/default-fixed/sync@c=50", [0.25e-3], concurrency=50, **observed),
    ]
    table = summary(benchmarks).splitlines()
    assert table[0].split("  ")[0] == "scenario"
    assert [cell.strip() for cell in table[0].split("  ") if cell.strip()] == [
        "scenario",
        "seq us/req",
        "hops/req",
        "calls/req",
        "alloc peak KiB",
        "c=50 req/s",
        "c=50 p99 ms",
        "c=50 peak thr",
    ]
    row = ["asgi/default/sync", "1,000.0", "16", "3,016", "-", "2,000", "12.50", "51"]
    assert table[2].split() == row
    # No sequential run and no counts for this one: shown as missing, not as zero.
    row = ["asgi/default-fixed/sync", "-", "-", "-", "-", "4,000", "12.50", "51"]
    assert table[3].split() == row
    assert summary(benchmarks[:1]) == format_table(benchmarks[:1])
    assert summary(benchmarks, "md").startswith("| scenario | seq us/req | hops/req |")


def test_results_across_files_show_where_hop_counts_differ(tmp_path):
    from handlerbench.render.results import format_results
    from handlerbench.results.saved import load
    from tests.saved_runs import benchmark as saved
    from tests.saved_runs import save

    old = load(
        save(
            tmp_path / "dj42.json",
            saved("asgi/none/sync", [500e-6, 500e-6], ["s2a a", "s2a b", "s2a c"]),
            saved("wsgi/none/sync", [40e-6, 40e-6]),
        )
    )
    new = load(save(tmp_path / "dj61.json", saved("asgi/none/sync", [600e-6, 600e-6], ["s2a a"])))
    lines = format_results([old, new]).splitlines()
    assert lines[0].split() == ["scenario", "dj42", "dj61", "hops", "threads/req"]
    assert lines[2].split()[:7] == [
        "asgi/none/sync",
        "500.0",
        "(3)",
        "600.0",
        "(1)",
        "differ:",
        "1-3",
    ]
    assert lines[3].split() == ["wsgi/none/sync", "40.0", "(0)", "-", "same", "-"]
    assert "dj61: Django 5.2.19, asgiref 3.13.0, Python 3.12.1" in lines
    assert format_results([old, new], "md").startswith("| scenario | dj42 | dj61 | hops |")


def test_same_hop_count_with_other_names_and_threads_are_flagged(tmp_path):
    from handlerbench.render.results import format_results
    from handlerbench.results.saved import load
    from tests.saved_runs import benchmark as saved
    from tests.saved_runs import save

    old = load(save(tmp_path / "a.json", saved("s", [1e-3, 1e-3], ["s2a x"], threads_started=1)))
    new = load(save(tmp_path / "b.json", saved("s", [1e-3, 1e-3], ["s2a y"], threads_started=2)))
    row = format_results([old, new]).splitlines()[2]
    assert row.endswith("same count, names differ  differ: 1-2")


def test_html_table_escapes_every_cell():
    from handlerbench.render.table import render

    page = render(("scenario", "a<b"), [("x&y", "1")], "html").splitlines()
    assert page == [
        "<table>",
        '<thead><tr><th style="text-align: left">scenario</th>'
        '<th style="text-align: right">a&lt;b</th></tr></thead>',
        "<tbody>",
        '<tr><td style="text-align: left">x&amp;y</td><td style="text-align: right">1</td></tr>',
        "</tbody>",
        "</table>",
    ]
    table = summary([benchmark("asgi/none/<sync>", [1e-3])], "html")
    assert table.count("<tr>") == 2 and "asgi/none/&lt;sync&gt;" in table
