"""Everything handlerbench shows a person: tables, text, Markdown, HTML and charts.

``table`` draws every table; ``runs`` the table a run ends with;
``results`` the table across saved runs (``report``); ``comparison``
(``compare``), ``transitions``, ``explanation``, ``soak`` and ``profile``
each command's report; ``plot`` the charts (the ``plot`` extra). Nothing
here measures or drives a request: it formats what the passes found.
"""
