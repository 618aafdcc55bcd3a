-- Re-delivers a dead letter to the group that failed it: appends the original fields to the stream with
-- x-target-group set (other groups acknowledge and skip it) and deletes the dead letter, atomically.
-- KEYS[1] dlq, KEYS[2] stream; ARGV[1] dead letter id. Returns {done, the new entry id}, or {gone} when there is none.
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then
  return {GONE}
end
local fields = e[1][2]
local group = nil
for i = 1, #fields, 2 do
  if fields[i] == 'dl:group' then
    group = fields[i + 1]
  end
end
return {DONE, replayDeadLetter(KEYS[1], KEYS[2], ARGV[1], fields, group)}
