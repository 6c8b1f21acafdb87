"""Intake that never loses what a user sent: events are stored before the platform is told they arrived,
handled in order per sender, and every reply is committed with the event's effect and sent from an outbox."""
