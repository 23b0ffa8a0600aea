-- A JSON list field ('' or missing = empty).
local function decodeList(s)
  if not s or s == '' then return {} end
  return cjson.decode(s)
end
