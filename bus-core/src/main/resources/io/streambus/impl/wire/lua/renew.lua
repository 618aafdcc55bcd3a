-- Renews this consumer's leases on one partition, keeps its membership of the group and, with ordered processing,
-- its ownership of the partition, in one step.
-- KEYS[1] stream, KEYS[2] members hash of the group (consumer -> "token|claimMinIdle|ordering|expiresAt"), KEYS[3] the
-- group's pause flag on the partition, KEYS[4] (ordered processing only) the partition's owner key ("consumer|token")
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token (one per running subscription), ARGV[4] its claim min
-- idle (ms), ARGV[5] now (ms), ARGV[6] membership time to live (ms), ARGV[7] 'join' (a subscription starting: it
-- takes the name over from whichever process held it, which that process learns at its next step) or 'renew',
-- ARGV[8] ownership time to live (ms), ARGV[9] its ordering (none, partition, key), ARGV[10..] ids it holds
-- Returns {fenced} when another process took this consumer name (this one must not touch an entry again),
-- {conflict, member, ordering} when joining a group whose live member uses another ordering (it does not join),
-- else {done, othersMinIdle, tookOver, owner, paused, memberCount, members..., lostCount, lost ids..., trimmed ids...}:
-- othersMinIdle is the smallest claim min idle among the other live members (-1 when none); tookOver is 1 when
-- joining replaced a live member of the same name; owner is the partition's owner's consumer name ('' when none, and
-- without KEYS[4]), its lease renewed here when it is this subscription; paused is 1 while the group is paused;
-- members are the live members' names; a lost
-- id is pending on another consumer or was acknowledged by one (a peer claimed it after our lease ran out); a trimmed
-- id's entry no longer exists (not a lost lease, and not renewed: reclaim acknowledges and counts it).
-- Renewal is XCLAIM <self> 0 ... JUSTID on ids still pending on this consumer only: it resets their idle time
-- without counting a delivery, and can never take an entry back from a peer that claimed it.
local stream, members = KEYS[1], KEYS[2]
local group, me, token = ARGV[1], ARGV[2], ARGV[3]
local now = tonumber(ARGV[5])
local joining = ARGV[7] == 'join'
local ordering = ARGV[9]
local function parse(value)
  local f = {}
  for part in string.gmatch(value, '[^|]+') do
    f[#f + 1] = part
  end
  if #f == 4 then
    return f[1], tonumber(f[2]), f[3], tonumber(f[4])
  end
  return f[1], tonumber(f[2]), nil, tonumber(f[3])
end
local tookOver = 0
local current, fenced = membership(members, me, token)
if fenced then
  if not joining then
    return {FENCED}
  end
  local _, _, _, expires = parse(current)
  if expires and expires >= now then
    tookOver = 1
  end
end
local all = redis.call('HGETALL', members)
if joining then
  for i = 1, #all, 2 do
    local _, _, theirs, expires = parse(all[i + 1])
    if all[i] ~= me and expires and expires >= now and theirs and theirs ~= ordering then
      return {CONFLICT, all[i], theirs}
    end
  end
end
redis.call('HSET', members, me, token .. '|' .. ARGV[4] .. '|' .. ordering .. '|' .. (now + tonumber(ARGV[6])))
local others = -1
local live = {}
local seenMe = false
for i = 1, #all, 2 do
  local name = all[i]
  local _, idle, _, expires = parse(all[i + 1])
  if name == me then
    seenMe = true
    idle, expires = tonumber(ARGV[4]), now + tonumber(ARGV[6])
  end
  if not expires or expires < now then
    redis.call('HDEL', members, name)
  else
    live[#live + 1] = name
    if name ~= me and idle and (others < 0 or idle < others) then
      others = idle
    end
  end
end
if not seenMe then
  live[#live + 1] = me
end
local owner = ''
if KEYS[4] then
  local o = redis.call('GET', KEYS[4])
  if o then
    if o == me .. '|' .. token then
      redis.call('PEXPIRE', KEYS[4], ARGV[8])
    end
    owner = string.match(o, '^(.*)|[^|]*$') or o
  end
end
local mine, lost, trimmed = {}, {}, {}
for i = 10, #ARGV do
  local id = ARGV[i]
  if #redis.call('XRANGE', stream, id, id) == 0 then
    trimmed[#trimmed + 1] = id
  elseif #redis.call('XPENDING', stream, group, id, id, 1, me) > 0 then
    mine[#mine + 1] = id
  else
    lost[#lost + 1] = id
  end
end
for from = 1, #mine, 500 do
  local args = {stream, group, me, 0}
  for i = from, math.min(from + 499, #mine) do
    args[#args + 1] = mine[i]
  end
  args[#args + 1] = 'JUSTID'
  redis.call('XCLAIM', unpack(args))
end
local out = {DONE, others, tookOver, owner, redis.call('EXISTS', KEYS[3]), #live}
for _, name in ipairs(live) do out[#out + 1] = name end
out[#out + 1] = #lost
for _, id in ipairs(lost) do out[#out + 1] = id end
for _, id in ipairs(trimmed) do out[#out + 1] = id end
return out
