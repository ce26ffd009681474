"""MultiSafepay JSON API client: typed requests, answers and errors, no Qt."""
