-- Publishes a message with an idempotency key, at most once per key within the window: when the partition remembers
-- the key, nothing is stored and the first message's id is returned; else the entry is added and the key remembered.
-- Deciding and adding in one script makes publishers racing with one key store one entry.
-- The clock is Redis's TIME, not the client's: the window is then measured on the clock that stamps the entry ids,
-- the same for every publisher whatever their clocks' skew (scripts replicate their effects, Redis >= 5).
-- Memory stays bounded: at most ARGV[4] expired keys are forgotten per call (a call adds at most one), and both keys
-- expire as a whole one window after the last keyed publish. The PEXPIRE is also a write on every path, so that a
-- WAIT after a duplicate covers the first message's entry, whoever wrote it.
-- KEYS[1] stream, KEYS[2] hash key -> '<id> <digest>', KEYS[3] zset key -> forget-at (epoch ms);
-- ARGV[1] idempotency key, ARGV[2] payload digest, ARGV[3] window (ms), ARGV[4] most expired keys forgotten per call,
-- ARGV[5..] field, value, ... of the entry.
-- Returns {done, id, 0} when stored; {done, first id, 1} for a duplicate; {done, first id, 2} for a duplicate whose
-- digest differs.
local now = nowMs()
local window = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
if #expired > 0 then
  redis.call('HDEL', KEYS[2], unpack(expired))
  redis.call('ZREM', KEYS[3], unpack(expired))
end
local seen = redis.call('HGET', KEYS[2], ARGV[1])
local result
if seen then
  -- still remembered: an expired key beyond this call's pruning limit has its score in the past
  local forget = tonumber(redis.call('ZSCORE', KEYS[3], ARGV[1]) or '0')
  if forget > now then
    local space = string.find(seen, ' ', 1, true)
    local id = string.sub(seen, 1, space - 1)
    local digest = string.sub(seen, space + 1)
    result = {DONE, id, digest == ARGV[2] and 1 or 2}
  end
end
if result == nil then
  local entry = {}
  for i = 5, #ARGV do
    entry[#entry + 1] = ARGV[i]
  end
  local id = redis.call('XADD', KEYS[1], '*', unpack(entry))
  redis.call('HSET', KEYS[2], ARGV[1], id .. ' ' .. ARGV[2])
  redis.call('ZADD', KEYS[3], now + window, ARGV[1])
  result = {DONE, id, 0}
end
redis.call('PEXPIRE', KEYS[2], window)
redis.call('PEXPIRE', KEYS[3], window)
return result
