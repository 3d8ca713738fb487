"""Accounts: scrypt passwords, sessions that expire, roles checked on every call."""

from __future__ import annotations

import pytest

from assistant.errors import PermissionDenied
from knowledge_base.accounts import Sessions, hash_password, verify_password
from knowledge_base.store import Store
from tests.knowledge_base.test_cli import salus


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "kb.sqlite3")
    store.add_user("ana", "curator", hash_password("ana's long password"))
    store.add_user("eve", "evaluator", hash_password("eve's long password"))
    return store


def test_a_password_is_stored_salted_and_hashed_never_in_clear():
    one, two = hash_password("same password!"), hash_password("same password!")
    assert one != two and "same password" not in one
    assert one.startswith("scrypt$")
    assert verify_password("same password!", one) and verify_password("same password!", two)
    assert not verify_password("same password?", one)
    assert not verify_password("anything", None) and not verify_password("x", "garbage")


def test_login_opens_a_session_with_the_users_role(store):
    session = Sessions(store).login("ana", "ana's long password")
    assert (session.user, session.role) == ("ana", "curator")
    assert len(session.token) >= 40


@pytest.mark.parametrize(("user", "password"), [
    ("ana", "wrong password"), ("nobody", "ana's long password"), ("ana", "")])
def test_a_wrong_name_or_password_is_refused_alike(store, user, password):
    with pytest.raises(PermissionDenied, match="Wrong name or password"):
        Sessions(store).login(user, password)


def test_a_user_without_a_password_cannot_log_in(store):
    store.add_user("cli-only", "reviewer")
    with pytest.raises(PermissionDenied):
        Sessions(store).login("cli-only", "")


def test_each_call_checks_the_role(store):
    sessions = Sessions(store)
    eve = sessions.login("eve", "eve's long password")
    assert sessions.require(eve.token, ("evaluator",)).user == "eve"
    with pytest.raises(PermissionDenied, match="evaluator"):
        sessions.require(eve.token, ("curator", "reviewer"))
    with pytest.raises(PermissionDenied, match="Log in"):
        sessions.require(None, ("curator",))
    with pytest.raises(PermissionDenied, match="Log in"):
        sessions.require("forged-token", ("curator",))


def test_a_role_taken_away_takes_effect_at_once(store):
    sessions = Sessions(store)
    ana = sessions.login("ana", "ana's long password")
    store.add_user("ana", "evaluator")
    with pytest.raises(PermissionDenied):
        sessions.require(ana.token, ("curator",))


def test_sessions_expire_when_idle_and_after_their_lifetime(store):
    clock = Clock()
    sessions = Sessions(store, idle=60, lifetime=300, clock=clock)
    ana = sessions.login("ana", "ana's long password")
    for _ in range(4):  # used every 50 s: the idle limit never trips
        clock.now += 50
        sessions.require(ana.token, ("curator",))
    clock.now += 61
    with pytest.raises(PermissionDenied, match="expired"):
        sessions.require(ana.token, ("curator",))
    ana = sessions.login("ana", "ana's long password")
    for _ in range(5):  # 275 s of steady use: still within the 300 s lifetime
        clock.now += 55
        sessions.require(ana.token, ("curator",))
    clock.now += 55
    with pytest.raises(PermissionDenied, match="expired"):
        sessions.require(ana.token, ("curator",))


def test_logout_ends_the_session(store):
    sessions = Sessions(store)
    ana = sessions.login("ana", "ana's long password")
    sessions.logout(ana.token)
    with pytest.raises(PermissionDenied):
        sessions.require(ana.token, ("curator",))


def test_users_add_reads_a_password_and_refuses_a_short_one(tmp_path):
    home = tmp_path / "home"
    ok = salus(home, "users", "add", "rui", "--role", "reviewer", "--password-stdin",
               stdin="a long enough password\n")
    assert ok.returncode == 0, ok.stderr
    assert Sessions(Store(home / "kb.sqlite3")).login("rui", "a long enough password").role \
        == "reviewer"
    short = salus(home, "users", "add", "sam", "--role", "curator", "--password-stdin",
                  stdin="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
