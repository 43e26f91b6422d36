"""Full launches from the sandbox Canvas over real HTTP, for every kind of person in a course.

The tool is registered as an admin would do it: Canvas side by "Enter URL" with the tool's
``/lti/config.json`` and an install in the course; tool side with what ``platform add`` stores.
A browser stand-in then does what Canvas's page makes a browser do: sign in to Canvas, open the
course navigation tab, post the hidden login form to the tool, follow the authentication request
through Canvas, and post the id_token back to the tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urljoin

import pytest
from flask import Flask
from sqlalchemy import select

from ctom_lti.canvas_sync import load_cohort
from ctom_lti.canvas_sync.desired import desired_course
from ctom_lti.canvas_sync.desired_objects import EXTERNAL_TOOL
from ctom_lti.canvas_sync.spec import load_spec
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.models import Cohort, Membership, Person
from ctom_lti.sandbox.content import add_module_item, create_module
from ctom_lti.sandbox.course_records import Course, ExternalTool
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import User
from ctom_lti.serving import ServerThread
from tests.lti_support import LoopbackBrowser, html_forms, http_browser, landed, parse_page_config


@dataclass
class Cohort12:
    sandbox: SandboxServer
    tool_url: str
    course: Course
    tool: ExternalTool
    people: dict[str, User]

    def nav_path(self) -> str:
        return f"/courses/{self.course.id}/external_tools/{self.tool.id}"


@pytest.fixture
def cohort(sandbox: SandboxServer, tool_server: ServerThread, app: Flask) -> Cohort12:
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12", course_code="CTOM-12", workflow_state="available"
    )

    def person(name: str) -> User:
        login = name.lower().replace(" ", ".") + "@district.example.org"
        return store.add_user(name, login, email=login)

    people = {
        "candidate": person("Alicia Moreno"),
        "mentor": person("Ruth Castellanos"),
        "custom_mentor": person("Samuel Ortiz"),
        "instructor": person("Marcus Ellery"),
        "ta": person("Priya Raman"),
        "admin": store.users[sandbox.admin_user_id],
    }
    store.enroll(people["candidate"].id, course.id, "StudentEnrollment")
    store.enroll(
        people["mentor"].id,
        course.id,
        "ObserverEnrollment",
        associated_user_id=people["candidate"].id,
    )
    # A course role labelled "Mentor" built on the student type: Canvas sends "Learner" for it.
    mentor_role = store.add_course_role("Mentor", "StudentEnrollment")
    store.enroll(people["custom_mentor"].id, course.id, "StudentEnrollment", role_id=mentor_role.id)
    store.enroll(people["instructor"].id, course.id, "TeacherEnrollment")
    store.enroll(people["ta"].id, course.id, "TaEnrollment")
    tool = connect_tool_and_sandbox(app, sandbox, tool_server.base_url, course_id=course.id).tool
    return Cohort12(sandbox, tool_server.base_url, course, tool, people)


def sign_in(browser: LoopbackBrowser, base_url: str, user: User) -> None:
    start = browser.get(base_url + "/", timeout=10)
    [form] = [f for f in html_forms(start.text) if "csrf_token" in f.fields][:1]
    response = browser.post(
        base_url + "/login",
        data={"csrf_token": form.fields["csrf_token"], "user_id": str(user.id)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code in (302, 303), response.text[:300]


def launch_from_course(
    cohort: Cohort12, kind: str, path: str | None = None
) -> tuple[LoopbackBrowser, str]:
    """Open the course navigation tab (or ``path``) as ``kind`` and run the whole launch;
    returns the browser and the tool page it landed on."""
    base = cohort.sandbox.base_url
    browser = http_browser()
    sign_in(browser, base, cohort.people[kind])
    page = browser.get(base + (path or cohort.nav_path()), timeout=10)
    assert page.status_code == 200, page.text[:300]
    [login_form] = [f for f in html_forms(page.text) if f.action.endswith("/lti/login")]
    assert login_form.fields["lti_storage_target"] == "post_message_forwarding"
    login = browser.post(login_form.action, data=login_form.fields, allow_redirects=False)
    assert login.status_code == 200, login.text[:300]  # the platform-storage page
    config = parse_page_config(login.text)
    assert config["origin"] == base
    authorized = browser.get(config["auth"], timeout=10)  # authorize_redirect → authorize
    assert authorized.status_code == 200, authorized.text[:300]
    [posted] = [f for f in html_forms(authorized.text) if "id_token" in f.fields]
    assert posted.action == cohort.tool_url + "/lti/launch"
    launch = browser.post(posted.action, data=posted.fields, allow_redirects=False, timeout=10)
    home = browser.get(urljoin(cohort.tool_url, landed(launch)), timeout=10)
    assert home.status_code == 200
    return browser, home.text


@pytest.mark.parametrize(
    ("kind", "role", "shown"),
    [
        ("candidate", "candidate", "Your mentor"),
        ("mentor", "mentor", "Alicia Moreno"),
        ("custom_mentor", "mentor", "Your mentees"),
        ("instructor", "instructor", "People who have opened CTO Mentor"),
        ("ta", "instructor", "People who have opened CTO Mentor"),
        ("admin", "admin", "People who have opened CTO Mentor"),
    ],
)
def test_each_role_launches_from_course_navigation(
    app: Flask, cohort: Cohort12, kind: str, role: str, shown: str
) -> None:
    if kind == "mentor":
        launch_from_course(cohort, "candidate")  # so the mentee has a name in the tool
    _browser, page = launch_from_course(cohort, kind)
    user = cohort.people[kind]
    assert "CTO Mentor Program - Cohort 12" in page
    assert f"Welcome, {user.name}." in page
    assert f"You are here as <strong>{role}</strong>" in page
    assert shown in page
    with session_scope(app) as session:
        person = session.scalars(select(Person).where(Person.sub == user.lti_id)).one()
        assert (person.name, person.email, person.canvas_user_id) == (
            user.name,
            user.email,
            str(user.id),
        )
        cohort_row = session.scalars(select(Cohort)).one()
        assert cohort_row.canvas_course_id == str(cohort.course.id)
        assert cohort_row.context_id == cohort.sandbox.store.opaque_id(f"course_{cohort.course.id}")
        assert cohort_row.label == "CTOM-12"
        roles = session.scalars(
            select(Membership.role).where(
                Membership.person_id == person.id, Membership.cohort_id == cohort_row.id
            )
        ).all()
        assert roles == [role]


def test_sis_ids_canvas_left_unexpanded_are_not_stored(app: Flask, cohort: Cohort12) -> None:
    """The sandbox, as Canvas, sends "$Person.sourcedId" for a person without an SIS id: the
    tool stores no SIS id for them, and the real id of a person who has one."""
    cohort.people["instructor"].sis_user_id = "T-1001"
    launch_from_course(cohort, "candidate")
    launch_from_course(cohort, "instructor")
    with session_scope(app) as session:
        rows = session.execute(select(Person.sub, Person.sis_user_id)).all()
    stored = {row.sub: row.sis_user_id for row in rows}
    assert stored == {
        cohort.people["candidate"].lti_id: None,
        cohort.people["instructor"].lti_id: "T-1001",
    }


def test_relaunch_is_idempotent_and_the_session_stays_usable(app: Flask, cohort: Cohort12) -> None:
    for _ in range(2):
        browser, page = launch_from_course(cohort, "candidate")
    with session_scope(app) as session:
        assert len(session.scalars(select(Person)).all()) == 1
        assert len(session.scalars(select(Membership)).all()) == 1
    # Inside the tool: follow the home page's link to the profile form and submit it.
    match = re.search(r'href="(/c/\d+/profile[^"]*)"', page)
    assert match, "the home page links to the profile form"
    form_page = browser.get(cohort.tool_url + match.group(1).replace("&amp;", "&"), timeout=10)
    [form] = [f for f in html_forms(form_page.text) if "csrf_token" in f.fields]
    saved = browser.post(
        urljoin(cohort.tool_url, form.action.replace("&amp;", "&")),
        data={
            **form.fields,
            "district": "Sierra Unified",
            "job_title": "Director of Technology",
            "years_in_leadership": "6",
        },
        timeout=10,
    )
    assert saved.status_code == 200
    assert "Your profile is saved." in saved.text


def test_deep_linked_reflection_page_round_trip(app: Flask, cohort: Cohort12) -> None:
    """An instructor adds a reflection page to a module; Canvas accepts the signed response,
    and a candidate's launch of that module item lands on the chosen page."""
    store = cohort.sandbox.store
    browser, picker = launch_from_course(
        cohort, "instructor", cohort.nav_path() + "/deep_link?placement=link_selection"
    )
    assert "Add CTO Mentor pages to Canvas" in picker
    [form] = [f for f in html_forms(picker) if "csrf_token" in f.fields]
    answer = browser.post(
        urljoin(cohort.tool_url, form.action.replace("&amp;", "&")),
        data={**form.fields, "item": "reflection:infrastructure"},
        timeout=10,
    )
    [back] = [f for f in html_forms(answer.text) if "JWT" in f.fields]
    done = browser.post(back.action.replace("&amp;", "&"), data=back.fields, timeout=10)
    assert done.status_code == 200, done.text[:500]  # Canvas verified the tool's signature
    [item] = [i for i in store.module_items.values() if i.type == "ExternalTool"]
    assert item.title == "Reflection: Infrastructure"
    assert item.custom_params == {"ctom_page": "reflection", "principle_key": "infrastructure"}
    item.workflow_state = "active"  # the teacher publishes it
    _browser, page = launch_from_course(
        cohort, "candidate", f"/courses/{cohort.course.id}/modules/items/{item.id}"
    )
    assert "<h1>Reflection: Infrastructure</h1>" in page


