"""The law as versioned data: rule sets by track and effective date (DESIGN §4 "Rule sets")."""
