"""The body one acts in (/coquan): someone with roles in several recognising bodies chooses where they work
now; their rights follow (flow.py). Texts: handlers/texts/acting.py."""
