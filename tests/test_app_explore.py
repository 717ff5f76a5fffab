"""The explore page through AppTest: documents per year (gaps filled), topics over time, meetings."""

from __future__ import annotations

import json

import pytest
from apphelpers import app, errors, make_env, page

EXPLORE = "webapp/pages/explore.py"


@pytest.fixture
def env(tmp_path, monkeypatch):
    return make_env(tmp_path, monkeypatch)


def test_network_history_chart_fills_missing_years(env):
    at = page(app(), EXPLORE, net="Kunststoffnetzwerk Ems-Achse")
    assert errors(at) == []
    assert at.selectbox(key="net").value == "Kunststoffnetzwerk Ems-Achse"
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["mark"] == "bar" or spec["mark"]["type"] == "bar"
    chart = at.get("vega_lite_chart")[0].proto
    datasets = [d.data.data for d in chart.datasets] or [chart.data.data]
    import pyarrow as pa

    frame = pa.ipc.open_stream(datasets[0]).read_all().to_pandas()
    per_year = dict(zip(frame["year"], frame["documents"], strict=True))
    assert per_year == {
        "2016": 1, "2017": 2, "2018": 0, "2019": 2, "2020": 0, "2021": 0, "2022": 1, "2023": 1,
    }  # fmt: skip
    assert any("without a year" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert list(table.columns) == [str(y) for y in range(2016, 2024)]
    assert table.loc["Vocational training", "2017"] == 2
    subheaders = [s.value for s in at.subheader]
    assert "Meetings (minutes)" in subheaders and "All networks and regions" in subheaders


def test_overview_lists_every_network_with_counts(env):
    at = page(app(), EXPLORE)
    assert errors(at) == []
    overview = at.dataframe[-2].value
    counts = dict(zip(overview["Network"], overview["Documents"], strict=True))
    assert counts["Ems-Achse Plastics Network"] == 8
    assert counts["Plastindustrien (Danish Plastics Federation)"] == 1
