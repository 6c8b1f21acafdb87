"""My initiatives: the list with statuses, one initiative in full, withdrawal, drafts (flow.py).

Texts: handlers/texts/mine.py."""
