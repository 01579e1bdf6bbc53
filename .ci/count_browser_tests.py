"""Fail CI when the browser tests did not run (skipped or absent) in the given JUnit report."""

import sys
import xml.etree.ElementTree as ET

report, label = sys.argv[1], sys.argv[2]
ran = skipped = 0
for case in ET.parse(report).getroot().iter("testcase"):
    if "test_browser" not in case.get("classname", ""):
        continue
    if case.find("skipped") is not None:
        skipped += 1
    else:
        ran += 1
print(f"{label}: {ran} browser tests ran, {skipped} skipped")
if ran == 0 or skipped:
    sys.exit(f"{label}: the browser tests did not all run")
