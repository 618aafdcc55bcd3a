-- Gives up ownership of a partition, if it is still ours. KEYS[1] the owner key; ARGV[1] "consumer|token".
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
