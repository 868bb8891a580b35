-- Queries of `didkpi demo` (SPEC section 9): a synthetic Department of Skill
-- Development (กรมพัฒนาฝีมือแรงงาน) with staggered Digital ID adoption.
--
-- Everything runs in one transaction, in the order of the sections below.
-- Only the `params` section takes parameters ($1 scale, $2 seed, $3 last
-- month of history); it stores them in pg_temp.demo_param, which every later
-- section reads, so the other sections are parameterless.
--
-- The data are generated on the server, set-wise (generate_series and
-- INSERT ... SELECT). Pseudo-random numbers never come from random(): each is
-- pg_temp.demo_u(key, salt), a hash of a row's own number and a salt, so the
-- data depend only on the parameters, never on the plan, the row order or
-- parallel workers. A key is the row's number times a small power of two
-- plus the decision it is drawn for; each section's salts are hashes of the
-- seed (hashint8extended(100 * section + stream, seed)).
--
-- Model, per service s and day t, with D the adoption date of s and
-- r(t) = 1 - 0.7 exp(-(t - D) / 50 days) for t >= D (0 before):
--   requests      weight(s) x growth (+25 %/year) x season(month) x (1 + 0.2 r);
--                 counters open on weekdays that are not public holidays
--   digital share phi0(s) + 3 %/year, rising by r to phi1(s)
--   ThaiD share   0.80 (1 - exp(-(t - D) / 90 days)) of web/app log-ins
--   service time  lognormal, median 120 h x tf(s) before, 42 h x tf(s) after
--   completion    80 % before, 92 % after
--   satisfaction  a third of completed requests answered; mean 3.5 -> 4.3
-- and about 5 authentication events per request (the request's own log-in,
-- later log-ins to follow it up, failed attempts, first identifications).
-- Each section says how it is called: a query (db_query, one statement) or a
-- script (db_script, several).

-- name: setup
-- A script: session settings for the bulk load, the hash helpers and the
-- scratch tables (all gone at commit). Parameters: none.
SET LOCAL work_mem = '256MB';
SET LOCAL maintenance_work_mem = '1GB';
SET LOCAL synchronous_commit = off;

