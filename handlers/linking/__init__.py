"""Linking: /lienket joins one person's channel accounts by a one-time code (flow.py).

Texts: handlers/texts/linking.py."""
