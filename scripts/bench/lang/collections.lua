local function main(n)
  local xs = {}
  local m = {}
  local count = 0
  for i = 0, n - 1 do
    xs[#xs + 1] = i * 2
    m["k" .. i] = i
  end
  for _ in pairs(m) do count = count + 1 end
  local total = 0
  for _, x in ipairs(xs) do total = total + x end
  print(#xs .. " " .. count .. " " .. total .. " " .. m["k" .. (n - 1)])
end
main(tonumber(arg[1]))
