"""The shipped wording of the internal ranking's documents (decision.txt, scorecards.txt, scorecard.txt):
the templates a department starts from (docs/reports.md: Mẫu văn bản)."""
