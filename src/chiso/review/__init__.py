"""The one review workflow of chiso: submit → approve / return with evidence, audited, versioned and
locked — used by collection (forms), program (progress reports) and assessment (self-assessment)."""
