#!/usr/bin/env python3
"""Copies what one account sees on a running Packyard into a static tree for nginx: the root
packages.json, every p2 file and every dist archive, byte for byte (only the port in absolute
URLs is rewritten, keeping the length), plus .gz siblings for nginx's gzip_static. Also writes
the request-path lists wrk cycles through.

usage: mirror_static.py BASE_URL PUBLIC PRIVATE OUT_DIR PATHS_DIR STATIC_PORT [URL_PORT]
  URL_PORT: the port in the answers' absolute URLs when it is not BASE_URL's (a server behind a
  proxy); BASE_URL may be https (the certificate is not checked: a benchmark's own).
"""
import base64
import concurrent.futures
import gzip
import json
import os
import ssl
import sys
import urllib.request


def main():
    base, public, private, out, paths_dir, port = sys.argv[1:7]
    auth = "Basic " + base64.b64encode(f"{public}:{private}".encode()).decode()
    own_port = sys.argv[7] if len(sys.argv) > 7 else base.rsplit(":", 1)[1]
    unchecked = ssl._create_unverified_context()
    assert len(own_port) == len(port), "ports must have the same length to keep sizes equal"

    def get(path):
        req = urllib.request.Request(base + path, headers={"Authorization": auth})
        with urllib.request.urlopen(req, context=unchecked) as r:
            return r.read()

    def save(path, body, compress):
        dest = os.path.join(out, path.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(body)
        if compress:
            with open(dest + ".gz", "wb") as f:
                f.write(gzip.compress(body, 6))

    def rewrite(body):
        return body.replace(f"127.0.0.1:{own_port}".encode(), f"127.0.0.1:{port}".encode())

    root = get("/packages.json")
    save("/packages.json", rewrite(root), True)
    names = json.loads(root)["available-packages"]
    p2_paths = [f"/p2/{n}.json" for n in names]
    dist_paths = []
    for path in p2_paths:
        body = get(path)
        save(path, rewrite(body), True)
        doc = json.loads(body)
        for versions in doc["packages"].values():
            for v in versions:
                url = v.get("dist", {}).get("url") if isinstance(v.get("dist"), dict) else None
                if url:
                    dist_paths.append(url.split(f"127.0.0.1:{own_port}", 1)[1])

    def fetch(path):
        save(path, get(path), False)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(fetch, dist_paths))
    os.makedirs(paths_dir, exist_ok=True)
    for name, paths in (("p2", p2_paths), ("dist", dist_paths), ("root", ["/packages.json"])):
        with open(os.path.join(paths_dir, name + ".txt"), "w") as f:
            f.write("\n".join(paths) + "\n")
    print(f"mirrored {len(p2_paths)} p2 files and {len(dist_paths)} archives into {out}")


if __name__ == "__main__":
    main()
