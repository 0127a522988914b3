#!/usr/bin/env python3
"""fsck_after_cut.py IMAGE [--strict]: runs `fsck.fat -n` on a FAT32 image
and accepts only what docs/disk.md allows after a power cut: lost
clusters, a wrong free count, FATs that differ (the first one used), a
file whose cluster chain runs past its size. --strict: no remark at all.
Prints what it refuses and exits 1, else exits 0."""
import subprocess
import sys

QUIET = ("fsck.fat ", "Warning: Filesystem is FAT32 according", "  but has only ",
         "  This may lead to problems")
CUT_OK = ("Reclaimed ", "Free cluster summary wrong", "  Auto-correcting.",
          "Leaving filesystem unchanged.", "FATs differ but appear to be intact",
          "  Using first FAT.")


def main():
    img, strict = sys.argv[1], "--strict" in sys.argv[2:]
    run = subprocess.run(["fsck.fat", "-n", img], capture_output=True, text=True)
    if run.returncode > 1 or (strict and run.returncode):
        print(f"fsck.fat exit {run.returncode}:\n{run.stdout}{run.stderr}")
        return 1
    path_line, longer = None, False
    for line in run.stdout.splitlines():
        if path_line is not None:
            longer = line.startswith("  File size is ") and "cluster chain length is > " in line
            if not longer:
                print(f"fsck.fat says: {path_line} {line}")
                return 1
            path_line = None
            continue
        if not line or line.startswith(QUIET) or (
                line.startswith(img) and " files, " in line and " clusters" in line):
            continue
        if not strict and line.startswith("/"):
            path_line = line
            continue
        if not strict and ((longer and line.startswith("  Truncating file to ")) or
                           line.startswith(CUT_OK)):
            longer = False
            continue
        print(f"fsck.fat says: {line}")
        return 1
    if path_line is not None:
        print(f"fsck.fat says: {path_line}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
