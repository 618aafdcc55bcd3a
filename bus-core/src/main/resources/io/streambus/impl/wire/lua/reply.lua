-- Adds a reply to a requester's reply stream, only if the stream exists: a requester that died (or closed) left its
-- stream to expire (or deleted it), and a reply must not create it again, without a time to live, for nobody to read.
-- KEYS[1] reply stream; ARGV field, value, ... Returns {done, id} or {gone}.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {GONE}
end
return {DONE, redis.call('XADD', KEYS[1], '*', unpack(ARGV))}
