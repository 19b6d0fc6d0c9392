import pytest

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_a_referent(
    client_of, referent_a, learner, mobility, group, project, agreement
):
    client = client_of(referent_a)
    doc = None
    urls = [
        "/",
        "/learners/",
        "/learners/new/",
        f"/learners/{learner.pk}/",
        f"/learners/{learner.pk}/edit/",
        f"/learners/{learner.pk}/consent/",
        "/mobilities/",
        "/mobilities/new/",
        f"/mobilities/{mobility.pk}/",
        f"/mobilities/{mobility.pk}/edit/",
        f"/mobilities/{mobility.pk}/agreement/",
        f"/agreements/{agreement.pk}/",
        "/timeline/",
        "/groups/",
        "/groups/new/",
        f"/groups/{group.pk}/",
        f"/groups/{group.pk}/edit/",
        f"/groups/{group.pk}/members/",
        "/projects/",
        "/projects/new/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        f"/contacts/options/?host_organisation={mobility.host_organisation_id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert doc is None


@pytest.mark.parametrize(
    ("list_url", "create_url"),
    [
        ("/learners/", "mobility:learner-create"),
        ("/mobilities/", "mobility:mobility-create"),
        ("/groups/", "mobility:group-create"),
        ("/calls/", "mobility:call-create"),
    ],
)
def test_a_list_offers_its_new_button_to_who_may_create_only(
    client_of, referent_a, readonly_a, list_url, create_url
):
    """The "New …" button follows the request's access: shown to a referent, not to read-only staff."""
    from django.urls import reverse

    link = f'href="{reverse(create_url)}"'
    assert link in client_of(referent_a).get(list_url).content.decode()
    assert link not in client_of(readonly_a).get(list_url).content.decode()
