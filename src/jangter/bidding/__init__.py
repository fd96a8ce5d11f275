"""Bidding: sealed bids, receipts and the bid's journey to the opening."""
