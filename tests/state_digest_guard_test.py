#!/usr/bin/env python3
"""Checks the whole-state digest's guard: a field added to any record of the engine's state and not
to the digest must break the build.

To each struct that the state holds in ledger/base/state.h, this adds one field at the end, in a
copy of the header, and compiles ledger/base/state_digest.cc against it (syntax only). The digest
takes every record apart with a structured binding that names each of its fields, so the compile
must report each struct's binding as too short; a struct it does not report is a record the digest
does not cover. Usage: state_digest_guard_test.py COMPILER SOURCE_DIR PROTO_BUILD_DIR
"""
import pathlib
import re
import subprocess
import sys
import tempfile


def with_fields_added(header: str, structs: list) -> str:
    for struct in structs:
        start = header.index(f"\nstruct {struct} {{\n")
        end = header.index("\n};\n", start)
        header = header[:end] + "\n  int field_added_by_the_test = 0;" + header[end:]
    return header


def main() -> int:
    compiler, source, proto = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    header = (source / "ledger/base/state.h").read_text()
    structs = re.findall(r"^struct (\w+) \{$", header, re.MULTILINE)
    if "State" not in structs or len(structs) < 20:
        print(f"state_digest_guard_test: found only {structs} in ledger/base/state.h")
        return 1
    # A leg is computed for an entry and kept as a KeptLeg; the state holds no Leg.
    held = [struct for struct in structs if struct != "Leg"]
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "ledger/base/state.h"
        copy.parent.mkdir(parents=True)

        def refused_with(structs: list) -> set:
            """The records whose binding the compile reports as too short, with `structs` grown."""
            copy.write_text(with_fields_added(header, structs))
            # The copy comes first on the include path, so every "ledger/base/state.h" is it.
            result = subprocess.run(
                [compiler, "-std=c++20", "-fsyntax-only", "-fmax-errors=0", f"-I{tmp}",
                 f"-I{source}", f"-I{proto}", str(source / "ledger/base/state_digest.cc")],
                capture_output=True, text=True)
            return set(re.findall(r"note: while .const lcp::(\w+). decomposes into", result.stderr))

        # One compile for all: each record's binding reports its own error, except where an outer
        # record's error stops the compiler reaching an inner one; those are grown one at a time.
        refused = refused_with(held)
        for struct in held:
            if struct not in refused:
                refused |= refused_with([struct])
    uncovered = [struct for struct in held if struct not in refused]
    if uncovered:
        print("state_digest_guard_test: a field added to " + ", ".join(uncovered) +
              " does not break ledger/base/state_digest.cc; take each apart there with a "
              "structured binding of all its fields")
        return 1
    print(f"state_digest_guard_test: a field added to any of the {len(held)} records of "
          "ledger/base/state.h breaks the digest's build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
