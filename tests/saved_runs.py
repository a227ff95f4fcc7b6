"""Small pyperf JSON files written by hand, as `run -o` or `tox -m bench` would save them."""

import pyperf

VERSIONS = {"django_version": "5.2.19", "asgiref_version": "3.13.0"}


def benchmark(name, values, hop_list=(), **metadata):
    """One benchmark: its values (seconds per request) and the counting pass's metadata."""
    s2a = sum(hop.startswith("s2a ") for hop in hop_list)
    a2s = sum(hop.startswith("a2s ") for hop in hop_list)
    common = {"name": name, "unit": "second", "loops": 1, "python_version": "3.12.1 (64-bit)"}
    counts = {"sync_to_async": s2a, "async_to_sync": a2s}
    if hop_list:
        counts["hop_list"] = "; ".join(hop_list)
    runs = [
        pyperf.Run(values[i : i + 2], metadata={**common, **VERSIONS, **counts, **metadata})
        for i in range(0, len(values), 2)
    ]
    return pyperf.Benchmark(runs)


def save(path, *benchmarks):
    pyperf.BenchmarkSuite(list(benchmarks)).dump(str(path))
    return str(path)
