"""The GitHub client against a real HTTP server on 127.0.0.1 that answers in GitHub's shapes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kleaderboard.errors import GitHubError
from kleaderboard.github.client import GitHubClient, check_repo, check_sha
from tests.fake_github import FakeGitHub, serve

MARKER = "<!-- kleaderboard:test -->"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    yield from serve(FakeGitHub())


@pytest.fixture
def client(gh: FakeGitHub) -> Iterator[GitHubClient]:
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as c:
        yield c


def test_from_env_reads_the_actions_variables(gh: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", gh.url)
    monkeypatch.setenv("GITHUB_TOKEN", gh.token)
    head = gh.store.commit({"a.txt": b"a"})
    gh.add_pull(7, "team-a", head, [{"filename": "a.txt"}])
    with GitHubClient.from_env(gh.repo) as client:
        pr = client.pull_request(7)
    assert (pr.number, pr.author, pr.head_sha, pr.base_ref) == (7, "team-a", head, "main")
    assert pr.head_repo == "team-a/leaderboard"
    seen = gh.seen[-1]
    assert seen.headers["authorization"] == "token test-token"
    assert seen.headers["accept"] == "application/vnd.github+json"
    assert seen.headers["x-github-api-version"] == "2026-03-10"  # the version githubkit models


def test_pull_request_files_follow_every_page(gh: FakeGitHub, client: GitHubClient) -> None:
    gh.page_size = 2
    files = [{"filename": f"submissions/a/b/f{i}.txt"} for i in range(5)]
    gh.add_pull(3, "team-a", "1" * 40, files)
    got = client.pull_request_files(3)
    assert [f["filename"] for f in got] == [f["filename"] for f in files]
    pages = gh.requests_to("GET", r"/repos/acme/leaderboard/pulls/3/files")
    assert [s.query.get("page", ["1"])[0] for s in pages] == ["1", "2", "3"]


def test_a_next_page_on_another_host_is_refused(gh: FakeGitHub, client: GitHubClient) -> None:
    gh.page_size = 1
    gh.next_page_host = "http://127.0.0.2:9"
    gh.add_pull(3, "team-a", "1" * 40, [{"filename": "a"}, {"filename": "b"}])
    with pytest.raises(GitHubError, match=r"next page 'http://127\.0\.0\.2:9/.*' is not under"):
        client.pull_request_files(3)


def test_errors_name_the_call_the_status_and_the_fix(gh: FakeGitHub, client: GitHubClient) -> None:
    with pytest.raises(GitHubError, match=r"GET /repos/acme/leaderboard/pulls/404: 404 Not Found — check"):
        client.pull_request(404)
    gh.fail[r".*/pulls/5"] = (403, "Resource not accessible by integration")
    with pytest.raises(GitHubError, match=r"403 Resource not accessible by integration — the token lacks"):
        client.pull_request(5)


def test_a_wrong_token_is_a_401_with_a_fix(gh: FakeGitHub) -> None:
    with (
        GitHubClient(gh.repo, "wrong", api_url=gh.url) as client,
        pytest.raises(GitHubError, match=r"401 Bad credentials — the token is missing or expired"),
    ):
        client.pull_request(1)


def test_an_unreachable_api_is_a_github_error() -> None:
    with (
        GitHubClient("acme/leaderboard", "t", api_url="http://127.0.0.1:9") as client,
        pytest.raises(GitHubError, match="could not be reached"),
    ):
        client.pull_request(1)


def test_an_answer_of_the_wrong_shape_is_a_github_error(gh: FakeGitHub, client: GitHubClient) -> None:
    gh.add_pull(2, "team-a", "1" * 40, [])
    gh.pulls[2]["head"]["sha"] = "main"
    with pytest.raises(GitHubError, match="'main' is not a full commit id"):
        client.pull_request(2)
    gh.pulls[2]["head"] = "nope"
    with pytest.raises(GitHubError, match=r"pull request\.head of an unexpected shape"):
        client.pull_request(2)


def test_trees_are_walked_folder_by_folder_with_modes(gh: FakeGitHub, client: GitHubClient) -> None:
    head = gh.store.commit(
        {
            "README.md": b"hi",
            "submissions/acme/m/submission.yaml": b"x: 1\n",
            "submissions/acme/m/loss_log.csv": (b"target", "120000"),
            "submissions/acme/m/run.sh": (b"#!/bin/sh\n", "100755"),
        }
    )
    entries = client.modes(head, ["submissions/acme/m/submission.yaml", "submissions/acme/m/loss_log.csv"])
    assert entries["submissions/acme/m/submission.yaml"].mode == "100644"
    assert entries["submissions/acme/m/submission.yaml"].size == 5
    assert entries["submissions/acme/m/loss_log.csv"].mode == "120000"
    assert len(gh.requests_to("GET", r".*/git/trees/.*")) == 4  # root, submissions, acme, m
    client.modes(head, ["submissions/acme/m/run.sh"])  # cached: no new request
    assert len(gh.requests_to("GET", r".*/git/trees/.*")) == 4
    assert client.tree(head, "submissions/nobody") == []
    walked = [e.path for e in client.walk(head, "submissions")]
    assert "submissions/acme/m/run.sh" in walked


def test_blobs_are_decoded_and_size_capped(gh: FakeGitHub, client: GitHubClient) -> None:
    content = "팀 이름: 예시\n".encode() * 100
    sha = gh.store.blob(content)
    assert client.blob(sha, 10_000) == content
    with pytest.raises(GitHubError, match=r"is 1,900 bytes; the limit is 100"):
        client.blob(sha, 100)


def test_comment_is_created_then_updated_never_duplicated(gh: FakeGitHub, client: GitHubClient) -> None:
    gh.page_size = 1
    gh.add_comment(9, "a person's comment", {"login": "someone", "type": "User"})
    first = client.upsert_comment(9, MARKER, "first result")
    assert first.body == f"{MARKER}\nfirst result"
    second = client.upsert_comment(9, MARKER, f"{MARKER}\nsecond result")
    assert second.id == first.id
    assert [c["body"] for c in gh.comments[9]] == ["a person's comment", f"{MARKER}\nsecond result"]
    assert len(gh.requests_to("POST", r".*/issues/9/comments")) == 1
    assert len(gh.requests_to("PATCH", rf".*/issues/comments/{first.id}")) == 1


def test_a_persons_comment_with_our_marker_is_never_edited(gh: FakeGitHub, client: GitHubClient) -> None:
    planted = gh.add_comment(4, f"{MARKER}\nplanted by the PR author", {"login": "team-a", "type": "User"})
    ours = client.upsert_comment(4, MARKER, "the real result")
    assert ours.id != planted["id"]
    assert planted["body"] == f"{MARKER}\nplanted by the PR author"
    assert gh.comments[4][-1]["user"] == gh.bot


def test_commit_status_is_set_with_a_short_description(gh: FakeGitHub, client: GitHubClient) -> None:
    client.create_status("a" * 40, "failure", "kleaderboard/check", "x" * 300, "https://example.org/run")
    status = gh.statuses[-1]
    assert status["state"] == "failure"
    assert status["context"] == "kleaderboard/check"
    assert len(status["description"]) == 140
    assert status["target_url"] == "https://example.org/run"
    with pytest.raises(GitHubError, match="'done' is not a commit status state"):
        client.create_status("a" * 40, "done", "c", "d")


def test_files_are_committed_on_a_new_branch_and_proposed(gh: FakeGitHub, client: GitHubClient) -> None:
    base = gh.store.commit({"README.md": b"hi"})
    gh.refs["heads/main"] = base
    sha = client.commit_files(
        "main", "kleaderboard-bot/runs-1", {"submissions/a/b/runs/r.json": "{}\n"}, "Add"
    )
    assert gh.refs["heads/kleaderboard-bot/runs-1"] == sha
    assert gh.refs["heads/main"] == base
    root = gh.store.commits[sha]["tree"]
    assert set(gh.store.flat[root]) == {"README.md", "submissions/a/b/runs/r.json"}
    created = client.open_pull_request("kleaderboard-bot/runs-1", "main", "Runs", "body")
    assert created.number == 500
    assert gh.opened[0]["head"] == "kleaderboard-bot/runs-1"
    with pytest.raises(GitHubError, match="422 Reference already exists"):
        client.commit_files("main", "kleaderboard-bot/runs-1", {"x": "y"}, "Add")


@pytest.mark.parametrize("repo", ["acme", "acme/../x", "a/b/c", "a b/c", ""])
def test_repository_names_that_could_reach_another_path_are_refused(repo: str) -> None:
    with pytest.raises(GitHubError, match="is not a repository name"):
        check_repo(repo)


def test_commit_ids_must_be_full() -> None:
    assert check_sha("a" * 40) == "a" * 40
    with pytest.raises(GitHubError, match="not a full commit id"):
        check_sha("abc123")


def test_a_server_error_is_retried_after_a_short_wait(gh: FakeGitHub) -> None:
    gh.add_pull(6, "team-a", "1" * 40, [])
    gh.flaky[r".*/pulls/6"] = 2
    with GitHubClient(gh.repo, gh.token, api_url=gh.url, retry_waits=(0.0, 0.0)) as client:
        assert client.pull_request(6).number == 6
    assert len(gh.requests_to("GET", r".*/pulls/6")) == 3
    gh.flaky[r".*/pulls/6"] = 3
    with (
        GitHubClient(gh.repo, gh.token, api_url=gh.url, retry_waits=(0.0, 0.0)) as client,
        pytest.raises(GitHubError, match=r"pulls/6: 502 Server Error — try again later"),
    ):
        client.pull_request(6)


def test_a_redirect_is_not_followed(gh: FakeGitHub, client: GitHubClient) -> None:
    gh.moved[r".*/pulls/8"] = "http://127.0.0.2:9/repos/elsewhere/leaderboard/pulls/8"
    with pytest.raises(GitHubError, match=r"pulls/8: GitHub redirected to http://127\.0\.0\.2:9/.* renamed"):
        client.pull_request(8)
    assert all(s.path.endswith("/pulls/8") for s in gh.seen)


def test_a_blob_answer_is_read_only_up_to_its_bound(gh: FakeGitHub, client: GitHubClient) -> None:
    sha = gh.store.blob(b"x" * 300_000)
    with pytest.raises(GitHubError, match=r"answer runs past 65,736 bytes; the limit is 100$"):
        client.blob(sha, 100)
    assert client.blob(sha, 300_000) == b"x" * 300_000


def test_an_answer_missing_a_documented_field_is_refused(gh: FakeGitHub, client: GitHubClient) -> None:
    gh.add_pull(2, "team-a", "1" * 40, [{"filename": "a"}])
    del gh.pulls[2]["base"]["repo"]["default_branch"]
    with pytest.raises(GitHubError, match=r"pull request\.base\.repo\.default_branch of an unexpected shape"):
        client.pull_request(2)
    gh.files[2][0]["status"] = "moved"  # not one of GitHub's statuses
    with pytest.raises(GitHubError, match=r"page of files\[0\]\.status of an unexpected shape"):
        client.pull_request_files(2)
