-- Claims pending entries for this consumer and returns them with their delivery counts (XCLAIM does not report
-- counts, XPENDING does; doing both in one script keeps them consistent, and the script's atomicity means two
-- consumers can never both take the same entry).
--
-- KEYS[1] stream, KEYS[2] retry zset of the group, KEYS[3] the group's moved set (see ack.lua): an entry taken from
-- another consumer is recorded there, so that its former holder's acknowledgement checks it; KEYS[4] this claim's
-- record (a key of its own per claim request, see below)
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] mode, ARGV[4] limit, ARGV[5] now (ms), ARGV[6] min idle (ms),
-- ARGV[7] mode 'lost': the newest id the reader's reads brought ('-': none yet), ARGV[8] how long the record is
-- kept (ms), ARGV[9..] ids this consumer holds right now (handling them, or acknowledging them): never claimed
-- mode 'due':   entries whose scheduled retry time has come (from the retry zset)
-- mode 'stale': entries idle >= min idle on any consumer, this one included
-- mode 'own':   entries pending on this very consumer (after a restart under a fixed name: the process that held the
--               name before may have died holding them, so the claim counts a delivery)
-- mode 'lost':  entries a read whose reply was lost handed to this consumer: pending on it, newer than ARGV[7] and
--               delivered once. That delivery never reached anything, so this one takes its place: JUSTID, which
--               does not count a delivery (the reader runs it before its next read, so no read is on its way).
-- 'stale', 'own' and 'lost' leave alone entries waiting for a scheduled retry.
--
-- A claim whose reply a dropped connection lost is sent again by the bus, with the same arguments. Claiming a second
-- time would count a delivery for entries that never reached a handler (and 'due' would find nothing: the entries
-- would sit on this consumer, counted and unknown to it). So a claim that takes entries records them in KEYS[4], for
-- as long as the bus may send it again; a run that finds the record answers the same entries (those still pending on
-- this consumer, their idle time reset with JUSTID) and claims nothing else.
-- Returns {done, trimmed, id1, fields1, deliveries1, id2, ...}; pending ids whose entry no longer exists are
-- acknowledged and counted in trimmed.
local stream, retry, record = KEYS[1], KEYS[2], KEYS[4]
local group, me, mode = ARGV[1], ARGV[2], ARGV[3]
local limit, now, minIdle = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local after, keepMs = ARGV[7], ARGV[8]
local out = {DONE, 0}
local trimmed = 0
local taken = {}
local held = {}
for i = 9, #ARGV do
  held[ARGV[i]] = true
end

local function add(id, fields, deliveries)
  out[#out + 1] = id
  out[#out + 1] = fields
  out[#out + 1] = deliveries
  taken[#taken + 1] = id
  taken[#taken + 1] = deliveries
end

-- Takes an entry already pending on this consumer without counting a delivery; nil when the entry no longer exists
-- (acknowledged then).
local function retake(id)
  redis.call('XCLAIM', stream, group, me, 0, id, 'JUSTID')
  local e = redis.call('XRANGE', stream, id, id)
  if #e > 0 then
    return e[1][2]
  end
  redis.call('XACK', stream, group, id)
  return nil
end

local function claim(id, deliveries, idle, holder)
  local fields = claimEntry(stream, group, KEYS[3], me, holder, idle, id)
  if fields then
    add(id, fields, deliveries + 1)
  else
    trimmed = trimmed + 1
  end
end

local recorded = redis.call('GET', record)
if recorded then
  -- sent again after a lost reply: the same entries, counted once
  local r = {}
  for w in string.gmatch(recorded, '%S+') do
    r[#r + 1] = w
  end
  for i = 1, #r, 2 do
    local id = r[i]
    if #redis.call('XPENDING', stream, group, id, id, 1, me) > 0 then
      local fields = retake(id)
      if fields then
        out[#out + 1] = id
        out[#out + 1] = fields
        out[#out + 1] = tonumber(r[i + 1])
      else
        trimmed = trimmed + 1
      end
    end
  end
  out[2] = trimmed
  return out
end

if mode == 'due' then
  local ids = redis.call('ZRANGEBYSCORE', retry, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    -- held: its retry step's reply is still on its way to this consumer, which lets go of it then
    if not held[id] then
      redis.call('ZREM', retry, id)
      local p = redis.call('XPENDING', stream, group, id, id, 1)
      if #p > 0 then
        claim(id, tonumber(p[1][4]), 0, p[1][2])
      end
    end
  end
else
  local p
  if mode == 'own' then
    p = redis.call('XPENDING', stream, group, '-', '+', limit * 4, me)
  elseif mode == 'lost' then
    p = redis.call('XPENDING', stream, group, after == '-' and '-' or '(' .. after, '+', limit * 4, me)
  else
    p = redis.call('XPENDING', stream, group, 'IDLE', minIdle, '-', '+', limit * 4)
  end
  local n = 0
  for _, e in ipairs(p) do
    if n >= limit then
      break
    end
    local id, deliveries = e[1], tonumber(e[4])
    if not held[id] and not redis.call('ZSCORE', retry, id) and (mode ~= 'lost' or deliveries == 1) then
      if mode == 'lost' then
        local fields = retake(id)
        if fields then
          add(id, fields, deliveries)
        else
          trimmed = trimmed + 1
        end
      else
        claim(id, deliveries, mode == 'own' and 0 or minIdle, e[2])
      end
      n = n + 1
    end
  end
end
if #taken > 0 then
  redis.call('SET', record, table.concat(taken, ' '), 'PX', keepMs)
end
out[2] = trimmed
return out
