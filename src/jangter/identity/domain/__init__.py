"""Pure identity rules: registration numbers, roles and who may act for whom."""
