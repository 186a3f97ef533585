"""The claimant registry (claims/claimants.yaml): read, checked, the claimant rule in
validate, the hook and the writer, and added to by ``factcheck new``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import CLAIM_YAML, OTHER_YAML, SENT_TO_REVIEW, make_tree

from factcheck.claimants import ClaimantRefused, add_claimant, load_registry
from factcheck.cli import main
from factcheck.model import ClaimantType

REGISTRY = """\
# Who says what in the test article.
claimants:
  - name: The mayor
    type: person
    wikidata: Q42
    url: https://example.org/mayor
    aliases:
      - Mayor of Example
  - name: City survey
    type: organization
"""


def registry_tree(tmp_path: Path, registry: str = REGISTRY, claims: dict[str, str] | None = None) -> Path:
    claims_dir = make_tree(tmp_path, claims)
    (claims_dir / "claimants.yaml").write_text(registry, encoding="utf-8")
    return claims_dir


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def position(path: Path, key: str) -> tuple[int, int]:
    """1-based line and column of ``key``'s value in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}: "):
            return number, len(key) + 3
    raise AssertionError(f"no {key} in {path}")


def test_every_problem_of_the_registry_at_once_with_its_position(tmp_path, capsys):
    claims = registry_tree(tmp_path, """\
claimants:
  - name: The mayor
    type: persn
    wikidata: Q0042
  - name: City survey
    type: organization
    url: ftp://example.org/
    nickname: survey
""")
    code, out, _ = run(capsys, "validate", str(claims))
    assert code == 1
    where = os.path.join(str(claims), "claimants.yaml")
    assert f"{where}:3:11: error [enum] 'persn' is not one of: person, organization (did you mean 'person'?)" in out
    assert f"{where}:4:15: error [value] wikidata 'Q0042' is not a Wikidata item id" in out
    assert f"{where}:7:10: error [value] url must be an http or https URL" in out
    assert f"{where}:8:5: error [unknown-key]" in out
    assert "claims file" not in out and "no-article" not in out  # the registry is not a stray claim file


def test_a_name_or_alias_given_twice_is_refused(tmp_path, capsys):
    claims = registry_tree(tmp_path, REGISTRY + "  - name: mayor of  example\n    type: person\n")
    code, out, _ = run(capsys, "validate", str(claims))
    where = os.path.join(str(claims), "claimants.yaml")
    assert code == 1
    assert f"{where}:11:11: error [duplicate-claimant] 'mayor of  example' is already given above (as 'Mayor of Example')" in out


def in_review(text: str) -> str:
    """OTHER_YAML (researching) sent to review, with the verdict and summary review needs."""
    return (text.replace("status: researching", "status: in-review").replace("verdict: null", "verdict: accurate")
            .replace("summary: null", 'summary: "The survey says so."') + SENT_TO_REVIEW)


def test_an_unregistered_claimant_is_a_warning_before_review_at_its_position_with_a_hint(tmp_path, capsys):
    claims = registry_tree(tmp_path, REGISTRY.replace("name: The mayor", "name: The Mayor"))
    code, out, _ = run(capsys, "validate", str(claims))
    path = claims / "test-article" / "bridges-repaired.yaml"
    line, col = position(path, "claimant")
    assert code == 0  # a new claim: its claimant may be registered later, before review
    assert (f"{path}:{line}:{col}: warning [unregistered-claimant] claimant 'The mayor' is not in the claimant registry "
            f"{os.path.join(str(claims), 'claimants.yaml')} (did you mean 'The Mayor'?)") in out
    assert "support-rose.yaml" not in out  # "City survey" is registered
    assert run(capsys, "validate", "--strict", str(claims))[0] == 1


def test_from_review_on_an_unregistered_claimant_is_an_error(tmp_path, capsys):
    claims = registry_tree(tmp_path, REGISTRY.replace("  - name: City survey\n    type: organization\n", ""),
                           claims={"bridges-repaired": CLAIM_YAML, "support-rose": in_review(OTHER_YAML)})
    path = claims / "test-article" / "support-rose.yaml"
    line, col = position(path, "claimant")
    code, out, _ = run(capsys, "validate", str(claims))
    assert code == 1 and f"{path}:{line}:{col}: error [unknown-claimant] claimant 'City survey'" in out


def test_the_writer_does_not_send_a_claim_with_an_unregistered_claimant_to_review(tmp_path, capsys):
    claims = registry_tree(tmp_path, REGISTRY.replace("  - name: City survey\n    type: organization\n", ""))
    path = claims / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    argv = ["set-status", "--root", str(claims), "support-rose", "in-review", "--verdict", "accurate", "--summary", "The survey says so.",
            "--note", "Ready.", "--editor", "ann"]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "claimant 'City survey' is not in the claimant registry" in err and "register-claimant" in err
    assert path.read_bytes() == before
    code, out, err = run(capsys, "register-claimant", "--root", str(claims), "City survey", "--type", "organization", "--alias", "the survey")
    assert code == 0 and "registered City survey (organization)" in out, err
    assert load_registry(claims).lookup("the survey").name == "City survey"
    assert run(capsys, *argv)[0] == 0


