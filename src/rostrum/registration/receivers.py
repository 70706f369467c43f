"""Registration's reactions to lower apps' signals (memberships, accounts)."""
