"""Results and analysis pages (published-table import, dashboard, charts) — second wave."""
