"""The database backend's health check: dropped connections are found without a query."""

import time

import pytest
from django.db import connection


def _last_query(pid: int) -> str:
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0]
    finally:
        other.close()


def _terminate(pid: int) -> None:
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept_and_checked_without_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'marker for the health check test'")
    pid = connection.connection.info.backend_pid

    assert connection.is_usable()
    assert connection.is_usable()

    assert connection.connection.info.backend_pid == pid
    assert _last_query(pid) == "SELECT 'marker for the health check test'"


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    _terminate(pid)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connection.is_usable()

    # What Django does before a request's first query when CONN_HEALTH_CHECKS is on.
    connection.health_check_enabled, connection.health_check_done = True, False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        new_pid = cursor.fetchone()[0]

    assert new_pid != pid


def test_the_site_uses_this_backend_with_health_checks_on():
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"] == "clinic_site.postgres"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
