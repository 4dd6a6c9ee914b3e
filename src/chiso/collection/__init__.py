"""Data collection and approval: rounds, per-agency forms, values, evidence, workflow."""
