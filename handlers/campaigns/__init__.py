"""Campaigns: the secretariat's campaign and round commands (admin.py), the reminder and notice views such
as /donvi and /tongquan (unit_views.py), and their entries in the command table (notices.py).

Texts: handlers/texts/reminders.py and handlers/texts/status.py."""