-- A uniform number in (0, 1) from a 64-bit hash of key and salt (53 bits
-- of it). hashint8extended folds the key's high half into the low one, so
-- the high half also goes into the salt: keys above 2^32 do not collide.
CREATE FUNCTION pg_temp.demo_u(k bigint, salt bigint) RETURNS double precision
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT ((pg_catalog.hashint8extended(k, salt # (k >> 32)) & 9007199254740991)::float8
	              + 0.5) / 9007199254740992.0 $$;

-- A standard normal number (Box-Muller) from two such uniforms.
CREATE FUNCTION pg_temp.demo_z(k bigint, salt bigint) RETURNS double precision
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT sqrt(-2.0 * ln(pg_temp.demo_u(k, salt)))
	             * cos(2.0 * pi() * pg_temp.demo_u(k, salt # 6148914691236517205)) $$;

CREATE TEMP TABLE demo_param (
	scale     double precision NOT NULL,
	seed      bigint NOT NULL,
	requests  double precision NOT NULL, -- expected service requests
	citizens  double precision NOT NULL, -- pool of citizens' user keys
	employers double precision NOT NULL, -- pool of employers' user keys
	start_ts  timestamptz NOT NULL,      -- history is [start_ts, end_ts)
	end_ts    timestamptz NOT NULL,
	first_day date NOT NULL,             -- local dates of the history
	last_day  date NOT NULL
) ON COMMIT DROP;

-- Per authentication method: failure probability per attempt, latency
-- (lognormal median and sigma, ms), the three failure reasons of an
-- authentication with cumulative probabilities, and for identification the
-- median latency and the cumulative probabilities of face_mismatch,
-- card_expired (then timeout).
CREATE TEMP TABLE demo_method ON COMMIT DROP AS
SELECT method, p_fail::float8, latency_ms::float8, sigma::float8, reason1, cum1::float8,
       reason2, cum2::float8, reason3, ident_latency_ms::float8, ident_cum_face::float8,
       ident_cum_card::float8
  FROM (VALUES
	('password',    0.070, 380.0,   0.45, 'wrong_password', 0.75, 'timeout',   0.85, 'network_error', 0.0,     0.00, 0.00),
	('otp',         0.060, 24000.0, 0.55, 'otp_expired',    0.55, 'timeout',   0.75, 'network_error', 0.0,     0.00, 0.00),
	('thaid',       0.030, 9000.0,  0.50, 'timeout',        0.45, 'user_cancelled', 0.75, 'network_error', 45000.0, 0.60, 0.70),
	('chip_card',   0.040, 1800.0,  0.35, 'card_read_error', 0.50, 'card_expired', 0.80, 'timeout',   20000.0, 0.30, 0.80),
	('face',        0.060, 2600.0,  0.40, 'face_mismatch',  0.60, 'liveness_failed', 0.80, 'timeout', 15000.0, 0.70, 0.70),
	('fingerprint', 0.050, 1400.0,  0.35, 'fingerprint_mismatch', 0.70, 'timeout', 0.85, 'network_error', 15000.0, 0.70, 0.70),
	('iris',        0.050, 2000.0,  0.35, 'iris_mismatch',  0.70, 'timeout',   0.85, 'network_error', 15000.0, 0.70, 0.70)
) AS m (method, p_fail, latency_ms, sigma, reason1, cum1, reason2, cum2, reason3,
	ident_latency_ms, ident_cum_face, ident_cum_card);

-- name: lock
-- No one else reads or writes the tables the demo replaces until it commits.
-- Parameters: none.
LOCK TABLE didkpi.services, didkpi.staff, didkpi.service_requests,
	didkpi.auth_events, didkpi.satisfaction, didkpi.channel_costs IN ACCESS EXCLUSIVE MODE;

-- name: existing
-- Which of the tables the demo replaces hold rows ('' when none do), so that
-- it can refuse to delete them without --replace. Parameters: none.
SELECT pg_catalog.array_to_string(ARRAY[
	CASE WHEN EXISTS (SELECT FROM didkpi.services) THEN 'services' END,
	CASE WHEN EXISTS (SELECT FROM didkpi.staff) THEN 'staff' END,
	CASE WHEN EXISTS (SELECT FROM didkpi.service_requests) THEN 'service_requests' END,
	CASE WHEN EXISTS (SELECT FROM didkpi.auth_events) THEN 'auth_events' END,
	CASE WHEN EXISTS (SELECT FROM didkpi.satisfaction) THEN 'satisfaction' END,
	CASE WHEN EXISTS (SELECT FROM didkpi.channel_costs) THEN 'channel_costs' END
], ', ');

-- name: params
-- The run's parameters. $1: scale (a positive real: volumes are linear in
-- it); $2: seed (bigint); $3: the last month of history, 'YYYY-MM'.
-- History runs from 2023-04-01 (local time) to the end of that month, or to
-- now if that is earlier. Returns the local times of its first and last
-- minutes.
INSERT INTO pg_temp.demo_param
SELECT x.scale, x.seed, 40000 * x.scale, 16000 * x.scale, 1000 * x.scale,
       x.start_ts, x.end_ts, date '2023-04-01',
       ((x.end_ts - interval '1 microsecond') AT TIME ZONE 'Asia/Bangkok')::date
  FROM (SELECT $1::float8 AS scale, $2::bigint AS seed,
               timestamp '2023-04-01' AT TIME ZONE 'Asia/Bangkok' AS start_ts,
               least(now(), (pg_catalog.to_date($3::text, 'YYYY-MM') + interval '1 month')
                            AT TIME ZONE 'Asia/Bangkok') AS end_ts) x
RETURNING pg_catalog.to_char(start_ts AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM-DD HH24:MI'),
          pg_catalog.to_char((end_ts - interval '1 microsecond') AT TIME ZONE 'Asia/Bangkok',
                             'YYYY-MM-DD HH24:MI');

-- name: truncate
-- Delete the data the demo replaces; the reference tables (channels,
-- auth_methods) are kept, and kpi_targets is rewritten by `targets`. Parameters: none.
TRUNCATE didkpi.satisfaction, didkpi.auth_events, didkpi.service_requests,
	didkpi.staff, didkpi.services, didkpi.channel_costs;

-- name: drop_keys
-- Bulk loading into tables without indexes and foreign keys, then building
-- them once, is several times faster than maintaining them row by row.
-- A script: save the definitions of the keys, indexes and foreign keys of
-- the three log tables, then drop them; restore_keys puts them back as they
-- were. Parameters: none.
CREATE TEMP TABLE demo_ddl ON COMMIT DROP AS
SELECT c.conrelid::regclass::text AS tab, c.conname::text AS name,
       pg_catalog.pg_get_constraintdef(c.oid) AS def,
       CASE c.contype WHEN 'f' THEN 3 ELSE 1 END AS ord, 'constraint' AS kind
  FROM pg_catalog.pg_constraint c
 WHERE c.conrelid IN ('didkpi.auth_events'::regclass, 'didkpi.service_requests'::regclass,
                      'didkpi.satisfaction'::regclass)
   AND c.contype IN ('p', 'u', 'f')
UNION ALL
SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
       pg_catalog.pg_get_indexdef(i.indexrelid), 2, 'index'
  FROM pg_catalog.pg_index i
 WHERE i.indrelid IN ('didkpi.auth_events'::regclass, 'didkpi.service_requests'::regclass,
                      'didkpi.satisfaction'::regclass)
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c
                    WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid);

DO $$
DECLARE
	d record;
BEGIN
	FOR d IN SELECT * FROM pg_temp.demo_ddl ORDER BY ord DESC, tab, name LOOP
		IF d.kind = 'index' THEN
			EXECUTE pg_catalog.format('DROP INDEX %s', d.name);
		ELSE
			EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', d.tab, d.name);
		END IF;
	END LOOP;
END
$$;

-- name: services
-- The 20 services with their model parameters: weight (share of
-- requests), phi0/phi1 (digital share before/after adoption), tf (service
-- time factor), follow (mean later log-ins per web/mobile request),
-- employer (used by employers, who come back often). An adoption date after
-- the end of history is not yet an adoption. A script. Parameters: none.
CREATE TEMP TABLE demo_service ON COMMIT DROP AS
SELECT v.ord, v.code AS service_code, v.name_th, v.name_en, v.unit AS owner_unit,
       v.eservice AS is_eservice,
       CASE WHEN v.since::date <= p.last_day THEN v.since::date END AS since,
       v.weight::float8, v.phi0::float8, v.phi1::float8, v.tf::float8, v.follow::float8,
       v.employer
  FROM pg_temp.demo_param p,
       (VALUES
	(1, 'dsd_account', 'สมัครสมาชิกระบบบริการอิเล็กทรอนิกส์ กพร.', 'DSD e-service account registration',
	 'ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร', true, '2023-10-02', 5.0, 0.55, 0.92, 0.05, 2.4, false),
	(2, 'online_training', 'ฝึกอบรมออนไลน์ (DSD e-Learning)', 'Online training (DSD e-Learning)',
	 'สถาบันพัฒนาฝีมือแรงงาน', true, '2023-10-16', 7.0, 0.70, 0.95, 0.30, 16.8, false),
	(3, 'upskill_training', 'ฝึกอบรมยกระดับฝีมือแรงงาน', 'Upskill training',
	 'สถาบันพัฒนาฝีมือแรงงาน', true, '2023-11-13', 14.0, 0.30, 0.78, 1.00, 6.0, false),
	(4, 'skill_test', 'ทดสอบมาตรฐานฝีมือแรงงานแห่งชาติ', 'National skill standard testing',
	 'สำนักพัฒนามาตรฐานและทดสอบฝีมือแรงงาน', true, '2023-12-04', 12.0, 0.25, 0.75, 1.40, 4.8, false),
	(5, 'pre_employment_training', 'ฝึกเตรียมเข้าทำงาน', 'Pre-employment training',
	 'สถาบันพัฒนาฝีมือแรงงาน', true, '2024-01-15', 8.0, 0.25, 0.72, 1.00, 6.0, false),
	(6, 'fund_loan', 'กู้ยืมเงินกองทุนพัฒนาฝีมือแรงงาน', 'Skill development fund loan',
	 'สำนักงานกองทุนพัฒนาฝีมือแรงงาน', true, '2024-02-01', 2.5, 0.20, 0.70, 2.50, 4.8, false),
	(7, 'competency_certificate', 'หนังสือรับรองความรู้ความสามารถ', 'Certificate of knowledge and competence',
	 'กองรับรองความรู้ความสามารถ', true, '2024-03-11', 6.0, 0.30, 0.80, 1.20, 3.6, false),
	(8, 'fund_contribution', 'ยื่นแบบและนำส่งเงินสมทบกองทุนพัฒนาฝีมือแรงงาน', 'Employer contributions to the skill development fund',
	 'สำนักงานกองทุนพัฒนาฝีมือแรงงาน', true, '2024-05-02', 4.0, 0.45, 0.90, 0.60, 3.6, true),
	(9, 'reskill_training', 'ฝึกอบรมเสริมทักษะ (Reskill)', 'Reskill training',
	 'สถาบันพัฒนาฝีมือแรงงาน', true, '2024-06-03', 6.0, 0.30, 0.78, 1.00, 6.0, false),
	(10, 'employer_course_certification', 'การรับรองหลักสูตรของสถานประกอบกิจการ', 'Certification of employers'' training courses',
	 'กองส่งเสริมการพัฒนาฝีมือแรงงาน', true, '2024-07-01', 3.0, 0.40, 0.85, 1.50, 3.6, true),
	(11, 'skill_test_certificate', 'ขอหนังสือรับรองผลการทดสอบมาตรฐานฝีมือแรงงาน', 'Skill test result certificate',
	 'สำนักพัฒนามาตรฐานและทดสอบฝีมือแรงงาน', true, '2024-08-05', 4.0, 0.30, 0.80, 0.80, 2.4, false),
	(12, 'competency_renewal', 'ต่ออายุหนังสือรับรองความรู้ความสามารถ', 'Renewal of a certificate of competence',
	 'กองรับรองความรู้ความสามารถ', true, '2024-10-01', 3.0, 0.35, 0.85, 0.80, 2.4, false),
	(13, 'controlled_occupation_assessment', 'ประเมินความรู้ความสามารถสาขาอาชีพควบคุม', 'Assessment for controlled occupations',
	 'กองรับรองความรู้ความสามารถ', true, '2025-01-06', 3.0, 0.25, 0.70, 1.50, 3.6, false),
	(14, 'skill_test_assessor', 'ขึ้นทะเบียนผู้ทดสอบฝีมือแรงงาน', 'Skill test assessor registration',
	 'สำนักพัฒนามาตรฐานและทดสอบฝีมือแรงงาน', true, '2025-02-03', 1.5, 0.30, 0.75, 1.50, 2.4, false),
	(15, 'tax_benefit', 'สิทธิประโยชน์ทางภาษีสำหรับค่าใช้จ่ายในการฝึกอบรม', 'Tax benefits for employee training costs',
	 'กองส่งเสริมการพัฒนาฝีมือแรงงาน', true, '2025-03-03', 2.0, 0.40, 0.85, 2.00, 3.6, true),
	(16, 'test_center_accreditation', 'การรับรองศูนย์ทดสอบฝีมือแรงงาน', 'Accreditation of skill test centres',
	 'สำนักพัฒนามาตรฐานและทดสอบฝีมือแรงงาน', true, '2025-05-06', 0.8, 0.20, 0.70, 3.00, 3.6, true),
	(17, 'employer_training_report', 'แจ้งผลการพัฒนาฝีมือแรงงานของสถานประกอบกิจการ', 'Employers'' skill development reports',
	 'กองส่งเสริมการพัฒนาฝีมือแรงงาน', true, '2025-06-02', 2.0, 0.45, 0.90, 0.50, 2.4, true),
	(18, 'training_provider', 'การรับรองเป็นผู้ดำเนินการฝึกอบรม', 'Accreditation as a training provider',
	 'กองส่งเสริมการพัฒนาฝีมือแรงงาน', true, '2025-08-04', 1.0, 0.30, 0.80, 2.00, 3.6, true),
	-- An e-service that has not adopted Digital ID, and a counter-only service.
	(19, 'fund_loan_repayment', 'ชำระหนี้เงินกู้กองทุนพัฒนาฝีมือแรงงาน', 'Skill development fund loan repayment',
	 'สำนักงานกองทุนพัฒนาฝีมือแรงงาน', true, NULL, 1.5, 0.40, 0.40, 0.30, 2.4, false),
	(20, 'career_counselling', 'แนะแนวอาชีพและการฝึกอบรม', 'Career and training counselling',
	 'สถาบันพัฒนาฝีมือแรงงาน', false, NULL, 2.0, 0.00, 0.00, 0.02, 0.0, false)
       ) AS v (ord, code, name_th, name_en, unit, eservice, since, weight, phi0, phi1, tf, follow, employer);

-- The planner needs to know that these tables are tiny.
ANALYZE pg_temp.demo_param, pg_temp.demo_service, pg_temp.demo_method;

-- name: services_insert
-- Parameters: none.
INSERT INTO didkpi.services (service_code, name_th, name_en, owner_unit, is_eservice,
                             digital_id_since)
SELECT service_code, name_th, name_en, owner_unit, is_eservice, since
  FROM pg_temp.demo_service
 ORDER BY ord;

-- name: staff
-- About 150 x max(1, sqrt(scale)) staff over the services' units, 70 %
-- front-line, 88 % trained at some time in FY2567-FY2568 (none after the
-- end of history). Parameters: none.
INSERT INTO didkpi.staff (staff_key, unit, is_frontline, trained_on)
SELECT 'st' || pg_catalog.lpad(g::text, 5, '0'),
       u.units[1 + floor(pg_temp.demo_u(g * 4, p.salt) * pg_catalog.cardinality(u.units))::int],
       pg_temp.demo_u(g * 4 + 1, p.salt) < 0.7,
       CASE WHEN pg_temp.demo_u(g * 4 + 2, p.salt) >= 0.12 THEN
            nullif(least(date '2023-10-01'
                         + floor(730 * pg_temp.demo_u(g * 4 + 3, p.salt) ^ 0.8)::int,
                         p.last_day + 1), p.last_day + 1)
       END
  FROM (SELECT *, pg_catalog.hashint8extended(200, seed) AS salt FROM pg_temp.demo_param) p,
       -- Units in the order of their first service (not by name: the order
       -- of text depends on the collation).
       (SELECT array_agg(owner_unit ORDER BY first_ord) AS units
          FROM (SELECT owner_unit, min(ord) AS first_ord
                  FROM pg_temp.demo_service GROUP BY owner_unit) x) u,
       generate_series(1, round(150 * greatest(1, sqrt(p.scale)))::int) g;

-- name: requests_tmp
-- Every service request, with what later sections need (r: how far its
-- service was into adoption on the day). Requests are counted per (day,
-- service) cell and numbered in cell order; each then draws its channel,
-- time, method, user and outcome from hashes of its number i (keys i * 16 +
-- decision). "OFFSET 0" keeps the planner from merging a subquery into the
-- next one, which would compute each hash once per reference instead of
-- once per row. Parameters: none.
CREATE TEMP TABLE demo_req ON COMMIT DROP AS
WITH p AS (
	SELECT *, pg_catalog.hashint8extended(100, seed) AS salt,
	       pg_catalog.hashint8extended(101, seed) AS cell_salt,
	       pg_catalog.hashint8extended(102, seed) AS user_salt,
	       (last_day - first_day + 1)::float8 AS ndays
	  FROM pg_temp.demo_param
), days AS (
	SELECT d::date AS day, (d::date - p.first_day) AS dayno,
	       (d::date - p.first_day) / 365.25 AS years,
	       (ARRAY[1.05, 1.10, 1.10, 0.85, 1.00, 1.10, 1.15, 1.10, 1.05, 0.85, 0.95, 0.80]::float8[])
	           [extract(month FROM d)::int] AS season,
	       -- Counters close on weekends and public holidays.
	       extract(isodow FROM d) >= 6
	       OR pg_catalog.to_char(d, 'MM-DD') IN ('01-01', '04-06', '04-13', '04-14', '04-15',
	          '05-01', '06-03', '07-28', '08-12', '10-13', '10-23', '12-05', '12-10', '12-31')
	           AS closed
	  FROM p, generate_series(p.first_day::timestamp, p.last_day::timestamp, interval '1 day') d
), cells AS (
	SELECT t.day, t.dayno, s.ord, s.service_code, s.employer, s.tf, t.closed, a.r, a.thaid,
	       s.weight * (1 + 0.25 * t.years) * t.season * (1 + 0.2 * a.r) AS lambda,
	       CASE WHEN s.is_eservice
	            THEN least(0.97, s.phi0 + 0.03 * t.years + (s.phi1 - s.phi0) * a.r)
	            ELSE 0 END AS phi
	  FROM days t CROSS JOIN pg_temp.demo_service s
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN t.day >= s.since
		            THEN 1 - 0.7 * exp(-(t.day - s.since) / 50.0::float8) ELSE 0 END AS r,
		       CASE WHEN t.day >= s.since
		            THEN 0.80 * (1 - exp(-(t.day - s.since) / 90.0::float8)) ELSE 0 END AS thaid) a
), expected AS (
	SELECT c.*,
	       c.lambda * (1 - c.phi) * CASE WHEN c.closed THEN 0 ELSE 1.4 END AS counter_x,
	       c.lambda * c.phi * CASE WHEN c.closed THEN 0.7 ELSE 1.12 END AS digital_x
	  FROM cells c
), counted AS (
	-- Expected counts scaled to the run's total and rounded at random, so
	-- that small scales keep their totals.
	SELECT e.*,
	       floor(p.requests * e.counter_x / sum(e.counter_x + e.digital_x) OVER ()
	             + pg_temp.demo_u((e.dayno * 32 + e.ord) * 2, p.cell_salt))::bigint AS n_counter,
	       floor(p.requests * e.digital_x / sum(e.counter_x + e.digital_x) OVER ()
	             + pg_temp.demo_u((e.dayno * 32 + e.ord) * 2 + 1, p.cell_salt))::bigint AS n_digital
	  FROM expected e, p
), numbered AS (
	SELECT c.*, (sum(c.n_counter + c.n_digital) OVER (ORDER BY c.day, c.ord ROWS UNBOUNDED PRECEDING)
	             - (c.n_counter + c.n_digital))::bigint AS first_i
	  FROM counted c
), drawn AS (
	-- One row per request, counter requests first in each cell.
	SELECT x.*,
	       pg_temp.demo_u(x.i * 16, p.salt) AS u_channel,
	       pg_temp.demo_u(x.i * 16 + 1, p.salt) AS u_time,
	       pg_temp.demo_u(x.i * 16 + 2, p.salt) AS u_night,
	       pg_temp.demo_u(x.i * 16 + 3, p.salt) AS u_method,
	       pg_temp.demo_u(x.i * 16 + 4, p.salt) AS u_password,
	       pg_temp.demo_u(x.i * 16 + 5, p.salt) AS u_anonymous,
	       pg_temp.demo_u(x.i * 16 + 6, p.salt) AS u_user,
	       pg_temp.demo_u(x.i * 16 + 7, p.salt) AS u_window,
	       pg_temp.demo_u(x.i * 16 + 8, p.salt) AS u_status,
	       pg_temp.demo_z(x.i * 16 + 9, p.salt) AS z_time
	  FROM (SELECT c.first_i + k AS i, k <= c.n_counter AS at_counter, c.*
	          FROM numbered c CROSS JOIN LATERAL generate_series(1, c.n_counter + c.n_digital) k) x,
	       p
	OFFSET 0
), channelled AS (
	-- Kiosks stand in offices: weekdays only.
	SELECT d.*,
	       CASE WHEN d.at_counter THEN 'counter'
	            WHEN NOT d.closed AND d.u_channel < 0.03 + 0.07 * d.r THEN 'kiosk'
	            WHEN d.u_channel < 0.18 + 0.32 * d.r THEN 'mobile'
	            ELSE 'web' END AS channel
	  FROM drawn d
	OFFSET 0
), authed AS (
	SELECT c.*,
	       -- Local time of day: office hours at counters and kiosks, any
	       -- hour (mostly daytime) on the web and in the app.
	       (c.day + make_interval(secs => floor(CASE c.channel
	            WHEN 'counter' THEN 30600 + 28800 * c.u_time
	            WHEN 'kiosk' THEN 28800 + 36000 * c.u_time
	            ELSE CASE WHEN c.u_night < 0.88 THEN 25200 + 57600 * c.u_time
	                      ELSE 86400 * c.u_time END
	            END))) AT TIME ZONE 'Asia/Bangkok' AS submitted_at,
	       CASE c.channel
	       WHEN 'counter' THEN
	            CASE WHEN c.u_method < 0.30 + 0.20 * c.r THEN 'chip_card' END
	       WHEN 'kiosk' THEN
	            CASE WHEN c.u_method < 0.20 * c.r THEN 'thaid'
	                 WHEN c.u_method < 0.45 * c.r THEN 'face'
	                 WHEN c.u_method < 0.70 + 0.20 * c.r THEN 'chip_card' END
	       ELSE
	            -- Web and app: a few guests, then ThaiD (and face in the
	            -- app) growing after adoption at the expense of passwords.
	            CASE WHEN c.u_method < 0.03 - 0.02 * c.r THEN NULL
	                 WHEN c.u_method < 0.03 - 0.02 * c.r + c.thaid THEN 'thaid'
	                 WHEN c.channel = 'mobile'
	                      AND c.u_method < 0.03 - 0.02 * c.r + c.thaid + 0.08 * c.r THEN 'face'
	                 WHEN c.u_password < 0.70 THEN 'password'
	                 ELSE 'otp' END
	       END AS auth_method,
	       CASE WHEN c.u_status < 0.80 + 0.12 * c.r THEN 'completed'
	            WHEN c.u_status < 0.91 + 0.06 * c.r THEN 'rejected'
	            ELSE 'cancelled' END AS outcome,
	       -- The Single Window opens in FY2567 and takes over gradually.
	       c.u_window < least(0.95,
	           (0.05 + 0.60 * least(1.0, greatest(0.0, (c.day - date '2023-10-01') / 730.0::float8)))
	           * CASE c.channel WHEN 'counter' THEN 0.6 WHEN 'kiosk' THEN 1.0 ELSE 1.2 END)
	           AS via_single_window
	  FROM channelled c
	OFFSET 0
), dated AS (
	SELECT a.*,
	       -- Guests online and some walk-ins at counters are not known users.
	       CASE WHEN a.auth_method IS NULL AND (a.channel <> 'counter' OR a.u_anonymous < 0.25)
	            THEN NULL
	            -- Employers' staff file again and again: a small, skewed pool.
	            WHEN a.employer THEN 268435456 + floor(p.employers * a.u_user ^ 2)::bigint
	            -- Citizens arrive over time and come back mostly within
	            -- weeks of their first visit.
	            ELSE floor(p.citizens * abs(a.dayno / p.ndays - 0.12 * a.u_user ^ 3))::bigint
	       END AS user_no,
	       -- Lognormal service times; completed ones speed up with adoption.
	       a.submitted_at + make_interval(secs => 3600 * CASE a.outcome
	           WHEN 'completed' THEN 120 * a.tf * exp(ln(0.35) * a.r + 0.8 * a.z_time)
	           WHEN 'rejected' THEN 72 * a.tf * exp(0.9 * a.z_time)
	           ELSE 24 * exp(1.2 * a.z_time) END) AS close_ts
	  FROM authed a, p
	OFFSET 0
)
SELECT d.i, d.service_code, d.channel, d.auth_method,
       -- Pseudonymous keys: 'u' and 16 hex digits in two groups, so that no
       -- key can look like a 13-digit national ID.
       'u' || overlay(pg_catalog.lpad(pg_catalog.to_hex(
                  pg_catalog.hashint8extended(d.user_no, p.user_salt)), 16, '0')
              PLACING '-' FROM 9 FOR 0) AS user_key,
       d.via_single_window, d.submitted_at,
       -- Requests that would close after the end of history are pending.
       CASE WHEN d.close_ts < p.end_ts THEN d.close_ts END AS closed_at,
       CASE WHEN d.close_ts < p.end_ts THEN d.outcome ELSE 'pending' END AS status,
       d.r::real AS r
  FROM dated d, p
 WHERE d.submitted_at >= p.start_ts AND d.submitted_at < p.end_ts;

-- name: requests_analyze
-- Parameters: none.
ANALYZE pg_temp.demo_req;

-- name: requests_insert
-- Parameters: none.
INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel,
                                     via_single_window, auth_method, submitted_at,
                                     closed_at, status)
SELECT 'rq' || i, service_code, user_key, channel, via_single_window, auth_method,
       submitted_at, closed_at, status
  FROM pg_temp.demo_req;

-- name: auth_sessions
-- Authentication events: the log-in of each request that has an
-- authentication method (session 0, just before it is submitted) and, for
-- web and app requests, later log-ins to follow it up (sessions 1 to 63,
-- some through the portal without a service). A session is up to three
-- failed attempts, then a success unless all three failed. Keys: session
-- i * 64 + j, attempt (i * 64 + j) * 4 + k. Parameters: none.
INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome,
                                failure_reason, latency_ms, channel, service_code)
