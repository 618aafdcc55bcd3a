-- Removes a consumer from a group only if it holds no pending entry (XGROUP DELCONSUMER would drop them).
-- KEYS[1] stream; ARGV[1] group, ARGV[2] consumer. Returns {done} when removed, {not_ours} when it holds entries.
local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #p > 0 then
  return {NOT_OURS}
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return {DONE}
