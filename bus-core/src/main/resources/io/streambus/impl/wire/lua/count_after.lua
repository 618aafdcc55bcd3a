-- Counts entries after an id (group lag where Redis does not report it), stopping at a cap so a huge backlog cannot
-- block Redis. KEYS[1] stream; ARGV[1] id (exclusive), ARGV[2] cap. Returns the count (cap means "at least").
local cap = tonumber(ARGV[2])
local count = 0
local from = '(' .. ARGV[1]
while count < cap do
  local batch = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 1000)
  if #batch == 0 then
    break
  end
  count = count + #batch
  from = '(' .. batch[#batch][1]
end
return math.min(count, cap)
