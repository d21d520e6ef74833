#!/usr/bin/env python3
"""Turns bench/run's results file into the issue's table (Markdown): every row as a ratio or
figure against its goal, with the raw numbers it came from.

usage: report.py RESULTS_FILE
"""
import statistics
import sys


def parse(path):
    rows = []
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        fields = {}
        words = []
        for p in parts:
            if "=" in p:
                k, v = p.split("=", 1)
                fields[k] = v
            else:
                words.append(p)
        rows.append((words, fields))
    return rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def main():
    rows = parse(sys.argv[1])
    out = []

    def add(what, goal, measured, raw, ok):
        verdict = "meets" if ok else "MISSES"
        out.append(f"| {what} | {goal} | {measured} | {raw} | {verdict} |")

    def series(label, target, key="rps"):
        return [num(f.get(key)) for w, f in rows if w[:2] == [label, target] and num(f.get(key)) is not None]

    mode = next((" ".join(w + [f"{k}={v}" for k, v in f.items()]) for w, f in rows if w[0] == "mode"), "")
    ref = next((f.get("ref") for w, f in rows if w[0] == "mode"), None) or "the reference build"
    # (label, what, goal, compared with, unit): ratios of packyard to the other side.
    pairs = (
        ("p2", "authenticated, licence-filtered `GET /p2/…json`, identity, HTTP/1.1", 1.1, "nginx", "req/s"),
        ("p2_gzip", "same, `Accept-Encoding: gzip` (nginx `gzip_static`)", 1.1, "nginx", "req/s"),
        ("p2_tls", "p2 over TLS, HTTP/1.1 (wrk), same certificate", 1.1, "nginx", "req/s"),
        ("p2_h2", "p2 over TLS, HTTP/2 (`h2load -c16 -m16`)", 1.0, "nginx", "req/s"),
        ("handshakes", "full TLS handshakes, new connections (2 × `openssl s_time -new`)", 1.0, "nginx", "handshakes/s"),
        ("p2_ref", f"today's build vs the first wave's (`{ref}`), p2 identity", 1.2, "ref", "req/s"),
        ("p2_ceiling", "p2 vs the ceiling (minimal hyper server, same bytes from memory)", 0.85, "ceiling", "req/s"),
        ("packages_json", "per-account `GET /packages.json` throughput", 1.0, "nginx", "req/s"),
        ("dist", "dist archive throughput", 0.9, "nginx", "req/s"),
    )
    for label, what, goal, other, unit in pairs:
        p, n = series(label, "packyard"), series(label, other)
        if not p or not n:
            continue
        pm, nm = statistics.median(p), statistics.median(n)
        # Each round ran the two back to back: the median of per-round ratios cancels most
        # of what other load on the machine does to both.
        ratio = statistics.median(a / b for a, b in zip(p, n))
        name = ref if other == "ref" else other
        raw = (f"packyard {', '.join(f'{x:.0f}' for x in p)} {unit}; "
               f"{name} {', '.join(f'{x:.0f}' for x in n)} {unit} (medians {pm:.0f} / {nm:.0f}; "
               f"ratio = median of per-round ratios)")
        add(what, f"≥ {goal:.2f}× {name}", f"{ratio:.3f}×", raw, ratio >= goal)

    for label, what, goal in (
        ("create_project", "cold `composer create-project` (200 modules × 8 releases), HTTP, no added latency", 1.05),
        ("create_project_rtt", "cold `composer create-project` over HTTPS, 20 ms round trip (nginx: `http2`)", 0.9),
    ):
        p, n = series(label, "packyard", "secs"), series(label, "nginx", "secs")
        if not p or not n:
            continue
        ratio = statistics.median(a / b for a, b in zip(p, n))
        installed = [f.get("installed") for w, f in rows if w[0] == label]
        add(what, f"≤ {goal:.2f}× nginx", f"{ratio:.3f}×",
            f"packyard {', '.join(f'{x:.2f}' for x in p)} s; nginx {', '.join(f'{x:.2f}' for x in n)} s; "
            f"packages installed per run: {', '.join(installed)}", ratio <= goal)

    for w, f in rows:
        if w[0] == "bulk_publish":
            rate = int(f["zips"]) / float(f["secs"])
            add("bulk publish (`packyard publish` of every zip, one process)", "≥ 200 zips/s",
                f"{rate:.0f} zips/s", f"{f['zips']} zips in {float(f['secs']):.2f} s", rate >= 200)

    for w, f in rows:
        if w[0] == "big_startup":
            secs, rss = float(f["secs"]), int(f["rss_mib"])
            scale = f"{f['packages']} packages, {f['versions']} versions, {f['accounts']} accounts, {f['keys']} keys"
            add(f"startup at {scale}", "≤ 4 s", f"{secs:.1f} s", "until the listening line", secs <= 4)
            after = next((int(g["rss_mib"]) for x, g in rows if x[0] == "big_rss_after_load"), rss)
            add("RSS at that scale", "≤ 600 MiB", f"{max(rss, after)} MiB",
                f"{rss} MiB after start-up, {after} MiB after the p2 load", max(rss, after) <= 600)
    big = series("big_p2", "packyard")
    big_p99 = series("big_p2", "packyard", "p99_ms")
    small = series("small_p2", "packyard") or series("p2", "packyard")
    if big and small:
        p99 = max(big_p99)
        add("p2 p99 at that scale (64 connections, licence-filtered)", "≤ 2 ms", f"{p99:.2f} ms",
            f"p99 per round: {', '.join(f'{x:.2f}' for x in big_p99)} ms; for reference nginx serving the "
            f"small catalog's static p2 files in this run: {', '.join(f'{x:.2f}' for x in series('p2', 'nginx', 'p99_ms'))} ms",
            p99 <= 2.0)
        ratio = statistics.median(a / b for a, b in zip(big, small))
        add("p2 throughput at that scale vs the small catalog", "≥ 0.90×", f"{ratio:.3f}×",
            f"{', '.join(f'{x:.0f}' for x in big)} req/s vs small catalog {', '.join(f'{x:.0f}' for x in small)} req/s, interleaved",
            ratio >= 0.9)
    groups = {}
    for w, f in rows:
        if w[0] in ("publish_cli", "publish_api"):
            groups.setdefault((w[0], w[1]), []).append(f)
    for (kind, label), runs in groups.items():
        how = "`packyard publish`, a new process each time" if kind == "publish_cli" else "admin API upload"
        secs = [float(f["secs"]) for f in runs]
        vis = [num(f["visible_secs"]) for f in runs]
        seen = [v for v in vis if v is not None]
        med = statistics.median(secs)
        worst = max(seen) if len(seen) == len(vis) else None
        measured = f"median {med * 1000:.0f} ms; visible after ≤ {worst * 1000:.0f} ms" if worst is not None else f"median {med * 1000:.0f} ms; NOT visible in some runs"
        raw = (f"publish {', '.join(f'{x * 1000:.0f}' for x in secs)} ms; visible "
               f"{', '.join('never' if v is None else f'{v * 1000:.0f}' for v in vis)} ms (from the start of the publish)")
        add(f"publish one version into the {label} repository ({how})", "≤ 50 ms, visible ≤ 1 s",
            measured, raw, med <= 0.05 and worst is not None and worst <= 1.0)
    print(f"run: {mode}\n")
    print("| what | goal | measured | raw numbers | verdict |")
    print("|---|---|---|---|---|")
    print("\n".join(out))


if __name__ == "__main__":
    main()
