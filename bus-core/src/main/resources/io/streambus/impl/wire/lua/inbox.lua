-- Keeps a bus's reply stream: creates it when missing (with a marker entry, as a stream exists only with an entry or a
-- group), drops what the bus has read (XTRIM MINID: entries before the last one read), and sets its time to live, so
-- that the stream vanishes that long after its bus stops renewing it.
-- KEYS[1] reply stream; ARGV[1] time to live (ms), ARGV[2] id of the last entry read ('' for none).
-- Returns {done, 1 when created else 0}.
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XADD', KEYS[1], '*', 'bus-inbox', '1')
  created = 1
elseif ARGV[2] ~= '' then
  redis.call('XTRIM', KEYS[1], 'MINID', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {DONE, created}
