-- The prelude: Script.java puts it before the source of every script, so that the checks and steps the scripts share
-- have one text, run inside each script's own atomic call.
--
-- Every script replies {outcome, data...}; the outcome is one of these (Outcome.java decodes it, in one place):
-- done (the step did what it was asked), not_ours (the entry or the partition is another consumer's now), fenced
-- (another process took this consumer name), gone (the entry no longer exists), settled (the entry is pending nowhere:
-- settled already, by a run whose reply a dropped connection lost), invalid (a check refused the step: nothing was
-- written), conflict (the group's live members use another ordering), unserved (a request found no live responder:
-- nothing was stored).
local DONE, NOT_OURS, FENCED, GONE, SETTLED, INVALID, CONFLICT, UNSERVED =
  'done', 'not_ours', 'fenced', 'gone', 'settled', 'invalid', 'conflict', 'unserved'

-- Redis's clock in ms: the clock that stamps the entry ids, the same for every client whatever their clocks' skew
-- (scripts replicate their effects, Redis >= 5).
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- This consumer's membership of the group (its value in the members hash, "token|claimMinIdle|ordering|expiresAt",
-- or false), and whether it is fenced: the name is held under another token, by another process, and this one must
-- not touch an entry again.
local function membership(members, me, token)
  local current = redis.call('HGET', members, me)
  return current, current and string.match(current, '^([^|]*)|') ~= token
end

-- Whether the partition's owner key names this subscription ("consumer|token"). Without an owner key (processing
-- that is not ordered: nobody owns a partition) there is nothing to check.
local function owns(owner, me, token)
  return not owner or redis.call('GET', owner) == me .. '|' .. token
end

-- Claims a pending entry for this consumer (XCLAIM with min idle `idle`). When its holder until now is another
-- consumer, the move is recorded in the group's moved set for an hour (ack.lua checks such ids one by one; an
-- acknowledgement that comes an hour later finds its sender's membership lapsed and checks every id anyway), and older
-- records are forgotten. Returns the entry's fields; nil when the entry no longer exists, acknowledged then (Redis 7
-- drops a deleted entry from the PEL inside XCLAIM; 6.2 keeps it).
local function claimEntry(stream, group, moved, me, holder, idle, id)
  if holder ~= me then
    local now = nowMs()
    redis.call('ZADD', moved, now, id)
    redis.call('ZREMRANGEBYSCORE', moved, '-inf', now - 3600000)
    redis.call('PEXPIRE', moved, 3600000)
  end
  local e = redis.call('XCLAIM', stream, group, me, idle, id)[1]
  if e and e[2] then
    return e[2]
  end
  redis.call('XACK', stream, group, id)
  return nil
end

-- The entries of a stream after an id (exclusive) and up to `upTo` (inclusive; the end when nil), counted up to a cap
-- so that a huge backlog cannot block Redis: the cap means "at least".
local function countAfter(stream, id, cap, upTo)
  local count = 0
  local from = '(' .. id
  local last = upTo or '+'
  while count < cap do
    local batch = redis.call('XRANGE', stream, from, last, 'COUNT', 1000)
    if #batch == 0 then
      break
    end
    count = count + #batch
    from = '(' .. batch[#batch][1]
  end
  return math.min(count, cap)
end

-- The groups of an existing stream as {name, last delivered id} pairs (XINFO GROUPS: flat name/value arrays).
local function groupsOf(stream)
  local out = {}
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local name, last = nil, nil
    for i = 1, #g, 2 do
      if g[i] == 'name' then name = g[i + 1] end
      if g[i] == 'last-delivered-id' then last = g[i + 1] end
    end
    out[#out + 1] = {name, last}
  end
  return out
end

-- Re-delivers a dead letter: appends its original fields (not the dl: ones) to the stream, marked with x-target-group
-- for the group that failed it when there is one (other groups acknowledge and skip it), and deletes the dead letter.
-- Returns the new entry's id.
local function replayDeadLetter(dlq, stream, id, fields, group)
  local args = {stream, '*'}
  for i = 1, #fields, 2 do
    local k = fields[i]
    if string.sub(k, 1, 3) ~= 'dl:' and k ~= 'x-target-group' then
      args[#args + 1] = k
      args[#args + 1] = fields[i + 1]
    end
  end
  if group then
    args[#args + 1] = 'x-target-group'
    args[#args + 1] = group
  end
  local newId = redis.call('XADD', unpack(args))
  redis.call('XDEL', dlq, id)
  return newId
end

-- the script's own source follows
