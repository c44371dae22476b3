import { FORGET_EMPTY_AREA_MS } from "./seq";

/**
 * Lua scripts of the Redis engine. Each runs atomically, so a change and the counts it moves
 * are never seen apart, by any node. They apply the same rules as rules.ts (one presence per
 * user, the latest login owns it, only the owner ends it, counts move by exact deltas) and are
 * held to them by the same test suite as the in-process engine.
 *
 * Keys, under one prefix whose `{presence}` hash tag keeps them in one slot:
 *   u          hash  userId → "area\tmode\towner\texpiresAt"   (owner: "e" = events, "s:<node>:<conn>")
 *   c:<area>   hash  mode → players
 *   t          zset  area → players (the global view)
 *   v          hash  area → seq (seq.ts: µs of the latest change, Redis clock)
 *   gone       zset  area → ms it emptied (forgotten FORGET_EMPTY_AREA_MS later)
 *   exp        zset  userId → expiresAt, for event presences
 *   n:<node>   set   users whose presence a connection of that node holds (for reaping)
 *   hb:<node>  string, TTL = node TTL: the node's heartbeat
 *   nodes      set   nodes that hold (or held) connections
 *   seen:<g>   set   event keys of id-window generation g (two generations are checked)
 * Changed areas are published on <prefix>changed as "area1,area2".
 *
 * ARGV[1] = prefix, ARGV[2] = now (ms, the calling node's clock; used for TTLs only).
 */
const prelude = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local U = P .. "u"
local deltas, touched = {}, {}

