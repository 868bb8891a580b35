-- Schema version 1: the data contract of SPEC section 2.
-- Applied by `didkpi init` inside one transaction; run once per database.
-- Parameters: none.

CREATE SCHEMA IF NOT EXISTS didkpi;

CREATE TABLE didkpi.services (
	service_code     text PRIMARY KEY CHECK (service_code ~ '^[a-z0-9_-]+$'),
	name_th          text NOT NULL,
	name_en          text NOT NULL,
	owner_unit       text NOT NULL,
	is_eservice      boolean NOT NULL,
	digital_id_since date
);

CREATE TABLE didkpi.channels (
	channel    text PRIMARY KEY CHECK (channel ~ '^[a-z0-9_-]+$'),
	name_th    text NOT NULL,
	name_en    text NOT NULL,
	is_digital boolean NOT NULL
);

CREATE TABLE didkpi.auth_methods (
	method        text PRIMARY KEY CHECK (method ~ '^[a-z0-9_-]+$'),
	name_th       text NOT NULL,
	name_en       text NOT NULL,
	is_digital_id boolean NOT NULL
);

CREATE TABLE didkpi.auth_events (
	event_id       text PRIMARY KEY,
	occurred_at    timestamptz NOT NULL,
	user_key       text,
	step           text NOT NULL CHECK (step IN ('identification', 'authentication')),
	method         text NOT NULL REFERENCES didkpi.auth_methods,
	outcome        text NOT NULL CHECK (outcome IN ('success', 'failure')),
	failure_reason text,
	latency_ms     integer CHECK (latency_ms >= 0),
	channel        text NOT NULL REFERENCES didkpi.channels,
	service_code   text REFERENCES didkpi.services
);

CREATE TABLE didkpi.service_requests (
	request_id        text PRIMARY KEY,
	service_code      text NOT NULL REFERENCES didkpi.services,
	user_key          text,
	channel           text NOT NULL REFERENCES didkpi.channels,
	via_single_window boolean NOT NULL,
	auth_method       text REFERENCES didkpi.auth_methods,
	submitted_at      timestamptz NOT NULL,
	closed_at         timestamptz,
	status            text NOT NULL
	                  CHECK (status IN ('pending', 'completed', 'rejected', 'cancelled')),
	CHECK ((status = 'pending') = (closed_at IS NULL)),
	CHECK (closed_at >= submitted_at)
);

CREATE TABLE didkpi.satisfaction (
	response_id  text PRIMARY KEY,
	request_id   text,
	service_code text NOT NULL REFERENCES didkpi.services,
	channel      text NOT NULL REFERENCES didkpi.channels,
	answered_at  timestamptz NOT NULL,
	score        smallint NOT NULL CHECK (score BETWEEN 1 AND 5)
);

CREATE TABLE didkpi.staff (
	staff_key    text PRIMARY KEY,
	unit         text NOT NULL,
	is_frontline boolean NOT NULL,
	trained_on   date
);

CREATE TABLE didkpi.kpi_targets (
	kpi        text NOT NULL,
	valid_from date NOT NULL,
	valid_to   date NOT NULL,
	target     numeric NOT NULL,
	PRIMARY KEY (kpi, valid_from),
	CHECK (valid_to >= valid_from)
);

-- Period queries select a month of rows by time: these keep a month's cost
-- proportional to the month, not to the whole history.
CREATE INDEX auth_events_occurred_at ON didkpi.auth_events (occurred_at);
CREATE INDEX auth_events_ident ON didkpi.auth_events (user_key, occurred_at, event_id)
	WHERE step = 'identification' AND outcome = 'success';
CREATE INDEX service_requests_submitted_at ON didkpi.service_requests (submitted_at);
CREATE INDEX service_requests_closed_at ON didkpi.service_requests (closed_at)
	WHERE status = 'completed';
CREATE INDEX satisfaction_answered_at ON didkpi.satisfaction (answered_at);

INSERT INTO didkpi.channels (channel, name_th, name_en, is_digital) VALUES
	('counter', 'เคาน์เตอร์บริการ', 'Service counter', false),
	('web',     'เว็บไซต์',          'Web',             true),
	('mobile',  'แอปพลิเคชันมือถือ', 'Mobile app',      true),
	('kiosk',   'ตู้บริการอัตโนมัติ', 'Kiosk',           true);

INSERT INTO didkpi.auth_methods (method, name_th, name_en, is_digital_id) VALUES
	('thaid',       'ไทยดี (ThaiD)',        'ThaiD',              true),
	('chip_card',   'ชิปบัตรประชาชน',       'ID card chip',       true),
	('face',        'ใบหน้า',               'Face',               true),
	('fingerprint', 'ลายนิ้วมือ',           'Fingerprint',        true),
	('iris',        'ม่านตา',               'Iris',               true),
	('otp',         'รหัสผ่านครั้งเดียว (OTP)', 'One-time password (OTP)', false),
	('password',    'รหัสผ่าน',             'Password',           false);

-- Government policy: 50 % of e-services on Digital ID within B.E. 2567,
-- 100 % in B.E. 2568 (fiscal years).
INSERT INTO didkpi.kpi_targets (kpi, valid_from, valid_to, target) VALUES
	('eservice_digital_id_coverage', '2023-10-01', '2024-09-30', 0.50),
	('eservice_digital_id_coverage', '2024-10-01', '2025-09-30', 1.00);
