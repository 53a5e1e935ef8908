"""The scoring of FACTSHEET.md ("How extraction is scored"), rule by rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import (
    actor_strength,
    dates_agree,
    evaluate_corpus,
    evaluate_sheets,
    match_actors,
    normalize_tokens,
    overlap_ok,
)
from kg.model import Actor, load_factsheet, parse_factsheet

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
GOLD_FILES = sorted(CORPUS.glob("*.gold.json"))


def sheet(actors=(), meetings=(), missions=(), statements=()):
    return parse_factsheet(
        {"actors": list(actors), "meetings": list(meetings), "missions": list(missions), "statements": list(statements)}
    )


def person(id_, name, qid=None, aliases=(), optional=False, type_="Person"):
    out = {"id": id_, "name": name, "type": type_, "qid": qid, "aliases": list(aliases)}
    if optional:
        out["optional"] = True
    return out


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("Mark\u00a0Rutte", ["mark", "rutte"]),
        ("„Ruttes“ Besuch", ["rutte", "besuch"]),
        ("The Hague", ["hague"]),
        ("Vereinigte Staaten (USA)", ["vereinigte", "staaten", "usa"]),  # "staaten" has no final s
        ("Japan’s", ["japan"]),  # apostrophe removed first
        ("NATO's bus", ["nato", "bus"]),  # "bus": four letters or fewer
        ("ﬁnal", ["final"]),  # NFKC
    ],
)
def test_normalize_tokens(text, tokens):
    assert normalize_tokens(text) == tokens


@pytest.mark.parametrize(
    "pred, gold, strength",
    [
        (dict(name="X", qid="Q1"), dict(name="Y", qid="Q1"), 3),
        (dict(name="Ruttes"), dict(name="Mark Rutte", aliases=["Rutte"]), 2),
        (dict(name="Rutte"), dict(name="Mark Rutte"), 1),
        (dict(name="Mark Rutte Junior"), dict(name="Mark Rutte"), 1),
        (dict(name="Mark Gen"), dict(name="Gen"), 0),  # shared token has only three letters
        (dict(name="Jens Stoltenberg"), dict(name="Mark Rutte"), 0),
        (dict(name="X", qid="Q1"), dict(name="X", qid="Q2"), 2),  # different QIDs, same name
    ],
)
def test_actor_strength(pred, gold, strength):
    p = Actor(id="p", type="Person", **pred)
    g = Actor(id="g", type="Person", **gold)
    assert actor_strength(p, g) == strength


def test_actor_matching_is_one_to_one_strongest_first_with_duplicates():
    gold = [Actor(id="g1", name="Mark Rutte", type="Person", qid="Q57792")]
    pred = [
        Actor(id="p1", name="Rutte", type="Person"),
        Actor(id="p2", name="Mark Rutte", type="Person"),
        Actor(id="p3", name="M. R.", type="Person", qid="Q57792"),
    ]
    matching = match_actors(pred, gold)
    assert matching.pairs == {"p3": "g1"}
    assert matching.mapping == {"p3": "g1", "p1": "g1", "p2": "g1"}


@pytest.mark.parametrize(
    "pred_actors, counts",
    [
        # (predicted actors, (tp, fp, matched, gold))
        ([person("p", "Rutte")], (1, 0, 1, 2)),
        ([person("p", "Rutte"), person("q", "Rutte")], (2, 0, 1, 2)),  # duplicate: not an FP
        ([person("p", "Rutte"), person("x", "Olaf Scholz")], (1, 1, 1, 2)),
        ([person("p", "Neapel")], (0, 0, 0, 2)),  # only optional: ignored
        ([person("p", "Rutte"), person("n", "NATO", type_="Organization")], (2, 0, 2, 2)),
    ],
)
def test_actor_counts(pred_actors, counts):
    gold = sheet(
        actors=[
            person("r", "Mark Rutte"),
            person("n", "NATO", type_="Organization"),
            person("o", "Neapel", optional=True, type_="Place"),
        ]
    )
    c = evaluate_sheets(sheet(actors=pred_actors), gold).counts["actors"]
    assert (c.tp, c.fp, c.matched, c.gold) == counts


@pytest.mark.parametrize(
    "pred_qid, accuracy, wrong",
    [
        ("Q57792", 1.0, 0),
        (None, 0.0, 0),  # a missing QID counts as not linked
        ("Q1", 0.0, 1),  # a different QID is a wrong link
    ],
)
def test_linking_accuracy(pred_qid, accuracy, wrong):
    gold = sheet(actors=[person("r", "Mark Rutte", qid="Q57792"), person("b", "James Brown")])
    pred = sheet(actors=[person("p", "Rutte", qid=pred_qid), person("q", "Brown", qid="Q5")])
    score = evaluate_sheets(pred, gold)
    assert score.linking_accuracy == accuracy
    assert score.wrong_links == wrong  # gold Brown has no QID: not counted


@pytest.mark.parametrize(
    "gold, pred, ok",
    [
        ("eins zwei drei vier fünf", "eins zwei drei", True),  # 60% of gold
        ("eins zwei drei vier fünf", "eins zwei", False),  # 40% of gold
        ("eins zwei drei", "eins zwei drei " + "x " * 6, True),  # 3 of 9 ≥ 30% of pred
        ("eins zwei drei", "eins zwei drei " + "x " * 8, False),  # 3 of 11 < 30% of pred
        ("der die das Haus", "Haus", True),  # stop words do not count
    ],
)
def test_quote_overlap(gold, pred, ok):
    assert overlap_ok(gold, pred, 0.6, 0.3) is ok


STATEMENT_GOLD = [person("r", "Mark Rutte"), person("b", "James Brown")]


@pytest.mark.parametrize(
    "pred_stmt, quotes, statements",
    [
        # (prediction, (quote tp, fp), (statement tp, fp))
        (dict(speaker="p", quote="Wir dürfen nicht naiv sein,", direct=True), (1, 0), (1, 0)),
        (dict(speaker="q", quote="Wir dürfen nicht naiv sein,", direct=True), (1, 0), (0, 1)),  # wrong speaker
        (dict(speaker="p", quote="Etwas ganz anderes", direct=True), (0, 1), (0, 1)),
        (dict(speaker="q", quote="Das ist ein Traum", direct=True), (0, 0), (0, 0)),  # only optional
    ],
)
def test_statement_counts(pred_stmt, quotes, statements):
    gold = sheet(
        actors=STATEMENT_GOLD,
        statements=[
            dict(speaker="r", quote="Wir dürfen nicht naiv sein,", direct=True, date="2025-04-09"),
            dict(speaker="b", quote="Aber das ist ein Traum.", direct=True, optional=True),
        ],
    )
    pred = sheet(actors=[person("p", "Rutte"), person("q", "Brown")], statements=[pred_stmt])
    score = evaluate_sheets(pred, gold)
    assert (score.counts["quotes"].tp, score.counts["quotes"].fp) == quotes
    assert (score.counts["statements"].tp, score.counts["statements"].fp) == statements
    assert score.counts["statements"].gold == 1


def test_statement_shares_and_one_to_one_recall():
    gold = sheet(
        actors=STATEMENT_GOLD,
        statements=[dict(speaker="r", quote="Wir dürfen nicht naiv sein", direct=True, date="2025-04-09")],
    )
    pred = sheet(
        actors=[person("p", "Rutte")],
        statements=[
            dict(speaker="p", quote="Wir dürfen nicht naiv sein", direct=False, date=None),
            dict(speaker="p", quote="Wir dürfen nicht naiv sein", direct=False, date=None),
        ],
    )
    score = evaluate_sheets(pred, gold)
    c = score.counts["statements"]
    assert (c.tp, c.fp, c.matched, c.gold) == (2, 0, 1, 1)
    assert score.shares["direct"].value == 0.0
    assert score.shares["statement_date"].value == 0.0


MEETING_ACTORS = [person("r", "Mark Rutte"), person("i", "Shigeru Ishiba"), person("n", "Gen Nakatani")]
GOLD_MEETING = dict(
    kind="meeting",
    participants=["r", "i"],
    date="2025-04-09",
    evidence="Rutte traf Ishiba in Tokio zu einem langen Gespräch.",
)


@pytest.mark.parametrize(
    "pred_meeting, tp",
    [
        (dict(kind="meeting", participants=["r", "i"], date="2025-04-09", evidence="x"), 1),
        (dict(kind="meeting", participants=["r", "i"], date="2025-04", evidence="x"), 1),  # prefix
        (dict(kind="meeting", participants=["r", "i"], date=None, evidence="x"), 1),
        (dict(kind="meeting", participants=["r", "i"], date="2025-04-08", evidence="x"), 0),  # dates differ
        (dict(kind="meeting", participants=["r", "n"], date="2025-04-09", evidence="x"), 0),  # one shared
        (
            dict(
                kind="meeting",
                participants=["r", "n"],
                date="2025-04-08",
                evidence="Rutte traf Ishiba in Tokio zu einem langen Gespräch.",
            ),
            1,
        ),  # evidence + one
        (
            dict(
                kind="meeting",
                participants=["n"],
                date=None,
                evidence="Rutte traf Ishiba in Tokio zu einem langen Gespräch.",
            ),
            0,
        ),  # none shared
    ],
)
def test_meeting_match(pred_meeting, tp):
    gold = sheet(actors=MEETING_ACTORS, meetings=[GOLD_MEETING])
    score = evaluate_sheets(sheet(actors=MEETING_ACTORS, meetings=[pred_meeting]), gold)
    assert score.counts["meetings"].tp == tp
    assert score.counts["meetings"].fp == 1 - tp


def test_meeting_with_one_gold_participant_needs_one():
    gold = sheet(
        actors=MEETING_ACTORS,
        meetings=[dict(kind="press conference", participants=["i"], evidence="Pressekonferenz von Ishiba")],
    )
    pred = sheet(actors=MEETING_ACTORS, meetings=[dict(kind="meeting", participants=["i", "r"])])
    score = evaluate_sheets(pred, gold)
    assert score.counts["meetings"].tp == 1
    assert score.shares["meeting_date"].value == 1.0


@pytest.mark.parametrize(
    "pred_mission, tp, fp",
    [
        (
            dict(
                name="Security Assistance and Training for Ukraine Centre at Wiesbaden in Hesse Germany",
                kind="x",
                participants=[],
            ),
            0,
            1,
        ),  # too many extra name tokens
        (dict(name="Security Assistance and Training for Ukraine", kind="x", participants=[]), 1, 0),
        (dict(name=None, kind="exercise", participants=["r", "i"]), 1, 0),
        (dict(name=None, kind="exercise", participants=["n"]), 0, 1),
        (dict(name="Manöver im Meer", kind="exercise", participants=["n", "r"]), 0, 0),  # optional only
    ],
)
def test_mission_match(pred_mission, tp, fp):
    gold = sheet(
        actors=MEETING_ACTORS,
        missions=[
            dict(
                name="Security Assistance and Training for Ukraine",
                kind="training mission",
                participants=["r", "i"],
                evidence="...",
            ),
            dict(name=None, kind="exercise", participants=["n", "r"], evidence="Manöver", optional=True),
        ],
    )
    score = evaluate_sheets(sheet(actors=MEETING_ACTORS, missions=[pred_mission]), gold)
    assert (score.counts["missions"].tp, score.counts["missions"].fp) == (tp, fp)


@pytest.mark.parametrize(
    "a, b, agree",
    [
        ("2025-04-09", "2025-04-09", True),
        ("2025", "2025-04-09", True),
        (None, None, True),
        ("2025-04-09", "2025-04-10", False),
        ("2024", "2025-04", False),
    ],
)
def test_dates_agree(a, b, agree):
    assert dates_agree(a, b) is agree


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name)
def test_gold_against_itself_is_perfect(gold_file):
    gold = load_factsheet(gold_file)
    score = evaluate_sheets(gold, gold)
    for name, counts in score.counts.items():
        assert counts.fp == 0, name
        assert counts.f1 == 1.0, name
    for share in score.shares.values():
        assert share.value in (None, 1.0)
    assert score.wrong_links == 0


def test_empty_prediction_scores_zero_recall():
    gold = load_factsheet(GOLD_FILES[0])
    score = evaluate_sheets(sheet(), gold)
    assert score.counts["statements"].recall == 0.0
    assert score.counts["statements"].precision == 1.0


def test_corpus_micro_average_and_failures(tmp_path):
    for name, speaker in (("01-a", "Rutte"), ("02-b", "Brown")):
        (tmp_path / f"{name}.txt").write_text("text")
        (tmp_path / f"{name}.gold.json").write_text(
            json.dumps(
                {
                    "actors": [{"id": "s", "name": speaker, "type": "Person"}],
                    "meetings": [],
                    "missions": [],
                    "statements": [{"speaker": "s", "quote": "Hallo Welt", "direct": True}],
                }
            )
        )

    def extract(path: Path):
        if path.stem == "02-b":
            raise ValueError("boom")
        return load_factsheet(path.with_name(path.stem + ".gold.json"))

    result = evaluate_corpus(tmp_path, extract=extract)
    assert [a.name for a in result.failures] == ["02-b"]
    overall = result.overall.counts["statements"]
    assert (overall.tp, overall.fp, overall.matched, overall.gold) == (1, 0, 1, 2)
    data = result.to_dict()
    assert data["failures"] == ["02-b"] and data["overall"]["statements"]["recall"] == 0.5
    assert "ValueError: boom" in data["articles"][1]["error"]


FLOORS = json.loads((Path(__file__).parent / "extract_corpus" / "floors.json").read_text())
BATCHES = {"00-08": range(0, 9), "09-48": range(9, 49)}


def _batch_dir(tmp_path, numbers):
    """A folder holding links to the corpus articles and gold sheets numbered in ``numbers``."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in CORPUS.iterdir():
        if path.name[:2].isdigit() and int(path.name[:2]) in numbers:
            (folder / path.name).symlink_to(path)
    return folder


