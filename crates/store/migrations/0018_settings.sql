-- Settings of this database that are not review data (issue 15): where automatic backups go.
-- Changed through Store::write, so every change has its audit entry.
CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