WITH p AS (
	SELECT start_ts, end_ts,
	       pg_catalog.hashint8extended(300, seed) AS salt0,
	       pg_catalog.hashint8extended(301, seed) AS salt1,
	       pg_catalog.hashint8extended(302, seed) AS salt2,
	       pg_catalog.hashint8extended(303, seed) AS salt3,
	       pg_catalog.hashint8extended(304, seed) AS salt4,
	       pg_catalog.hashint8extended(305, seed) AS salt5,
	       pg_catalog.hashint8extended(306, seed) AS salt6
	  FROM pg_temp.demo_param
	OFFSET 0
), sessions AS (
	SELECT q.i, s.j, q.i * 64 + s.j AS session, q.user_key, q.auth_method,
	       m.latency_ms, m.sigma, m.reason1, m.cum1, m.reason2, m.cum2, m.reason3,
	       CASE WHEN s.j = 0 THEN q.channel WHEN q.channel = 'kiosk' THEN 'web'
	            ELSE q.channel END AS channel,
	       CASE WHEN s.j > 0 AND pg_temp.demo_u(q.i * 64 + s.j, p.salt1) < 0.3
	            THEN NULL ELSE q.service_code END AS service_code,
	       -- Follow-up log-ins fall between submission and two weeks after
	       -- closing. (In seconds: an interval in days would be added in the
	       -- session's time zone.)
	       CASE WHEN s.j = 0 THEN q.submitted_at
	            ELSE q.submitted_at + make_interval(secs => pg_temp.demo_u(q.i * 64 + s.j, p.salt2)
	                 * extract(epoch FROM least(coalesce(q.closed_at, p.end_ts)
	                                            + interval '336 hours', p.end_ts)
	                                      - q.submitted_at)) END AS ts,
	       least(3, floor(ln(pg_temp.demo_u(q.i * 64 + s.j, p.salt3)) / ln(m.p_fail))::int)
	           AS nfail
	  FROM pg_temp.demo_req q
	  JOIN pg_temp.demo_service v USING (service_code)
	  JOIN pg_temp.demo_method m ON m.method = q.auth_method
	 CROSS JOIN p
	 CROSS JOIN LATERAL generate_series(0,
	       CASE WHEN q.channel IN ('web', 'mobile') AND q.user_key IS NOT NULL AND v.follow > 0
	            THEN least(63, floor(ln(pg_temp.demo_u(q.i, p.salt0))
	                                 / ln(v.follow / (v.follow + 1)))::int)
	            ELSE 0 END) s(j)
	OFFSET 0
), attempts AS (
	SELECT x.*, x.session * 4 + a.k AS key, a.k = x.nfail AS success,
	       -- The request's own log-in ends 3 s before it is submitted;
	       -- attempts are 20 s apart.
	       x.ts + make_interval(secs => CASE WHEN x.j = 0
	                                         THEN (a.k - least(x.nfail + 1, 3)) * 20 - 3
	                                         ELSE a.k * 20 END) AS occurred_at,
	       pg_temp.demo_u(x.session * 4 + a.k, p.salt4) AS u_user,
	       pg_temp.demo_u(x.session * 4 + a.k, p.salt5) AS u_reason,
	       pg_temp.demo_z(x.session * 4 + a.k, p.salt6) AS z_latency
	  FROM sessions x
	 CROSS JOIN LATERAL generate_series(0, least(x.nfail + 1, 3) - 1) a(k)
	 CROSS JOIN p
	OFFSET 0
), reasoned AS (
	SELECT a.*,
	       CASE WHEN a.success THEN NULL
	            WHEN a.u_reason < a.cum1 THEN a.reason1
	            WHEN a.u_reason < a.cum2 THEN a.reason2
	            ELSE a.reason3 END AS reason
	  FROM attempts a
	OFFSET 0
)
SELECT 'ae' || r.key, r.occurred_at,
       -- A failed log-in is often not tied to a known user.
       CASE WHEN r.success OR r.u_user >= 0.4 THEN r.user_key END,
       'authentication', r.auth_method,
       CASE WHEN r.success THEN 'success' ELSE 'failure' END,
       r.reason,
       CASE WHEN r.reason = 'timeout' THEN 60000
            WHEN r.reason = 'otp_expired' THEN 300000
            WHEN r.reason = 'network_error' THEN NULL
            ELSE round(r.latency_ms * exp(r.sigma * r.z_latency)) END::integer,
       r.channel, r.service_code
  FROM reasoned r, p
 WHERE r.occurred_at >= p.start_ts AND r.occurred_at < p.end_ts;

-- name: identification
-- Identification events: a user's first request with a Digital ID method
-- on a service that has adopted it (at counters only some are offered
-- enrolment) is preceded by the user's identity proofing, which fails once
-- or twice for some (face mismatch, expired card, timeout). Keys: the
-- request's i * 4 + attempt. Parameters: none.
INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome,
                                failure_reason, latency_ms, channel, service_code)
