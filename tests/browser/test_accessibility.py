"""Keyboard and screen readers (issue 17, item 9): axe-core over the main pages, as the roles that use them,
finds no serious or critical violation of WCAG 2.1 A/AA (and axe's best practices); the login page and a
form page are used with the keyboard alone — Tab reaches each field and the submit button, the focus is
visible, Enter submits.

axe-core comes from npm (``package-lock.json``, ``make vendor`` installs it under ``node_modules``; it is a
test asset, never served).  It is put into each page through the DevTools protocol (``page.evaluate``), which
the site's Content-Security-Policy does not block — the policy stays on and the ``page`` fixture still fails
the test on any violation of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from .test_workflow import PASSWORD, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it stands (every impact)."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} missing: run `make test-browser` (it runs npm ci)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}))",
        RULES,
    )


def blocking_report(page, found: dict[str, list[dict]], where: str) -> None:
    """Record the serious and critical violations of the page now shown under ``where``."""
    bad = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    if bad:
        found[where] = bad


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for url, violations in found.items():
        lines.append(url)
        for v in violations:
            lines.append(f"  {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}")
            lines.extend(f"      {t}" for t in v["targets"])
    return "\n".join(lines)


# The demonstration data behind the main pages: collection rounds, results, the program, the internal ranking.
DEMO = [("load_reference_case", "--demo"), ("load_demo_results",), ("load_program_936", "--demo"),
        ("load_internal_demo", "--demo")]


@pytest.fixture
def case(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    for command in DEMO:
        call_command(*command, verbosity=0)
    return live_server.url


def _show_a_wrong_value(page):
    """The form page once a value is refused: the row comes back from the server (htmx) with its error."""
    field = page.locator("main input[id^='v-'][type=text]").first
    field.fill("abc")
    field.press("Enter")
    page.locator("main .field-row .err").first.wait_for()


def _try_a_value(page):
    """The what-if page once a value is typed: the new score and rank come back from the server (htmx)."""
    page.locator("#whatif-form td input").first.fill("1")
    page.locator("#whatif-result #whatif-rank").wait_for()


def _pages():
    """(user or None, [address or (address, what the user does there first)]) of every main page, with the
    demonstration data's own objects."""
    from django.contrib.auth.models import User

    from chiso.assessment.models import Participant
    from chiso.assessment.models import Round as InternalRound
    from chiso.collection.models import Round
    from chiso.orgs.models import Agency, Unit
    from chiso.program.models import Program, Recommendation
    from chiso.results.models import IndexRun

    rnd = Round.objects.get(year=2017)
    form = rnd.submissions.get(agency__code="A35.STTTT")
    run = IndexRun.objects.filter(is_demo=True).latest("created")
    program = Program.objects.order_by("pk").first()
    task = program.tasks.order_by("number").first()
    rec = Recommendation.objects.order_by("pk").first()
    internal = InternalRound.objects.get(year=2022)
    sheet = Participant.objects.filter(round=internal).order_by("pk").first()
    agency = Agency.objects.get(code="A35.STTTT")
    dept_user = User.objects.get(username="sotttt.quantri")
    province = Unit.objects.filter(kind="province").order_by("pk").first()
    pr, nb = f"/chuong-trinh/{program.pk}", f"/xep-hang-noi-bo/dot/{internal.pk}"
    # /api/docs is Swagger UI's own markup (npm swagger-ui-dist), not checked here (docs/web.md)
    anonymous = ["/", "/cong-khai/", "/dang-nhap/", "/ket-qua/"]
    officer = ["/", f"/bieu-mau/{form.pk}/", (f"/bieu-mau/{form.pk}/", _show_a_wrong_value),
               f"/bieu-mau/{form.pk}/lich-su/", "/thong-bao/", "/kien-nghi/moi/"]
    dept = [
        "/", "/dot/", f"/dot/{rnd.pk}/", f"/dot/{rnd.pk}/tong-hop/", "/dot/moi/", "/ma-tran/", "/co-quan/",
        "/ket-qua/", f"/ket-qua/lan-tinh/{run.pk}/", f"/ket-qua/lan-tinh/{run.pk}/neu-thi/",
        (f"/ket-qua/lan-tinh/{run.pk}/neu-thi/", _try_a_value), "/ket-qua/bang/",
        f"/ket-qua/muc-tieu/{run.framework_id}/",
        "/chuong-trinh/", f"{pr}/", f"{pr}/nhiem-vu/{task.number}/", f"{pr}/phan-cong/", f"{pr}/ke-hoach/",
        f"{pr}/dinh-ky/", f"{pr}/qua-han/", f"{pr}/tien-do/", f"{pr}/soan/", "/kien-nghi/", f"/kien-nghi/{rec.pk}/",
        "/xep-hang-noi-bo/", "/xep-hang-noi-bo/bo-chi-so/", "/xep-hang-noi-bo/dot/moi/", f"{nb}/", f"{nb}/hoi-dong/",
        f"/xep-hang-noi-bo/phieu/{sheet.pk}/", f"{nb}/ket-qua/",
        "/bao-cao/", "/bao-cao/mau/", "/khoa-api/",
        "/to-chuc/co-quan/", f"/to-chuc/co-quan/{agency.pk}/", "/to-chuc/co-quan/moi/", "/to-chuc/nguoi-dung/",
        f"/to-chuc/nguoi-dung/{dept_user.pk}/", "/to-chuc/nguoi-dung/moi/", "/to-chuc/don-vi/",
        f"/to-chuc/don-vi/{province.pk}/", "/to-chuc/dot/", f"/to-chuc/dot/noi-bo/{internal.pk}/", "/thong-bao/",
    ]
    return [(None, anonymous), ("sotttt.nhaplieu", officer), ("sotttt.quantri", dept)]


