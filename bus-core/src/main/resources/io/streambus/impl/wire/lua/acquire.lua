-- Takes ownership of a partition for ordered processing, if nobody holds it: SET NX with a time to live that the
-- owner's renewals extend (renew.lua). KEYS[1] the partition's owner key; ARGV[1] this consumer, ARGV[2] its token,
-- ARGV[3] ttl (ms). Returns {done} when this subscription owns it now (it may have owned it already), else {not_ours}.
if redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'NX', 'PX', ARGV[3]) or owns(KEYS[1], ARGV[1], ARGV[2]) then
  return {DONE}
end
return {NOT_OURS}
