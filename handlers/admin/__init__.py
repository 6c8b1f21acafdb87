"""The admin feature: granting and revoking roles (flow.py).

Texts: handlers/texts/admin.py (the catalogue keeps every string in handlers/texts/)."""
