"""rongcuo self-check: cited rule sets, an exact three-valued engine, and a CLI.

The checker (model, facts, engine, explain) uses the standard library only, so the same source runs
in CPython and in Pyodide. Only `load`/`yamlsrc`/`lint` (build side) need PyYAML.
"""

__version__ = "0.1.0"
