"""The static site: an MkDocs plugin that renders the leaderboard, and helpers to build it.

* :mod:`.plugin` — the ``kleaderboard`` MkDocs plugin (config class + event hooks);
* :mod:`.pages` — plain functions from leaderboard data to generated Markdown pages;
* :mod:`.charts` — inline SVG charts (category bars, loss curves), no JavaScript;
* :mod:`.costs` — a run record's serving, structural and $/energy figures as pages show them;
* :mod:`.build` — :func:`build_site` and the mkdocs.yml of a demo workspace.

Templates (Jinja2, autoescaped) live in ``templates/``; the site's own CSS and
JavaScript in ``assets/``.
"""

from kleaderboard.site.build import build_site, workspace_mkdocs_yaml

__all__ = ["build_site", "workspace_mkdocs_yaml"]
