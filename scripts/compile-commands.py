#!/usr/bin/env python3
"""Writes compile_commands.json (for editors and clangd) from what the
Makefile compiles: compile-commands.py OUT 'COMMAND' SOURCE... [--host
'COMMAND' SOURCE...]. Each group's COMMAND is the compiler and its flags;
a source's entry is that command with '-c SOURCE'."""
import json
import os
import shlex
import sys


def main(argv):
    out, rest = argv[1], argv[2:]
    root = os.getcwd()
    entries, seen = [], set()
    while rest:
        if rest[0] == "--host":
            rest = rest[1:]
        command, rest = shlex.split(rest[0]), rest[1:]
        sources = []
        while rest and rest[0] != "--host":
            sources.append(rest[0])
            rest = rest[1:]
        for src in sources:
            if src in seen or not src.endswith(".c"):
                continue
            seen.add(src)
            entries.append({"directory": root, "file": src,
                            "arguments": command + ["-c", src]})
    text = json.dumps(entries, indent=1) + "\n"
    try:
        with open(out) as f:
            if f.read() == text:
                return 0
    except OSError:
        pass
    with open(out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
