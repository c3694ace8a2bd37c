"""The files a process writes into the site folder while it builds pages ahead: as MkDocs
writes and copies them (``utils.write_file``, ``File.copy_file``), each folder made once.

MkDocs makes a file's folder before each write (``os.makedirs``: a stat, a failing mkdir and
another stat when the folder is there) and, for a copy, twice more. A site with a folder per
team and per model makes thousands of them; this process remembers the folders it made.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from dataclasses import dataclass, field

from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.structure.files")  # where MkDocs says it copies a file


@dataclass
class Outputs:
    """Writes into the site folder, remembering the folders this process has made."""

    made: set[str] = field(default_factory=set)

    def folder_for(self, path: str) -> None:
        folder = os.path.dirname(path)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)

    def write(self, content: bytes, path: str) -> None:
        """``mkdocs.utils.write_file``."""
        self.folder_for(path)
        with open(path, "wb") as output:
            output.write(content)

    def write_text(self, text: str, path: str) -> None:
        """What ``File.copy_file()`` does with a file's generated text."""
        self.folder_for(path)
        with open(path, "w", encoding="utf-8") as output:
            output.write(text)

    def copy(self, file: File) -> None:
        """``File.copy_file()``: the file's source (or generated content) to its place."""
        log.debug(f"Copying media file: '{file.src_uri}'")
        path = file.abs_dest_path
        self.folder_for(path)
        content = file._content  # (what File.copy_file reads)
        if content is None:
            assert file.abs_src_path is not None
            with contextlib.suppress(shutil.SameFileError):  # a plugin wrote it there itself
                shutil.copyfile(file.abs_src_path, path)
        elif isinstance(content, str):
            self.write_text(content, path)
        else:
            self.write(content, path)
