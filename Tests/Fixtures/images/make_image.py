#!/usr/bin/env python3
"""Writes hand-made image layers and wraps them as an OCI image layout and a
docker archive, for the image import tests.

usage: make_image.py OUT KIND   (KIND: good, dotdot, symlink-escape)

OUT/oci        an OCI image layout (index.json tagged "test", blobs/sha256/…)
OUT/docker.tar a docker-archive (manifest.json, config, uncompressed layers)
"""
import gzip, hashlib, io, json, os, random, sys, tarfile

def tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            info = tarfile.TarInfo(e["name"])
            info.mode = e.get("mode", 0o644)
            info.uid, info.gid = e.get("uid", 0), e.get("gid", 0)
            info.mtime = 1_700_000_000
            info.type = e.get("type", tarfile.REGTYPE)
            info.linkname = e.get("link", "")
            info.devmajor, info.devminor = e.get("dev", (0, 0))
            if "xattr" in e:
                info.pax_headers = {"SCHILY.xattr." + k: v for k, v in e["xattr"].items()}
            data = e.get("data", b"")
            info.size = len(data) if info.type == tarfile.REGTYPE else 0
            t.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
    return buf.getvalue()

D, L, H, C = tarfile.DIRTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE
CAP = "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

def good():
    base = [
        {"name": "bin", "type": D, "mode": 0o755},
        {"name": "bin/sh", "data": b"#!shell\n", "mode": 0o755},
        {"name": "bin/ping", "data": b"ping\n", "mode": 0o755, "xattr": {"security.capability": CAP}},
        {"name": "bin/su", "data": b"su\n", "mode": 0o4755},
        {"name": "etc", "type": D, "mode": 0o755},
        {"name": "etc/hosts", "data": b"127.0.0.1 localhost\n"},
        {"name": "etc/shadow", "data": b"root:*:\n", "mode": 0o600, "gid": 42},
        {"name": "etc/old", "data": b"removed by a whiteout\n"},
        {"name": "etc/alias", "type": L, "link": "hosts"},
        {"name": "home", "type": D, "mode": 0o755},
        {"name": "home/user", "type": D, "mode": 0o700, "uid": 1000, "gid": 1000},
        {"name": "home/user/notes", "data": b"mine\n", "uid": 1000, "gid": 1000},
        {"name": "dev", "type": D, "mode": 0o755},
        {"name": "dev/null", "type": C, "mode": 0o666, "dev": (1, 3)},
        {"name": "var", "type": D, "mode": 0o755},
        {"name": "var/cache", "type": D, "mode": 0o755},
        {"name": "var/cache/a", "data": b"stale\n"},
        {"name": "var/cache/b", "data": b"stale\n"},
        {"name": "usr", "type": D, "mode": 0o755},
        {"name": "usr/lib", "type": D, "mode": 0o755},
        {"name": "usr/lib/libx.so.1", "data": b"library\n", "mode": 0o755},
        # Larger than the 1 MiB chunks digests are computed in, and not a multiple of 64.
        {"name": "usr/lib/big.bin", "data": random.Random(1).randbytes(1_500_001)},
        {"name": "opt", "type": D, "mode": 0o755},
        {"name": "opt/tools", "type": D, "mode": 0o755},
        {"name": "opt/tools/README", "data": b"site software, served over NFS once split\n"},
        {"name": "boot", "type": D, "mode": 0o755},
        {"name": "boot/vmlinuz-5.14.0-362.el9.x86_64", "data": b"kernel\n"},
    ]
    top = [
        {"name": "etc/.wh.old"},
        {"name": "var/cache", "type": D, "mode": 0o755},
        {"name": "var/cache/.wh..wh..opq"},
        {"name": "var/cache/fresh", "data": b"new\n"},
        {"name": "usr/lib/libx.so", "type": H, "link": "usr/lib/libx.so.1"},
        {"name": "etc/hosts", "data": b"127.0.0.1 localhost\n10.0.0.1 head\n"},
    ]
    return [tar(base), tar(top)]

def dotdot():
    return [tar([{"name": "etc", "type": D, "mode": 0o755}, {"name": "../../etc/shadow", "data": b"pwned\n"}])]

def symlink_escape():
    return [tar([{"name": "evil", "type": L, "link": "/etc"}]), tar([{"name": "evil/shadow", "data": b"pwned\n"}])]

def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "oci/blobs/sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}

def main(out, kind):
    layers = {"good": good, "dotdot": dotdot, "symlink-escape": symlink_escape}[kind]()
    os.makedirs(os.path.join(out, "oci/blobs/sha256"), exist_ok=True)
    diff_ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}, "config": {}}).encode()
    cdesc = dict(blob(out, config), mediaType="application/vnd.oci.image.config.v1+json")
    ldescs = [dict(blob(out, gzip.compress(l, mtime=0)), mediaType="application/vnd.oci.image.layer.v1.tar+gzip")
              for l in layers]
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": cdesc, "layers": ldescs}).encode()
    mdesc = dict(blob(out, manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
                 annotations={"org.opencontainers.image.ref.name": "test"})
    with open(os.path.join(out, "oci/index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [mdesc]}, f)
    with open(os.path.join(out, "oci/oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with tarfile.open(os.path.join(out, "docker.tar"), "w") as t:
        def add(name, data):
            info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
        names = []
        for i, l in enumerate(layers):
            names.append(diff_ids[i][7:] + ".tar"); add(names[-1], l)
        add(hashlib.sha256(config).hexdigest() + ".json", config)
        add("manifest.json", json.dumps([{"Config": hashlib.sha256(config).hexdigest() + ".json",
                                          "RepoTags": ["test:latest"], "Layers": names}]).encode())

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
