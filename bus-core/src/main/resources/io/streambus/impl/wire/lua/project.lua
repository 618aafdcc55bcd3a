-- Applies a projection's writes for one entry this consumer holds and acknowledges the entry, atomically. Lua is not
-- rolled back, so every check comes before the first write: the lease (as ack.lua), then each write's key type and,
-- for increments, the value they add to, following the writes' own effects in order (a key deleted, a field set).
-- KEYS[1] stream, KEYS[2] members hash of the group, KEYS[3] (ordered processing only) the partition's owner key,
-- then the model keys. ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] id, ARGV[5] how many KEYS
-- come before the model keys, then per write: command, model key number (1 = the first model key), argument count,
-- arguments. Returns {done, writes} when applied; {fenced} when this consumer name was taken over; {not_ours} when
-- the entry or the partition is another consumer's; {settled} when the entry is no longer pending at all (settled
-- already: a run whose reply a dropped connection lost, retried by the bus, must not apply the writes twice); {gone}
-- when it is not pending and no longer in the stream either; {invalid, reason} when a check failed: nothing was
-- written.
local stream, members = KEYS[1], KEYS[2]
local group, me, token, id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local base = tonumber(ARGV[5])
local _, fenced = membership(members, me, token)
if fenced then
  return {FENCED}
end
if not owns(base > 2 and KEYS[3] or nil, me, token) then
  return {NOT_OURS}
end
if #redis.call('XPENDING', stream, group, id, id, 1, me) == 0 then
  if #redis.call('XPENDING', stream, group, id, id, 1) > 0 then
    return {NOT_OURS}
  end
  if #redis.call('XRANGE', stream, id, id) == 0 then
    return {GONE}
  end
  return {SETTLED}
end

-- the type each accepted command needs its key to hold (or not to exist); ModelCommand.java has the same list
local WANTS = {SET = 'string', INCR = 'string', DECR = 'string', INCRBY = 'string', DECRBY = 'string',
  INCRBYFLOAT = 'string', APPEND = 'string', HSET = 'hash', HSETNX = 'hash', HDEL = 'hash', HINCRBY = 'hash',
  HINCRBYFLOAT = 'hash', SADD = 'set', SREM = 'set', ZADD = 'zset', ZINCRBY = 'zset', ZREM = 'zset', LPUSH = 'list',
  RPUSH = 'list', LTRIM = 'list', DEL = 'any', EXPIRE = 'any', PEXPIRE = 'any', PERSIST = 'any'}
-- what a field (a hash field, a zset member, '' for a string) holds as the writes before this one left it: ABSENT,
-- UNKNOWN (a conditional write), {s = text}, {i = integer} or {f = float}; nil: as Redis holds it now
local ABSENT, UNKNOWN = {}, {}
local LIMIT = 9.2e18 -- below 2^63 by more than a double's error: the integer checks are conservative

