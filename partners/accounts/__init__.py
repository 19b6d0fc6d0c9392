"""Accounts, memberships and roles, invitations, API tokens, sign-in rules."""
