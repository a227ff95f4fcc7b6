"""``handlerbench served``: the in-process figures beside a real server's on loopback.

``server`` starts uvicorn or gunicorn in a process session of its own and
always ends it; ``client`` is a closed-loop keep-alive client that checks
every status; ``session`` interleaves the measurements in rounds.
"""
