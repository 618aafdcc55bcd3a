-- Moves a group's position on one partition (XGROUP SETID), or only says what it would do, in one step, so that the
-- live-member check, the counts and the move see the same stream. Pending entries are left as they are.
-- KEYS[1] stream, KEYS[2] members hash of the group (consumer -> "token|claimMinIdle|[ordering|]expiresAt")
-- ARGV[1] group, ARGV[2] target: 'earliest', 'latest', 'id' or 'time', ARGV[3] the id (for 'id'; for 'time' the largest
-- id before the time, which stops at the stream's end: a quiet partition has nothing stored since), ARGV[4] now (ms),
-- ARGV[5] 'apply' or 'preview', ARGV[6] 'force' or '', ARGV[7] the most entries counted each way.
-- Returns {gone} when the stream or the group does not exist; {invalid, lastGeneratedId} when the id is after the
-- stream's last generated id; {conflict, member...} when applying, not forced, and live members hold the group (nothing
-- moved); else {done, fromId, toId, skipped, replayed, pending, applied (0/1), live member...}.
local stream, members = KEYS[1], KEYS[2]
local group, kind, now, apply, force = ARGV[1], ARGV[2], tonumber(ARGV[4]), ARGV[5] == 'apply', ARGV[6] == 'force'
local cap = tonumber(ARGV[7])
if redis.call('EXISTS', stream) == 0 then
  return {GONE}
end
local from, pending = nil, 0
for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
  local name, last, count = nil, nil, 0
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] end
    if g[i] == 'last-delivered-id' then last = g[i + 1] end
    if g[i] == 'pending' then count = g[i + 1] end
  end
  if name == group then
    from, pending = last, count
  end
end
if not from then
  return {GONE}
end
local info = redis.call('XINFO', 'STREAM', stream)
local lastGenerated = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then lastGenerated = info[i + 1] end
end

-- ids compared as numbers: the time part fits a Lua number, the sequence (up to 2^64) is compared as digits
local function parts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), seq
end
local function less(a, b)
  local am, as = parts(a)
  local bm, bs = parts(b)
  if am ~= bm then return am < bm end
  if #as ~= #bs then return #as < #bs end
  return as < bs
end
local to
if kind == 'earliest' then
  to = '0-0'
elseif kind == 'latest' then
  to = lastGenerated
else
  to = ARGV[3]
  if less(lastGenerated, to) then
    if kind == 'time' then
      to = lastGenerated
    else
      return {INVALID, lastGenerated}
    end
  end
end
local skipped, replayed = 0, 0
if less(from, to) then
  skipped = countAfter(stream, from, cap, to)
elseif less(to, from) then
  replayed = countAfter(stream, to, cap, from)
end

local live = {}
local all = redis.call('HGETALL', members)
for i = 1, #all, 2 do
  local expires = tonumber(string.match(all[i + 1], '([^|]+)$'))
  if expires and expires >= now then
    live[#live + 1] = all[i]
  end
end
if apply and #live > 0 and not force then
  local reply = {CONFLICT}
  for _, name in ipairs(live) do reply[#reply + 1] = name end
  return reply
end
if apply then
  redis.call('XGROUP', 'SETID', stream, group, to)
end
local reply = {DONE, from, to, skipped, replayed, pending, apply and 1 or 0}
for _, name in ipairs(live) do reply[#reply + 1] = name end
return reply
