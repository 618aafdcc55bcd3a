-- Gives up ownership of a partition, if it is still ours. KEYS[1] the owner key; ARGV[1] this consumer, ARGV[2] its
-- token. Returns {done} when it was ours and is released, else {not_ours}.
if owns(KEYS[1], ARGV[1], ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return {DONE}
end
return {NOT_OURS}
