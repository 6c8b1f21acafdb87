"""Registration: the first-contact wizard that records who a user is (flow.py).

Texts: handlers/texts/registration.py."""
