-- reprise: writable_schema
-- A requester can accept a quote online: a new status, 'accepted', between 'quoted' and 'licensed'. SQLite cannot
-- alter a CHECK constraint; widening it in the stored schema is SQLite's documented way (every row already
-- satisfies the wider check), instead of rebuilding the table and its indexes, triggers and views. The migration
-- runner allows writable_schema for this file only, bumps schema_version and checks the database after it.
UPDATE sqlite_schema
  SET sql = replace(sql, '''quoted'',''licensed''', '''quoted'',''accepted'',''licensed''')
  WHERE type = 'table' AND name = 'requests' AND instr(sql, '''quoted'',''licensed''') > 0;
