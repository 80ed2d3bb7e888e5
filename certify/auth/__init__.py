"""Accounts, roles, login sessions and the ``role_required`` guard."""
