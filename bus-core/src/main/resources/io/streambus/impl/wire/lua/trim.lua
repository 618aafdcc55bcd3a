-- Trims a stream without ever removing an entry some group still needs: the cut is the smallest of, over all groups,
-- the oldest pending id and the id after the last delivered one. With a MAXLEN cap, what the cap removes beyond
-- that is counted separately (those entries are lost to the groups that had not read or acknowledged them). With a
-- retention, the cut is also no later than (now - retention): entries younger than it stay even when acknowledged,
-- and without a group it is the cut. "now" is Redis's TIME, the clock that stamped the entry ids, so that publishers'
-- and trimmers' clocks play no part (scripts replicate their effects, Redis >= 5).
-- Every entry removed is added to the partition's trim counter, so that where XINFO STREAM has no entries-added
-- (Redis 6.2) the entries ever added are still length + trimmed (counters.lua).
-- KEYS[1] stream, KEYS[2] its trim counter; ARGV[1] 'acked', 'maxlen' or 'retention', ARGV[2] max length
-- ('maxlen') or retention in ms ('retention').
-- Returns {done, trimmed safely, dropped unacked}.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {DONE, 0, 0}
end
local function parse(id)
  local dash = string.find(id, '-')
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
local cut = nil
if ARGV[1] == 'retention' then
  cut = string.format('%d-0', math.max(0, nowMs() - tonumber(ARGV[2])))
end
for _, g in ipairs(groupsOf(KEYS[1])) do
  local name, last = g[1], g[2]
  local ms, seq = parse(last)
  local candidate
  if seq >= 9007199254740991 then
    -- a group created "from a time" sits at <ms>-<max seq>; Lua numbers cannot add one to that exactly
    candidate = string.format('%d-0', ms + 1)
  else
    candidate = string.format('%d-%d', ms, seq + 1)
  end
  local summary = redis.call('XPENDING', KEYS[1], name)
  if tonumber(summary[1]) > 0 and less(summary[2], candidate) then
    candidate = summary[2]
  end
  if cut == nil or less(candidate, cut) then
    cut = candidate
  end
end
local safe = 0
if cut ~= nil then
  safe = redis.call('XTRIM', KEYS[1], 'MINID', cut)
end
local dropped = 0
if ARGV[1] == 'maxlen' then
  dropped = redis.call('XTRIM', KEYS[1], 'MAXLEN', tonumber(ARGV[2]))
end
if safe + dropped > 0 then
  redis.call('INCRBY', KEYS[2], safe + dropped)
end
return {DONE, safe, dropped}
