#!/usr/bin/env python3
"""transform_blocks.py - turn a `cohort generate` program into one of the
structure the issue-14 measurements used, to test the planner on programs it
was not tuned on:

  * each patient is free only in one 4-5 h block per available day
    (08:00-13:00, 12:00-17:00 or 17:00-21:00, chosen per patient);
  * each facilitator works 08:00-18:00 or 12:00-21:00 on the days it worked, or
    three of them long, 08:00-21:00 (pinned facilitators keep their pinned
    day);
  * groups may start every half hour from 08:00 to 19:30 (24 starts a day besides the
    program's own,
    about four times the generator's candidates: the size of model that
    stalled GLPK in the issue-14 measurements);
  * 90 % of the groups without members become optional (--all-optional: every
    group), pinned groups keep their pins.

Usage: transform_blocks.py IN.json OUT.json [--seed N] [--all-optional]
Deterministic for a given seed.
"""
import argparse
import json
import random

BLOCKS = [("08:00", "13:00"), ("12:00", "17:00"), ("17:00", "21:00")]
SHIFTS = [("08:00", "18:00"), ("12:00", "21:00")]


def patient_blocks(rng, p, days):
    have = sorted({w["day"] for w in p.get("available", [])}) or days[:3]
    block = rng.choice(BLOCKS)
    return [{"day": d, "from": block[0], "to": block[1]} for d in have]


def facilitator_shift(rng, f, days):
    week = sorted({w["day"] for w in f.get("available", [])}, key=days.index) or days
    if rng.random() < 0.3:
        three = sorted(rng.sample(week, min(3, len(week))), key=days.index)
        return [{"day": d, "from": "08:00", "to": "21:00"} for d in three]
    s = rng.choice(SHIFTS)
    return [{"day": d, "from": s[0], "to": s[1]} for d in week]


def long_day(f, day):
    f["available"] = [w for w in f["available"] if w["day"] != day]
    f["available"].append({"day": day, "from": "08:00", "to": "21:00"})


def keep_pins(prog):
    """A group pinned to a day keeps people to run it: its pinned
    facilitators and substitute, and (when unpinned) three holders of its
    credentials, are available 08:00-21:00 on that day."""
    fac = {f["id"]: f for f in prog["facilitators"]}
    types = {t["id"]: t for t in prog["group_types"]}
    for g in prog["groups"]:
        pin = g.get("pinned") or {}
        day = pin.get("day")
        if not day:
            continue
        named = pin.get("facilitators", []) + ([pin["substitute"]] if pin.get("substitute") else [])
        for fid in named:
            if fid in fac:
                long_day(fac[fid], day)
        ty = types.get(g["type"], {})
        need = set(ty.get("required_credentials", [])) | set(ty.get("cofacilitator_credentials", []))
        holders = [f for f in prog["facilitators"] if need <= set(f["credentials"])]
        for f in holders[: max(0, 3 - len(named))]:
            long_day(f, day)


def transform(prog, seed, all_optional):
    rng = random.Random(seed)
    days = prog["program"]["days"]
    starts = {"%02d:%02d" % (m // 60, m % 60) for m in range(480, 1200, 30)}
    prog["program"]["slot_starts"] = sorted(starts | set(prog["program"]["slot_starts"]))
    for p in prog["patients"]:
        p["available"] = patient_blocks(rng, p, days)
    for f in prog["facilitators"]:
        f["available"] = facilitator_shift(rng, f, days)
    keep_pins(prog)
    for g in prog["groups"]:
        if all_optional:
            g["optional"] = True
        elif not g.get("members") and rng.random() < 0.9:
            g["optional"] = True
    return prog


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--all-optional", action="store_true")
    a = ap.parse_args()
    with open(a.inp) as fh:
        prog = json.load(fh)
    transform(prog, a.seed, a.all_optional)
    with open(a.out, "w") as fh:
        json.dump(prog, fh, indent=1)


if __name__ == "__main__":
    main()
