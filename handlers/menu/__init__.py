"""The numbered main menu each role sees (flow.py).

Texts: handlers/texts/common.py and the feature catalogues it links to."""