def test_an_alias_counts_and_a_tree_without_a_registry_is_not_checked(tmp_path, capsys):
    claims = registry_tree(tmp_path, claims={"bridges-repaired": CLAIM_YAML.replace('"The mayor"', '"Mayor of Example"'), "support-rose": OTHER_YAML})
    assert run(capsys, "validate", str(claims))[0] == 0
    (claims / "claimants.yaml").unlink()
    (claims / "test-article" / "support-rose.yaml").write_text(OTHER_YAML.replace('"City survey"', '"Nobody registered"'), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(claims))
    assert code == 0 and "unknown-claimant" not in out


def test_a_changed_registry_checks_the_claims_again(tmp_path, capsys):
    claims = registry_tree(tmp_path, REGISTRY.replace("  - name: City survey\n    type: organization\n", ""),
                           claims={"bridges-repaired": CLAIM_YAML, "support-rose": in_review(OTHER_YAML)})
    code, out, _ = run(capsys, "validate", str(claims))
    assert code == 1 and "claimant 'City survey' is not in the claimant registry" in out
    code, out, _ = run(capsys, "validate", str(claims))  # the cache keeps the problem
    assert code == 1 and "claimant 'City survey'" in out
    (claims / "claimants.yaml").write_text(REGISTRY, encoding="utf-8")  # registered since: the cached result no longer holds
    code, out, _ = run(capsys, "validate", str(claims))
    assert code == 0, out


def test_the_hook_checking_one_claim_file_asks_the_registry_too(tmp_path, capsys):
    claims = registry_tree(tmp_path, REGISTRY.replace("  - name: City survey\n    type: organization\n", ""),
                           claims={"bridges-repaired": CLAIM_YAML, "support-rose": in_review(OTHER_YAML)})
    one = claims / "test-article" / "support-rose.yaml"
    code, out, _ = run(capsys, "validate", str(one))
    assert code == 1 and f"{one}:" in out and "[unknown-claimant]" in out
    code, out, _ = run(capsys, "validate", str(claims / "claimants.yaml"))  # the registry alone: read and checked
    assert code == 0 and "no-article" not in out


def test_the_writer_refuses_an_edit_that_names_an_unknown_claimant(tmp_path):
    from factcheck.session import EditSession
    from factcheck.store import ClaimStore, EditRefused

    claims = registry_tree(tmp_path)
    path = claims / "test-article" / "bridges-repaired.yaml"
    before = path.read_bytes()
    session = EditSession(ClaimStore.open(str(claims)), "tester")
    with pytest.raises(EditRefused, match=r"claimant 'The mayr' is not in the claimant registry .*\(did you mean 'The mayor'\?\)"):
        session.set_fields("bridges-repaired", {"claimant": "The mayr"})
    assert path.read_bytes() == before
    session.set_fields("bridges-repaired", {"claimant": "Mayor of Example"})  # an alias is a registered name
    assert 'claimant: "Mayor of Example"' in path.read_text()


def test_new_checks_the_claimant_and_registers_a_new_one_keeping_the_file(tmp_path, capsys):
    claims = registry_tree(tmp_path)
    registry = claims / "claimants.yaml"
    quote = "Critics disagree."
    code, _, err = run(capsys, "new", "--root", str(claims), "test-article", "--quote", quote, "--claimant", "Mayor of Exampel")
    assert code == 1 and "did you mean 'Mayor of Example'?" in err
    assert not (claims / "test-article" / "critics-disagree.yaml").exists()
    code, out, err = run(capsys, "new", "--root", str(claims), "test-article", "--quote", quote, "--claimant", "Critics", "--claimant-type", "organization")
    assert code == 0, err
    assert f"registered Critics (organization) in {registry}" in out
    assert registry.read_text(encoding="utf-8") == REGISTRY + "  - name: Critics\n    type: organization\n"  # untouched bytes kept, comment too
    assert 'claimant: "Critics"' in (claims / "test-article" / "critics-disagree.yaml").read_text() or \
        "claimant: Critics" in (claims / "test-article" / "critics-disagree.yaml").read_text()
    assert run(capsys, "validate", str(claims))[0] == 0
    code, _, err = run(capsys, "new", "--root", str(claims), "test-article", "--quote", quote, "--id", "again", "--claimant", "The mayor",
                       "--claimant-type", "organization")
    assert code == 1 and "'The mayor' is registered as person" in err
    assert registry.read_text(encoding="utf-8").count("name:") == 3


def test_the_default_claimant_is_the_byline_and_must_be_registered_too(tmp_path, capsys):
    claims = registry_tree(tmp_path)
    code, _, err = run(capsys, "new", "--root", str(claims), "test-article", "--quote", "Critics disagree.")
    assert code == 1 and "claimant 'Ann Author' is not in the claimant registry" in err
    code, _, err = run(capsys, "new", "--root", str(claims), "test-article", "--quote", "Critics disagree.", "--claimant-type", "person")
    assert code == 0, err
    assert load_registry(claims).lookup("Ann Author").type is ClaimantType.PERSON


