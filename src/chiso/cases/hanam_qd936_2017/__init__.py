"""Data files of one reference case (``case.yaml``, ``program.yaml``); read by :mod:`chiso.cases`."""
