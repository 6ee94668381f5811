-- The audit log only grows: no code path updates or deletes an entry, and SQLite refuses one
-- made through this database's schema. (Someone who drops these triggers with an SQLite tool
-- can still edit the file: the hash chain is what finds that; `park-review audit verify`.)
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:NOT_PERMITTED:审计记录只能追加，不能修改。没有做任何改动。');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:NOT_PERMITTED:审计记录只能追加，不能删除。没有做任何改动。');
END;
