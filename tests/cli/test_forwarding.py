"""What a pyperf worker is told: the options its master checked, a value starting with "-" too."""

from argparse import Namespace

from handlerbench.cli.commands.run import options_parser as run_options_parser
from handlerbench.cli.forwarding import FORWARDED, forwarder
from handlerbench.cli.targets import request_from_args
from handlerbench.cli.types import read_body
from handlerbench.passes.timing import TimingPlan

forward_arguments = forwarder(None, debug=False)


def namespace(**given):
    fields = dict.fromkeys(["app", "interface", *FORWARDED.values()])
    return Namespace(**{**fields, "scenarios": [], **given})


def test_forwarded_arguments():
    cmd = ["python"]
    forward_arguments(cmd, namespace(scenarios=["asgi/none/sync"]))
    assert cmd == ["python", "asgi/none/sync"]
    cmd = []
    forward_arguments(cmd, namespace(app="m:a", interface="wsgi"))
    assert cmd == ["--app=m:a", "--interface=wsgi"]
    cmd = []
    forward_arguments(
        cmd,
        namespace(
            stack=["each", "custom"], view=["async-io"], middleware=["a.B", "c.D"], delay=2.0
        ),
    )
    assert cmd == ["--stack=each,custom", "--view=async-io", "--middleware=a.B,c.D", "--delay=2.0"]


def test_a_worker_parses_the_same_request_its_master_did(tmp_path):
    body_file = tmp_path / "multipart.txt"
    body_file.write_bytes(b"--boundary\r\nContent-Disposition: form-data\r\n")
    argv = [
        "--settings", "mysite.settings", "--pythonpath", str(tmp_path),
        "--path", "/api/items/?page=2", "--method", "PUT",
        "--header", "Accept: */*", "--header=X-Dash: -starts-with-a-dash",
        "--cookie", "a=1", "--cookie", "b=2", "--body", f"@{body_file}",
        "--host", "localhost", "--expect-status", "201",
    ]  # fmt: skip
    master = run_options_parser().parse_args(argv)
    cmd = []
    forward_arguments(cmd, master)
    worker = run_options_parser().parse_args(cmd)
    assert request_from_args(worker) == request_from_args(master)
    assert (worker.settings, worker.pythonpath, worker.expect_status) == (
        "mysite.settings",
        str(tmp_path),
        201,
    )
    # A value starting with "-" survives the trip.
    master = run_options_parser().parse_args(["--settings", "m.s", "--body=--boundary"])
    cmd = []
    forward_arguments(cmd, master)
    assert request_from_args(run_options_parser().parse_args(cmd)).body == b"--boundary"


def test_a_relative_body_file_is_forwarded_by_its_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "b.txt").write_text("x=1")
    assert str(read_body("@b.txt")) == f"@{tmp_path / 'b.txt'}"
    assert str(read_body("x=1")) == "x=1"


def test_the_deadline_leaves_room_for_the_views_delay():
    import pytest

    from handlerbench.cli.targets import request_deadline
    from handlerbench.drive.deadline import DEFAULT_DEADLINE
    from handlerbench.errors import UsageError

    assert request_deadline(Namespace(deadline=None, delay=None)) == DEFAULT_DEADLINE
    assert request_deadline(Namespace(deadline=None, delay=31000.0)) == DEFAULT_DEADLINE + 62
    assert request_deadline(Namespace(deadline=5.0, delay=1000.0)) == 5.0
    with pytest.raises(UsageError, match="is not longer than the view's --delay 2000 ms"):
        request_deadline(Namespace(deadline=1.0, delay=2000.0))


def test_debug_and_the_tasks_own_observation_reach_the_worker():
    plan = TimingPlan(["a", "b"], {"b": {"latency_p99": 0.5}})
    cmd = ["--worker", "--worker-task=1"]
    forwarder(plan, debug=True)(cmd, namespace(scenarios=["asgi/none/sync"]))
    assert cmd == [
        "--worker",
        "--worker-task=1",
        "--debug",
        "--observed",
        '{"b":{"latency_p99":0.5}}',
        "asgi/none/sync",
    ]
    cmd = ["--worker", "--worker-task=0"]
    forwarder(plan, debug=False)(cmd, namespace())
    assert cmd == ["--worker", "--worker-task=0"]
