"""GitHub's REST answers in their full documented shapes, for the stand-in in tests/fake_github.py.

Source of the shapes: GitHub's OpenAPI description, REST API version 2026-03-10
(github/rest-api-description, ``descriptions-next/api.github.com/api.github.com.2026-03-10.json``
at commit 755ee33b, the one githubkit-schemas 26.10.21 generated its models from), its
schemas ``simple-user``, ``repository``, ``pull-request``, ``diff-entry``, ``git-tree``,
``blob``, ``issue-comment``, ``status``, ``git-ref``, ``git-commit`` and ``basic-error``,
and the example answers on the matching pages of https://docs.github.com/rest (pulls,
git/trees, git/blobs, git/refs, git/commits, issues/comments, commits/statuses), from
which the values here are modelled (the octocat examples with our names). The client
reads every answer with githubkit's models of those schemas, so a field this module
left out, or a type the real API would not send, fails the tests.

Every URL points at the stand-in's own address (``api``), as GitHub's point at its own.
"""

from __future__ import annotations

from typing import Any

WHEN = "2026-11-23T00:00:00Z"
WEB = "https://github.com"


def simple_user(api: str, login: str, user_id: int, kind: str = "User") -> dict[str, Any]:
    """A ``simple-user``: who opened a pull request, wrote a comment, set a status."""
    base = f"{api}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": f"U_{user_id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def user_of(api: str, partial: dict[str, Any]) -> dict[str, Any]:
    """A full ``simple-user`` from a test's {"login": …, "type": …} (an id is made up if absent)."""
    login = partial["login"]
    user_id = partial.get("id", 1000 + sum(map(ord, login)))
    return simple_user(api, login, user_id, partial.get("type", "User"))


def _repository_urls(api: str, full_name: str) -> dict[str, str]:
    base = f"{api}/repos/{full_name}"
    templates = {
        "archive_url": "/{archive_format}{/ref}",
        "assignees_url": "/assignees{/user}",
        "blobs_url": "/git/blobs{/sha}",
        "branches_url": "/branches{/branch}",
        "collaborators_url": "/collaborators{/collaborator}",
        "comments_url": "/comments{/number}",
        "commits_url": "/commits{/sha}",
        "compare_url": "/compare/{base}...{head}",
        "contents_url": "/contents/{+path}",
        "contributors_url": "/contributors",
        "deployments_url": "/deployments",
        "downloads_url": "/downloads",
        "events_url": "/events",
        "forks_url": "/forks",
        "git_commits_url": "/git/commits{/sha}",
        "git_refs_url": "/git/refs{/sha}",
        "git_tags_url": "/git/tags{/sha}",
        "hooks_url": "/hooks",
        "issue_comment_url": "/issues/comments{/number}",
        "issue_events_url": "/issues/events{/number}",
        "issues_url": "/issues{/number}",
        "keys_url": "/keys{/key_id}",
        "labels_url": "/labels{/name}",
        "languages_url": "/languages",
        "merges_url": "/merges",
        "milestones_url": "/milestones{/number}",
        "notifications_url": "/notifications{?since,all,participating}",
        "pulls_url": "/pulls{/number}",
        "releases_url": "/releases{/id}",
        "stargazers_url": "/stargazers",
        "statuses_url": "/statuses/{sha}",
        "subscribers_url": "/subscribers",
        "subscription_url": "/subscription",
        "tags_url": "/tags",
        "teams_url": "/teams",
        "trees_url": "/git/trees{/sha}",
    }
    return {key: base + suffix for key, suffix in templates.items()}


