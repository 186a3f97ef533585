"""What the surfaces know of a field, read from the model (factcheck.fields)."""

from __future__ import annotations

import datetime as dt

import attrs

from factcheck.fields import SOURCE_ARCHIVE, SOURCE_LAID_OUT, field_label, field_views, shown, type_parts
from factcheck.model import Claim, Source, Stance


def test_type_parts_splits_off_none():
    assert type_parts(str | None) == (str, True)
    assert type_parts(dt.date) == (dt.date, False)
    assert type_parts(int | float) == (int | float, False)


def test_a_label_is_the_name_in_words_unless_the_model_gives_one():
    by_name = {f.name: f for f in attrs.fields(Source)}
    assert field_label(by_name["archive_url"]) == "Archive URL"
    assert field_label({f.name: f for f in attrs.fields(Claim)}["text"]) == "Claim"  # its label metadata


def test_field_views_give_every_source_field_in_order_with_its_kind():
    views = field_views(Source)
    assert [v.name for v in views] == [f.name for f in attrs.fields(Source)]
    kinds = {v.name: (v.kind, v.optional) for v in views}
    assert kinds["url"] == ("url", False) and kinds["stance"] == ("choice", False)
    assert kinds["published"][0] == "date" and kinds["archived"] == ("date", True)
    assert set(SOURCE_LAID_OUT) | set(SOURCE_ARCHIVE) <= set(kinds)
    assert [v.name for v in field_views(Source, leave_out=SOURCE_LAID_OUT)] == list(SOURCE_ARCHIVE)


def test_shown_gives_one_line_of_text():
    assert shown(dt.date(2024, 4, 1)) == "2024-04-01"
    assert shown(Stance.SUPPORTS) == "supports"
    assert shown(7) == "7"
