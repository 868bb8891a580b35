-- The span of data of didkpi its (interrupted time series, issue 11): the
-- months its series covers when --period is not given. Not a KPI: the
-- monthly values come from the KPI engine (kpi.sql). Cheap: min() and
-- max() over the time indexes of 001_initial.sql.

-- name: span
-- The local dates of the oldest and the newest record of the three log
-- relations (auth_events, service_requests, satisfaction), and today.
--   $1 text  the time zone the dates are local to
-- Columns: first, last (NULL when every relation is empty), today.
SELECT (least((SELECT min(occurred_at) FROM didkpi.auth_events),
	      (SELECT min(submitted_at) FROM didkpi.service_requests),
	      (SELECT min(answered_at) FROM didkpi.satisfaction)) AT TIME ZONE $1::text)::date,
       (greatest((SELECT max(occurred_at) FROM didkpi.auth_events),
		 (SELECT max(submitted_at) FROM didkpi.service_requests),
		 (SELECT max(answered_at) FROM didkpi.satisfaction)) AT TIME ZONE $1::text)::date,
       (transaction_timestamp() AT TIME ZONE $1::text)::date
