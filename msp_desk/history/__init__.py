"""What was sent from this machine, so support staff can find it again; never card data."""