def repository(
    api: str, full_name: str, *, fork: bool = False, default_branch: str = "main", repo_id: int = 1296269
) -> dict[str, Any]:
    """A ``repository``, as a pull request's head and base carry it."""
    owner, name = full_name.split("/")
    return {
        "id": repo_id,
        "node_id": f"R_{repo_id}",
        "name": name,
        "full_name": full_name,
        "owner": user_of(api, {"login": owner}),
        "private": False,
        "html_url": f"{WEB}/{full_name}",
        "description": "Korean sovereign-AI leaderboard",
        "fork": fork,
        "url": f"{api}/repos/{full_name}",
        **_repository_urls(api, full_name),
        "clone_url": f"{WEB}/{full_name}.git",
        "git_url": f"git:github.com/{full_name}.git",
        "ssh_url": f"git@github.com:{full_name}.git",
        "svn_url": f"{WEB}/{full_name}",
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "forks": 1,
        "forks_count": 1,
        "stargazers_count": 0,
        "watchers_count": 0,
        "watchers": 0,
        "size": 108,
        "default_branch": default_branch,
        "open_issues": 1,
        "open_issues_count": 1,
        "is_template": False,
        "topics": [],
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": True,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "visibility": "public",
        "pushed_at": WHEN,
        "created_at": WHEN,
        "updated_at": WHEN,
        "allow_forking": True,
        "web_commit_signoff_required": False,
        "license": None,
    }


def pull_request(
    api: str, repo: str, number: int, author: str, head_sha: str, base: tuple[str, str, str]
) -> dict[str, Any]:
    """A ``pull-request`` from a fork of repo: what "get a pull request" and "create" answer.

    base is (branch, its commit, the repository's default branch).
    """
    base_ref, base_sha, default_branch = base
    user = user_of(api, {"login": author, "id": 1000 + number})
    owner = repo.split("/")[0]
    fork = f"{author}/{repo.split('/')[1]}"
    url = f"{api}/repos/{repo}/pulls/{number}"
    html = f"{WEB}/{repo}/pull/{number}"
    issue = f"{api}/repos/{repo}/issues/{number}"
    statuses = f"{api}/repos/{repo}/statuses/{head_sha}"
    return {
        "url": url,
        "id": 100000 + number,
        "node_id": f"PR_{number}",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/repos/{repo}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": statuses,
        "number": number,
        "state": "open",
        "locked": False,
        "title": f"Submission {number}",
        "user": user,
        "body": "Please evaluate our model.",
        "labels": [],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": WHEN,
        "updated_at": WHEN,
        "closed_at": None,
        "merged_at": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": {
            "label": f"{author}:submit",
            "ref": "submit",
            "sha": head_sha,
            "user": user,
            "repo": repository(api, fork, fork=True, repo_id=2000000 + number),
        },
        "base": {
            "label": f"{owner}:{base_ref}",
            "ref": base_ref,
            "sha": base_sha,
            "user": user_of(api, {"login": owner}),
            "repo": repository(api, repo, default_branch=default_branch),
        },
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": issue},
            "comments": {"href": f"{issue}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{api}/repos/{repo}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": statuses},
        },
        "author_association": "CONTRIBUTOR",
        "auto_merge": None,
        "draft": False,
        "merged": False,
        "mergeable": True,
        "rebaseable": True,
        "mergeable_state": "clean",
        "merged_by": None,
        "comments": 0,
        "review_comments": 0,
        "maintainer_can_modify": True,
        "commits": 1,
        "additions": 3,
        "deletions": 0,
        "changed_files": 1,
    }


def diff_entry(api: str, repo: str, item: dict[str, Any], sha: str) -> dict[str, Any]:
    """A ``diff-entry`` of "list pull request files" (no git mode, no size: GitHub sends neither)."""
    name = item["filename"]
    out = {
        "sha": sha,
        "filename": name,
        "status": item.get("status", "added"),
        "additions": 3,
        "deletions": 0,
        "changes": 3,
        "blob_url": f"{WEB}/{repo}/blob/{sha}/{name}",
        "raw_url": f"{WEB}/{repo}/raw/{sha}/{name}",
        "contents_url": f"{api}/repos/{repo}/contents/{name}?ref={sha}",
        "patch": "@@ -0,0 +1,3 @@",
    }
    if "previous_filename" in item:
        out["previous_filename"] = item["previous_filename"]
    return out


