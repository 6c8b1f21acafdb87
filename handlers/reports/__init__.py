"""Reports that assemble themselves: a body's yearly list and mid-year report filed to the province (/baocao),
the province overview (/tonghop), and the reminders to bodies that have not filed."""

from handlers.reports.builders import Overview, YearReport, build_overview, build_year_report

__all__ = ["Overview", "YearReport", "build_overview", "build_year_report"]
