"""Tendering: bid notices, amendments, cancellations, re-announcements and the timetable rules."""
