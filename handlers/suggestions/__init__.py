"""Suggestions: the anonymous suggestion box, its desk, public bank, sealing and reminders (flow.py is the entry).
store.py is the protocol storage implements for it.

Texts: handlers/texts/suggestion.py."""
