"""The pages of accounts: team, invitations, account settings."""
