"""The notebook API: ``hb.run()``, ``hb.transitions()``, ``hb.explain()``, ``hb.profile()``.

Each call runs the command line in a child process (``_child``) and gives
back an object that shows as the command line prints it (``results``,
``run_result``); see ``api`` for why a child process. ``handlerbench``
itself exports these names.
"""
