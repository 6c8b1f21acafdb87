"""Identity: claiming a seeded person record by phone contact or invitation code (flow.py).

Texts: handlers/texts/identity.py."""
