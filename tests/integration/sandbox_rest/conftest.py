"""Shared arrangements for the sandbox REST contract tests."""

from __future__ import annotations

from typing import Any

import pytest
from canvasapi import Canvas
from canvasapi.account import Account
from canvasapi.course import Course

from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import User


@pytest.fixture
def account(canvas: Canvas, sandbox: SandboxServer) -> Account:
    return canvas.get_account(sandbox.store.root_account_id)


@pytest.fixture
def course(account: Account) -> Course:
    """An unpublished course created through the API, as sync creates one."""
    return account.create_course(
        course={"name": "Cohort 2025 Spring", "sis_course_id": "COHORT-2025"}
    )


def add_students(sandbox: SandboxServer, course_id: int, count: int) -> list[User]:
    """Students enrolled (active) straight into the store: arrangement, not the API under test."""
    students = []
    for n in range(1, count + 1):
        user = sandbox.store.add_user(f"Student {n:03d}", f"student{n:03d}@district.example.org")
        sandbox.store.enroll(user.id, course_id, "StudentEnrollment")
        students.append(user)
    return students


def keys(obj: Any) -> set[str]:
    """The JSON attribute names canvasapi set on an object."""
    return {k for k in vars(obj) if not k.startswith("_") and not k.endswith("_date")}