WITH p AS (
	SELECT start_ts,
	       pg_catalog.hashint8extended(400, seed) AS salt0,
	       pg_catalog.hashint8extended(401, seed) AS salt1,
	       pg_catalog.hashint8extended(402, seed) AS salt2,
	       pg_catalog.hashint8extended(403, seed) AS salt3,
	       pg_catalog.hashint8extended(404, seed) AS salt4,
	       pg_catalog.hashint8extended(405, seed) AS salt5
	  FROM pg_temp.demo_param
	OFFSET 0
), firsts AS (
	SELECT DISTINCT ON (q.user_key) q.*,
	       m.ident_latency_ms, m.ident_cum_face, m.ident_cum_card,
	       pg_temp.demo_u(q.i, p.salt1) AS u_fail
	  FROM pg_temp.demo_req q
	  JOIN pg_temp.demo_method m ON m.method = q.auth_method AND m.ident_latency_ms > 0
	 CROSS JOIN p
	 WHERE q.user_key IS NOT NULL AND q.r > 0
	   AND (q.channel <> 'counter' OR pg_temp.demo_u(q.i, p.salt0) < 0.3)
	 ORDER BY q.user_key, q.submitted_at, q.i
), attempts AS (
	SELECT f.*, f.i * 4 + a.k AS key, a.k = f.nfail AS success,
	       f.submitted_at + make_interval(secs => a.k * 90 - 600) AS occurred_at,
	       pg_temp.demo_u(f.i * 4 + a.k, p.salt2) AS u_user,
	       pg_temp.demo_u(f.i * 4 + a.k, p.salt3) AS u_reason,
	       pg_temp.demo_z(f.i * 4 + a.k, p.salt4) AS z_latency,
	       pg_temp.demo_u(f.i, p.salt5) AS u_service
	  FROM (SELECT firsts.*, CASE WHEN u_fail < 0.85 THEN 0 WHEN u_fail < 0.96 THEN 1 ELSE 2 END
	                             AS nfail
	          FROM firsts) f
	 CROSS JOIN LATERAL generate_series(0, f.nfail) a(k)
	 CROSS JOIN p
	OFFSET 0
), reasoned AS (
	SELECT a.*,
	       CASE WHEN a.success THEN NULL
	            WHEN a.u_reason < a.ident_cum_face THEN 'face_mismatch'
	            WHEN a.u_reason < a.ident_cum_card THEN 'card_expired'
	            ELSE 'timeout' END AS reason
	  FROM attempts a
	OFFSET 0
)
SELECT 'ai' || r.key, r.occurred_at,
       CASE WHEN r.success OR r.u_user >= 0.5 THEN r.user_key END,
       'identification', r.auth_method,
       CASE WHEN r.success THEN 'success' ELSE 'failure' END,
       r.reason,
       CASE WHEN r.reason = 'timeout' THEN 180000
            ELSE round(r.ident_latency_ms * exp(0.5 * r.z_latency)) END::integer,
       r.channel,
       CASE WHEN r.u_service >= 0.2 THEN r.service_code END
  FROM reasoned r, p
 WHERE r.occurred_at >= p.start_ts;