def git_tree(api: str, repo: str, sha: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``git-tree``: each entry with its url (blobs with their size, as GitHub sends them)."""
    kinds = {"blob": "blobs", "tree": "trees"}
    tree = []
    for entry in entries:
        out = dict(entry)
        if entry["type"] in kinds:
            out["url"] = f"{api}/repos/{repo}/git/{kinds[entry['type']]}/{entry['sha']}"
        tree.append(out)
    return {"sha": sha, "url": f"{api}/repos/{repo}/git/trees/{sha}", "tree": tree, "truncated": False}


def blob(api: str, repo: str, sha: str, content: str, size: int) -> dict[str, Any]:
    """A ``blob``: base64 content broken into lines, as GitHub sends it."""
    return {
        "content": content,
        "encoding": "base64",
        "url": f"{api}/repos/{repo}/git/blobs/{sha}",
        "sha": sha,
        "size": size,
        "node_id": f"B_{sha[:12]}",
    }


def issue_comment(
    api: str, repo: str, number: int, comment_id: int, body: str, user: dict[str, Any]
) -> dict[str, Any]:
    """An ``issue-comment`` on a pull request's conversation."""
    url = f"{api}/repos/{repo}/issues/comments/{comment_id}"
    return {
        "id": comment_id,
        "node_id": f"IC_{comment_id}",
        "url": url,
        "html_url": f"{WEB}/{repo}/pull/{number}#issuecomment-{comment_id}",
        "body": body,
        "user": user,
        "created_at": WHEN,
        "updated_at": WHEN,
        "issue_url": f"{api}/repos/{repo}/issues/{number}",
        "author_association": "NONE" if user["type"] == "Bot" else "CONTRIBUTOR",
        "performed_via_github_app": None,
        "reactions": {
            "url": f"{url}/reactions",
            "total_count": 0,
            "+1": 0,
            "-1": 0,
            "laugh": 0,
            "confused": 0,
            "heart": 0,
            "hooray": 0,
            "eyes": 0,
            "rocket": 0,
        },
    }


def status(
    api: str, repo: str, status_id: int, posted: dict[str, Any], creator: dict[str, Any]
) -> dict[str, Any]:
    """A ``status``, as "create a commit status" answers it."""
    return {
        "url": f"{api}/repos/{repo}/statuses/{posted['sha']}",
        "avatar_url": creator["avatar_url"],
        "id": status_id,
        "node_id": f"SC_{status_id}",
        "state": posted["state"],
        "description": posted.get("description"),
        "target_url": posted.get("target_url"),
        "context": posted.get("context", "default"),
        "created_at": WHEN,
        "updated_at": WHEN,
        "creator": creator,
    }


def git_ref(api: str, repo: str, ref: str, sha: str) -> dict[str, Any]:
    """A ``git-ref`` pointing at a commit."""
    return {
        "ref": ref,
        "node_id": f"REF_{sha[:12]}",
        "url": f"{api}/repos/{repo}/git/{ref}",
        "object": {"type": "commit", "sha": sha, "url": f"{api}/repos/{repo}/git/commits/{sha}"},
    }


def git_commit(api: str, repo: str, sha: str, commit: dict[str, Any]) -> dict[str, Any]:
    """A ``git-commit``: tree, parents, an unsigned verification."""
    person = {
        "date": WHEN,
        "name": "github-actions[bot]",
        "email": "github-actions[bot]@users.noreply.github.com",
    }
    return {
        "sha": sha,
        "node_id": f"C_{sha[:12]}",
        "url": f"{api}/repos/{repo}/git/commits/{sha}",
        "html_url": f"{WEB}/{repo}/commit/{sha}",
        "author": person,
        "committer": person,
        "message": commit["message"],
        "tree": {"sha": commit["tree"], "url": f"{api}/repos/{repo}/git/trees/{commit['tree']}"},
        "parents": [
            {"sha": p, "url": f"{api}/repos/{repo}/git/commits/{p}", "html_url": f"{WEB}/{repo}/commit/{p}"}
            for p in commit["parents"]
        ],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def basic_error(status_code: int, message: str) -> dict[str, Any]:
    """A ``basic-error`` body, as every refusal carries."""
    return {
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": str(status_code),
    }
