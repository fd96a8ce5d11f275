"""The pure rules of the OCDS import: what a file is, how messy values read, what gets reported."""
