-- Provisioning-shaped work: node records (tables) whose nested fields are
-- read and set, filtered, and turned into lines of text.
local function filter(xs, keep)
  local out = {}
  for _, x in ipairs(xs) do if keep(x) then out[#out + 1] = x end end
  return out
end

local function main(n)
  local nodes = {}
  for i = 0, n - 1 do
    local profile = "default"
    if i % 4 == 0 then profile = "gpu" end
    nodes[#nodes + 1] = {name = "sc" .. i, profile = profile, network = {ip = "10.0." .. (i // 256) .. "." .. (i % 256), mtu = 1500},
                         tags = {rack = "r" .. (i % 40)}, kernel = {args = {"quiet"}}}
  end
  for _, node in ipairs(nodes) do
    if node.tags.rack == "r7" then node.tags.arch = "aarch64" end
    if node.profile == "gpu" then
      node.network.mtu = 9000
      node.kernel.args[#node.kernel.args + 1] = "nvidia-drm.modeset=1"
    end
  end
  local gpus = filter(nodes, function(node) return node.profile == "gpu" end)
  local lines = {}
  for _, node in ipairs(gpus) do
    lines[#lines + 1] = node.name .. " " .. node.network.ip .. " mtu=" .. node.network.mtu .. " args=" .. #node.kernel.args
  end
  local report = table.concat(lines, "\n")
  local arm = 0
  for _, node in ipairs(nodes) do
    if (node.tags.arch or "x86_64") == "aarch64" then arm = arm + 1 end
  end
  print(#gpus .. " " .. arm .. " " .. #report)
end
main(tonumber(arg[1]))
