import pytest

pytestmark = pytest.mark.django_db


def test_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_has_no_sign_up_link(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"/accounts/signup/" not in response.content


def test_sign_up_is_closed(client):
    response = client.get("/accounts/signup/")
    assert b'name="password1"' not in response.content


def test_wrong_credentials_say_so_on_the_form(client, referent_a):
    response = client.post("/accounts/login/", {"login": referent_a.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert b"form-errors" in response.content


def test_a_member_sees_the_dashboard_with_their_centre(client_of, referent_a, centre_a):
    response = client_of(referent_a).get("/")
    assert response.status_code == 200
    assert centre_a.name.encode() in response.content


def test_unknown_url_gets_the_platform_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content or b"Page introuvable" in response.content


def test_pages_are_never_cached(client):
    response = client.get("/accounts/login/")
    assert response["Cache-Control"] == "no-store"


def test_the_menu_offers_only_what_the_role_may_do(client_of, referent_a, readonly_a):
    """Read-only staff are not shown imports and exports they would be refused."""

    def menu(user):
        page = client_of(user).get("/").content.decode()
        nav = page[page.index('id="site-nav"') : page.index("</nav>", page.index('id="site-nav"'))]
        return nav

    assert "/data/imports/" in menu(referent_a) and "/data/exports/" in menu(referent_a)
    assert "/data/imports/" not in menu(readonly_a) and "/data/exports/" not in menu(readonly_a)
    assert "/mobilities/" in menu(readonly_a)
    assert client_of(readonly_a).get("/data/imports/").status_code == 403
