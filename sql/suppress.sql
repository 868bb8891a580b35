-- Complementary small-cell suppression (lib/suppress.c).

-- name: service_units
-- Each service's owner unit: the hierarchy that ties a unit's row to the
-- rows of its services (they add up to it). Parameters: none.
SELECT service_code, owner_unit FROM didkpi.services
 ORDER BY service_code COLLATE "C";
