"""tests/nbval_sanitize.cfg masks only what varies between runs: memory addresses (and matplotlib's
figure-size repr, which follows the machine's dpi), never a real setting such as a grid size."""
import re
from pathlib import Path

import pytest
from nbval.plugin import get_sanitize_patterns

CFG = Path(__file__).resolve().parents[1] / "nbval_sanitize.cfg"


def sanitize(text: str) -> str:
    """Apply the cfg exactly as nbval 0.11 does (parsed by nbval's own reader, applied in order)."""
    for regex, replace in get_sanitize_patterns(CFG.read_text()):
        text = re.sub(regex, replace, text)
    return text


def test_the_file_has_rules():
    assert len(get_sanitize_patterns(CFG.read_text())) >= 2


@pytest.mark.parametrize("text, want", [
    ("<function f at 0x7f3a2b1c4d90>", "<function f at 0xADDRESS>"),
    ("<qiskit.primitives.X object at 0x000001A2B3C4D5E6>", "<qiskit.primitives.X object at 0xADDRESS>"),
    ("<Figure size 420x340 with 1 Axes>", "<Figure size WxH with 1 Axes>"),
    ("<Figure size 640.5x480 with 2 Axes>", "<Figure size WxH with 2 Axes>"),
])
def test_random_parts_are_masked(text, want):
    assert sanitize(text) == want


@pytest.mark.parametrize("text", [
    "GridWorld(4x4, holes=2, slip=0, max_steps=30)",
    "a 420x340 image",                      # a size printed by a lesson is a result, not noise
    "opcode 0x1f and mask 0xff00",          # short hex constants are values
    "2x3 grid, 1.5x faster, 61x31 scan",
])
def test_real_values_are_untouched(text):
    assert sanitize(text) == text
