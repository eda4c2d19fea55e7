-- Relay passwords were stored in plain text. From here on they are sealed with the Data Protection key ring
-- (values starting 'dp1:'); the ones already stored are marked 'plain:' so that the format of every value is
-- known, and `outpost serve` seals each of them in place on its first start. Nothing is lost: a marked value
-- still opens to the same password until then.
UPDATE channels SET password = 'plain:' || password WHERE password IS NOT NULL AND password <> '';