-- name: satisfaction
-- A third or so of completed requests get a survey answer within days of
-- closing; the score distribution moves from a mean of about 3.5 before
-- adoption to about 4.3 once adoption is complete. Parameters: none.
INSERT INTO didkpi.satisfaction (response_id, request_id, service_code, channel,
                                 answered_at, score)
WITH p AS (
	SELECT end_ts,
	       pg_catalog.hashint8extended(500, seed) AS salt0,
	       pg_catalog.hashint8extended(501, seed) AS salt1,
	       pg_catalog.hashint8extended(502, seed) AS salt2
	  FROM pg_temp.demo_param
	OFFSET 0
), answered AS (
	SELECT q.i, q.service_code, q.channel, q.r,
	       q.closed_at + make_interval(secs => -72000 * ln(pg_temp.demo_u(q.i, p.salt1)))
	           AS answered_at,
	       pg_temp.demo_u(q.i, p.salt2) AS u
	  FROM pg_temp.demo_req q CROSS JOIN p
	 WHERE q.status = 'completed'
	   AND pg_temp.demo_u(q.i, p.salt0) < CASE q.channel WHEN 'counter' THEN 0.30 ELSE 0.40 END
	OFFSET 0
)
SELECT 'sv' || a.i, 'rq' || a.i, a.service_code, a.channel, a.answered_at,
       1 + (a.u > 0.05 - 0.04 * a.r)::int + (a.u > 0.17 - 0.14 * a.r)::int
         + (a.u > 0.47 - 0.35 * a.r)::int + (a.u > 0.85 - 0.36 * a.r)::int
  FROM answered a, p
 WHERE a.answered_at < p.end_ts;

