import sys

import numpy as np
import pytest

from stepvid.cli import main
from stepvid.optional import MissingDependency, require
from stepvid.video import write_video


def test_require_imports_or_names_the_extra(monkeypatch):
    assert require("json", "x", "test").dumps([1]) == "[1]"
    monkeypatch.setitem(sys.modules, "ray", None)  # import now fails as if not installed
    with pytest.raises(MissingDependency, match=r"--engine ray needs the optional package ray: pip install 'stepvid\[ray\]'"):
        require("ray", "ray", "--engine ray")


def test_cli_reports_a_missing_extra_without_a_traceback(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    from stepvid.data.curate import ocr

    write_video(tmp_path / "in" / "a.mp4", np.zeros((4, 16, 16, 3), np.uint8))
    ocr._engine.cache_clear()
    try:
        rc = main(["curate", "run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--set", "text_detector=rapidocr"])
    finally:
        ocr._engine.cache_clear()
    assert rc == 2
    assert "error: text_detector='rapidocr' needs the optional package" in capsys.readouterr().err
