"""Database-backed rate limits shared by every web process (see the rate limiting issue)."""
