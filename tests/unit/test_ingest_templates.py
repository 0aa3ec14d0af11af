"""The Data page's CSV templates: every documented column, and imported back they pass every check."""

import io

import polars as pl
import pytest

from core.db import warehouse
from core.ingest.interchange import COLUMNS
from core.ingest.templates import KINDS, file_name, template_csv
from core.ingest.uploads import import_uploads


@pytest.mark.parametrize("kind", KINDS)
def test_a_template_has_every_column_in_the_documented_order(kind):
    frame = pl.read_csv(io.BytesIO(template_csv(kind)), infer_schema=False)
    assert frame.columns == [c.name for c in COLUMNS[kind]]
    assert frame.height >= 2
    required = [c.name for c in COLUMNS[kind] if c.required]
    assert frame.select(pl.col(required).is_not_null().all()).row(0) == (True,) * len(required)
    assert file_name(kind).startswith(kind)


def test_the_three_templates_imported_together_pass_validation_and_load(tmp_path):
    files = [(file_name(kind), template_csv(kind)) for kind in KINDS]
    with warehouse.connect(tmp_path / "fresh.duckdb") as con:
        report = import_uploads(con, files)
        counts = {t: warehouse.scalar(con, f"SELECT count(*) FROM {t}") for t in ("accounts", "posts", "interactions")}  # noqa: S608
    assert counts == {kind: pl.read_csv(io.BytesIO(template_csv(kind))).height for kind in KINDS}
    assert report.summary()


def test_an_accounts_template_imports_on_its_own(tmp_path):
    with warehouse.connect(tmp_path / "fresh.duckdb") as con:
        import_uploads(con, [(file_name("accounts"), template_csv("accounts"))])
        assert warehouse.scalar(con, "SELECT count(DISTINCT person_id) FROM accounts") == 2  # maya's two accounts


def test_an_unknown_kind_is_refused_with_the_kinds_there_are():
    with pytest.raises(ValueError, match="accounts, posts, interactions"):
        template_csv("people")
