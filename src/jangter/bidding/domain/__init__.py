"""Pure rules of a bid: what a valid bid holds and how its content is fixed by a hash."""
