"""The shared stores behind launch state and sessions (Redis or the database, as configured)."""

from __future__ import annotations

import threading

from flask import Flask

from ctom_lti.lti.kv import Op, batch, submit
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.state_store import LaunchStateStore


def test_values_expire_and_takes_happen_once(app: Flask) -> None:
    store = get_runtime(app).cache
    store.put("k", "v", 60)
    assert store.get("k") == "v"
    assert store.take("k") == "v"
    assert store.take("k") is None
    assert store.get("k") is None
    store.put("gone", "v", 1)
    store.delete("gone")
    assert store.get("gone") is None


def test_a_login_state_is_spent_by_exactly_one_of_many_racing_launches(app: Flask) -> None:
    states = get_runtime(app).states
    issued = states.issue("i", "c", None, storage=False)
    assert states.verify(issued.state) is not None
    # Ten launches posting the same state at the same moment: one wins.
    winners: list[str] = []
    barrier = threading.Barrier(10)

    def use() -> None:
        barrier.wait()
        if batch([states.use_op(issued.state)])[0] is not None:
            winners.append(issued.state)

    threads = [threading.Thread(target=use) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert winners == [issued.state]


def test_login_states_are_signed_bound_and_short_lived(app: Flask) -> None:
    states = get_runtime(app).states
    issued = states.issue("https://canvas.example", "17", "1:abc", storage=True)
    login = states.verify(issued.state)
    assert login is not None and login.nonce == issued.nonce
    assert login.is_for("https://canvas.example", "17")
    assert not login.is_for("https://canvas.example", "18")
    assert not login.deployment_differs("1:abc") and login.deployment_differs("2:abc")
    assert issued.storage_secret is not None
    # Any change to the state, or a state from another key, is no state at all.
    created, rand, rest = issued.state.split(".", 2)
    for forged in (
        f"{created}.{rand[::-1]}.{rest}",
        format(int(created, 16) + 1, "x") + f".{rand}.{rest}",
        issued.state[:-1] + ("A" if issued.state[-1] != "A" else "B"),
        issued.state + "é",
        "",
        "....",
    ):
        assert states.verify(forged) is None, forged
    secret = str(app.config["SECRET_KEY"])
    other_key = LaunchStateStore(get_runtime(app).cache, "another-secret")
    assert other_key.verify(issued.state) is None
    assert LaunchStateStore(get_runtime(app).cache, secret).verify(issued.state) is not None
    expired = LaunchStateStore(get_runtime(app).cache, secret, ttl=-10)
    assert expired.verify(issued.state) is None


def test_batches_keep_their_order_even_when_started_ahead(app: Flask) -> None:
    runtime = get_runtime(app)
    cache, sessions = runtime.cache, runtime.sessions
    first = submit([Op(cache, "put", "a", "1", 60), Op(sessions, "put", "b", "2", 60)])
    # A second batch before the first one's results were read must not mix up the replies.
    second = submit([Op(cache, "get", "a"), Op(sessions, "take", "b"), Op(cache, "get", "none")])
    assert second.results() == ["1", "2", None]
    assert first.results() == [None, None]
    assert batch([Op(sessions, "get", "b")]) == [None]
