#!/usr/bin/env python3
"""Scores `candor scan --format json` output against tests/corpus/labels.json.

    CARGO_TARGET_DIR=/tmp/target-corpus cargo run -q --manifest-path crate/Cargo.toml --bin candor -- \
        scan tests/corpus/fraud/* --format json > /tmp/fraud.json
    CARGO_TARGET_DIR=/tmp/target-corpus cargo run -q --manifest-path crate/Cargo.toml --bin candor -- \
        scan tests/corpus/ordinary/* --format json > /tmp/ordinary.json
    python3 tests/corpus/measure.py /tmp/fraud.json /tmp/ordinary.json [-v]

Scan each directory in ONE run: items 048-050 share contacts and text, and persona memory only
lives for the duration of a run. Standard library only.
"""
import collections
import json
import os
import sys

ORDER = ["none", "low", "medium", "high", "critical"]
HERE = os.path.dirname(os.path.abspath(__file__))


def at_least(level, threshold):
    return ORDER.index(level) >= ORDER.index(threshold)


def load(path):
    out = {}
    for r in json.load(open(path))["reports"]:
        key = r["source"].replace("\\", "/").split("tests/corpus/")[-1]
        cands = r["candidates"]
        level = max((c["level"] for c in cands), key=ORDER.index, default="none")
        findings = [f for c in cands for f in c["findings"]]
        out[key] = (level, findings)
    return out


def main(argv):
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    if len(paths) != 2:
        sys.exit(__doc__)
    labels = {i["file"]: i for i in json.load(open(os.path.join(HERE, "labels.json")))["items"]}
    fraud, ordinary = load(paths[0]), load(paths[1])
    missing = set(labels) - set(fraud) - set(ordinary)
    if missing:
        print(f"warning: {len(missing)} labelled item(s) not in the scans: {sorted(missing)[:5]}")
    nf, no = len(fraud), len(ordinary)
    pct = lambda n, d: f"{n}/{d} = {100 * n / d:.1f}%" if d else "n/a"
    levels_f = collections.Counter(l for l, _ in fraud.values())
    levels_o = collections.Counter(l for l, _ in ordinary.values())
    print("fraud levels:   ", {k: levels_f[k] for k in ORDER})
    print("ordinary levels:", {k: levels_o[k] for k in ORDER})
    print("fraud at medium or above:   ", pct(sum(at_least(l, "medium") for l, _ in fraud.values()), nf))
    print("fraud at high or above:     ", pct(sum(at_least(l, "high") for l, _ in fraud.values()), nf))
    print("fraud with any finding:     ", pct(sum(at_least(l, "low") for l, _ in fraud.values()), nf))
    print("ordinary at high or above:  ", pct(sum(at_least(l, "high") for l, _ in ordinary.values()), no))
    print("ordinary at medium or above:", pct(sum(at_least(l, "medium") for l, _ in ordinary.values()), no))
    print("ordinary with any finding:  ", pct(sum(at_least(l, "low") for l, _ in ordinary.values()), no))
    print("per-family recall (a labelled family counts as caught when any finding of that family fired):")
    total, caught = collections.Counter(), collections.Counter()
    for f, (_, findings) in fraud.items():
        fired = {x["family"] for x in findings}
        for fam in labels.get(f, {}).get("families", []):
            total[fam] += 1
            caught[fam] += fam in fired
    for fam in sorted(total, key=lambda k: (-total[k], k)):
        print(f"  {fam:14s} {pct(caught[fam], total[fam])}")
    print(f"  {'all (micro)':14s} {pct(sum(caught.values()), sum(total.values()))}")
    if verbose:
        print("\nfraud items:")
        for f, (l, findings) in sorted(fraud.items()):
            print(f"  {f:44s} {l:8s} labelled={labels.get(f, {}).get('families')} fired={[x['rule'] for x in findings]}")
        print("\nordinary items with findings:")
        for f, (l, findings) in sorted(ordinary.items()):
            if findings:
                ev = [(x["rule"], x["evidence"][0]["text"][:80] if x["evidence"] else "") for x in findings]
                print(f"  {f:44s} {l:8s} {ev}")


if __name__ == "__main__":
    main(sys.argv[1:])
