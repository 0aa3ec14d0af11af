"""Who is acting, in which workspace, with which role: the scope every workspace-owned read and write takes.

Workspace data (campaigns, lists, notes, topic corrections) is only reached through core functions that
take an `Access`, so a page cannot forget the scoping: it has no SQL of its own. What an Access may change is
decided by core.workspace.authorize, from the stored membership, never from the role the Access claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["viewer", "editor", "admin"]
ROLE_RANK: dict[str, int] = {"viewer": 1, "editor": 2, "admin": 3}
LOCAL_WORKSPACE_ID = 1


class PermissionDenied(Exception):
    """The acting user's role in the workspace does not allow this action."""


@dataclass(frozen=True)
class Access:
    """A signed-in user (or 'local') acting in one workspace with one role."""

    user: str
    workspace_id: int
    role: Role

    def allows(self, role: Role) -> bool:
        """True if this access claims at least `role`: only for deciding which buttons a page shows.

        It trusts the claimed role, so it never guards a change; core functions call authorize() for that.
        """
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


LOCAL = Access(user="local", workspace_id=LOCAL_WORKSPACE_ID, role="admin")
# How screens name LOCAL's user: without sign-in, the one user is whoever runs the server.
LOCAL_USER_WORDS = "this server's operator (no sign-in)"
