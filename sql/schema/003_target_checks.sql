-- Schema version 3: targets that make sense (issue 10, item 19), so a row
-- written by psql cannot slip past what `didkpi load` checks: the KPI is
-- one of SPEC section 4 (the names of lib/kpi_def.c), a target is at
-- least 0, a rate's target a fraction (at most 1), the mean score's target
-- a score from 1 to 5. A new KPI needs a new migration replacing
-- kpi_targets_kpi (tests/unit/test_valid.c checks this list against
-- kpi_defs). Applied by `didkpi init`; refuses to upgrade, naming the rows,
-- while stored targets break the rules. Parameters: none.

DO $$
DECLARE
	bad text;
BEGIN
	SELECT pg_catalog.string_agg(pg_catalog.format('(%L, %s, %s)', kpi, valid_from, target),
	                             ', ' ORDER BY kpi, valid_from)
	  INTO bad
	  FROM didkpi.kpi_targets
	 WHERE NOT (kpi IN ('requests', 'active_users', 'digital_id_enrolments',
	                    'digital_id_enrolment_rate', 'satisfaction_mean', 'satisfaction_csat',
	                    'service_time_median_hours', 'service_time_p90_hours',
	                    'digital_channel_rate', 'digital_id_use_rate', 'repeat_use_rate',
	                    'single_window_rate', 'completion_rate', 'auth_success_rate',
	                    'identification_success_rate', 'auth_latency_median_ms',
	                    'eservice_digital_id_coverage', 'staff_training_coverage')
	            AND target >= 0
	            AND (target <= 1 OR kpi NOT IN ('digital_id_enrolment_rate', 'satisfaction_csat',
	                    'digital_channel_rate', 'digital_id_use_rate', 'repeat_use_rate',
	                    'single_window_rate', 'completion_rate', 'auth_success_rate',
	                    'identification_success_rate', 'eservice_digital_id_coverage',
	                    'staff_training_coverage'))
	            AND (target BETWEEN 1 AND 5 OR kpi <> 'satisfaction_mean'));
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'didkpi.kpi_targets has targets that break the checks of schema version 3'
			USING ERRCODE = 'check_violation',
			      DETAIL = 'rows (kpi, valid_from, target): ' || bad ||
			               '; a KPI must be known, a target >= 0, a rate''s target <= 1, '
			               'the mean score''s from 1 to 5: fix or delete them, then run didkpi init again';
	END IF;
END
$$;

-- Dropped first, so that re-applying this version (after a failed or
-- hand-undone upgrade) cannot fail on a constraint that already exists.
ALTER TABLE didkpi.kpi_targets
	DROP CONSTRAINT IF EXISTS kpi_targets_kpi,
	DROP CONSTRAINT IF EXISTS kpi_targets_target_min,
	DROP CONSTRAINT IF EXISTS kpi_targets_rate_max,
	DROP CONSTRAINT IF EXISTS kpi_targets_score_range,
	ADD CONSTRAINT kpi_targets_kpi CHECK (kpi IN ('requests', 'active_users',
		'digital_id_enrolments', 'digital_id_enrolment_rate', 'satisfaction_mean',
		'satisfaction_csat', 'service_time_median_hours', 'service_time_p90_hours',
		'digital_channel_rate', 'digital_id_use_rate', 'repeat_use_rate',
		'single_window_rate', 'completion_rate', 'auth_success_rate',
		'identification_success_rate', 'auth_latency_median_ms',
		'eservice_digital_id_coverage', 'staff_training_coverage')),
	ADD CONSTRAINT kpi_targets_target_min CHECK (target >= 0),
	ADD CONSTRAINT kpi_targets_rate_max CHECK (target <= 1 OR kpi NOT IN (
		'digital_id_enrolment_rate', 'satisfaction_csat', 'digital_channel_rate',
		'digital_id_use_rate', 'repeat_use_rate', 'single_window_rate', 'completion_rate',
		'auth_success_rate', 'identification_success_rate', 'eservice_digital_id_coverage',
		'staff_training_coverage')),
	ADD CONSTRAINT kpi_targets_score_range CHECK (target BETWEEN 1 AND 5
		OR kpi <> 'satisfaction_mean');
