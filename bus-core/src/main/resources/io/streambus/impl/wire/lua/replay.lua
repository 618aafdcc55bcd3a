-- Re-delivers a dead letter to the group that failed it: appends the original fields to the stream with
-- x-target-group set (other groups acknowledge and skip it) and deletes the dead letter, atomically.
-- KEYS[1] dlq, KEYS[2] stream; ARGV[1] dead letter id. Returns the new entry id, or false when there is none.
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then
  return false
end
local fields = e[1][2]
local args = {KEYS[2], '*'}
local group = nil
for i = 1, #fields, 2 do
  local k, v = fields[i], fields[i + 1]
  if k == 'dl:group' then
    group = v
  elseif string.sub(k, 1, 3) ~= 'dl:' and k ~= 'x-target-group' then
    args[#args + 1] = k
    args[#args + 1] = v
  end
end
if group then
  args[#args + 1] = 'x-target-group'
  args[#args + 1] = group
end
local id = redis.call('XADD', unpack(args))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
