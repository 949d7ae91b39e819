"""The package version, read by ``pyproject.toml`` and the persistence checks."""

__version__ = "0.3.0"