-- name: restore_keys
-- Rebuild the keys, indexes and foreign keys drop_keys saved, exactly as
-- they were (keys first, foreign keys last, each validated). Parameters: none.
DO $$
DECLARE
	d record;
BEGIN
	FOR d IN SELECT * FROM pg_temp.demo_ddl ORDER BY ord, tab, name LOOP
		IF d.kind = 'index' THEN
			EXECUTE d.def;
		ELSE
			EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s',
						  d.tab, d.name, d.def);
		END IF;
	END LOOP;
END
$$;

-- name: channel_costs
-- Illustrative unit costs in baht per completed transaction (issue 13
-- item 4), one row per channel and fiscal year from FY2566 to the fiscal
-- year of the end of history: the counter about 200 baht (+3 %/year; the
-- skill test and the fund loan, with practical tests and document checks,
-- more), the web about 38 and the app about 30 (-7 and -8 %/year as their
-- volumes grow), the kiosk about 65. Invented for the demo, not measured.
-- Parameters: none.
INSERT INTO didkpi.channel_costs (channel, service_code, valid_from, valid_to, cost_thb,
                                  source)
SELECT c.channel, c.service_code, pg_catalog.make_date(fy - 544, 10, 1),
       pg_catalog.make_date(fy - 543, 9, 30),
       round((c.base * c.yearly ^ (fy - 2566))::numeric, 2),
       'ตัวเลขสมมุติของข้อมูลสาธิต (didkpi demo) ปีงบประมาณ ' || fy
  FROM pg_temp.demo_param p,
       generate_series(2566, extract(year FROM p.last_day + interval '3 months')::int + 543) fy,
       (VALUES ('counter', NULL, 200.0, 1.03), ('counter', 'skill_test', 250.0, 1.03),
               ('counter', 'fund_loan', 235.0, 1.03), ('web', NULL, 38.0, 0.93),
               ('mobile', NULL, 30.0, 0.92), ('kiosk', NULL, 65.0, 0.97)
       ) AS c (channel, service_code, base, yearly)
 ORDER BY 1, 2 NULLS FIRST, 3;

