"""The follow-up worklist's horizons: overdue, due within 14 days, within 15–30 days, later and
done — each group counted in its heading, cut into pages by the database, each row linking to
the form that records it — on the product's clock, among the people the user may see."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrolments.models import FollowUp

from .test_caselist import enrol
from .test_participant_page import en, exit_enrolment, login, make_world, page_text, url

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 1, 1)  # make_world's clock
GROUPS = ["overdue", "soon", "month", "later", "done"]


@pytest.fixture
def world(settings):
    """See test_participant_page.make_world."""
    return make_world(settings)


def due_in(world, name: str, days: int, **fields):
    """An exited participant whose day-90 follow-up falls due `days` from today (negative:
    overdue); their day-180 follow-up is removed to keep the counts simple."""
    enrolment = enrol(world, name, "Ek", **fields)
    exit_enrolment(enrolment, on=TODAY + dt.timedelta(days=days - 90))
    enrolment.follow_ups.filter(day=180).delete()
    return enrolment.follow_ups.get(day=90)


def sections(content: str) -> dict[str, str]:
    """Each group's section of the page, by its heading's id."""
    starts = [content.index(f'<section aria-labelledby="{group}-heading">') for group in GROUPS]
    ends = starts[1:] + [len(content)]
    return {
        group: content[start:end] for group, start, end in zip(GROUPS, starts, ends, strict=True)
    }


def names(section: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', section)


def count_in_heading(section: str) -> int:
    heading = section[section.index("<h2") : section.index("</h2>")]
    return int(re.search(r'<span class="count">\((\d+)\)</span>', heading).group(1))


def test_each_follow_up_is_in_its_horizon_with_the_boundaries(client, world):
    path = en(url("follow_up_worklist", world))
    for name, days in [("Before", -1), ("Today", 0), ("Fourteen", 14), ("Fifteen", 15),
                       ("Thirty", 30), ("Thirtyone", 31), ("Ninety", 90)]:  # fmt: skip
        due_in(world, name, days)
    done = due_in(world, "Recorded", -10)
    FollowUp.objects.filter(pk=done.pk).update(recorded_on=TODAY, reached=False)
    response = login(client, world.case_worker).get(path)
    assert response.status_code == 200
    content = page_text(response)
    parts = sections(content)
    expected = {
        "overdue": ["Before Ek"],
        "soon": ["Today Ek", "Fourteen Ek"],
        "month": ["Fifteen Ek", "Thirty Ek"],
        "later": ["Thirtyone Ek", "Ninety Ek"],
        "done": ["Recorded Ek"],
    }
    for group, people in expected.items():
        assert names(parts[group]) == people, group
        assert count_in_heading(parts[group]) == len(people), group
    # The headings say the dates each horizon covers.
    assert "until 2010-01-15" in parts["soon"]
    assert "2010-01-16 to 2010-01-31" in parts["month"]
    assert "after 2010-01-31" in parts["later"]
    # A summary at the top links to each group with its count.
    assert 'href="#later-heading">Later</a> (2)' in content


def test_a_new_day_90_follow_up_is_visible_at_once(client, world):
    """The issue's case: exited today, the day-90 follow-up is three months away."""
    path = en(url("follow_up_worklist", world))
    exit_enrolment(world.enrolment, on=TODAY)
    parts = sections(page_text(login(client, world.case_worker).get(path)))
    assert names(parts["later"]) == ["Leyla Ahmadi", "Leyla Ahmadi"]  # day 90 and day 180
    assert "day 90" in parts["later"] and "day 180" in parts["later"]


def test_the_horizons_move_with_the_clock(client, settings, world):
    path = en(url("follow_up_worklist", world))
    due_in(world, "Moving", 31)
    client = login(client, world.case_worker)

    def where():
        parts = sections(page_text(client.get(path)))
        return [group for group in GROUPS if "Moving Ek" in names(parts[group])]

    assert where() == ["later"]
    settings.FOLJSAM_TODAY = "2010-01-02"  # 30 days left
    assert where() == ["month"]
    settings.FOLJSAM_TODAY = "2010-01-18"  # 14 days left
    assert where() == ["soon"]
    settings.FOLJSAM_TODAY = "2010-02-01"  # due today
    assert where() == ["soon"]
    settings.FOLJSAM_TODAY = "2010-02-02"
    assert where() == ["overdue"]


def test_every_open_row_links_to_the_form_that_records_it(client, world):
    path = url("follow_up_worklist", world)
    follow_ups = {days: due_in(world, f"Days{days}", days) for days in (-5, 3, 20, 60)}
    records = {
        days: url("record_follow_up", world, f.enrolment_id, f.pk) for days, f in follow_ups.items()
    }
    content = page_text(login(client, world.case_worker).get(path))
    parts = sections(content)
    for days, group in [(-5, "overdue"), (3, "soon"), (20, "month"), (60, "later")]:
        assert f'href="{records[days]}"' in parts[group], group
    # And the link works: the record form opens, even for a follow-up due in two months.
    response = client.get(records[60])
    assert response.status_code == 200 and 'name="reached"' in page_text(response)


def test_the_horizons_show_only_people_the_user_may_see(client, world):
    path = en(url("follow_up_worklist", world))
    due_in(world, "Hidden", 20, covered=False, case_worker=world.uncovered.user)
    due_in(world, "Mine", 20)
    mine = sections(page_text(login(client, world.case_worker).get(path)))
    assert names(mine["month"]) == ["Mine Ek"] and count_in_heading(mine["month"]) == 1
    # The manager sees both when asking for everyone's.
    everyone = sections(page_text(login(client, world.manager).get(path + "?scope=all")))
    assert sorted(names(everyone["month"])) == ["Hidden Ek", "Mine Ek"]
    # The uncovered case worker sees their own participant only.
    theirs = sections(page_text(login(client, world.uncovered).get(path)))
    assert names(theirs["month"]) == ["Hidden Ek"]


def test_each_horizon_has_its_own_pages_and_the_queries_are_bounded(client, world):
    path = en(url("follow_up_worklist", world))
    client = login(client, world.case_worker)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        return len(captured), page_text(response)

    for n in range(3):
        due_in(world, f"Later{n:02d}", 40 + n)
        due_in(world, f"Month{n:02d}", 15 + n)
    few, _ = queries()
    for n in range(3, 60):
        due_in(world, f"Later{n:02d}", 40 + n)
    for n in range(3, 30):
        due_in(world, f"Month{n:02d}", 15 + n % 16)
    many, content = queries()
    assert many == few
    parts = sections(content)
    assert count_in_heading(parts["later"]) == 60 and len(names(parts["later"])) == 25
    assert count_in_heading(parts["month"]) == 30 and len(names(parts["month"])) == 25
    # The later group's next page keeps the other groups on their pages.
    link = re.search(r'href="(\?[^"]*later_page=2[^"]*)"', parts["later"]).group(1)
    second = sections(page_text(client.get(path + link.replace("&amp;", "&"))))
    assert names(second["later"])[0] == "Later25 Ek"
    assert names(second["month"]) == names(parts["month"])
