"""`make test-oldest` tests the oldest versions pyproject.toml declares."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_oldest_pins_are_the_declared_floors():
    # tomllib is Python >= 3.11; the package supports 3.10.
    pyproject = (ROOT / "pyproject.toml").read_text()
    dependencies = re.search(r"^dependencies = \[(.*)\]$", pyproject, re.M).group(1)
    floors = dict(re.findall(r'"([\w-]+)>=([\d.]+)"', dependencies))
    makefile = (ROOT / "Makefile").read_text()
    pins = re.search(r"^OLDEST_PINS := (.*)$", makefile, re.M).group(1)
    pinned = dict(re.findall(r'"([\w-]+)==([\d.]+)\.\*"', pins))
    assert set(floors) == {"numpy", "scipy", "scikit-learn"}
    for name, floor in floors.items():
        assert pinned[name] == floor, (name, pinned.get(name), floor)
