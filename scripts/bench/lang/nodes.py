# Provisioning-shaped work: node records (dicts) whose nested fields are
# read and set, filtered, and turned into lines of text.
import sys
def main(n):
    nodes = []
    for i in range(n):
        profile = "default"
        if i % 4 == 0:
            profile = "gpu"
        nodes.append({"name": f"sc{i}", "profile": profile, "network": {"ip": f"10.0.{i // 256}.{i % 256}", "mtu": 1500},
                      "tags": {"rack": f"r{i % 40}"}, "kernel": {"args": ["quiet"]}})
    for node in nodes:
        if node["tags"]["rack"] == "r7":
            node["tags"]["arch"] = "aarch64"
        if node["profile"] == "gpu":
            node["network"]["mtu"] = 9000
            node["kernel"]["args"].append("nvidia-drm.modeset=1")
    gpus = list(filter(lambda node: node["profile"] == "gpu", nodes))
    lines = []
    for node in gpus:
        lines.append(f"{node['name']} {node['network']['ip']} mtu={node['network']['mtu']} args={len(node['kernel']['args'])}")
    report = "\n".join(lines)
    arm = 0
    for node in nodes:
        if node["tags"].get("arch", "x86_64") == "aarch64":
            arm += 1
    print(len(gpus), arm, len(report))
main(int(sys.argv[1]))