def test_axe_finds_no_serious_violation_on_the_main_pages(page, case):
    base = case
    found: dict[str, list[dict]] = {}
    not_shown: list[str] = []
    checked = 0
    for user, entries in _pages():
        if user:
            login(page, base, user)
        for entry in entries:
            url, act = entry if isinstance(entry, tuple) else (entry, None)
            response = page.goto(f"{base}{url}")
            if response.status != 200:
                not_shown.append(f"{url} as {user}: {response.status}")
                continue
            page.wait_for_load_state("networkidle")
            if act:
                act(page)
            blocking_report(page, found, f"{page.url} ({act.__name__})" if act else page.url)
            checked += 1
        if user:
            logout(page)
    assert not_shown == []
    assert checked >= 50
    assert found == {}, "serious or critical accessibility violations (axe-core):\n" + describe(found)


# The element that has the focus, and whether its focus is visible: it matches :focus-visible and draws an
# outline of 2 px or more (the browser's own ring is 1 px) or a box-shadow there.  Each element reached is marked so that the test can list those never reached.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  e.dataset.tabbed = '1';
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  return {id: e.id, tag: e.tagName.toLowerCase(), type: e.getAttribute('type') || '', name: e.getAttribute('name') || '',
          cls: e.className || '', inMain: !!e.closest('main'), visible: e.matches(':focus-visible') && ring};
}"""
# The controls of <main> a keyboard user must reach (shown, not disabled, not taken out of the tab order).
UNREACHED = """() => [...document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main textarea')]
  .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length && !e.dataset.tabbed)
  .map(e => e.outerHTML.slice(0, 120))"""


def tab(page) -> dict | None:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


@pytest.fixture
def reference(live_server):
    call_command("load_reference_case", "--demo", verbosity=0)
    return live_server.url


def test_the_login_page_by_keyboard_alone(page, reference):
    base = reference
    page.goto(f"{base}/dang-nhap/")
    first = tab(page)
    assert "skip-link" in first["cls"] and first["visible"], first
    page.keyboard.press("Enter")  # the skip link takes the focus to the main content
    assert page.evaluate("() => document.activeElement.id") == "main"
    stops = []
    for _ in range(30):
        f = tab(page)
        stops.append(f)
        assert f["visible"], f"focus not visible on {f}"
        if f["id"] == "id_username":
            page.keyboard.type("sotttt.nhaplieu")
        elif f["id"] == "id_password":
            page.keyboard.type(PASSWORD)
        elif f["tag"] == "button" and f["inMain"]:
            break
    assert [s["id"] for s in stops if s["inMain"] and s["tag"] == "input"] == ["id_username", "id_password"]
    assert stops[-1]["type"] == "submit", stops
    assert page.evaluate(UNREACHED) == []
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.split("#")[0] == f"{base}/")  # the skip link's #main is kept
    assert "Đăng xuất" in page.inner_text("header")


def test_the_form_page_by_keyboard_alone(page, reference):
    from chiso.collection.models import Round, Value

    base = reference
    form = Round.objects.get(year=2017).submissions.get(agency__code="A35.STTTT")
    filled = {v.code for v in Value.objects.filter(submission=form) if v.number is not None or v.choice}
    login(page, base, "sotttt.nhaplieu")
    page.goto(f"{base}/bieu-mau/{form.pk}/")
    stops, target = [], None
    for _ in range(1500):
        f = tab(page)
        if f is None or (stops and "skip-link" in f["cls"]):
            break  # round the page and back to the top
        stops.append(f)
        assert f["visible"], f"focus not visible on {f}"
    assert len(stops) > 20
    assert page.evaluate(UNREACHED) == []  # every field, button and link of the form is reached by Tab
    values = [s["id"] for s in stops if s["id"].startswith("v-")]
    assert len(values) == page.locator("main [id^='v-']").count() > 0
    # type a value into the first empty number field reached, then Enter: the row is saved
    page.goto(f"{base}/bieu-mau/{form.pk}/")
    for _ in range(1500):
        f = tab(page)
        code = f["id"][2:] if f and f["id"].startswith("v-") else ""
        if code and f["tag"] == "input" and code not in filled and not page.input_value(f"[id='{f['id']}']"):
            target = code
            break
    assert target, "no empty number field on the form"
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    page.locator(f"[id='row-{target}'] .ok").wait_for()
    assert Value.objects.get(submission=form, code=target).number == 1
