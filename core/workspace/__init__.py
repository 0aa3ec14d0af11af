"""Who may act where: workspaces, their members and roles, the authorization check and the audit log."""
