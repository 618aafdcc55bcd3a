-- Finds, or replays, the dead letters of one partition that match a filter, examining at most a budget of them: a
-- search or a bulk replay over a huge dead-letter stream runs as many short scripts, and Redis serves other clients
-- in between. The caller continues after the returned id.
-- KEYS[1] dead-letter stream, KEYS[2] the partition's stream (replay only)
-- ARGV[1] 'find' or 'replay'; ARGV[2] XRANGE start ('-', '<id>' or '(<id>'); ARGV[3] last id to examine: '+' for
-- find; for replay '+' means the dead-letter stream's current last entry, which is returned so that the calls that
-- continue the run keep that bound and never reach dead letters added since (replays that failed again among them);
-- ARGV[4] most dead letters to examine; ARGV[5] most to find or replay;
-- ARGV[6..] criteria, field/value pairs of the dead letter that must all be equal.
-- find returns   {done, last examined id or false, exhausted 1/0, examined, id, fields, id, fields, ...}
-- replay returns {done, last examined id or false, exhausted 1/0, replayed, skipped, examined, last id of the run or
-- false}
local mode, from, stop = ARGV[1], ARGV[2], ARGV[3]
local budget, want = tonumber(ARGV[4]), tonumber(ARGV[5])

local function matching(fields)
  local m = {}
  for i = 1, #fields, 2 do
    m[fields[i]] = fields[i + 1]
  end
  for j = 6, #ARGV, 2 do
    if m[ARGV[j]] ~= ARGV[j + 1] then
      return nil
    end
  end
  return m
end

local groups = {}
if mode == 'replay' then
  if stop == '+' then
    local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
    if #newest == 0 then
      return {DONE, false, 1, 0, 0, 0, false}
    end
    stop = newest[1][1]
  end
  if redis.call('EXISTS', KEYS[2]) == 1 then
    for _, g in ipairs(groupsOf(KEYS[2])) do
      groups[g[1]] = true
    end
  end
end

local out = {DONE, false, 0, 0}
local replayed, skipped, examined = 0, 0, 0
local function result(exhausted)
  out[3] = exhausted
  out[4] = examined
  if mode == 'replay' then
    return {DONE, out[2], exhausted, replayed, skipped, examined, stop}
  end
  return out
end

-- batches of 100 keep what one XRANGE holds in the script's memory small, whatever the payloads' size
while examined < budget do
  local asked = math.min(100, budget - examined)
  local batch = redis.call('XRANGE', KEYS[1], from, stop, 'COUNT', asked)
  for _, e in ipairs(batch) do
    examined = examined + 1
    out[2] = e[1]
    local m = matching(e[2])
    if m then
      if mode == 'find' then
        out[#out + 1] = e[1]
        out[#out + 1] = e[2]
        if (#out - 4) / 2 >= want then
          return result(0)
        end
      elseif m['dl:group'] and groups[m['dl:group']] then
        replayDeadLetter(KEYS[1], KEYS[2], e[1], e[2], m['dl:group'])
        replayed = replayed + 1
        if replayed >= want then
          return result(0)
        end
      else
        skipped = skipped + 1
      end
    end
  end
  if #batch < asked then
    return result(1)
  end
  from = '(' .. out[2]
end
return result(0)
