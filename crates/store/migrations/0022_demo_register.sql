-- Schema version 22 (issue 17): the demo's register.
--  * The demo enters parks designated before its rounds (as a secretariat enters the parks its
--    province designated before it used the product), so that 认定园区名录 has a history to
--    show at once. Such an entry names the demo round it came with, and goes when that round
--    is deleted: a secretariat that tried the demo and deleted it keeps no fictional park in
--    its register. A real entry (NULL here) is never deleted with a round.

ALTER TABLE designated_parks ADD COLUMN demo_round_id INTEGER REFERENCES rounds(id) ON DELETE CASCADE;
