"""The API token page and the API documentation in the browser: a token is created, shown once
and revoked; axe on the token page (empty, with the new token, with the list) and on the
documentation page, in Swedish and under /en/."""

import re

import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_token_page_create_show_once_revoke(page, login, axe, prefix):
    user = UserFactory(username="anna")
    MembershipFactory(user=user)
    login("anna", prefix=prefix)
    page.goto(f"{prefix}/")
    page.locator(".menu a[href$='/api-tokens/']").click()  # the link in the header
    expect(page).to_have_url(re.compile(f"{prefix}/api-tokens/$"))
    axe(page, f"api-tokens-empty{prefix.replace('/', '-')}")
    page.locator("#id_name").fill("Partnersystem")
    page.locator("#id_scopes_0").check()
    page.locator("form.narrow button[type=submit]").click()
    token_value = page.locator("#new-token").input_value()
    token = ApiToken.objects.get(user=user)
    assert token_value.startswith(token.prefix)
    axe(page, f"api-tokens-new{prefix.replace('/', '-')}")
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    page.locator("form.inline-form button.link-button", has_text="Partnersystem").click()
    token.refresh_from_db()
    assert token.revoked_at is not None
    axe(page, f"api-tokens-list{prefix.replace('/', '-')}")


def test_api_documentation_page(page, login, axe):
    # The documentation needs a login (any user): it describes the API, not the data.
    UserFactory(username="anna")
    login("anna")
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Följsam API")
    expect(page.get_by_text("/api/v1/projects/{project_id}/enrolments/").first).to_be_visible()
    axe(page, "api-docs")
