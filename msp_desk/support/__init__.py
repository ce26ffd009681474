"""What support staff hand on about one order: its timeline and the support bundle (no Qt)."""
