"""factcheck build: only what validates is published, and only into a folder the build owns.

The dangerous ``--out`` cases run in temporary folders: HOME points at one, and ``/``
is checked by the function that refuses it (no write can happen before it), and
through the command line with the folder-making step replaced by a failure.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import make_tree
from sitetrees import BRIDGES_PUBLISHED, PUBLISHED_YAML, published_tree

from factcheck import cache
from factcheck.cli import main
from factcheck.site import build
from factcheck.site import output as site_output
from factcheck.site.build import BuildError
from factcheck.site.output import MANIFEST, check_place
from factcheck.textsafe import CONTROL

BASE = "https://checks.example.org/"
BRIDGES = Path("test-article") / "bridges-repaired.yaml"


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- only what validates ----------------------------------------------------------------

INVALID = {
    # case: (the claim's text, the error validate reports: line:col: error [code])
    "no verdict": (BRIDGES_PUBLISHED.replace("verdict: inaccurate", "verdict: null"), ":6:9: error [published-incomplete] "),
    "published by the sender": (BRIDGES_PUBLISHED.replace("    by: bo\n", "    by: ann\n"), ":32:9: error [self-published] "),
    "a future date": (BRIDGES_PUBLISHED.replace("accessed: 2024-04-02", "accessed: 2999-04-02"), ":16:15: error [future-date] "),
    "bidi in the claimant": (BRIDGES_PUBLISHED.replace('claimant: "The mayor"', 'claimant: "The \u202emayor"'), ":4:11: error [control-char] "),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_a_claim_validate_rejects_is_left_out(tmp_path, capsys, case):
    text, error = INVALID[case]
    claims = make_tree(tmp_path, {"bridges-repaired": text, "support-rose": PUBLISHED_YAML})
    path = claims / BRIDGES
    code, out, err = run(capsys, "validate", claims)
    assert code == 1 and f"{path}{error}" in out  # what validate says, build says too
    site = tmp_path / "site"
    code, out, err = run(capsys, "build", claims, "--out", site, "--base-url", BASE)
    assert code == 1
    assert f"{path}{error}" in err
    assert "factcheck: 1 claim file(s) left out of the site: validate finds errors in them (above); fix them, or build with --skip-invalid" in err
    assert "Traceback" not in err
    pages = files(site)
    assert "claims/bridges-repaired.html" not in pages and "claims/support-rose.html" in pages
    for name, data in pages.items():
        assert b"bridges-repaired" not in data and b"\xe2\x80\xae" not in data, name
    # told to skip: still left out, and the build succeeds
    code, out, err = run(capsys, "build", claims, "--out", site, "--base-url", BASE, "--skip-invalid")
    assert code == 0 and f"{path}{error}" in err and "--skip-invalid" not in err
    assert "claims/bridges-repaired.html" not in files(site)
    # fixed: published again
    path.write_text(BRIDGES_PUBLISHED)
    assert run(capsys, "build", claims, "--out", site, "--base-url", BASE)[0] == 0
    assert "claims/bridges-repaired.html" in files(site)


def test_claimreview_export_leaves_out_what_validate_rejects(tmp_path, capsys):
    text, error = INVALID["no verdict"]
    claims = make_tree(tmp_path, {"bridges-repaired": text, "support-rose": PUBLISHED_YAML})
    code, out, err = run(capsys, "export", "--root", claims, "--format", "claimreview", "--base-url", BASE)
    assert code == 1 and f"{claims / BRIDGES}{error}" in err
    urls = [review["url"] for review in json.loads(out)["@graph"]]
    assert urls == [BASE + "claims/support-rose.html"]


def test_warnings_do_not_block(tmp_path, capsys):
    # published by the sender before the rule took effect: a warning
    claims = make_tree(tmp_path, {"bridges-repaired": INVALID["published by the sender"][0], "support-rose": PUBLISHED_YAML})
    (tmp_path / "factcheck.toml").write_text("[review]\nsecond_person_since = 2025-01-01T00:00:00Z\n")
    assert "warning [self-published-before-policy]" in run(capsys, "validate", claims)[1]
    code, out, err = run(capsys, "build", claims, "--out", tmp_path / "site", "--base-url", BASE)
    assert (code, err) == (0, "")
    assert (tmp_path / "site" / "claims" / "bridges-repaired.html").exists()


def test_a_file_that_is_not_a_claim_stops_the_build(tmp_path, capsys):
    claims = make_tree(tmp_path, {"bridges-repaired": "id: [unclosed\n", "support-rose": PUBLISHED_YAML})
    code, out, err = run(capsys, "build", claims, "--out", tmp_path / "site")
    assert code == 1 and f"{claims / BRIDGES}:2:1: error [syntax]" in err and "1 claim file(s) left out" in err


def test_a_draft_with_an_error_is_left_out_of_a_draft_build(tmp_path):
    draft = INVALID["a future date"][0].replace("status: published", "status: researching")
    claims = make_tree(tmp_path, {"bridges-repaired": draft, "support-rose": PUBLISHED_YAML})
    plain = build(str(claims), str(tmp_path / "plain"))
    assert plain.left_out == []  # not public: not the site's concern
    drafts = build(str(claims), str(tmp_path / "drafts"), drafts=True)
    assert drafts.left_out == [str(claims / BRIDGES)] and "future-date" in [p.code for p in drafts.invalid]


ESC_TEXT = "A Test Article\n\nThe mayor said that 24 bridges were repaired in 2023. \x1b]0;owned\x07 Critics \u202edisagree.\n"


def test_no_raw_control_or_bidi_character_reaches_a_page(tmp_path, capsys):
    from conftest import ARTICLE_TEXT

    claims = make_tree(tmp_path, {"bridges-repaired": BRIDGES_PUBLISHED, "support-rose": PUBLISHED_YAML})
    # the article's own text: no rule reads it, so the pages escape it
    (claims / "test-article" / "article.txt").write_text(ARTICLE_TEXT.replace("Critics disagree.", "\x1b[31mCritics\u202e disagree."))
    # the config: refused (and the default used)
    (tmp_path / "factcheck.toml").write_text('organization = "Example \\u202eChecks"\nsite_title = "Bell \\u0007"\n')
    site = tmp_path / "site"
    code, out, err = run(capsys, "build", claims, "--out", site, "--base-url", BASE + "\u202e/")
    assert code == 2 and "\u202e" not in err  # a bad --base-url is named escaped
    code, out, err = run(capsys, "build", claims, "--out", site, "--base-url", BASE, "--drafts")
    assert code == 1 and "organization holds a control or bidi character" in err and "site_title holds" in err
    pages = files(site)
    assert "articles/test-article.html" in pages
    for name, data in pages.items():
        text = data.decode("utf-8")
        assert not CONTROL.search(text), (name, CONTROL.search(text))
        for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
            assert not CONTROL.search(json.dumps(json.loads(script), ensure_ascii=False)), name
    assert "\\x1b[31mCritics\\u202e disagree." in pages["articles/test-article.html"].decode()


# -- a folder the build owns ----------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def refused(capsys, claims: Path, out: Path | str, *more: str) -> str:
    """The one-line error of a build refused before it wrote anything."""
    code, stdout, err = run(capsys, "build", claims, "--out", out, *more)
    assert code == 2 and stdout == "" and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_the_root_folder_is_refused_before_anything_is_written(tmp_path, home, capsys, monkeypatch):
    claims = published_tree(home)
    with pytest.raises(BuildError, match="is the root folder"):
        check_place("/", str(claims))

    def no_write(*args, **kwargs):
        raise AssertionError("the build went on to make the output folder")

    monkeypatch.setattr(site_output.os, "makedirs", no_write)
    monkeypatch.setattr(site_output.Output, "_folder", no_write)
    assert "'/' is the root folder" in refused(capsys, claims, "/")


def test_home_repository_claims_tree_and_what_holds_them_are_refused(tmp_path, home, capsys):
    repo = home / "work" / "repo"
    repo.mkdir(parents=True)
    (repo / ".git").mkdir()
    claims = published_tree(repo)
    before = {str(p) for p in tmp_path.rglob("*")}
    assert "is the home folder" in refused(capsys, claims, home)
    assert "holds the home folder" in refused(capsys, claims, tmp_path)
    assert "is the repository" in refused(capsys, claims, repo)
    assert "holds the repository" in refused(capsys, claims, home / "work")
    assert "is the claims tree" in refused(capsys, claims, claims)
    assert "lies inside the claims tree" in refused(capsys, claims, claims / "test-article")
    assert "lies inside the claims tree" in refused(capsys, claims, claims / "new")
    assert "is the repository" in refused(capsys, claims, repo / "site" / "..")
    assert {str(p) for p in tmp_path.rglob("*")} == before  # nothing written anywhere
    assert run(capsys, "build", claims, "--out", repo / "site")[0] == 0  # a folder of its own is fine


def test_a_symlinked_claims_folder_in_the_output_is_never_written_through(tmp_path, capsys):
    claims = published_tree(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "mine.html").write_text("mine")
    (other / "support-rose.html").write_text("also mine")
    site = tmp_path / "site"
    assert run(capsys, "build", claims, "--out", site)[0] == 0
    for name in ("claims", "articles"):
        moved = site / f"{name}.old"
        (site / name).rename(moved)
        (site / name).symlink_to(other)
        err = refused(capsys, claims, site)
        assert f"{site / name} is a symbolic link or not a folder" in err
        (site / name).unlink()
        moved.rename(site / name)
    assert sorted(os.listdir(other)) == ["mine.html", "support-rose.html"] and (other / "support-rose.html").read_text() == "also mine"
    # with --force too, on a fresh folder
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "claims").symlink_to(other)
    assert "is a symbolic link or not a folder" in refused(capsys, claims, fresh, "--force")
    assert sorted(os.listdir(other)) == ["mine.html", "support-rose.html"]


def test_a_page_that_is_a_symlink_or_a_fifo_is_replaced_not_followed(tmp_path, capsys):
    claims = published_tree(tmp_path)
    site = tmp_path / "site"
    assert run(capsys, "build", claims, "--out", site)[0] == 0
    target = tmp_path / "target.html"
    target.write_text("keep me")
    page = site / "claims" / "support-rose.html"
    page.unlink()
    page.symlink_to(target)
    (site / "index.html").unlink()
    os.mkfifo(site / "index.html")
    # a temporary file left by a killed build of the same pid, as a link: replaced, never followed
    (site / "claims" / f".support-rose.html.{os.getpid()}.tmp").symlink_to(target)
    from test_cache import deadline

    with deadline(20):
        assert run(capsys, "build", claims, "--out", site)[0] == 0
    assert target.read_text() == "keep me"
    assert not page.is_symlink() and "Support for the plan" in page.read_text()
    assert (site / "index.html").is_file()
    assert sorted(p.name for p in (site / "claims").iterdir()) == ["bridges-repaired.html", "support-rose.html"]


def test_only_files_an_earlier_build_wrote_are_deleted(tmp_path, capsys):
    claims = published_tree(tmp_path)
    site = tmp_path / "site"
    (site / "claims").mkdir(parents=True)
    (site / "claims" / "mine.html").write_text("mine")
    (site / "notes.txt").write_text("notes")
    err = refused(capsys, claims, site)
    assert f"is not empty and was not made by factcheck build (no {MANIFEST})" in err and "--force" in err
    assert sorted(files(site)) == ["claims/mine.html", "notes.txt"]
    assert run(capsys, "build", claims, "--out", site, "--force")[0] == 0
    assert (site / "claims" / "mine.html").read_text() == "mine" and (site / "notes.txt").exists()
    # a claim taken out of publication: its page goes, the user's files stay
    path = claims / "test-article" / "support-rose.yaml"
    path.write_text(path.read_text().replace("status: published", "status: in-review").replace("after: published", "after: in-review"))
    code, out, err = run(capsys, "build", claims, "--out", site)
    assert code == 0 and "2 removed" in out  # and the page of its claimant, who has no other
    assert not (site / "claims" / "support-rose.html").exists() and not (site / "claimants" / "city-survey.html").exists()
    assert (site / "claims" / "mine.html").read_text() == "mine" and (site / "notes.txt").exists()
    # a manifest edited to name what the build never writes deletes nothing of it
    manifest = json.loads((site / MANIFEST).read_text())
    manifest["files"] += ["notes.txt", "../outside.html", "claims/../../x.html", "/etc/passwd"]
    (site / MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "outside.html").write_text("outside")
    assert run(capsys, "build", claims, "--out", site)[0] == 0
    assert (site / "notes.txt").exists() and (tmp_path / "outside.html").exists()


@pytest.mark.parametrize("case", ["dangling symlink", "a file", "under a file", "a file as claims/"])
def test_bad_output_places_are_one_line_errors(tmp_path, capsys, case):
    claims = published_tree(tmp_path)
    out = tmp_path / "out"
    if case == "dangling symlink":
        out.symlink_to(tmp_path / "nowhere")
        expected = "is a symbolic link to nothing"
    elif case == "a file":
        out.write_text("x")
        expected = "exists and is not a folder"
    elif case == "under a file":
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "site"
        expected = "cannot make or open the output folder"
    else:
        out.mkdir()
        (out / "claims").write_text("x")
        expected = "is a symbolic link or not a folder"
    assert expected in refused(capsys, claims, out, "--force")
    assert not (tmp_path / "nowhere").exists()


def test_a_fifo_as_the_cached_page_list_does_not_hang(tmp_path, capsys):
    from test_cache import deadline

    from factcheck.site.build import _manifest_path

    claims = published_tree(tmp_path)
    site = tmp_path / "site"
    assert run(capsys, "build", claims, "--out", site)[0] == 0
    cached = _manifest_path(str(site))
    cached.unlink()
    os.mkfifo(cached)
    with deadline(20):
        assert run(capsys, "build", claims, "--out", site)[0] == 0
    assert cached.is_file() and cache.read_regular(cached) is not None
