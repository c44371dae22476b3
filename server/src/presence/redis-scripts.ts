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
 * Each call reads the users it touches with one HMGET, applies the rules to them in Lua tables,
 * and writes them and their indexes back with one command of each kind: per event, a batch
 * costs table work, not Redis commands. Needs Redis ≥ 6.2 (SMISMEMBER), as ioredis 6 does.
 *
 * ARGV[1] = prefix, ARGV[2] = now (ms, the calling node's clock; used for TTLs only).
 */
const prelude = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local U = P .. "u"

-- Users read once per call (HMGET), changed in these tables, written back once by commit().
local state, before, dirty, changedUsers = {}, {}, {}, {}
local deltas, touched = {}, {}

local function parse(record)
  local area, mode, owner, expires = string.match(record, "^([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)\\t(%d+)$")
  return { area, mode, owner, expires }
end

local function nodeOf(owner)
  return string.match(owner, "^s:([^:]+):")
end

-- Runs \`command key a1 a2 …\` in chunks (Lua's unpack stops near 8000 values).
local function bulk(command, key, args)
  for i = 1, #args, 4000 do
    redis.call(command, key, unpack(args, i, math.min(i + 3999, #args)))
  end
end

local function load(users)
  local need = {}
  for _, user in ipairs(users) do
    if state[user] == nil then
      state[user] = false
      need[#need + 1] = user
    end
  end
  for i = 1, #need, 4000 do
    local chunk = { unpack(need, i, math.min(i + 3999, #need)) }
    local records = redis.call("HMGET", U, unpack(chunk))
    for j, user in ipairs(chunk) do
      if records[j] then state[user] = parse(records[j]) end
      before[user] = state[user]
    end
  end
end

local function put(user, presence)
  if not dirty[user] then
    dirty[user] = true
    changedUsers[#changedUsers + 1] = user
  end
  state[user] = presence
end

local function bump(area, mode, by)
  local modes = deltas[area]
  if modes == nil then
    modes = {}
    deltas[area] = modes
    touched[#touched + 1] = area
  end
  modes[mode] = (modes[mode] or 0) + by
end

-- The latest login owns the presence: a login elsewhere moves it, to the same place refreshes it.
local function login(user, area, mode, owner, expiresAt)
  if state[user] == nil then load({ user }) end
  local current = state[user]
  if not current or current[1] ~= area or current[2] ~= mode then
    if current then bump(current[1], current[2], -1) end
    bump(area, mode, 1)
  end
  put(user, { area, mode, owner, expiresAt })
end

-- Ends the presence only when \`owner\` holds it and, when area is given, it is in that area and mode.
local function logout(user, owner, area, mode)
  if state[user] == nil then load({ user }) end
  local current = state[user]
  if not current or current[3] ~= owner or (area and (current[1] ~= area or current[2] ~= mode)) then return 0 end
  put(user, false)
  bump(current[1], current[2], -1)
  return 1
end

local function add(lists, key, value)
  local list = lists[key]
  if not list then
    list = {}
    lists[key] = list
  end
  list[#list + 1] = value
end

-- Writes the changed users and their indexes, moves the counts by the summed deltas, bumps the
-- seq of every area that moved, and publishes those areas.
local function commit()
  local hset, hdel, zadd, zrem, sadd, srem = {}, {}, {}, {}, {}, {}
  for _, user in ipairs(changedUsers) do
    local was, now_ = before[user], state[user]
    local wasOwner, nowOwner = was and was[3], now_ and now_[3]
    if now_ then
      hset[#hset + 1] = user
      hset[#hset + 1] = table.concat(now_, "\\t")
    else
      hdel[#hdel + 1] = user
    end
    if wasOwner and wasOwner ~= nowOwner then
      if wasOwner == "e" then zrem[#zrem + 1] = user else add(srem, nodeOf(wasOwner), user) end
    end
    if nowOwner == "e" then
      zadd[#zadd + 1] = now_[4]
      zadd[#zadd + 1] = user
    elseif nowOwner and nowOwner ~= wasOwner then
      add(sadd, nodeOf(nowOwner), user)
    end
  end
  bulk("HSET", U, hset)
  bulk("HDEL", U, hdel)
  bulk("ZREM", P .. "exp", zrem)
  bulk("ZADD", P .. "exp", zadd)
  for node, users in pairs(srem) do bulk("SREM", P .. "n:" .. node, users) end
  for node, users in pairs(sadd) do bulk("SADD", P .. "n:" .. node, users) end

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
local keys, users = {}, {}
for i = 6, #ARGV, 5 do
  keys[#keys + 1] = ARGV[i]
  users[#users + 1] = ARGV[i + 1]
end
load(users)
local inPrevious = redis.call("SMISMEMBER", previous, unpack(keys))
local inCurrent = redis.call("SMISMEMBER", current, unpack(keys))
local fresh, seen, duplicates = {}, {}, 0
for n, key in ipairs(keys) do
  if inPrevious[n] == 1 or inCurrent[n] == 1 or seen[key] then
    duplicates = duplicates + 1
  else
    seen[key] = true
    fresh[#fresh + 1] = key
    local i = 6 + (n - 1) * 5
    if ARGV[i + 4] == "L" then
      login(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], "e", expiresAt)
    else
      logout(ARGV[i + 1], "e", ARGV[i + 2], ARGV[i + 3])
    end
  end
end
if #fresh > 0 then
  bulk("SADD", current, fresh)
  redis.call("EXPIRE", current, tonumber(ARGV[5]))
end
commit()
return duplicates
`;

/**
 * Ends up to ARGV[3] event presences due at \`now\` and forgets areas empty for long enough.
 * Returns how many presences were looked at (the caller repeats while that is the limit).
 */
export const expireScript = `${prelude}
local due = redis.call("ZRANGEBYSCORE", P .. "exp", "-inf", now, "LIMIT", 0, tonumber(ARGV[3]))
load(due)
for _, user in ipairs(due) do
  -- Not held by the events any more (taken over by a connection): only the index is stale.
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
load(users)
for _, user in ipairs(users) do
  local current = state[user]
  if current and nodeOf(current[3]) == node then logout(user, current[3], nil, nil) end
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
