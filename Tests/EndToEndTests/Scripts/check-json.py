"""Checks swipcs --json documents: valid against the committed schema, and typed values that say what lsipc's
text says.

    check-json.py SCHEMA DOCUMENT.json [LSIPC_RAW_BYTES.txt]

With an lsipc `--raw --bytes --time-format iso` listing of the same columns, every value of the one table in the
document must be what lsipc prints, typed: numbers for numbers, null where lsipc prints nothing (and for a pid
0, which lsipc prints as 0). Prints one line per problem and exits 1 if there is any.
"""
import json
import re
import sys

import jsonschema


def unescape(field):
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), field)


def main():
    schema = json.load(open(sys.argv[1]))
    document = json.load(open(sys.argv[2]))
    problems = [f"schema: {error.message} at {list(error.path)}"
                for error in jsonschema.Draft202012Validator(schema).iter_errors(document)]
    if len(sys.argv) > 3:
        lines = open(sys.argv[3]).read().split("\n")
        header = [name.lower() for name in lines[0].split(" ")]
        rows = [[unescape(field) for field in line.split(" ")] for line in lines[1:] if line]
        (name, objects), = [(k, v) for k, v in document.items()]
        if len(objects) != len(rows):
            problems.append(f"{name}: {len(objects)} objects in JSON, {len(rows)} rows in lsipc's")
        for number, (obj, row) in enumerate(zip(objects, rows)):
            for column, text in zip(header, row):
                value = obj.get(column, "<missing>")
                if value is None:
                    ok = text == "" or (column in ("cpid", "lpid", "lspid", "lrpid") and text == "0")
                elif isinstance(value, bool):
                    ok = False
                elif isinstance(value, int):
                    ok = text == str(value)
                else:
                    ok = isinstance(value, str) and text == value
                if not ok:
                    problems.append(f"{name}[{number}].{column}: JSON {value!r}, lsipc {text!r}")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


main()
