#!/usr/bin/env python3
"""Bulk-loads a synthetic repository straight into a migrated Packyard SQLite database:
PACKAGES packages x VERSIONS versions, ACCOUNTS accounts with KEYS_PER_ACCOUNT keys each, one
licensed product covering every package and one entitlement per account (every second one with
an updates_until cutoff). Going through SQL in batches is fine for a synthetic load: what the
benchmark measures is the server that reads it.

Key pair i is public 'K' + 31-digit i, private 'S' + 31-digit i (for wrk's Authorization).
Archives are not written: the 100k-scale benchmark reads metadata only.

usage: load_synthetic.py DB PACKAGES VERSIONS ACCOUNTS KEYS_PER_ACCOUNT
"""
import hashlib
import json
import sqlite3
import sys
import time


def main():
    db, packages, versions, accounts, keys_per = sys.argv[1], *map(int, sys.argv[2:6])
    t0 = time.time()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    now = int(time.time())
    cur = con.cursor()
    cur.execute("INSERT INTO products (slug, name, patterns, public, created_at) "
                "VALUES ('bulk', 'Bulk', ?, 0, ?)", ("vendor*/*", now - 86400))
    product_id = cur.lastrowid
    base = 1_600_000_000
    for p0 in range(0, packages, 5000):
        pkg_rows = [(f"vendor{p // 1000}/package-{p}", now) for p in range(p0, min(packages, p0 + 5000))]
        cur.executemany("INSERT INTO packages (name, created_at) VALUES (?, ?)", pkg_rows)
        first = cur.execute("SELECT id FROM packages WHERE name = ?", (pkg_rows[0][0],)).fetchone()[0]
        rows = []
        for k, (name, _) in enumerate(pkg_rows):
            pid = first + k
            for v in range(versions):
                version = f"1.{v}.0"
                manifest = json.dumps({
                    "name": name, "version": version, "type": "library",
                    "description": f"Synthetic package {name}",
                    "license": ["proprietary"],
                    "require": {"php": ">=8.1", "psr/log": "^3.0"},
                    "autoload": {"psr-4": {"Vendor\\Package\\": "src/"}},
                }, separators=(",", ":"))
                digest = hashlib.sha1(f"{name} {version}".encode()).hexdigest()
                sha256 = hashlib.sha256(f"{name} {version}".encode()).hexdigest()
                released = base + v * 30 * 86400 + pid
                rows.append((pid, version, f"1.{v}.0.0", manifest, released, digest, sha256, 20000,
                             f"dists/{sha256[:2]}/{sha256[2:4]}/{sha256}.zip", now, released * 1000))
        cur.executemany(
            "INSERT INTO versions (package_id, version, version_normalized, manifest, released_at, "
            "sha1, sha256, size, blob_key, created_at, changed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        con.commit()
    for a0 in range(0, accounts, 10000):
        ids = range(a0, min(accounts, a0 + 10000))
        cur.executemany(
            "INSERT INTO accounts (email, name, status, created_at, licences_changed_at) VALUES (?, ?, 'active', ?, 0)",
            [(f"customer{i}@bench.example", f"Customer {i}", now) for i in ids])
        cur.execute("UPDATE accounts SET public_id = printf('MAG%09d', id) WHERE public_id IS NULL")
        first = cur.execute("SELECT id FROM accounts WHERE email = ?", (f"customer{a0}@bench.example",)).fetchone()[0]
        ents, keys = [], []
        for n, i in enumerate(ids):
            aid = first + n
            until = "2021-06-30" if i % 2 else None
            ents.append((aid, product_id, until, now))
            for k in range(keys_per):
                kn = i * keys_per + k
                keys.append((aid, "bench", f"K{kn:031d}",
                             hashlib.sha256(f"S{kn:031d}".encode()).digest(), 1, now))
        cur.executemany("INSERT INTO entitlements (account_id, product_id, updates_until, created_at) VALUES (?,?,?,?)", ents)
        cur.executemany("INSERT INTO access_keys (account_id, name, public_key, private_key_hash, enabled, created_at) "
                        "VALUES (?,?,?,?,?,?)", keys)
        con.commit()
    con.close()
    print(f"loaded {packages} packages, {packages * versions} versions, {accounts} accounts, "
          f"{accounts * keys_per} keys in {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
