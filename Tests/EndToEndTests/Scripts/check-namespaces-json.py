"""Checks one namespace of a swipcs --all-namespaces --json document against swipcs --json run under nsenter.

    check-namespaces-json.py ALL.json ONE.json NS PID DISTINCT

ALL.json holds DISTINCT namespaces; the one with inode NS appears once, its tables are ONE.json's, its members
are in ascending order after the first and include PID, and the first member's command is its /proc/PID/comm.
Prints one line per problem.
"""
import json
import sys

every, one = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ns, pid, distinct = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
if len(every["namespaces"]) != distinct:
    print(f"{len(every['namespaces'])} namespaces, not {distinct}")
found = [entry for entry in every["namespaces"] if entry["ns"] == ns]
if len(found) != 1:
    print(f"namespace {ns} found {len(found)} times")
    sys.exit(0)
entry = found[0]
tables = {key: value for key, value in entry.items() if key in ("messages", "sharedmemory", "semaphores")}
if tables != one:
    print(f"tables differ from nsenter's: {tables} {one}")
pids = [member["pid"] for member in entry["members"]]
if pid not in pids or pids[1:] != sorted(pids[1:]) or entry["processes"] < len(pids):
    print(f"members {entry['members']}, processes {entry['processes']}")
if entry["container"] is not None:
    print(f"container {entry['container']}")
command = open(f"/proc/{pids[0]}/comm").read().rstrip("\n")
if entry["members"][0]["command"] != command:
    print(f"command {entry['members'][0]['command']!r}, not {command!r}")
