"""The commands, one module each: its parser (what ``--help`` shows) and its body.

Each body is thin: options to targets (``cli.targets``), a pass over them
(``handlerbench.passes``), the result rendered (``handlerbench.render``).
"""
