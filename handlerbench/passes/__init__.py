"""The passes over a target: what each measures, apart from how it is shown.

- ``timing``: pyperf's glue; the master checks and observes every target,
  each worker counts then times one (``TimingPlan`` carries what the master
  hands its workers).
- ``counting``: every sync/async hop a request makes, by name.
- ``explain``: an ASGI request's time in measured parts.
- ``profiling``: where a request's time goes, function by function.
- ``soak``: do threads, fds and memory come back over many requests?
"""
