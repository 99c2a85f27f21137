-- The council's data-protection officer (PDPL) is a role of its own: the
-- council admin does not read families' data requests by default. SQLite
-- cannot change a CHECK constraint in place, so role_grants is rebuilt
-- (nothing references it).
CREATE TABLE role_grants_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('council_admin', 'association_admin',
                        'association_staff', 'trainer', 'family_member',
                        'data_protection_officer')),
    association_id  INTEGER REFERENCES associations(id),
    granted_by      INTEGER REFERENCES users(id),
    granted_at      INTEGER NOT NULL,
    CHECK ((role IN ('association_admin', 'association_staff')) = (association_id IS NOT NULL))
);
INSERT INTO role_grants_new (id, user_id, role, association_id, granted_by, granted_at)
    SELECT id, user_id, role, association_id, granted_by, granted_at FROM role_grants;
DROP TABLE role_grants;
ALTER TABLE role_grants_new RENAME TO role_grants;
CREATE UNIQUE INDEX role_grants_global ON role_grants(user_id, role) WHERE association_id IS NULL;
CREATE UNIQUE INDEX role_grants_association ON role_grants(user_id, role, association_id)
    WHERE association_id IS NOT NULL;
