"""Route guards. Every route that needs a login or a role says so with one of these."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from certify.auth.models import Role
from certify.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role | str) -> Callable[[F], F]:
    """Allow the route only to logged-in users holding at least one of ``roles``.

    Anonymous visitors are sent to the login page (JSON requests get 401); logged-in users without
    the role get 403. The roles are kept on the view as ``view.required_roles`` so that tests can
    read every route's rule from ``app.url_map``.
    """
    wanted = frozenset(Role(r) for r in roles)
    if not wanted:
        raise ValueError("role_required needs at least one role")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*wanted):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = wanted  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def login_required(view: F) -> F:
    """Allow the route to any logged-in user (any role)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.required_roles = frozenset(Role)  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]
