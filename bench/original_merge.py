"""Times the original Stethoscope's merge_devices on one synthetic input, for bench:engine.

Usage: original_merge.py ORIGINAL_CHECKOUT USER_JSON -> prints seconds per call on stdout.

The checkout is the original's repository (its `stethoscope/` package is imported from there, not
copied here). As shared/bench/README.md says, timestamps are turned into arrow objects on load,
which is what the original's source plugins hand to merge_devices. `validate_email` (imported by
the original's validation module, unused by merging) is stubbed when it is not installed.
"""

import json
import sys
import time
import types

import arrow

TIME_KEYS = ('last_sync', 'last_updated', 'last_scan_date')


def to_arrow(value):
  if isinstance(value, dict):
    return {k: (arrow.get(v) if k in TIME_KEYS and isinstance(v, str) else to_arrow(v))
            for k, v in value.items()}
  if isinstance(value, list):
    return [to_arrow(v) for v in value]
  return value


def main():
  checkout, path = sys.argv[1], sys.argv[2]
  sys.path.insert(0, checkout)
  try:
    import validate_email  # noqa: F401
  except ImportError:
    stub = types.ModuleType('validate_email')
    stub.validate_email = lambda *args, **kwargs: True
    sys.modules['validate_email'] = stub
  from stethoscope.api.devices import merge_devices
  with open(path) as f:
    records = to_arrow(json.load(f))
  start = time.perf_counter()
  merge_devices(records)
  print(time.perf_counter() - start)


if __name__ == '__main__':
  main()
