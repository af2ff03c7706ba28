"""The trends page, its CSV and its API endpoint: exact contents, visibility, bad filters."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from exchange.models import NeedArea
from matching.heatmap import legend, level
from tests.matching.conftest import month_start, ym

pytestmark = pytest.mark.django_db


def area_names() -> list[str]:
    return list(NeedArea.objects.order_by("position", "name").values_list("name", flat=True))


def month_columns() -> list[str]:
    return [ym(k) for k in range(11, -1, -1)]


def row_counts(counts_by_area: dict[str, dict[str, int]]) -> list[list[str]]:
    """CSV body rows for every area: zeros except the given {area: {YYYY-MM: n}}."""
    rows = []
    for name in area_names():
        counts = [counts_by_area.get(name, {}).get(month, 0) for month in month_columns()]
        rows.append([name, *map(str, counts), str(sum(counts))])
    return rows


def table_cells(html: str, area: str) -> list[str]:
    """The numbers in the table row of ``area``."""
    match = re.search(rf'<th scope="row">{re.escape(area)}</th>(.*?)</tr>', html, re.S)
    assert match, area
    return re.findall(r"<td>(\d+)</td>", match.group(1))


def test_level_and_legend():
    assert [level(n, 10) for n in (0, 1, 2, 3, 5, 9, 10)] == [0, 1, 1, 2, 3, 5, 5]
    assert [(e.fill, e.label) for e in legend(10)] == [
        ("#ffffff", "0"),
        ("#deebf7", "1–2"),
        ("#b6d2ec", "3–4"),
        ("#7fb0dc", "5–6"),
        ("#2f6ea8", "7–8"),
        ("#083d6e", "9–10"),
    ]
    assert [e.label for e in legend(2)] == ["0", "1", "2"]
    assert [e.label for e in legend(0)] == ["0"]


def test_trends_page_empty_exchange(client: Client):
    response = client.get("/trends/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["grid"].total == 0
    assert "Nothing to show for these filters yet." in html
    svg = '<svg class="heatmap-svg" role="img" aria-labelledby="heatmap-title heatmap-desc"'
    assert svg in html
    assert "Every cell is 0. The same numbers are in the table after the map." in html
    assert table_cells(html, "Adult social care") == ["0"] * 12 + ["0"]


def test_trends_page_populated_for_the_public(client: Client, seeded):
    response = client.get("/trends/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="heatmap-heading">New listings by need area and month</h2>' in html
    assert table_cells(html, "Waste and recycling") == ["0"] * 9 + ["1", "0", "1", "2"]
    assert table_cells(html, "Adult social care") == ["0"] * 9 + ["1", "1", "0", "2"]
    busiest = month_start(2)
    assert (
        f"The busiest cell is Adult social care in {busiest:%B %Y} with 1." in html
    )  # first in vocabulary order
    assert f"<title>Waste and recycling, {month_start(0):%B %Y}: 1</title>" in html
    assert html.count('class="heatmap-cell"') == 16 * 12
    assert 'aria-current="page">New listings</a>' in html
    assert '<a href="/trends/" aria-current="page">Trends</a>' in html
    assert "Nothing to show" not in html


def test_trends_page_counts_the_shared_listing_for_the_organisation_it_is_shared_with(
    client: Client, seeded
):
    client.force_login(seeded.b_officer)

    html = client.get("/trends/").content.decode()

    assert table_cells(html, "Waste and recycling") == ["0"] * 9 + ["1", "0", "2", "3"]


def test_trends_page_measure_and_filters(client: Client, seeded):
    response = client.get("/trends/?measure=bookings&region=london&organisation_kind=council")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Event bookings (seats) by need area and month" in html
    assert " · London · Council or public body organisations." in html
    assert table_cells(html, "Waste and recycling") == ["0"] * 11 + ["2", "2"]
    assert 'href="?measure=pilots&amp;region=london&amp;organisation_kind=council"' in html


def test_trends_page_bad_filters_are_form_errors(client: Client, seeded):
    response = client.get("/trends/?measure=pageviews&region=atlantis")

    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["grid"] is None
    assert set(response.context["form"].errors) == {"measure", "region"}
    assert "There are problems" in html
    assert "Select a valid choice. pageviews is not one of the available choices." in html
    assert "heatmap-svg" not in html


def test_trends_csv_exact_content(client: Client, seeded):
    response = client.get("/trends.csv?measure=listings")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="trends-listings-{ym(0)}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Need area", *month_columns(), "Total"]
    assert rows[1:] == row_counts(
        {
            "Waste and recycling": {ym(2): 1, ym(0): 1},
            "Adult social care": {ym(2): 1, ym(1): 1},
        }
    )


def test_trends_csv_filtered_name_and_bad_filter(client: Client, seeded):
    client.force_login(seeded.a_officer)

    ok = client.get("/trends.csv?measure=pilots&organisation_kind=council")
    bad = client.get("/trends.csv?organisation_kind=alien")

    assert ok["Content-Disposition"] == (
        f'attachment; filename="trends-pilots-council-{ym(0)}.csv"'
    )
    rows = list(csv.reader(io.StringIO(ok.content.decode())))
    assert rows[1:] == row_counts({"Waste and recycling": {ym(0): 1}})
    assert (bad.status_code, bad.content.decode()) == (
        400,
        "organisation_kind: Select a valid choice. alien is not one of the available choices.",
    )


def test_trends_api_exact_json(api_client, seeded):
    response = api_client.get("/api/v1/trends/?measure=interests&region=&organisation_kind=")

    assert response.status_code == 200
    body = response.json()
    zeros = [0] * 12
    asc = [0] * 11 + [1]
    assert body == {
        "measure": "interests",
        "label": "“We need this too”",
        "region": "",
        "organisation_kind": "",
        "months": month_columns(),
        "max_count": 1,
        "rows": [
            {
                "need_area": area.slug,
                "name": area.name,
                "counts": asc if area.slug == "adult-social-care" else zeros,
                "total": 1 if area.slug == "adult-social-care" else 0,
            }
            for area in NeedArea.objects.order_by("position", "name")
        ],
    }


def test_trends_api_default_measure_and_visibility(api_client, seeded):
    public = api_client.get("/api/v1/trends/").json()
    api_client.force_authenticate(seeded.b_officer)
    shared = api_client.get("/api/v1/trends/").json()

    waste = next(r for r in public["rows"] if r["need_area"] == "waste-and-recycling")
    waste_shared = next(r for r in shared["rows"] if r["need_area"] == "waste-and-recycling")
    assert (public["measure"], waste["counts"][-3:], waste["total"]) == ("listings", [1, 0, 1], 2)
    assert (waste_shared["counts"][-3:], waste_shared["total"]) == ([1, 0, 2], 3)


def test_trends_api_bad_filters_are_400_in_the_error_shape(api_client, db):
    response = api_client.get("/api/v1/trends/?measure=pageviews&region=atlantis")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert error["fields"] == {
        "measure": ['"pageviews" is not a valid choice.'],
        "region": ['"atlantis" is not a valid choice.'],
    }


def test_trends_page_empty_filters_mean_all(client: Client, seeded):
    response = client.get("/trends/?measure=&region=&organisation_kind=")

    assert response.status_code == 200
    assert response.context["grid"].measure.key == "listings"
    assert response.context["grid"].total == 4


def test_trends_page_staff_count_every_listing(client: Client, seeded):
    client.force_login(seeded.staff)

    html = client.get("/trends/").content.decode()

    assert table_cells(html, "Waste and recycling") == ["0"] * 9 + ["1", "0", "2", "3"]


def test_navigation_marks_login_and_signup_pages(client: Client):
    login = client.get("/accounts/login/").content.decode()
    signup = client.get("/accounts/signup/").content.decode()

    assert '<a href="/accounts/login/" aria-current="page">Log in</a>' in login
    assert 'href="/accounts/signup/" aria-current="page">Sign up</a>' in signup
    assert 'aria-current="page">Log in' not in signup
