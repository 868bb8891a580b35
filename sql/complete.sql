-- Names for shell completion (`didkpi complete`) and for "did you mean"
-- suggestions when a name is rejected. Read-only, no parameters.

-- name: services
-- Every service code, in order. Column: service_code.
SELECT service_code FROM didkpi.services ORDER BY service_code;

-- name: channels
-- Every channel code, in order. Column: channel.
SELECT channel FROM didkpi.channels ORDER BY channel;

-- name: methods
-- Every authentication method code, in order. Column: method.
SELECT method FROM didkpi.auth_methods ORDER BY method;
