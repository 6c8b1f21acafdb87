"""Review and council: intake, the council and its scoring, results and publishing, documents, the public
record, transfers and the duplicate review. commands.py routes the staff commands; store.py,
transfer_store.py and duplicate_store.py are the protocols storage implements for them.

Texts: handlers/texts/review.py, transfers.py and duplicates.py."""
