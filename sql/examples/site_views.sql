-- Example: a site whose logs already live in its own tables maps them onto
-- the didkpi data contract (SPEC section 2) with views of the same names
-- and columns. Not run by didkpi: adapt the source table names and run it
-- with psql after `didkpi init`, as a user allowed to replace the tables.
--
-- Here the site's single sign-on log is ops.sso_log and its case system is
-- cases.case_header. didkpi only reads these relations for KPIs, charts
-- and reports; `didkpi load` needs real tables.

BEGIN;

-- Authentication events from the site's SSO log. user_key must be a
-- pseudonym, never a raw national ID: hash it in the view with a key the
-- database keeps (pgcrypto's hmac(), here with a key in a locked table).
DROP TABLE didkpi.auth_events CASCADE;
CREATE VIEW didkpi.auth_events AS
SELECT l.log_id::text                                    AS event_id,
       l.logged_at                                       AS occurred_at,
       encode(hmac(l.citizen_id, k.secret, 'sha256'), 'hex') AS user_key,
       CASE l.kind WHEN 'ENROL' THEN 'identification'
                   ELSE 'authentication' END             AS step,
       lower(l.provider)                                 AS method,
       CASE WHEN l.ok THEN 'success' ELSE 'failure' END  AS outcome,
       l.error_code                                      AS failure_reason,
       l.elapsed_ms                                      AS latency_ms,
       lower(l.channel)                                  AS channel,
       l.app_code                                        AS service_code
  FROM ops.sso_log l
 CROSS JOIN ops.pseudonym_key k;

-- Service requests from the case system.
DROP TABLE didkpi.service_requests CASCADE;
CREATE VIEW didkpi.service_requests AS
SELECT c.case_no                                         AS request_id,
       c.service_code,
       encode(hmac(c.citizen_id, k.secret, 'sha256'), 'hex') AS user_key,
       c.channel,
       c.entry_point = 'SW'                              AS via_single_window,
       c.auth_provider                                   AS auth_method,
       c.created_at                                      AS submitted_at,
       CASE WHEN c.state <> 'OPEN' THEN c.closed_at END  AS closed_at,
       CASE c.state WHEN 'OPEN' THEN 'pending'
                    WHEN 'DONE' THEN 'completed'
                    WHEN 'DENIED' THEN 'rejected'
                    ELSE 'cancelled' END                 AS status
  FROM cases.case_header c
 CROSS JOIN ops.pseudonym_key k;

-- The period queries need the timestamps indexed in the source tables:
--   CREATE INDEX ON ops.sso_log (logged_at);
--   CREATE INDEX ON cases.case_header (created_at);
--   CREATE INDEX ON cases.case_header (closed_at) WHERE state = 'DONE';

COMMIT;
