-- The bare SQL an analyst would write for the KPI totals of one period
-- (SPEC section 4, 'all' rows only), for bench/kpi.sh to time against
-- `didkpi kpi --period ...`. psql variables: s, e (the period's bounds as
-- timestamptz text), d (its exclusive end date).

-- requests, active users, channel/method/single-window/completion rates
SELECT count(*) AS requests,
       count(DISTINCT r.user_key) AS active_users,
       avg((c.is_digital)::int) AS digital_channel_rate,
       avg((coalesce(m.is_digital_id, false))::int) FILTER (WHERE c.is_digital) AS digital_id_use_rate,
       avg(r.via_single_window::int) AS single_window_rate,
       avg((r.status = 'completed')::int) AS completion_rate
  FROM didkpi.service_requests r
  JOIN didkpi.channels c USING (channel)
  LEFT JOIN didkpi.auth_methods m ON m.method = r.auth_method
 WHERE r.submitted_at >= :'s' AND r.submitted_at < :'e';

-- repeat use
SELECT avg((n >= 2)::int) AS repeat_use_rate
  FROM (SELECT r.user_key, count(*) AS n
          FROM didkpi.service_requests r JOIN didkpi.channels c USING (channel)
         WHERE c.is_digital AND r.user_key IS NOT NULL
           AND r.submitted_at >= :'s' AND r.submitted_at < :'e'
         GROUP BY r.user_key) x;

-- enrolment rate: active users identified before the end
SELECT avg((EXISTS (SELECT 1 FROM didkpi.auth_events e
                     WHERE e.user_key = a.user_key AND e.step = 'identification'
                       AND e.outcome = 'success' AND e.occurred_at < :'e'))::int)
       AS digital_id_enrolment_rate
  FROM (SELECT DISTINCT user_key FROM didkpi.service_requests
         WHERE user_key IS NOT NULL AND submitted_at >= :'s' AND submitted_at < :'e') a;

-- service time
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - submitted_at) / 3600),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - submitted_at) / 3600)
  FROM didkpi.service_requests
 WHERE status = 'completed' AND closed_at >= :'s' AND closed_at < :'e';

-- satisfaction
SELECT avg(score), avg((score >= 4)::int)
  FROM didkpi.satisfaction WHERE answered_at >= :'s' AND answered_at < :'e';

-- authentication
SELECT avg((outcome = 'success')::int) FILTER (WHERE step = 'authentication'),
       avg((outcome = 'success')::int) FILTER (WHERE step = 'identification'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)
         FILTER (WHERE step = 'authentication' AND outcome = 'success')
  FROM didkpi.auth_events WHERE occurred_at >= :'s' AND occurred_at < :'e';

-- enrolments: first successful identification in the period
SELECT count(*)
  FROM (SELECT user_key, min(occurred_at) AS first
          FROM didkpi.auth_events
         WHERE step = 'identification' AND outcome = 'success' AND user_key IS NOT NULL
         GROUP BY user_key) f
 WHERE first >= :'s' AND first < :'e';

-- coverage and training
SELECT avg((digital_id_since < :'d')::int) FROM didkpi.services WHERE is_eservice;
SELECT avg((trained_on < :'d')::int) FROM didkpi.staff WHERE is_frontline;
