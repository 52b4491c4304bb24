"""``dossier serve``: the county's shared web workbench (CONTRACT.md §7).

:mod:`accounts` keeps accounts, sessions and the audit log; :mod:`workspace` does what the
workbench does to a project (through the same library functions as the CLI); :mod:`app`
holds the routes; :mod:`server` starts uvicorn.
"""