def test_the_api_loads_names_and_looks_up_aliases(tmp_path):
    claims = registry_tree(tmp_path)
    registry = load_registry(claims)
    assert registry.exists and registry.problems == []
    assert registry.names() == ["The mayor", "City survey"]
    assert registry.lookup("Mayor of Example").name == "The mayor"
    assert registry.lookup("The mayor").wikidata == "Q42"
    assert registry.lookup("the mayor") is None
    assert registry.hint("The mayr") == " (did you mean 'The mayor'?)"
    none = load_registry(tmp_path / "elsewhere")
    assert not none.exists and none.names() == [] and none.rule_names() is None


def test_add_claimant_refuses_without_writing(tmp_path):
    claims = registry_tree(tmp_path)
    registry = claims / "claimants.yaml"
    with pytest.raises(ClaimantRefused, match="already registered"):
        add_claimant(claims, "mayor of example", "person")
    with pytest.raises(ClaimantRefused, match="Wikidata item id"):
        add_claimant(claims, "Someone", "person", wikidata="42")
    with pytest.raises(ClaimantRefused, match="type must be one of"):
        add_claimant(claims, "Someone", "robot")
    assert registry.read_text(encoding="utf-8") == REGISTRY
    registry.write_text(REGISTRY + "  - name: [oops\n", encoding="utf-8")
    with pytest.raises(ClaimantRefused, match="cannot be changed until its problems are fixed"):
        add_claimant(claims, "Someone", "person")
    fresh = make_tree(tmp_path / "other")
    add_claimant(fresh, "Someone", "person", url="https://example.org/someone")  # the first one makes the file
    assert (fresh / "claimants.yaml").read_text() == "claimants:\n  - name: Someone\n    type: person\n    url: https://example.org/someone\n"
    assert not [n for n in os.listdir(fresh) if n.startswith(".") and "tmp" in n]


def test_the_json_schema_of_the_registry(tmp_path, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    code, out, _ = run(capsys, "schema", "--claimants")
    schema = json.loads(out)
    assert code == 0
    good = yaml.safe_load(REGISTRY)
    jsonschema.validate(good, schema)
    repo_registry = Path(__file__).resolve().parent.parent / "claims" / "claimants.yaml"
    if repo_registry.exists():
        jsonschema.validate(yaml.safe_load(repo_registry.read_text(encoding="utf-8")), schema)
    for bad in ({"claimants": [{"name": "X", "type": "robot"}]}, {"claimants": [{"name": "X", "type": "person", "wikidata": "Q0"}]},
                {"claimants": [{"name": " ", "type": "person"}]}, {"claimants": [{"name": "X", "type": "person", "aliases": ["a", "a"]}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


async def test_the_review_screens_claimant_field_offers_the_registry_and_checks_it(tmp_path):
    from tui_pilot import SIZE, shown_text, started

    from factcheck.tui.app import FactcheckApp
    from factcheck.tui.screens import ClaimForm

    claims = registry_tree(tmp_path)
    path = claims / "test-article" / "bridges-repaired.yaml"
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.current.id == "bridges-repaired"
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, ClaimForm)
        field = form.query_one("#f-claimant")
        field.focus()
        field.value = ""
        await pilot.press(*"mayor o")
        await pilot.pause()
        await pilot.press("right")  # takes the suggestion
        await pilot.pause()
        assert field.value == "Mayor of Example"
        assert shown_text(form, "#e-claimant").strip() == ""
        field.value = "The mayr"
        await pilot.pause()
        assert "not in the claimant registry" in shown_text(form, "#e-claimant") and "did you mean 'The mayor'?" in shown_text(form, "#e-claimant")
        form.action_save()
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm)  # not saved
        field.value = "Mayor of Example"
        await pilot.pause()
        form.action_save()
        await pilot.pause()
        assert not isinstance(app.screen, ClaimForm)
    assert 'claimant: "Mayor of Example"' in path.read_text()


def test_a_registry_that_is_a_fifo_or_a_link_out_is_reported_never_read(tmp_path, capsys):
    claims = make_tree(tmp_path)
    registry = claims / "claimants.yaml"
    os.mkfifo(registry)
    code, out, _ = run(capsys, "validate", str(claims))
    assert code == 1 and out.count(f"{registry}:1:1: error [not-a-file]") == 1
    registry.unlink()
    (tmp_path / "outside.yaml").write_text(REGISTRY, encoding="utf-8")
    registry.symlink_to(tmp_path / "outside.yaml")
    code, out, _ = run(capsys, "validate", str(claims))
    assert code == 1 and out.count(f"{registry}:1:1: error [symlink]") == 1


def test_show_names_the_unknown_claimant_as_validate_does(tmp_path, capsys):
    claims = registry_tree(tmp_path, REGISTRY.replace("name: The mayor", "name: The Mayor"))
    _, out, err = run(capsys, "show", "--root", str(claims), "bridges-repaired")
    assert "claimant 'The mayor' is not in the claimant registry" in out + err
