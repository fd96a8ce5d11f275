"""The pure rules of open data: periods, buckets and what a statistics request may ask."""
