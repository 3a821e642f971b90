"""A signed-in user refused child-level data leaves a warning in the `portal.security` log (the access log
records only what was seen), so probing for other teams' children is traceable."""

import logging

from tests.people.helpers import login


def refusals(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "portal.security"]


def test_another_teams_child_is_logged_as_a_refusal(client, personas, caplog):
    login(client, personas["manager_a1"])
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert client.get("/children/CH-B/").status_code == 404
        assert client.get("/children/CH-A/").status_code == 200
    (message,) = refusals(caplog)
    assert "status=404" in message and "path='/children/CH-B/'" in message
    assert f"user={personas['manager_a1'].username!r}" in message


def test_a_role_without_child_level_access_is_logged(client, personas, caplog):
    login(client, personas["viewer"])
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert client.get("/children/").status_code == 403
        assert client.get("/api/children/CH-A/").status_code == 403
    messages = refusals(caplog)
    assert len(messages) == 2 and all("status=403" in m for m in messages)
    assert "path='/api/children/CH-A/'" in messages[1]


def test_api_not_found_is_logged(client, personas, caplog):
    login(client, personas["manager_a1"])
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert client.get("/api/children/CH-B/").status_code == 404
        assert client.get("/api/children/CH-A/").status_code == 200
    (message,) = refusals(caplog)
    assert "status=404" in message and "path='/api/children/CH-B/'" in message


def test_anonymous_requests_are_sent_to_sign_in_not_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert client.get("/children/").status_code == 302
    assert refusals(caplog) == []
