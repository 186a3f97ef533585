"""factcheck suggest: the scorer, the ranked candidates, and the claims --write creates."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time

import pytest

from factcheck import suggest
from factcheck.cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_score_ranks_factual_sentences_above_small_talk():
    scores = suggest.score([
        "Unemployment fell from 9 percent in 2010 to 4 percent in 2016.",
        "Thank you very much, it is great to be here.",
    ])
    assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] > 0.5 > scores[1]


def test_split_keeps_sentences_verbatim():
    text = "Mr. Smith said 3.5 percent of U.S. voters agree. Really?\n\nA heading\nNext one here."
    spans = suggest.split_sentences(text)
    assert [s.text for s in spans] == ["Mr. Smith said 3.5 percent of U.S. voters agree.", "Really?", "A heading\nNext one here."]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_guesses_claimant_and_kind():
    assert suggest.guess_claimant("According to surveys by the pollster Levada Center, support rose.") == "Levada Center"
    assert suggest.guess_claimant("President Emomali Rahmon said that 24 Tajiks took part.") == "Emomali Rahmon"  # no title
    assert suggest.guess_claimant("The mayor said that 24 bridges were repaired.") is None  # a role, not a name
    assert suggest.guess_claimant("Prices rose sharply last year.") is None
    assert suggest.guess_kind("About 70 percent of Tajiks live in rural areas.").value == "quantity"
    assert suggest.guess_kind("Repression drives the problem underground because people fear it.").value == "causal"
    assert suggest.guess_kind("Relations are unlikely to be impacted.").value == "prediction"


def test_average_precision_as_the_lab_computes_it():
    assert suggest.average_precision([1, 0, 1, 0]) == (1 / 1 + 2 / 3) / 2
    assert suggest.average_precision([0, 0]) == 0.0


def test_sentences_json_in_input_order(capsys, tmp_path):
    f = tmp_path / "s.txt"
    f.write_text("Thank you.\nTaxes rose by 40 percent in 2017, the highest since 1990.\n\nWe will win.\n", encoding="utf-8")
    code, out, err = run(capsys, "suggest", "--sentences", f, "--format", "json")
    items = json.loads(out)
    assert code == 0 and err == ""
    assert [(i["line"], i["text"]) for i in items] == [
        (1, "Thank you."), (2, "Taxes rose by 40 percent in 2017, the highest since 1990."), (3, ""), (4, "We will win."),
    ]
    assert items[1]["score"] == max(i["score"] for i in items)


def test_suggest_marks_claimed_sentences(capsys, tree):
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article")
    lines = out.splitlines()
    assert code == 0
    assert any("The mayor said that 24 bridges were repaired in 2023." in line_ and "[claimed: bridges-repaired]" in line_ for line_ in lines)
    assert "  2  0.34  event             Critics disagree." in lines  # its number in reading order; unclaimed: no mark
    assert "A Test Article" not in out  # the heading is not a sentence
    assert lines[-1] == "3 sentences, 2 already claimed"


def test_write_creates_claims_once(capsys, tree):
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article", "--write", "--top", "5")
    folder = tree / "test-article"
    created = folder / "critics-disagree.yaml"
    assert code == 0 and "1 claims written" in out and created.exists()
    text = created.read_text(encoding="utf-8")
    assert "\nquote: Critics disagree.\nclaimant: Ann Author\nkind: event\nstatus: new\n" in text
    assert "action: created" in text and "check-worthiness score" in text
    code, out, _ = run(capsys, "validate", tree)
    assert code == 0, out
    before = sorted(p.name for p in folder.iterdir())
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article", "--write")
    assert code == 0 and "0 claims written" in out and sorted(p.name for p in folder.iterdir()) == before


def test_write_min_score_filters(capsys, tree):
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article", "--write", "--min-score", "0.99")
    assert code == 0 and "0 claims written" in out


def test_usage_errors(capsys, tree, tmp_path):
    assert run(capsys, "suggest", "--root", tree, "test-article", "--top", "3")[0] == 2
    assert run(capsys, "suggest", "--root", tree)[0] == 2
    code, out, err = run(capsys, "suggest", "--root", tree, "nope")
    assert code == 1 and out == "" and "no readable article 'nope'" in err
    code, out, err = run(capsys, "suggest", "--sentences", tmp_path / "missing.txt")
    assert code == 1 and out == "" and "cannot read" in err


def test_api_imports_without_textual():
    code = "import sys, factcheck.suggest; factcheck.suggest.score(['x']); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# -- dismissals ---------------------------------------------------------------------


def test_dismiss_by_number_then_suggest_leaves_it_out(capsys, tree):
    code, out, _ = run(capsys, "dismiss", "--root", tree, "test-article", "2", "--reason", "Opinion.")
    path = tree / "test-article" / "dismissed.yaml"
    assert code == 0 and "Critics disagree." in out
    text = path.read_text(encoding="utf-8")
    assert text.startswith("dismissed:\n  - sentence: Critics disagree.\n    by: tester\n    at: 20")
    assert text.endswith("Z\n    reason: Opinion.\n")
    assert run(capsys, "validate", tree)[0] == 0
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article")
    assert "Critics disagree." not in out and out.splitlines()[-1] == "2 sentences, 2 already claimed, 1 dismissed left out"
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article", "--format", "json")
    assert "Critics disagree." not in out
    before = sorted(p.name for p in path.parent.iterdir())
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article", "--write")
    assert code == 0 and "0 claims written" in out and sorted(p.name for p in path.parent.iterdir()) == before


def test_dismiss_by_text_keeps_comments_and_refuses_twice(capsys, tree):
    path = tree / "test-article" / "dismissed.yaml"
    path.write_text("# kept\ndismissed: []\n", encoding="utf-8")
    assert run(capsys, "dismiss", "--root", tree, "test-article", "Critics  disagree.")[0] == 0
    assert path.read_text(encoding="utf-8").startswith("# kept\ndismissed:\n  - sentence: Critics disagree.\n")
    before = path.read_bytes()
    code, out, err = run(capsys, "dismiss", "--root", tree, "test-article", "2")
    assert code == 1 and out == "" and "no sentence 2" in err and path.read_bytes() == before


def test_dismiss_refusals(capsys, tree):
    path = tree / "test-article" / "dismissed.yaml"
    code, out, err = run(capsys, "dismiss", "--root", tree, "test-article", "1")
    assert code == 1 and out == "" and "a claim quotes this sentence (bridges-repaired)" in err
    code, out, err = run(capsys, "dismiss", "--root", tree, "test-article", "Critics")
    assert code == 1 and out == "" and "whole sentences only" in err
    code, out, err = run(capsys, "dismiss", "--root", tree, "test-article", "2", "--reason", "x" * 2001)
    assert code == 1 and out == "" and "at most 2000" in err
    assert not path.exists()
    assert run(capsys, "dismiss", "--root", tree, "test-article", " ")[0] == 2


def test_an_unreadable_dismissals_file_stops_write(capsys, tree):
    (tree / "test-article" / "dismissed.yaml").write_text("dismissed: 3\n", encoding="utf-8")
    code, out, err = run(capsys, "suggest", "--root", tree, "test-article", "--write")
    assert code == 1 and out == "" and "fix dismissed.yaml first" in err and "cannot be read" in err
    assert not (tree / "test-article" / "critics-disagree.yaml").exists()


def test_no_claim_is_named_after_the_dismissals_file(capsys, tree):
    code, out, err = run(capsys, "new", "--root", tree, "test-article", "--quote", "Critics disagree.", "--id", "dismissed")
    assert code == 1 and out == "" and "not a claim id" in err


# -- bounded input, escaped output --------------------------------------------------------------


def test_sentences_over_the_size_cap_are_refused_in_one_line(capsys, tmp_path):
    from factcheck.cli.inputs import MAX_INPUT_BYTES

    big = tmp_path / "big.txt"
    big.write_bytes(b"The deficit grew by 5 billion dollars in 2020.\n" * (MAX_INPUT_BYTES // 47 + 10))
    t0 = time.monotonic()
    code, out, err = run(capsys, "suggest", "--sentences", big)
    assert (code, out) == (1, "")
    assert err == f"factcheck: --sentences {big}: more than 5242880 bytes (5 MiB) of text; give a smaller file, or split it\n"
    assert time.monotonic() - t0 < 5


def test_sentences_from_dev_zero_stop_at_the_cap(capsys):
    code, out, err = run(capsys, "suggest", "--sentences", "/dev/zero")
    assert (code, out) == (1, "") and err.startswith("factcheck: --sentences /dev/zero: more than 5242880 bytes")


def test_sentences_stream_lines_as_splitlines_would(tmp_path):
    from factcheck.cli.inputs import read_lines

    text = "one\r\ntwo\rthree\n\nfour\u2028five\nsix"
    f = tmp_path / "s.txt"
    f.write_text(text, encoding="utf-8", newline="")
    assert read_lines(str(f), "--sentences") == text.splitlines()
    assert read_lines(str(f), "--sentences", max_bytes=10).startswith("--sentences ")
    f.write_bytes(b"fine\n\xff\n")
    assert read_lines(str(f), "--sentences") == f"{f}:2:1: not UTF-8 text"


HOSTILE = "The minister said 40 percent \x1b]0;owned\x07of voters \u202eagreed in 2023."


def test_control_and_bidi_characters_are_escaped_in_sentences_output(capsys, tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(HOSTILE + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "suggest", "--sentences", f)
    assert code == 0 and out.endswith("\tThe minister said 40 percent \\x1b]0;owned\\x07of voters \\u202eagreed in 2023.\n")
    code, out, _ = run(capsys, "suggest", "--sentences", f, "--format", "json")
    assert code == 0 and "\u202e" not in out and "\x1b" not in out and "\\u202e" in out
    assert json.loads(out)[0]["text"] == HOSTILE


def test_control_and_bidi_characters_are_escaped_in_article_suggestions(capsys, tree):
    text = tree / "test-article" / "article.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n" + HOSTILE.replace("\x1b]0;owned\x07", "\x1b[31m") + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article", "--format", "json")
    assert code == 0 and "\u202e" not in out and "\x1b" not in out
    assert any("\u202e" in item["text"] for item in json.loads(out))
    code, out, _ = run(capsys, "suggest", "--root", tree, "test-article")
    assert code == 0 and "\u202e" not in out and "\x1b" not in out and "\\u202eagreed" in out


# -- the shipped model and how it is fitted ---------------------------------------------------


def test_model_ships_in_the_package_with_its_origin():
    from importlib import resources

    data = json.loads(resources.files("factcheck").joinpath("data", suggest.MODEL_FILE).read_text(encoding="utf-8"))
    assert "CLEF 2019 CheckThat!" in data["about"] and "leave-one-file-out" in data["about"]
    model = suggest.model()
    assert model.weights == {k: float(v) for k, v in data["weights"].items()} and model.intercept == data["intercept"]
    assert not any(k.startswith("b:") for k in model.weights)  # word pairs are no longer read: none may be shipped
    assert set(suggest.features("Taxes rose 5 percent.")) & set(model.weights)
    # the semantic part: a weight for each of the 256 dimensions of a sentence's vector and of its neighbours' mean
    assert model.semantic is not None and len(model.semantic.weights) == 512 and model.semantic.share == data["semantic"]["share"] > 0
    assert any(model.semantic.weights[256:])
    assert len(resources.files("factcheck").joinpath("data", suggest.MODEL_FILE).read_bytes()) < 200_000  # data only, and small


def test_scores_are_deterministic_and_read_only_the_neighbours():
    sentences = ["Thank you.", "Taxes rose by 40 percent in 2017.", "He voted against the bill twelve times.", "Good night.", "We will win."]
    code = "import json, sys, factcheck.suggest as s; print(json.dumps(s.score(json.loads(sys.argv[1]))))"
    fresh = json.loads(subprocess.run([sys.executable, "-c", code, json.dumps(sentences)], capture_output=True, text=True, check=True).stdout)
    scores = suggest.score(sentences)
    assert fresh == scores
    # a sentence's score depends on it and the sentences just before and after it, on nothing else
    same = functools.partial(pytest.approx, rel=1e-9)
    assert [suggest.score(sentences[i - 1:i + 2])[1] for i in range(1, 4)] == same(scores[1:4])
    assert suggest.score(sentences[:2])[0] == same(scores[0]) and suggest.score(sentences[-2:])[1] == same(scores[-1])
    alone = suggest.score(["Taxes rose by 40 percent in 2017."])[0]
    assert alone == suggest.model().score("Taxes rose by 40 percent in 2017.")
    assert abs(alone - scores[1]) > 0.01  # its neighbours count
    assert suggest.score([]) == []


def test_the_semantic_part_reads_each_sentence_next_to_its_neighbours_mean():
    import numpy as np

    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert suggest.in_context(vectors).tolist() == [[1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 1.0, 0.5], [1.0, 1.0, 0.0, 0.5]]


def test_shipped_model_is_what_the_script_fits_with_the_recorded_settings(tmp_path):
    """The weights in the package are those bench/checkworthiness.py writes when it fits the
    settings the file records (the ones leave-one-file-out chose) on the training data."""
    pytest.importorskip("sklearn")
    from importlib import resources
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    data = root.parent / "shared" / "data" / "checkworthiness" / "ct19-train.csv"
    if not data.is_file():
        pytest.skip(f"{data}: the CLEF 2019 training data is not here")
    shipped = resources.files("factcheck").joinpath("data", suggest.MODEL_FILE)
    out = tmp_path / "model.json"
    argv = [sys.executable, str(root / "bench" / "checkworthiness.py"), "--data", str(data), "--refit", str(shipped), "--write", str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    fitted, ours = json.loads(out.read_text(encoding="utf-8")), json.loads(shipped.read_text(encoding="utf-8"))
    assert fitted["about"] == ours["about"] and fitted["setting"] == ours["setting"] and fitted.keys() == ours.keys()
    assert fitted["weights"].keys() == ours["weights"].keys()
    assert max(abs(fitted["weights"][k] - v) for k, v in ours["weights"].items()) <= 2e-4  # rounded to 4 places
    assert max(abs(a - b) for a, b in zip(fitted["semantic"]["weights"], ours["semantic"]["weights"], strict=True)) <= 2e-4
    assert abs(fitted["intercept"] - ours["intercept"]) <= 2e-4 and abs(fitted["semantic"]["intercept"] - ours["semantic"]["intercept"]) <= 2e-4


def test_leave_one_file_out_script_runs_on_a_tiny_fixture(tmp_path):
    pytest.importorskip("sklearn")
    from pathlib import Path

    bench = Path(__file__).resolve().parent.parent / "bench" / "checkworthiness.py"
    data = Path(__file__).resolve().parent / "data" / "checkworthiness-tiny.csv"
    out = tmp_path / "model.json"
    done = subprocess.run([sys.executable, str(bench), "--data", str(data), "--write", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "23 sentences, 3 files, 9 check-worthy" in done.stdout
    rows = [line for line in done.stdout.splitlines() if line.startswith(("| a_", "| b_", "| c_"))]
    assert [r.split(" | ")[0] for r in rows] == ["| a_debate.tsv", "| b_speech.tsv", "| c_debate.tsv"]  # one row per held-out file
    model = suggest.Model.from_json(json.loads(out.read_text(encoding="utf-8")))
    assert model.score("Wages grew by 5 percent in 2018.") > model.score("Thank you all so much.")
