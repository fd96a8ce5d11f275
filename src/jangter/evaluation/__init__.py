"""Evaluation: the reserve-price draw, the award floor, ranking, award and failed bids."""