local function bump(area, mode, by)
  local modes = deltas[area]
  if modes == nil then
    modes = {}
    deltas[area] = modes
    touched[#touched + 1] = area
  end
  modes[mode] = (modes[mode] or 0) + by
end

local function parse(record)
  local area, mode, owner, expires = string.match(record, "^([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)\\t(%d+)$")
  return area, mode, owner, tonumber(expires)
end

local function nodeOf(owner)
  return string.match(owner, "^s:([^:]+):")
end

local function unindex(user, owner)
  if owner == "e" then
    redis.call("ZREM", P .. "exp", user)
  else
    local node = nodeOf(owner)
    if node then redis.call("SREM", P .. "n:" .. node, user) end
  end
end

local function index(user, owner, expiresAt)
  if owner == "e" then
    redis.call("ZADD", P .. "exp", expiresAt, user)
  else
    redis.call("SADD", P .. "n:" .. nodeOf(owner), user)
  end
end

-- The latest login owns the presence: a login elsewhere moves it, to the same place refreshes it.
local function login(user, area, mode, owner, expiresAt)
  local record = redis.call("HGET", U, user)
  if record then
    local a, m, o = parse(record)
    if o ~= owner then unindex(user, o) end
    if a ~= area or m ~= mode then
      bump(a, m, -1)
      bump(area, mode, 1)
    end
  else
    bump(area, mode, 1)
  end
  redis.call("HSET", U, user, area .. "\\t" .. mode .. "\\t" .. owner .. "\\t" .. expiresAt)
  index(user, owner, expiresAt)
end

-- Ends the presence only when \`owner\` holds it and, when area is given, it is in that area and mode.
local function logout(user, owner, area, mode)
  local record = redis.call("HGET", U, user)
  if not record then return 0 end
  local a, m, o = parse(record)
  if o ~= owner or (area and (a ~= area or m ~= mode)) then return 0 end
  redis.call("HDEL", U, user)
  unindex(user, o)
  bump(a, m, -1)
  return 1
end

-- Moves the counts by the summed deltas, bumps the seq of every area that moved, publishes them.
local function commit()
  local changed = {}
  local time = redis.call("TIME")
  local micros = tonumber(time[1]) * 1000000 + tonumber(time[2])
  for _, area in ipairs(touched) do
    local C = P .. "c:" .. area
    local total, moved = 0, false
    for mode, by in pairs(deltas[area]) do
      if by ~= 0 then
        moved = true
        total = total + by
        -- Never negative: deltas come from real presences; the clamp is a last defence.
        if redis.call("HINCRBY", C, mode, by) <= 0 then redis.call("HDEL", C, mode) end
      end
    end
    if moved then
      local players = tonumber(redis.call("ZINCRBY", P .. "t", total, area))
      if players <= 0 then
        redis.call("ZREM", P .. "t", area)
        redis.call("DEL", C)
        redis.call("ZADD", P .. "gone", now, area)
      else
        redis.call("ZREM", P .. "gone", area)
      end
      local seq = tonumber(redis.call("HGET", P .. "v", area) or "0")
      -- %.0f: a Lua number would otherwise print as 1.7e+15.
      redis.call("HSET", P .. "v", area, string.format("%.0f", math.max(seq + 1, micros)))
      changed[#changed + 1] = area
    end
  end
  if #changed > 0 then redis.call("PUBLISH", P .. "changed", table.concat(changed, ",")) end
  return #changed
end
`;

/** ARGV[3..6] = user, area, mode, owner. */
export const loginScript = `${prelude}
login(ARGV[3], ARGV[4], ARGV[5], ARGV[6], 0)
commit()
return 1
`;

/** ARGV[3..4] = user, owner. Returns 1 when the presence ended. */
export const endSessionScript = `${prelude}
local ended = logout(ARGV[3], ARGV[4], nil, nil)
commit()
return ended
`;

/**
 * ARGV[3] = expiresAt of LOGIN presences, ARGV[4] = id-window generation, ARGV[5] = seconds a
 * generation's set lives, then 5 per event: key, user, area, mode, "L" | "O".
 * Returns the number of duplicates.
 */
export const ingestScript = `${prelude}
local expiresAt = ARGV[3]
local generation = tonumber(ARGV[4])
local current, previous = P .. "seen:" .. generation, P .. "seen:" .. (generation - 1)
local duplicates, added = 0, false
for i = 6, #ARGV, 5 do
  local key = ARGV[i]
  if redis.call("SISMEMBER", previous, key) == 1 or redis.call("SADD", current, key) == 0 then
    duplicates = duplicates + 1
  else
    added = true
    if ARGV[i + 4] == "L" then
      login(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], "e", expiresAt)
    else
      logout(ARGV[i + 1], "e", ARGV[i + 2], ARGV[i + 3])
    end
  end
end
if added then redis.call("EXPIRE", current, tonumber(ARGV[5])) end
commit()
return duplicates
`;

/**
 * Ends up to ARGV[3] event presences due at \`now\` and forgets areas empty for long enough.
 * Returns how many presences were looked at (the caller repeats while that is the limit).
 */
export const expireScript = `${prelude}
local due = redis.call("ZRANGEBYSCORE", P .. "exp", "-inf", now, "LIMIT", 0, tonumber(ARGV[3]))
for _, user in ipairs(due) do
  if logout(user, "e", nil, nil) == 0 then redis.call("ZREM", P .. "exp", user) end
end
commit()
local forgotten = redis.call("ZRANGEBYSCORE", P .. "gone", "-inf", now - ${FORGET_EMPTY_AREA_MS}, "LIMIT", 0, 100)
for _, area in ipairs(forgotten) do
  if not redis.call("ZSCORE", P .. "t", area) then redis.call("HDEL", P .. "v", area) end
  redis.call("ZREM", P .. "gone", area)
end
return #due
`;

/**
 * Reaps up to ARGV[4] sessions of node ARGV[3]. Unless ARGV[5] = "force" (a node reaping its own
 * earlier life), a node whose heartbeat is back is left alone (returns -1). Returns how many
 * users were looked at; at 0 the node is forgotten.
 */
export const reapScript = `${prelude}
local node = ARGV[3]
if ARGV[5] ~= "force" and redis.call("EXISTS", P .. "hb:" .. node) == 1 then return -1 end
local users = redis.call("SPOP", P .. "n:" .. node, tonumber(ARGV[4]))
for _, user in ipairs(users) do
  local record = redis.call("HGET", U, user)
  if record then
    local _, _, owner = parse(record)
    if nodeOf(owner) == node then logout(user, owner, nil, nil) end
  end
end
commit()
if #users == 0 then redis.call("SREM", P .. "nodes", node) end
return #users
`;

/** ARGV[3] = area. Returns { seq, mode1, players1, ... } read together. */
export const statsScript = `
local P = ARGV[1]
local seq = redis.call("HGET", P .. "v", ARGV[3]) or "0"
local counts = redis.call("HGETALL", P .. "c:" .. ARGV[3])
table.insert(counts, 1, seq)
return counts
`;
