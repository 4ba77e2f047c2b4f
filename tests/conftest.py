"""Shared fixtures: one user per role on site 01, a second site, logged-in clients."""

import pytest

from blinatrial import access
from tests import database_roles
from tests.factories.enrollment import PASSWORD, SiteFactory, UserFactory
from tests.login import force_verified_login

pytest_plugins = ["tests.browser"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """The owner creates and migrates the test database; the tests then connect as the application role
    (tests/database_roles.py)."""
    with django_db_blocker.unblock():
        database_roles.prepare()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    database_roles.connect_as("app")
    database_roles.install_owner_flush()
    yield
    database_roles.uninstall_owner_flush()
    database_roles.connect_as("owner")  # the test database is dropped by its owner


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """Rows that data migrations create (roles, the data-version counter) and that a transactional
    test's flush removes: put them back before each test that uses the database."""
    if "django_db" not in {m.name for m in request.node.iter_markers()} and not any(
        f in request.fixturenames for f in ("db", "transactional_db", "live_server")
    ):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from django.contrib.auth.models import Group

    from integrity.models import DataVersion

    DataVersion.objects.get_or_create(pk=1, defaults={"version": 0})
    for role in access.ROLES:
        Group.objects.get_or_create(name=role)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )


@pytest.fixture(autouse=True)
def _empty_cache_for_each_test():
    """Rendered pages cached by one test (the casebook's content, the dashboard) are not served to the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that switched the language (translation.activate, a Chinese request) leaves none behind."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def site_a(db):
    return SiteFactory(code="01", name="Site A hospital")


@pytest.fixture
def site_b(db):
    return SiteFactory(code="02", name="Site B hospital")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def coordinator(site_a):
    return UserFactory(username="coord_a", role=access.COORDINATOR, sites=[site_a])


@pytest.fixture
def coordinator_b(site_b):
    return UserFactory(username="coord_b", role=access.COORDINATOR, sites=[site_b])


@pytest.fixture
def investigator(site_a):
    return UserFactory(username="inv_a", role=access.INVESTIGATOR, sites=[site_a])


@pytest.fixture
def data_manager(site_a):
    from enrollment.models import StaffProfile

    user = UserFactory(username="dm", role=access.DATA_MANAGER)
    StaffProfile.objects.create(user=user, all_sites=True)
    return user


@pytest.fixture
def monitor(site_a):
    return UserFactory(username="mon_a", role=access.MONITOR, sites=[site_a])


def _client_for(client_class, user):
    return force_verified_login(client_class(), user)


@pytest.fixture
def coordinator_client(coordinator):
    from django.test import Client

    return _client_for(Client, coordinator)


@pytest.fixture
def coordinator_b_client(coordinator_b):
    from django.test import Client

    return _client_for(Client, coordinator_b)


@pytest.fixture
def investigator_client(investigator):
    from django.test import Client

    return _client_for(Client, investigator)


@pytest.fixture
def data_manager_client(data_manager):
    from django.test import Client

    return _client_for(Client, data_manager)


@pytest.fixture
def monitor_client(monitor):
    from django.test import Client

    return _client_for(Client, monitor)
