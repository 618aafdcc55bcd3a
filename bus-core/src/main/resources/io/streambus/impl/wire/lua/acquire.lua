-- Takes ownership of a partition for ordered processing, if nobody holds it: SET NX with a time to live that the
-- owner's renewals extend (renew.lua). KEYS[1] the partition's owner key; ARGV[1] "consumer|token", ARGV[2] ttl (ms).
-- Returns 1 when this subscription owns it now (it may have owned it already), else 0.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return 1
end
return 0
