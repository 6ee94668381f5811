-- The audit log becomes a hash chain (issue 15): each entry holds the SHA-256 of the entry
-- before it and of its own content, so `park-review audit verify` finds an entry edited or
-- deleted by any SQLite tool. The entries already written are sealed, in order, by the program
-- in this same transaction (crate::audit::seal_unsealed); docs/formats/audit.md defines the
-- hash. `station` names the computer a change was made on (its host name; empty before).
ALTER TABLE audit_log ADD COLUMN station TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN prev_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
