"""A word of 10 000 characters (a pasted link, a code, a slip of the keyboard) wraps on every page that
shows it instead of making the page tens of thousands of pixels wide (issue 17, item 7)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from chiso.collection import services
from chiso.collection.models import Submission
from chiso.lib import frameworks
from chiso.orgs import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORD = "x" * 10_000


@pytest.fixture
def form_with_a_long_word(live_server):
    from web.base import PASSWORD, TEST_FW, BaseTestCase

    frameworks.register(TEST_FW)

    class Cast:  # the web tests' cast (an agency, its officer, an open round), built the same way
        pass

    BaseTestCase.setUpTestData.__func__(Cast)
    services.save_values(Cast.sub_a.pk, [services.Change("total_staff", "12", comment=WORD)],
                         audit.Actor(user=User.objects.get(username="alice")))
    return live_server.url, Cast.sub_a, PASSWORD


def page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_a_long_word_wraps_on_the_form_and_its_history(page, form_with_a_long_word):
    base, sub, password = form_with_a_long_word
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    pages = [f"/bieu-mau/{sub.pk}/", f"/bieu-mau/{sub.pk}/lich-su/", f"/bieu-mau/{sub.pk}/chi-so/total_staff/lich-su/"]
    for path in pages:
        page.goto(base + path)
        width, viewport = page_width(page)
        assert width <= viewport, (path, width)
    # read-only once submitted: the comment is shown as text, not in a text area
    Submission.objects.filter(pk=sub.pk).update(status="submitted")
    page.goto(f"{base}/bieu-mau/{sub.pk}/")
    assert WORD[:50] in page.inner_text("main")
    width, viewport = page_width(page)
    assert width <= viewport, width
    assert broken_short_words(page) == [], "a short word was broken to make room for the long one"


# Words of a table cell that the browser had to break because the cell is narrower than the word, for
# words shorter than 40 characters (a long word may wrap; "2020", "Năm" or "Tự đánh giá" must not).
BROKEN_SHORT_WORDS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const probe = document.createElement('span');
    probe.style.cssText = 'white-space:nowrap;position:absolute;visibility:hidden';
    cell.appendChild(probe);
    for (const word of (cell.innerText || '').split(/\\s+/)) {
      if (word.length < 2 || word.length >= 40) continue;
      probe.textContent = word;
      if (probe.getBoundingClientRect().width > cell.clientWidth) { out.push(word); break; }
    }
    probe.remove();
  }
  return out;
}"""


def broken_short_words(page) -> list[str]:
    return page.evaluate(BROKEN_SHORT_WORDS)


def test_short_words_in_tables_stay_whole_beside_a_long_one(page, form_with_a_long_word):
    """A table whose cell holds the long word still keeps every other word whole: "anywhere" applies to
    that cell only (before, every cell of every table could be squeezed: "202|0", "Nă|m")."""
    base, sub, password = form_with_a_long_word
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    for path in (f"/bieu-mau/{sub.pk}/lich-su/", "/"):
        page.goto(base + path)
        assert broken_short_words(page) == [], path
