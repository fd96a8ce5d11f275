"""Benchmarks: ``make bench``. Each reports a measured figure next to the machine's limit measured in the same run."""
