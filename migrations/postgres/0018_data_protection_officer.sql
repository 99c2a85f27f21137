-- The council's data-protection officer (PDPL) is a role of its own: the
-- council admin does not read families' data requests by default.
ALTER TABLE role_grants DROP CONSTRAINT role_grants_role_check;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_role_check CHECK (role IN ('council_admin',
    'association_admin', 'association_staff', 'trainer', 'family_member',
    'data_protection_officer'));
