"""Database-backed rate limits shared by every web process.

Why a table and not Redis or the cache: one PostgreSQL table gives every process (and every
server) the same exact counters with nothing else to run. A check is ONE statement
(`ratelimit.store.hit`)::

    INSERT INTO rate_limits (...) VALUES (..., 1, ...)
    ON CONFLICT (identifier, identifier_type, scope, window_start)
    DO UPDATE SET request_count = rate_limits.request_count + 1,
                  last_request = EXCLUDED.last_request
    RETURNING request_count

PostgreSQL serialises concurrent upserts on the same row, so with a limit of N exactly N callers
see a count <= N: no read-then-write, no Python locks, no lost increments.

Table design (`RateLimit`, table `rate_limits`):

- One row per (identifier, identifier_type, scope, window_start). `scope` names the quota
  (`api`, `login`, `share`, ...) and `window_start` is the start of a fixed window aligned to the
  Unix epoch, so daily windows start at 00:00 UTC, hourly ones on the hour, 15-minute ones on the
  quarter hour. This lets one table serve daily API quotas and short login windows alike.
- `reset_date` is the UTC date of `window_start`: the day the counter belongs to. The admin's
  "today" view and the purge command filter on it (indexed).
- `identifier_type` is `ip` (IPv4 address, or an IPv6 /64 network), `user` (a user's primary key)
  or `account` (a normalised email address posted to a login or reset form, whether or not an
  account exists, so the limit reveals nothing).
- The unique index leads with (identifier, identifier_type), so it also serves lookups by
  identifier; a separate index on those two columns would only cost writes.
- Neither `request_count` nor `last_request` is indexed, so every increment can be a HOT update,
  and the table keeps free space in each page (fillfactor 70) for those updates.
- Refused requests are counted too: the admin shows how hard someone is pushing.

Transactions: the counters use their own database alias (`RATELIMIT_DATABASE_ALIAS`, normally
`ratelimit`: the same database in autocommit, see `ratelimit_database()` in settings). A hit is
therefore committed at once: it is never undone when the request that made it fails (a 404 for a
guessed share token still counts) and its row lock is held for the statement only, not for the
whole request. Tests point the alias at `default` so each test's rows roll back with it.

The counters' connection is health-checked like every other (Django's `CONN_HEALTH_CHECKS`):
one that the database dropped between requests (a restart, a failover) is replaced before the
upsert goes out, and the upsert is never sent twice, so a hit is counted once (see `store`).

Where limits apply: `throttling.ApiThrottle` is DRF's default throttle (per IP when anonymous,
per user when signed in); `throttling.ShareLinkThrottle` adds the per-IP share-link quota;
`decorators.ratelimit` guards web forms (login, sign-up, password reset, invitations).
`middleware.RateLimitHeadersMiddleware` adds `RateLimit-*` and `Retry-After` headers. Health
probes carry no limiter and never touch the table.
"""
