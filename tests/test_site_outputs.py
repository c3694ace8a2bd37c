"""The files written while pages are built ahead (site/outputs.py): as MkDocs writes and
copies them, each folder made once a process."""

from __future__ import annotations

import os

from mkdocs.structure.files import File

from kleaderboard.site.outputs import Outputs


def _file(site, uri: str, *, source=None, content: str | bytes | None = None) -> File:
    """A file to publish, as the plugin adds them (from disk, or generated)."""
    file = File(uri, None, str(site), False)
    file.abs_src_path, file._content = (str(source) if source else None), content
    return file


def test_each_folder_is_made_once(tmp_path, monkeypatch):
    made = []
    real = os.makedirs
    monkeypatch.setattr(
        os, "makedirs", lambda path, exist_ok=False: (made.append(path), real(path, exist_ok))[1]
    )
    outputs = Outputs()
    for name in ("a.html", "b.html", "c/d.html"):
        outputs.write(b"<p>x</p>", str(tmp_path / "site" / "models" / name))
    models = str(tmp_path / "site" / "models")
    assert made.count(models) == 1 and made.count(os.path.join(models, "c")) == 1  # (and their parents)
    assert (tmp_path / "site" / "models" / "c" / "d.html").read_bytes() == b"<p>x</p>"


def test_a_copy_is_the_source_or_the_generated_content(tmp_path):
    site = tmp_path / "site"
    source = tmp_path / "submissions" / "runs.json"
    source.parent.mkdir()
    source.write_bytes(b'{"run": 1}\n')
    outputs = Outputs()
    on_disk = _file(site, "models/a/runs.json", source=source)
    text = _file(site, "models/a/b/log.csv", content="step,loss\n0,1.0\n")
    raw = _file(site, "models/a/b/raw.bin", content=b"\x00\x01")
    for file in (on_disk, text, raw):
        outputs.copy(file)
    site = site / "models" / "a"
    assert (site / "runs.json").read_bytes() == b'{"run": 1}\n'
    assert (site / "b" / "log.csv").read_text(encoding="utf-8") == "step,loss\n0,1.0\n"
    assert (site / "b" / "raw.bin").read_bytes() == b"\x00\x01"
    outputs.copy(on_disk)  # again: written over, as MkDocs' copy does
    assert (site / "runs.json").read_bytes() == b'{"run": 1}\n'