local writes, keys = {}, {}
local i = 6
while i <= #ARGV do
  local n = tonumber(ARGV[i + 2])
  local w = {name = ARGV[i], key = KEYS[base + tonumber(ARGV[i + 1])], args = {}}
  for j = 1, n do
    w.args[j] = ARGV[i + 2 + j]
  end
  writes[#writes + 1] = w
  i = i + 3 + n
end

local function state(key)
  local s = keys[key]
  if not s then
    local t = redis.call('TYPE', key)
    s = {type = t.ok or t, was = t.ok or t, deleted = false, fields = {}}
    keys[key] = s
  end
  return s
end

local function now(key, s, field)
  local f = s.fields[field]
  if f ~= nil then
    return f
  end
  if s.deleted or s.was == 'none' then
    return ABSENT
  end
  local v
  if s.was == 'hash' then
    v = redis.call('HGET', key, field)
  elseif s.was == 'string' then
    v = redis.call('GET', key)
  elseif s.was == 'zset' then
    v = redis.call('ZSCORE', key, field)
  end
  if not v then
    return ABSENT
  end
  return {s = v}
end

-- the number Redis reads a 64-bit integer from (no sign but '-', no leading zero, no space), or nil
local function integer(text)
  if (text == '0' or string.match(text, '^%-?[1-9]%d*$')) and #text <= 20 then
    local n = tonumber(text)
    if math.abs(n) < LIMIT then
      return n
    end
  end
  return nil
end

-- a finite number Redis reads as a long double (no surrounding space), or nil
local function decimal(text)
  if string.match(text, '^%s') or string.match(text, '%s$') then
    return nil
  end
  local n = tonumber(text)
  if n == nil or n ~= n or n == math.huge or n == -math.huge then
    return nil
  end
  return n
end

local function score(text)
  local t = string.lower(text)
  if t == 'inf' or t == '+inf' then
    return math.huge
  elseif t == '-inf' then
    return -math.huge
  end
  return decimal(text)
end

local function describe(key, field)
  return field == '' and key or (key .. ' field ' .. field)
end

-- the number an increment adds to (as the writes before it left the field), or nil and why it cannot be checked
local function before(key, s, field, float)
  local v = now(key, s, field)
  if v == ABSENT then
    return 0
  elseif v == UNKNOWN then
    return nil, describe(key, field) .. ' is written conditionally and incremented by the same message'
  elseif v.i or (float and v.f) then
    return v.i or v.f
  elseif v.f then
    return nil, describe(key, field) .. ' is incremented by a float and an integer by the same message'
  end
  local n = (float and decimal or integer)(v.s)
  if not n then
    return nil, describe(key, field) .. ' holds \'' .. string.sub(v.s, 1, 50) .. '\', not '
        .. (float and 'a number' or 'an integer')
  end
  return n
end

-- checks an increment (a float one, or a 64-bit integer one) and records its result; returns why it would fail, or nil
local function add(key, s, field, by, float)
  local n, why = before(key, s, field, float)
  if not n then
    return why
  end
  local r = n + by
  if float and (r ~= r or r == math.huge or r == -math.huge) then
    return describe(key, field) .. ' would not be a finite number'
  elseif not float and math.abs(r) >= LIMIT then
    return describe(key, field) .. ' would overflow'
  end
  s.fields[field] = float and {f = r} or {i = r}
  return nil
end

local function check(w)
  local wants = WANTS[w.name]
  if not wants then
    return 'command ' .. w.name .. ' is not accepted'
  end
  local key, a, name = w.key, w.args, w.name
  local s = state(key)
  if wants ~= 'any' then
    if s.type ~= 'none' and s.type ~= wants then
      return name .. ' needs ' .. key .. ' to be a ' .. wants .. ', it is a ' .. s.type
    end
    s.type = wants
  end
  if name == 'DEL' then
    s.type, s.deleted, s.fields = 'none', true, {}
  elseif name == 'SET' then
    local conditional = false
    for j = 2, #a do
      local o = string.upper(a[j])
      conditional = conditional or o == 'NX' or o == 'XX'
    end
    s.fields[''] = conditional and UNKNOWN or {s = a[1]}
  elseif name == 'APPEND' then
    s.fields[''] = UNKNOWN
  elseif name == 'INCR' or name == 'DECR' or name == 'INCRBY' or name == 'DECRBY' then
    local by = (name == 'INCR' and 1) or (name == 'DECR' and -1) or integer(a[1])
    if not by then
      return name .. ' by \'' .. a[1] .. '\', not an integer'
    end
    return add(key, s, '', name == 'DECRBY' and -by or by, false)
  elseif name == 'INCRBYFLOAT' then
    return add(key, s, '', decimal(a[1]) or 0 / 0, true)
  elseif name == 'HSET' then
    for j = 1, #a, 2 do
      s.fields[a[j]] = {s = a[j + 1]}
    end
  elseif name == 'HSETNX' then
    if now(key, s, a[1]) == ABSENT then
      s.fields[a[1]] = {s = a[2]}
    end
  elseif name == 'HDEL' or name == 'ZREM' then
    for j = 1, #a do
      s.fields[a[j]] = ABSENT
    end
  elseif name == 'HINCRBY' then
    local by = integer(a[2])
    if not by then
      return name .. ' by \'' .. a[2] .. '\', not an integer'
    end
    return add(key, s, a[1], by, false)
  elseif name == 'HINCRBYFLOAT' then
    return add(key, s, a[1], decimal(a[2]) or 0 / 0, true)
  elseif name == 'ZADD' then
    local j, conditional = 1, false
    while j <= #a and string.match(string.upper(a[j]), '^[NXGLC][XTH]$') do
      conditional = conditional or string.upper(a[j]) ~= 'CH'
      j = j + 1
    end
    for k = j, #a, 2 do
      if not score(a[k]) then
        return 'ZADD score \'' .. a[k] .. '\' is not a number'
      end
      s.fields[a[k + 1]] = conditional and UNKNOWN or {f = score(a[k])}
    end
  elseif name == 'ZINCRBY' then
    -- only infinities of opposite signs make a NaN, which Redis refuses
    local by = score(a[1])
    if by == nil then
      return 'ZINCRBY by \'' .. a[1] .. '\', not a number'
    end
    local v = now(key, s, a[2])
    if v == UNKNOWN then
      if by == math.huge or by == -math.huge then
        return 'ZINCRBY of ' .. describe(key, a[2]) .. ' by an infinity after a conditional ZADD cannot be checked'
      end
    else
      local n = (v == ABSENT and 0) or v.f or v.i or score(v.s)
      if n + by ~= n + by then
        return 'ZINCRBY of ' .. describe(key, a[2]) .. ' would not be a number'
      end
      s.fields[a[2]] = {f = n + by}
    end
  end
  return nil
end

for _, w in ipairs(writes) do
  local refused = check(w)
  if refused then
    return {INVALID, refused}
  end
end
for _, w in ipairs(writes) do
  redis.call(w.name, w.key, unpack(w.args))
end
redis.call('XACK', stream, group, id)
return {DONE, #writes}
