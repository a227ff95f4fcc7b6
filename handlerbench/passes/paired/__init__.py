"""Paired comparison: two targets timed in alternating worker processes, pair by pair.

Two runs made minutes apart carry the machine's drift into their
difference. Here worker processes alternate A and B (A B, B A, A B ...),
each adjacent pair gives a ratio B/A, and the estimate is the geometric
mean of the pair ratios with a 95% interval (``results.stats``), so drift
between pairs cancels. The session stops when the interval is as narrow as
asked (``--precision``) or the time allowed is spent (``--budget``).

- ``worker``: what one worker process measures (calibrated once per side,
  then fixed loops), and the counting pass of each side's first worker.
- ``session``: the schedule, the workers (another interpreter for B with
  ``--python-b``), the stopping rule; ``PairedResult``.
- ``suite``: both sides as pyperf JSON, the ratio in the metadata.
"""
