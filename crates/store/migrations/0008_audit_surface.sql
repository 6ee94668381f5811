-- Which front end a change came through (app, command line, or the program itself), in a field
-- of its own: the actor's name is the person alone. Entries written before this version did not
-- record it and keep the empty string.
ALTER TABLE audit_log ADD COLUMN actor_surface TEXT NOT NULL DEFAULT '';
