"""The shared stores behind launch state and sessions (Redis or the database, as configured)."""

from __future__ import annotations

import threading
import time

from flask import Flask

from ctom_lti.lti.kv import Op, batch, submit
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.state_store import LoginState


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


def test_a_login_state_is_taken_by_exactly_one_of_many_racing_launches(app: Flask) -> None:
    states = get_runtime(app).states
    states.save_login(
        "s1",
        LoginState(nonce="n", issuer="i", client_id="c", deployment_id=None, created=time.time()),
    )
    # Ten launches posting the same state at the same moment: one wins.
    winners: list[LoginState] = []
    barrier = threading.Barrier(10)

    def take() -> None:
        barrier.wait()
        found = states.take_login("s1")
        if found is not None:
            winners.append(found)

    threads = [threading.Thread(target=take) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [w.nonce for w in winners] == ["n"]


def test_batches_keep_their_order_even_when_started_ahead(app: Flask) -> None:
    runtime = get_runtime(app)
    cache, sessions = runtime.cache, runtime.sessions
    first = submit([Op(cache, "put", "a", "1", 60), Op(sessions, "put", "b", "2", 60)])
    # A second batch before the first one's results were read must not mix up the replies.
    second = submit([Op(cache, "get", "a"), Op(sessions, "take", "b"), Op(cache, "get", "none")])
    assert second.results() == ["1", "2", None]
    assert first.results() == [None, None]
    assert batch([Op(sessions, "get", "b")]) == [None]
