"""Recognition + linking on invented sentences with homonyms and common-word names (issue 11).

tests/linking_cases/sentences.yaml explains the rules; every case runs through the whole
extractor with the shipped cache. A wrong link fails; a missing one does not.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from kg.extract.pipeline import extract_factsheet
from kg.wikidata.cache import normalize_name
from kg.wikidata.shipped import default_source_dir

CASES_FILE = Path(__file__).resolve().parent / "linking_cases" / "sentences.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def check(case: dict) -> tuple[list[str], int, int]:
    """(wrong links as messages, listed links made, listed links) for one case."""
    sheet = extract_factsheet(case["text"], published=str(case["date"]))
    links = {normalize_name(k): v for k, v in (case.get("links") or {}).items()}
    unlinked = {normalize_name(k) for k in case.get("unlinked") or []}
    wrong, made = [], set()
    for actor in sheet.actors:
        names = {normalize_name(n) for n in [actor.name, *actor.aliases]}
        if not actor.qid:
            continue
        if names & unlinked:
            wrong.append(f"{actor.name!r} linked to {actor.qid}; expected no link")
        elif names & links.keys():
            expected = {links[n] for n in names & links.keys()}
            if actor.qid not in expected:
                wrong.append(f"{actor.name!r} linked to {actor.qid}; expected {sorted(expected)} or none")
            else:
                made |= {n for n in names & links.keys() if links[n] == actor.qid}
        else:
            wrong.append(f"{actor.name!r} linked to {actor.qid}, which the case does not list (review it)")
    listed = set(links.values())
    return wrong, len({links[n] for n in made}), len(listed)


def test_the_case_set_is_large_and_bilingual():
    assert len(CASES) >= 200
    assert {case["lang"] for case in CASES} == {"de", "en"}
    assert min(sum(case["lang"] == lang for case in CASES) for lang in ("de", "en")) >= 80


@cache
def _shared_qids() -> frozenset[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in default_source_dir().iterdir())
    return frozenset(re.findall(r"\bQ[0-9]+\b", text))


@pytest.mark.skipif(not default_source_dir().is_dir(), reason="../shared/wikidata is absent")
def test_every_expected_qid_comes_from_shared_data():
    used = {q for case in CASES for q in (case.get("links") or {}).values()}
    assert used and used <= _shared_qids(), sorted(used - _shared_qids())


KNOWN = [number for number, case in enumerate(CASES) if case.get("xfail")]


def test_no_wrong_link_in_any_case():
    """Every case but those marked ``xfail`` (a known recognition error, named in the file)."""
    wrong, made, listed = [], 0, 0
    for number, case in enumerate(CASES):
        if case.get("xfail"):
            continue
        problems, got, want = check(case)
        wrong += [f"case {number} ({case['text'][:50]}…): {p}" for p in problems]
        made, listed = made + got, listed + want
    assert not wrong, "\n".join(wrong)
    # not an accuracy floor: proof that the cases exercise linking at all
    assert made >= listed // 2, (made, listed)


@pytest.mark.parametrize("number", KNOWN, ids=[f"case{n}" for n in KNOWN])
def test_known_recognition_errors_still_fail(number):
    """A case marked ``xfail`` must still go wrong; once fixed, remove its mark (strict)."""
    problems, _, _ = check(CASES[number])
    if not problems:
        pytest.fail(f"case {number} now passes: remove its xfail mark ({CASES[number]['xfail']})")
    pytest.xfail(CASES[number]["xfail"])
