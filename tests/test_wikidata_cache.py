"""The layered Wikidata cache: shipped data, user layer, format checks, reproducible build."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading

import pytest

from kg.errors import CacheError
from kg.wikidata.cache import Claim, Entity, EntityCache, Office, normalize_name
from kg.wikidata.shipped import build_shipped_cache, default_source_dir, load_entities

SHARED = default_source_dir()


@pytest.fixture()
def shipped():
    cache = EntityCache.open()
    yield cache
    cache.close()


@pytest.fixture()
def user_cache(tmp_path):
    cache = EntityCache.open(tmp_path / "user.sqlite")
    yield cache
    cache.close()


def _country_rows():
    lines = (SHARED / "countries.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t") for line in lines]


def test_every_country_has_english_and_german_labels(shipped):
    rows = _country_rows()
    assert len(rows) == 250
    for qid, *_ in rows:
        entity = shipped.get(qid)
        assert entity is not None and entity.type == "State", qid
        assert entity.labels.get("en") and entity.labels.get("de"), qid


@pytest.mark.parametrize(
    "text, lang, kind, qid",
    [
        ("Japan", "de", "label", "Q17"),
        ("Deutschland", "de", "label", "Q183"),
        ("Vereinigte Staaten", "de", "label", "Q30"),
        ("USA", "de", "alias", "Q30"),
        ("U.S.", "en", "alias", "Q30"),
        ("Großbritannien", "de", "alias", "Q145"),
        ("UK", "en", "alias", "Q145"),
        ("Südkorea", "de", "label", "Q884"),
        ("ROK", "en", "alias", "Q884"),
        ("Nordkorea", "de", "label", "Q423"),
        ("China", "de", "alias", "Q148"),
        ("PRC", "en", "alias", "Q148"),
        ("Russland", "de", "label", "Q159"),
        ("japanisch", "de", "demonym", "Q17"),
        ("Japanese", "en", "demonym", "Q17"),
        ("britisch", "de", "demonym", "Q145"),
        ("südkoreanisch", "de", "demonym", "Q884"),
        ("US-amerikanisch", "de", "demonym", "Q30"),
        ("Tokio", "de", "metonym", "Q17"),
        ("Vereinte Nationen", "de", "label", "Q1065"),
        ("UNO", "de", "alias", "Q1065"),
        ("Nordatlantikpakt", "de", "alias", "Q7184"),
        ("Ishiba Shigeru", "en", "alias", "Q1335527"),
    ],
)
def test_surface_forms(shipped, text, lang, kind, qid):
    hits = {(n.qid, n.lang, n.kind) for n in shipped.find(text)}
    assert (qid, lang, kind) in hits


def test_capitals_are_metonyms_not_aliases(shipped):
    kinds = {(n.qid, n.kind) for n in shipped.find("Tokio")}
    assert ("Q17", "alias") not in kinds and ("Q17", "label") not in kinds
    assert ("Q1490", "label") in kinds  # the city itself


def test_china_is_the_peoples_republic_and_taiwan_is_separate(shipped):
    assert {n.qid for n in shipped.find("China") if n.kind in ("label", "alias")} == {"Q148"}
    assert shipped.get("Q865").labels["en"] == "Taiwan"


def test_conflict_row_is_not_shipped(shipped):
    assert shipped.get("Q2514") is None
    assert not [n for n in shipped.names() if "baerbock" in n.text.casefold()]


def test_persons_are_human_with_dated_positions(shipped):
    ishiba = shipped.get("Q1335527")
    assert ishiba.instance_of == ["Q5"] and ishiba.citizenship == ["Q17"]
    pm = [p for p in ishiba.positions if p.qid == "Q274948"][0]
    assert pm.start == "2024-10-01"


@pytest.mark.slow
def test_every_shipped_qid_comes_from_shared_data():
    text = "".join(p.read_text(encoding="utf-8") for p in SHARED.iterdir())
    known = set(re.findall(r"\bQ[0-9]+\b", text))
    entities, _ = load_entities(SHARED)
    for entity in entities:
        for qid in [entity.qid] + [c.value for cs in entity.claims.values() for c in cs]:
            assert qid == "Q5" or qid in known, qid


@pytest.mark.slow
def test_build_is_reproducible(tmp_path):
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    build_shipped_cache(SHARED, first)
    build_shipped_cache(SHARED, second)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.slow
def test_shipped_file_matches_a_fresh_build(tmp_path):
    fresh = tmp_path / "fresh.sqlite"
    build_shipped_cache(SHARED, fresh)
    from kg.wikidata.cache import SHIPPED_CACHE

    # content, not bytes: the file header records the SQLite library version that wrote it
    def content(path):
        conn = sqlite3.connect(path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    assert content(fresh) == content(SHIPPED_CACHE), "rerun scripts/build_wikidata_cache.py"


def test_user_layer_overrides_shipped(user_cache):
    user_cache.put(
        Entity(
            "Q17",
            "State",
            labels={"en": "Japan (fresh)", "de": "Japan"},
            claims={"P463": [Claim("Q1764511")]},
            sitelinks=300,
        )
    )
    assert user_cache.get("Q17").labels["en"] == "Japan (fresh)"
    assert [n.qid for n in user_cache.find("Japan (fresh)")] == ["Q17"]
    # shipped-only forms of an overridden entity are hidden
    assert "Q17" not in {n.qid for n in user_cache.find("japanisch")}
    names = [n for n in user_cache.names() if n.qid == "Q17"]
    assert {n.text for n in names} == {"Japan (fresh)", "Japan"}


def test_put_without_user_cache_is_a_clear_error(shipped):
    with pytest.raises(CacheError, match="no user cache"):
        shipped.put(Entity("Q1", "Place"))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not sqlite at all, just text" * 10, "not a usable kg Wikidata cache"),
        ("foreign", "foreign cache format"),
        ("other-table", "no 'meta' table"),
        ("future", "version '99' is not supported"),
    ],
)
def test_corrupt_or_foreign_files(tmp_path, content, message):
    path = tmp_path / "bad.sqlite"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        conn = sqlite3.connect(path)
        if content == "other-table":
            conn.execute("CREATE TABLE things (x)")
        else:
            conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
            fmt = "something-else" if content == "foreign" else "kg-wikidata-cache"
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("format", fmt), ("version", "99")])
        conn.commit()
        conn.close()
    with pytest.raises(CacheError) as err:
        EntityCache.open(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_shipped_file_names_it(tmp_path):
    with pytest.raises(CacheError, match="not found"):
        EntityCache.open(shipped=tmp_path / "nope.sqlite")


@pytest.mark.slow
def test_stale_uses_ttl(user_cache):
    user_cache.put(Entity("Q1490", "Place", labels={"en": "Tokyo"}, fetched_at="2020-01-01T00:00:00Z", ttl_days=30))
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert "Q1490" in user_cache.stale(now)
    user_cache.put(Entity("Q1490", "Place", labels={"en": "Tokyo"}, fetched_at="2025-12-30T00:00:00Z", ttl_days=30))
    assert "Q1490" not in user_cache.stale(now)


def test_concurrent_readers_while_writing(tmp_path):
    path = tmp_path / "user.sqlite"
    writer = EntityCache.open(path)
    errors: list[BaseException] = []

    def read():
        try:
            reader = EntityCache.open(path)
            for _ in range(50):
                assert reader.get("Q17") is not None
            reader.close()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for index in range(20):
        writer.put(Entity(f"Q{1000000 + index}", "Place", labels={"en": f"p{index}"}))
    for thread in threads:
        thread.join()
    writer.close()
    assert not errors
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_normalize_name_unifies_spaces_and_case():
    assert normalize_name("Vereinigte\u00a0Staaten") == normalize_name("vereinigte staaten")


def test_one_cache_shared_between_threads(tmp_path):
    cache = EntityCache.open(tmp_path / "user.sqlite")
    errors: list[BaseException] = []

    def work(index: int):
        try:
            for _ in range(20):
                assert cache.get("Q148").labels["en"] == "People's Republic of China"
                assert cache.find("Japan")
            cache.put(Entity(f"Q{2000000 + index}", "Place", labels={"en": f"t{index}"}))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(cache.get(f"Q{2000000 + i}") for i in range(4))
    cache.close()


@pytest.mark.slow
def test_cc_by_sa_file_matches_a_fresh_build_and_stays_separate(tmp_path):
    """The SupraVerden organisations (CC BY-SA 4.0) live only in their own, separately
    licensed file, with its licence in the meta table and in kg/data."""
    from kg.wikidata.cache import SHIPPED_CACHE, SHIPPED_CACHE_BY_SA
    from kg.wikidata.shipped import build_by_sa_cache

    fresh = tmp_path / "by-sa.sqlite"
    build_by_sa_cache(SHARED, fresh)

    def rows(path, sql):
        conn = sqlite3.connect(path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    dump = "SELECT qid, lang, kind, text FROM names ORDER BY qid, lang, kind, ord"
    assert rows(fresh, dump) == rows(SHIPPED_CACHE_BY_SA, dump), "rerun scripts/build_wikidata_cache.py"
    assert ("licence", "CC BY-SA 4.0") in rows(SHIPPED_CACHE_BY_SA, "SELECT key, value FROM meta")
    by_sa = {q for (q,) in rows(SHIPPED_CACHE_BY_SA, "SELECT qid FROM entities")}
    main = {q for (q,) in rows(SHIPPED_CACHE, "SELECT qid FROM entities")}
    assert by_sa and not by_sa & main
    licences = {v for (v,) in rows(SHIPPED_CACHE, "SELECT value FROM facts WHERE key = 'licence'")}
    assert not any("BY-SA" in v for v in licences)
    assert (SHIPPED_CACHE.parent / "LICENSE-wikidata-cache-cc-by-sa.md").is_file()


def test_offices_and_facts_from_the_big_tables(shipped):
    obama = shipped.get("Q76")
    assert [(o.title, o.start, o.end) for o in obama.offices] == [("President", "2009-01-20", "2017-01-20")]
    assert obama.facts["kind"] == "executive" and obama.citizenship == ["Q30"]
    glasgow = shipped.get("Q4093")
    assert glasgow.type == "Place" and glasgow.population > 1_000_000 and glasgow.values("P17") == ["Q145"]
    assert sorted(shipped.get("Q5235713").homonyms) == ["Q16730377", "Q41564", "Q76736650"]
    assert shipped.get("Q7825").labels["en"] == "World Trade Organization"  # from the CC BY-SA file


def test_office_holders_see_entities_stored_in_this_process(tmp_path):
    """Each day's holders are answered once, yet an entity stored since then is among them."""

    with EntityCache.open(tmp_path / "user.sqlite") as cache:
        day = "2031-05-02"
        assert "Q999999001" not in {qid for qid, _ in cache.office_holders(day)}
        office = Office("Minister of Testing", "2031-01-01", None)
        cache.put(Entity("Q999999001", "Person", labels={"en": "Ada Example"}, offices=[office]))
        assert ("Q999999001", "Minister of Testing") in {(q, o.title) for q, o in cache.office_holders(day)}


def test_content_key_names_the_shipped_cache_by_its_inputs_wherever_it_lies(tmp_path):
    """The compiled gazetteer is keyed by this: one shipped cache in two folders (checkouts) has
    one key, and an empty user cache adds nothing to it."""
    import shutil

    from kg.wikidata.cache import SHIPPED_CACHE

    copy = tmp_path / "elsewhere" / SHIPPED_CACHE.name
    copy.parent.mkdir()
    shutil.copy2(SHIPPED_CACHE, copy)
    with EntityCache.open() as here, EntityCache.open(tmp_path / "user.sqlite", shipped=copy) as there:
        assert there.content_key() == here.content_key()[:1]
        assert here.content_key()[0][0] == "shipped"