@pytest.mark.skipif(not GOLD_FILES, reason="the development corpus (../shared/corpus) is absent")
@pytest.mark.parametrize("batch", sorted(FLOORS.keys() - {"_comment"}))
def test_kg_eval_on_the_development_corpus_stays_above_the_floors(tmp_path, batch):
    from typer.testing import CliRunner

    from kg.cli import app

    env = {"KG_WIKIDATA_CACHE": str(tmp_path / "no-user-cache.sqlite")}  # the shipped cache only
    folder = _batch_dir(tmp_path, BATCHES[batch])
    result = CliRunner().invoke(app, ["eval", str(folder), "--json"], env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    scores = json.loads(result.stdout)
    assert scores["failures"] == []
    for fact_type, floor in FLOORS[batch].items():
        if fact_type in ("linking", "meeting_date", "statement_date"):
            assert scores["overall"][fact_type]["share"] >= floor, (batch, fact_type, scores["overall"][fact_type])
        else:
            assert scores["overall"][fact_type]["f1"] >= floor, (batch, fact_type, scores["overall"][fact_type])
    assert scores["overall"]["wrong_links"] == 0, batch


def test_date_share_pairs_each_meeting_with_its_own_counterpart():
    """Two meetings of the same pair on different days: each prediction is compared with the
    gold meeting it reports, not with whichever matched first."""
    actors = [person("a", "Anna Berg"), person("b", "Carl Dorn")]
    gold_meetings = [
        {"kind": "talks", "participants": ["a", "b"], "date": None, "evidence": "Berg and Dorn held talks in Oslo."},
        {
            "kind": "meeting",
            "participants": ["a", "b"],
            "date": "2024-05-02",
            "evidence": "Berg met Dorn again on May 2.",
        },
    ]
    pred_meetings = [
        {
            "kind": "meeting",
            "participants": ["a", "b"],
            "date": "2024-05-02",
            "evidence": "Berg met Dorn again on May 2.",
        },
        {"kind": "talks", "participants": ["a", "b"], "date": None, "evidence": "Berg and Dorn held talks in Oslo."},
    ]
    score = evaluate_sheets(sheet(actors, pred_meetings), sheet(actors, gold_meetings))
    assert score.counts["meetings"].matched == 2
    assert score.shares["meeting_date"].value == 1.0


def test_kg_eval_diff_lists_missed_and_spurious_items_and_passes_only_the_url(tmp_path):
    """``kg eval --diff`` names every missed and spurious item; the extractor gets the gold's URL
    (its date segment dates "today") and nothing else of the gold sheet."""
    from typer.testing import CliRunner

    from kg.cli import app

    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "Talks in Oslo\n\nForeign Minister Anna Berg met Defence Minister Carl Dorn in Oslo today.\n"
    (folder / "01-a.txt").write_text(text, encoding="utf-8")
    gold = {
        "url": "https://news.example/2024/06/04/talks",
        "actors": [
            {"id": "a", "name": "Anna Berg", "type": "Person"},
            {"id": "c", "name": "Carl Dorn", "type": "Person"},
            {"id": "o", "name": "Oslo", "type": "Place"},
            {"id": "z", "name": "Zora Quist", "type": "Person"},
        ],
        "meetings": [{"kind": "meeting", "participants": ["a", "c"], "date": "2024-06-04", "place": "o"}],
        "missions": [],
        "statements": [{"speaker": "z", "quote": "Wir bleiben standhaft", "direct": True}],
    }
    (folder / "01-a.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    env = {"KG_WIKIDATA_CACHE": str(tmp_path / "no-user-cache.sqlite")}
    result = CliRunner().invoke(app, ["eval", str(folder), "--diff"], env=env)
    assert result.exit_code == 0, result.stdout
    assert "== 01-a" in result.stdout
    assert "actors missed: Zora Quist (Person)" in result.stdout
    assert "statements missed: Zora Quist (direct, no date): Wir bleiben standhaft" in result.stdout
    assert "meeting_date 1.00 (1/1)" in result.stdout  # "today" resolved against the URL's date
    data = json.loads(CliRunner().invoke(app, ["eval", str(folder), "--json", "--diff"], env=env).stdout)
    assert data["articles"][0]["diff"]["statements"]["missed"]
