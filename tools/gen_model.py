#!/usr/bin/env python3
"""Trims a botocore service model to what Drydock's wire layers need.

    tools/gen_model.py sqs 2012-11-05 > sqs-emu/model/sqs.json
    tools/gen_model.py elbv2 2015-12-01 > alb-emu/model/elbv2.json

Current botocore models describe SQS with the JSON protocol and no longer
carry the Query serialisation names (locationName, resultWrapper) or the
Query error codes. Older botocore models (Debian's python3-botocore) still do,
so this merges them: operations and shapes from the newest model on the
machine, Query names and error codes from the oldest one that has them.

Output: {"xmlns", "operations": {Op: {input, output, resultWrapper}},
"shapes": {Name: {type, members{shape, locationName, flattened}, required,
member, key, value, flattened, locationName, error, min, max, enum}}}.
"""

import glob
import gzip
import json
import os
import sys

KEEP_SHAPE = ("type", "required", "flattened", "locationName", "error", "exception",
              "min", "max", "enum", "timestampFormat")
KEEP_REF = ("shape", "locationName", "flattened", "xmlNamespace")


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def candidates(service, version):
    roots = set()
    for p in sys.path:
        if os.path.isdir(os.path.join(p, "botocore", "data")):
            roots.add(os.path.join(p, "botocore", "data"))
    roots.add("/usr/lib/python3/dist-packages/botocore/data")
    found = []
    for r in roots:
        for f in glob.glob(os.path.join(r, service, version, "service-2.json*")):
            found.append(load(f))
    return found


def ref(r, old_r):
    out = {k: r[k] for k in KEEP_REF if k in r}
    if old_r:
        for k in ("locationName", "flattened"):
            if k in old_r and k not in out:
                out[k] = old_r[k]
    return out


def main():
    service, version = sys.argv[1], sys.argv[2]
    models = candidates(service, version)
    if not models:
        sys.exit("no botocore model for %s %s" % (service, version))
    # newest = the one with the most operations; query = one whose protocol is query
    new = max(models, key=lambda m: (len(m["operations"]), m["metadata"].get("protocol") != "query"))
    query = next((m for m in models if m["metadata"].get("protocol") == "query"), new)

    shapes = {}
    for name, s in new["shapes"].items():
        old = query["shapes"].get(name, {})
        out = {k: s[k] for k in KEEP_SHAPE if k in s}
        for k in ("locationName", "flattened", "error"):
            if k in old and k not in out:
                out[k] = old[k]
        if "members" in s:
            out["members"] = {m: ref(r, old.get("members", {}).get(m))
                              for m, r in s["members"].items()}
        for k in ("member", "key", "value"):
            if k in s:
                out[k] = ref(s[k], old.get(k))
        shapes[name] = out

    ops = {}
    for name, o in new["operations"].items():
        old = query["operations"].get(name, {})
        e = {}
        if "input" in o:
            e["input"] = o["input"]["shape"]
        if "output" in o:
            e["output"] = o["output"]["shape"]
            rw = o["output"].get("resultWrapper") or old.get("output", {}).get("resultWrapper")
            e["resultWrapper"] = rw or (name + "Result")
        ops[name] = e

    xmlns = query["metadata"].get("xmlNamespace") or new["metadata"].get("xmlNamespace", "")
    doc = {"service": service, "apiVersion": version, "xmlns": xmlns,
           "targetPrefix": new["metadata"].get("targetPrefix", ""),
           "operations": ops, "shapes": shapes}
    json.dump(doc, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
