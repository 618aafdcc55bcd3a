-- Stores a request in a partition, only if a responder serves it: the presence set holds group|consumer members
-- scored by when their presence lapses (Redis's clock), renewed by running responders and removed by closing ones.
-- Checking and adding in one step means a request is either stored while some responder was present, or refused and
-- never stored (no entry that nobody will answer).
-- KEYS[1] stream, KEYS[2] presence zset; ARGV field, value, ... Returns {done, id} or {unserved}.
if #redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. nowMs(), '+inf', 'LIMIT', 0, 1) == 0 then
  return {UNSERVED}
end
return {DONE, redis.call('XADD', KEYS[1], '*', unpack(ARGV))}
