-- Lua strings are immutable and `s = s .. x` in a loop is quadratic, so the
-- string is built the idiomatic way, in a buffer joined once.
local function main(n)
  local buffer = {}
  for i = 0, n - 1 do
    buffer[#buffer + 1] = "node" .. (i % 1000) .. ","
  end
  local s = table.concat(buffer)
  local parts = 0
  for _ in (s .. ","):gmatch("([^,]*),") do parts = parts + 1 end
  print(#s .. " " .. parts)
end
main(tonumber(arg[1]))
