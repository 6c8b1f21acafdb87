"""Submission: the initiative wizard, drafts and the duplicate warning at submit time (flow.py).

Texts: handlers/texts/submission.py and handlers/texts/duplicates.py."""
