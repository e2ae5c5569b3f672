"""The shared generator machinery: finding examples, people, dates, media, sample systems."""

from __future__ import annotations

import io
import struct
import wave
import zlib
from datetime import date
from pathlib import Path

import phonenumbers
import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine, text
from sqlalchemy.exc import IntegrityError

from dataward.core.errors import UsageError
from dataward.examples import (
    EXAMPLES,
    example_dir,
    known_people,
    load_generator,
    policy_path,
)
from dataward.examples.media import grey_png, silent_wav
from dataward.examples.population import SCOTLAND, Population, shift_months
from dataward.examples.systems import (
    ENV_FILE,
    FolderSystem,
    PendingRows,
    SampleSystems,
    SqlSystem,
    read_env_file,
)


def test_each_example_has_its_policy_generator_and_readme() -> None:
    for name in EXAMPLES:
        folder = example_dir(name)
        assert policy_path(name) == folder / "dataward.yaml"
        assert (folder / "generate.py").is_file()
        assert (folder / "README.md").is_file()
        module = load_generator(name)
        assert callable(module.generate)
        assert load_generator(name) is module


def test_an_unknown_example_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError) as raised:
        example_dir("bakery")
    assert "msp, support, voip, schools, telecoms" in str(raised.value)


def test_known_people_are_documented_in_the_readme() -> None:
    for name in EXAMPLES:
        readme = (example_dir(name) / "README.md").read_text(encoding="utf-8")
        for person in known_people(name).values():
            assert person.name in readme, (name, person.name)
            assert person.email in readme, (name, person.email)


def test_shift_months_clamps_to_the_end_of_short_months() -> None:
    assert shift_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert shift_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert shift_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert shift_months(date(2026, 3, 2), -72) == date(2020, 3, 2)
    assert shift_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert shift_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


def test_population_is_repeatable_and_never_repeats_an_identity() -> None:
    first, second = Population(11), Population(11)
    people = [first.person() for _ in range(3000)]
    assert [p.email for p in people[:50]] == [second.person().email for _ in range(50)]
    assert len({p.email for p in people}) == len(people)
    assert len({p.phone for p in people}) == len(people)
    for person in people[:500]:
        assert phonenumbers.is_valid_number(phonenumbers.parse(person.phone))
        assert person.email.split("@")[1] in ("example.com", "example.net", "example.org")
    landlines = [first.landline() for _ in range(300)]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in landlines)


def test_population_keeps_clear_of_reserved_people() -> None:
    from dataward.examples.population import KnownPerson

    population = Population(3)
    reserved = KnownPerson("x", "Ada Lovelace", "ada.lovelace@example.net", "+447100000001", "")
    population.reserve(reserved)
    emails = {population.email("Ada", "Lovelace", "example.net") for _ in range(5)}
    assert reserved.email not in emails
    assert len(emails) == 5


def test_scottish_places_have_scottish_postcodes() -> None:
    population = Population(5)
    areas = {area for _, area, _, _ in SCOTLAND}
    for _ in range(200):
        _, _, postcode = population.place(SCOTLAND)
        assert any(postcode.startswith(a) and postcode[len(a)].isdigit() for a in areas)


def test_silent_wav_is_a_readable_mono_telephone_recording() -> None:
    with wave.open(io.BytesIO(silent_wav(1.0))) as audio:
        assert (audio.getnchannels(), audio.getsampwidth(), audio.getframerate()) == (1, 1, 8000)
        frames = audio.readframes(audio.getnframes())
    assert frames == b"\x80" * 8000


def test_grey_png_is_a_valid_png_with_checked_chunks() -> None:
    data = grey_png(4, 3, shade=200)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + payload) & 0xFFFFFFFF == crc
        chunks[kind] = payload
        offset += 12 + length
    assert struct.unpack(">II", chunks[b"IHDR"][:8]) == (4, 3)
    assert zlib.decompress(chunks[b"IDAT"]) == (b"\x00" + bytes([200]) * 4) * 3
    with pytest.raises(ValueError):
        grey_png(0, 3)


def _tiny_systems() -> tuple[SqlSystem, FolderSystem]:
    shop = MetaData()
    Table("customers", shop, Column("id", Integer, primary_key=True), Column("email", String(80)))
    Table(
        "orders",
        shop,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    )
    tapes = MetaData()
    Table("tapes", tapes, Column("id", Integer, primary_key=True), Column("file", String(80)))
    return SqlSystem("shop", "T_SHOP_URL", shop), FolderSystem("tapes", "T_TAPES_DIR", tapes)


def test_sample_systems_load_parents_first_and_write_the_environment(tmp_path: Path) -> None:
    shop, tapes = _tiny_systems()
    pending = PendingRows()
    # Added child-first: loading must still insert customers before orders.
    pending.tables["orders"] = [{"id": 1, "customer_id": 1}]
    assert pending.add("customers", email="a@example.com") == 1
    with SampleSystems(tmp_path, [shop, tapes]) as systems:
        systems.sql("shop").load(pending)
        folder = systems.folder("tapes")
        relative = folder.write("2026-01/t1.wav", silent_wav())
        folder.insert("tapes", [{"id": 1, "file": relative}])
        environment = systems.finish()
    assert environment == {
        "T_SHOP_URL": f"sqlite:///{tmp_path / 'shop.sqlite'}",
        "T_TAPES_DIR": str(tmp_path / "tapes"),
    }
    assert read_env_file(tmp_path / ENV_FILE) == environment
    assert (tmp_path / "tapes" / "2026-01" / "t1.wav").read_bytes() == silent_wav()
    engine = create_engine(environment["T_SHOP_URL"])
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from orders")).scalar() == 1
    engine.dispose()


def test_sample_databases_enforce_their_foreign_keys(tmp_path: Path) -> None:
    shop, tapes = _tiny_systems()
    pending = PendingRows()
    pending.add("orders", customer_id=42)
    with SampleSystems(tmp_path, [shop, tapes]) as systems, pytest.raises(IntegrityError):
        systems.sql("shop").load(pending)


def test_a_url_for_an_undeclared_or_file_system_is_refused_before_anything_is_built(
    tmp_path: Path,
) -> None:
    shop, tapes = _tiny_systems()
    for system in ("warehouse", "tapes"):
        with pytest.raises(UsageError) as raised:
            SampleSystems(tmp_path / system, [shop, tapes], urls={system: "sqlite://"})
        assert "give a URL for one of: shop" in str(raised.value)
        assert not (tmp_path / system).exists()


def test_a_folder_the_generator_did_not_make_is_never_deleted(tmp_path: Path) -> None:
    shop, tapes = _tiny_systems()
    precious = tmp_path / "tapes" / "holiday.jpg"
    precious.parent.mkdir()
    precious.write_bytes(b"not ours")
    with pytest.raises(UsageError):
        SampleSystems(tmp_path, [shop, tapes])
    assert precious.read_bytes() == b"not ours"


def test_generating_again_replaces_the_earlier_output(tmp_path: Path) -> None:
    shop, tapes = _tiny_systems()
    for run in range(2):
        with SampleSystems(tmp_path, [shop, tapes]) as systems:
            systems.folder("tapes").write(f"run{run}.wav", silent_wav())
            systems.sql("shop").insert("customers", [{"id": 1, "email": f"r{run}@example.com"}])
            systems.finish()
    assert sorted(p.name for p in (tmp_path / "tapes").iterdir()) == ["index.sqlite", "run1.wav"]
