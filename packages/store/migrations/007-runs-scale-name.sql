-- The run manifest's scale is the generator's scale name (tiny, small, …), not a number.
-- Re-running is harmless: modifying a String column to String changes nothing.
ALTER TABLE {{db}}.runs MODIFY COLUMN scale String;
