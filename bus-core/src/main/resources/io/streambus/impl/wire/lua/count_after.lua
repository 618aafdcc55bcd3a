-- Counts entries after an id (group lag where Redis does not report it), stopping at a cap so a huge backlog cannot
-- block Redis. KEYS[1] stream; ARGV[1] id (exclusive), ARGV[2] cap. Returns {done, count} (cap means "at least").
return {DONE, countAfter(KEYS[1], ARGV[1], tonumber(ARGV[2]))}
