"""examples/quickstart.py runs and writes its PNG."""

import subprocess
import sys

from conftest import ROOT


def test_quickstart_runs(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py"), str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    png = tmp_path / "showcase_effects.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "enclave marginal effect" in out.stdout
