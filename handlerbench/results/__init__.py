"""Saved runs: pyperf JSON read back (``saved``), compared (``compare``), written safely
(``output``: a result file is whole or absent, and never clobbers another)."""
