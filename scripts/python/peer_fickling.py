"""Runs fickling over every file under a directory through its Python API, for bench/scan-peers.ts:
`fickling.scan_zip_archive` for zip files (torch.save archives), `fickling.scan_file` for the rest;
one JSON line per file. fickling's own dispatcher (fickling.polyglot, used by its --huggingface
mode) needs torch, which cannot be installed here, so zips are told apart with zipfile.is_zipfile.
Its CLI (`fickling --check-safety FILE`) takes one file and no zips; the API is its best mode.

Usage: python peer_fickling.py DIR
"""
import json
import os
import sys
import tempfile
import zipfile

import fickling

root = sys.argv[1]
report = os.path.join(tempfile.mkdtemp(prefix="fickling-"), "analysis.json")
for dirpath, _, names in sorted(os.walk(root)):
    for name in sorted(names):
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root)
        try:
            if zipfile.is_zipfile(path):
                results = list(fickling.scan_zip_archive(path, graceful=True, json_output_path=report).values())
            else:
                results = [fickling.scan_file(path, graceful=True, json_output_path=report)]
            worst = max((r.severity for r in results), key=lambda s: s.value[0], default=None)
            errors = [e for r in results for e in r.errors]
            analysed = [r for r in results if r.results]
            print(json.dumps({
                "path": rel,
                "flagged": any(not r.is_safe for r in results),
                "severity": worst.name if worst is not None else None,
                # Flagged only because fickling could not parse it (it calls those "suspicious").
                "unparsed": bool(errors) and not any(not r.is_safe for r in analysed),
                "errors": errors[:2],
                "pickles": len(results),
            }))
        except Exception as e:  # noqa: BLE001 - a crash of the peer on one file is a result too
            print(json.dumps({"path": rel, "flagged": False, "severity": None, "unparsed": True, "errors": [f"{type(e).__name__}: {e}"], "pickles": 0}))
