-- Every licence gets a verification code printed on it, which the public check at /licences/verify asks for with
-- the licence number (80 random bits, so numbers, which count up, are useless alone), and keeps the version of
-- the licence conditions it was issued under. Licences issued before this get a code now.
ALTER TABLE requests ADD COLUMN licence_code               TEXT;
ALTER TABLE requests ADD COLUMN licence_conditions_version TEXT;
UPDATE requests SET licence_code = lower(hex(randomblob(10))),
    licence_conditions_version = COALESCE(accepted_conditions_version, '2026-12')
  WHERE licence_number IS NOT NULL;
