-- Members who act for their household (issue 21 §3): the head allows a
-- member whose national ID is the household's (confirmed after Nafath or
-- verified by staff) to apply, follow applications and run the shop. One row
-- per allowed member; revoking deletes it (the history and the audit trail
-- keep both). The member's household is the member row's, so a merge of
-- duplicate households carries the permission with the member.
CREATE TABLE household_delegates (
    member_id   BIGINT PRIMARY KEY REFERENCES household_members(id) ON DELETE CASCADE,
    granted_by  BIGINT NOT NULL REFERENCES users(id),
    granted_at  BIGINT NOT NULL
);

-- The person who runs the shop for the household (a member allowed to act),
-- shown as its named producer; NULL: the head runs it.
ALTER TABLE shops ADD COLUMN producer_user_id BIGINT REFERENCES users(id);
