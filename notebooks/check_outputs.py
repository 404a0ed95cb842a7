#!/usr/bin/python3
"""Fail if an executed notebook has an error output or an unexecuted code
cell. nbconvert already stops on a cell error; this also catches cells that
printed a Go compile error as plain stream output (GoNB reports some that way)."""
import json, sys

path = sys.argv[1]
nb = json.load(open(path))
bad = []
for i, c in enumerate(nb["cells"]):
    if c["cell_type"] != "code":
        continue
    if c.get("execution_count") is None:
        bad.append(f"cell {i}: not executed")
    for o in c.get("outputs", []):
        text = "".join(o.get("text", [])) if isinstance(o.get("text"), list) else str(o.get("text", ""))
        if o.get("output_type") == "error" or (o.get("name") == "stderr" and ("panic:" in text or "cannot use" in text or "undefined:" in text)):
            bad.append(f"cell {i}: {o.get('ename', '')} {text[:300]}")
if bad:
    print(f"{path}:\n  " + "\n  ".join(bad))
    sys.exit(1)
print(f"{path}: ok ({sum(1 for c in nb['cells'] if c['cell_type'] == 'code')} code cells)")