-- name: targets
-- Targets for every fiscal year of the demo's history (FY2566 to the fiscal
-- year of its last month; later years keep FY2570's), so that every
-- summary, trend and picture of the demo shows a target (issue 12 item 5).
-- The briefing sets one: e-services accepting Digital ID, 50 % in FY2567
-- and 100 % from FY2568 on (as seeded by didkpi init). The others are
-- ILLUSTRATIVE, invented for the demo to rise year by year toward what the
-- briefing asks for (more digital use, shorter service time, higher
-- satisfaction, trained staff); they are not the department's. The counts
-- (requests, users, enrolments) get none: they scale with --scale. The
-- demo's own targets replace any of these KPIs. A script (db_script).
-- Parameters: none.
DELETE FROM didkpi.kpi_targets
 WHERE kpi IN ('eservice_digital_id_coverage', 'digital_channel_rate', 'digital_id_use_rate',
               'digital_id_enrolment_rate', 'satisfaction_mean', 'satisfaction_csat',
               'service_time_median_hours', 'service_time_p90_hours', 'completion_rate',
               'repeat_use_rate', 'single_window_rate', 'auth_success_rate',
               'identification_success_rate', 'auth_latency_median_ms',
               'staff_training_coverage');
INSERT INTO didkpi.kpi_targets (kpi, valid_from, valid_to, target)
SELECT t.kpi, pg_catalog.make_date(fy - 544, 10, 1), pg_catalog.make_date(fy - 543, 9, 30),
       t.by_year[least(fy, 2570) - 2565]
  FROM pg_temp.demo_param p,
       generate_series(2566, extract(year FROM p.last_day + interval '3 months')::int + 543) fy,
       (VALUES
         -- FY                                 2566   2567   2568   2569   2570
         ('eservice_digital_id_coverage', ARRAY[0.25,  0.50,  1.00,  1.00,  1.00]),
         ('digital_channel_rate',         ARRAY[0.40,  0.50,  0.60,  0.70,  0.75]),
         ('digital_id_use_rate',          ARRAY[0.10,  0.30,  0.50,  0.65,  0.75]),
         ('digital_id_enrolment_rate',    ARRAY[0.10,  0.30,  0.50,  0.60,  0.70]),
         ('satisfaction_mean',            ARRAY[3.80,  4.00,  4.20,  4.30,  4.40]),
         ('satisfaction_csat',            ARRAY[0.70,  0.75,  0.80,  0.85,  0.85]),
         ('service_time_median_hours',    ARRAY[120,   96,    72,    48,    48]),
         ('service_time_p90_hours',       ARRAY[360,   300,   240,   168,   168]),
         ('completion_rate',              ARRAY[0.85,  0.88,  0.90,  0.92,  0.92]),
         ('repeat_use_rate',              ARRAY[0.20,  0.25,  0.30,  0.35,  0.40]),
         ('single_window_rate',           ARRAY[0.20,  0.30,  0.40,  0.50,  0.60]),
         ('auth_success_rate',            ARRAY[0.95,  0.95,  0.95,  0.95,  0.95]),
         ('identification_success_rate',  ARRAY[0.90,  0.90,  0.90,  0.90,  0.90]),
         ('auth_latency_median_ms',       ARRAY[1500,  1200,  1000,  800,   800]),
         ('staff_training_coverage',      ARRAY[0.30,  0.60,  0.80,  1.00,  1.00])
       ) AS t (kpi, by_year)
 WHERE fy >= 2566;

-- name: analyze
-- Fresh statistics for the planner. Parameters: none.
ANALYZE didkpi.services, didkpi.staff, didkpi.service_requests, didkpi.auth_events,
	didkpi.satisfaction, didkpi.rollup_latency, didkpi.rollup_people;

-- name: cleanup
-- The scratch tables go at commit; the helper functions are dropped here so
-- that the session is left as it was. Parameters: none.
DROP FUNCTION pg_temp.demo_z(bigint, bigint), pg_temp.demo_u(bigint, bigint);