def synced_tool_links(tool_url: str) -> dict[str, str]:
    """The launch URL sync writes for each kind of tool link in the course, by item title."""
    curriculum = load_curriculum()
    example = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml")
    with resources.as_file(example) as path:
        cohort_file = load_cohort(path, curriculum)
    desired = desired_course(curriculum, load_spec(), cohort_file, tool_base_url=tool_url)
    return {
        item.title: item.external_url or ""
        for module in desired.modules
        for item in module.items
        if item.type == EXTERNAL_TOOL
    }


@pytest.mark.parametrize(
    ("title", "kind", "notice"),
    [
        # Reports have shipped: the link opens a mentor's reports.
        ("Monthly Mentor Reports", "mentor", None),
        # Mentor pairing has shipped: its link opens the pairing board.
        ("Mentor Pairing", "admin", None),
        # Portfolio has shipped: a reflection link opens that principle's reflection.
        ("Fiscal Management: Portfolio Reflection", "candidate", None),
    ],
)
def test_each_synced_link_lands_on_its_page_or_says_it_is_coming(
    cohort: Cohort12, title: str, kind: str, notice: str | None
) -> None:
    """A module item exactly as sync writes it, launched from Canvas, opens the page it names;
    while that page's feature has not shipped, home says which page is coming."""
    store = cohort.sandbox.store
    module = create_module(store, cohort.course.id, "Programme", workflow_state="active")
    item = add_module_item(
        store,
        module,
        EXTERNAL_TOOL,
        title,
        content_id=cohort.tool.id,
        external_url=synced_tool_links(cohort.tool_url)[title],
    )
    item.workflow_state = "active"
    _browser, page = launch_from_course(
        cohort, kind, f"/courses/{cohort.course.id}/modules/items/{item.id}"
    )
    if notice is None:
        heading = {
            "admin": "<h1>Mentor pairing</h1>",
            "candidate": "<h1>Reflection: Fiscal",
            "mentor": "<h1>Monthly mentor reports</h1>",
        }
        assert heading[kind] in page
        assert "is coming soon" not in page
    else:
        assert f"<strong>{notice}</strong> is coming soon" in page
