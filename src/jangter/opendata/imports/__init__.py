"""Import of OCDS from other countries' systems into a read-only "external processes" area (issue #10 point 4)."""
