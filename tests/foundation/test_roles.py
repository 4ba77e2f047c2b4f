import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from blinatrial import access


@pytest.mark.django_db
def test_the_four_roles_exist_as_groups_from_the_data_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(access.ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "sees", "does_not_see"),
    [
        ("coordinator", "Participants", {"Endpoints", "Audit trail", "Snapshots", "Locks"}),
        ("investigator", "Endpoints", {"Audit trail", "Snapshots", "Locks"}),
        ("data_manager", "Locks", set()),
        ("monitor", "Audit trail", {"Locks"}),
    ],
)
def test_each_role_gets_its_own_menu(request, fixture, sees, does_not_see):
    user = request.getfixturevalue(fixture)
    labels = {label for label, _ in access.menu_for(user)}
    assert sees in labels
    assert not labels & does_not_see


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fixture", ["coordinator_client", "investigator_client", "data_manager_client", "monitor_client"]
)
def test_home_page_names_the_users_role(request, fixture):
    client = request.getfixturevalue(fixture)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    user = response.context["user"]
    for role in access.user_roles(user):
        assert role in response.content.decode()


@pytest.mark.django_db
def test_a_user_without_role_is_told_so(client):
    from tests.factories.enrollment import UserFactory

    client.force_login(UserFactory(username="norole"))
    assert "has no trial role" in client.get(reverse("home")).content.decode()
