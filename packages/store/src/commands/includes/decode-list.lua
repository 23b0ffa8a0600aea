-- A JSON list field ('' or missing = empty).
local function decodeList(s)
  if not s or s == '' then return {} end
  return cjson.decode(s)
end

-- A JSON list field as a set: { [item] = true }.
local function decodeSet(s)
  local set = {}
  for _, v in ipairs(decodeList(s)) do set[v] = true end
  return set
end
