#!/usr/bin/env python3
"""A notebook-style client of treatygraph, in Python's standard library only.

It asks a running treatygraph server for every stint of every member and observer of an
organization (the CSTO by default), prints them as a timeline table with the footnotes
that support each stint, and writes the same rows to a CSV file that a spreadsheet or
pandas opens as it is:

    python3 examples/notebook.py                          # http://localhost:8080/graphql
    python3 examples/notebook.py http://127.0.0.1:9000/graphql --csv csto.csv
    TREATYGRAPH_URL=https://example.org/graphql python3 examples/notebook.py --org CIS

    >>> import pandas as pd
    >>> pd.read_csv("csto_memberships.csv", dtype=str, keep_default_na=False)

Dates keep the precision the source gives ("1994", "2006-06-23"); an empty end means the
stint still lasted when the source was written.
"""

import argparse
import csv
import json
import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://localhost:8080/graphql"

QUERY = """
query Timeline($acronym: String!) {
  organization(acronym: $acronym) {
    name
    acronym
    members {
      id
      member { __typename name }
      role
      start { iso year }
      end { iso year }
      endReason
      note
      source { document { slug } section { title } notes }
    }
  }
}
"""

# The columns of the table and of the CSV, in order: (CSV header, table heading).
COLUMNS = [
    ("member", "Member"),
    ("role", "Role"),
    ("start", "Start"),
    ("end", "End"),
    ("end_reason", "End reason"),
    ("footnotes", "Footnotes"),
]
EXTRA_CSV_COLUMNS = ["member_type", "section", "note", "membership_id"]


class GraphQLError(Exception):
    """The server answered, but with errors instead of data."""


def graphql(url, query, variables, timeout=30):
    """POSTs a query as JSON and returns its data, raising on transport or GraphQL errors."""
    body = json.dumps({"query": query, "variables": variables}).encode("utf-8")
    req = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            answer = json.load(resp)
    except urllib.error.HTTPError as e:
        # GraphQL servers answer errors with a JSON body too; show it when there is one.
        try:
            answer = json.load(e)
        except ValueError:
            raise GraphQLError(f"{url}: HTTP {e.code} {e.reason}") from None
    if answer.get("errors"):
        messages = "; ".join(err.get("message", str(err)) for err in answer["errors"])
        raise GraphQLError(messages)
    return answer["data"]


def timeline(url, acronym):
    """Returns the organization's name and one row (a dict) per stint, oldest first."""
    data = graphql(url, QUERY, {"acronym": acronym})
    org = data["organization"]
    if org is None:
        raise GraphQLError(f"no organization with acronym {acronym!r}")
    rows = []
    for m in org["members"]:
        src = m["source"]
        rows.append({
            "member": m["member"]["name"],
            "member_type": m["member"]["__typename"],
            "role": m["role"],
            "start": (m["start"] or {}).get("iso", ""),
            "end": (m["end"] or {}).get("iso", ""),
            "end_reason": m["endReason"] or "",
            "footnotes": ";".join(str(n) for n in src["notes"]),
            "section": src["section"]["title"],
            "note": m["note"] or "",
            "membership_id": m["id"],
            "_years": (
                (m["start"] or {}).get("year"),
                (m["end"] or {}).get("year"),
            ),
        })
    return org["name"], rows


def bars(rows, width=30):
    """A bar per stint on a common scale of years: '=' while it lasted, '>' for open ends."""
    years = [y for r in rows for y in r["_years"] if y is not None]
    if not years:
        return ["" for _ in rows], ""
    lo, hi = min(years), max(years)
    span = max(hi - lo, 1)

    def col(year):
        # The last column is kept for the '>' of stints still open.
        return round((year - lo) * (width - 2) / span)

    out = []
    for r in rows:
        start, end = r["_years"]
        a = col(start if start is not None else lo)
        b = col(end) if end is not None else width - 2
        bar = [" "] * width
        for i in range(a, b + 1):
            bar[i] = "="
        if end is None:
            bar[width - 1] = ">"
        out.append("".join(bar).rstrip())
    scale = f"{lo}{' ' * (width - 9)}{hi}" if width >= 9 else ""
    return out, scale


def print_table(title, rows, out=sys.stdout):
    """Prints the rows as an aligned text table with a timeline column."""
    timeline_bars, scale = bars(rows)
    headings = [h for _, h in COLUMNS] + ["Timeline"]
    table = [[r[k] or "-" for k, _ in COLUMNS] + [b] for r, b in zip(rows, timeline_bars)]
    widths = [max(len(h), *(len(row[i]) for row in table)) if table else len(h)
              for i, h in enumerate(headings)]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    print(title, file=out)
    print(line(headings), file=out)
    print(line(["-" * w for w in widths]), file=out)
    for row in table:
        print(line(row), file=out)
    if scale:
        print(line([""] * len(COLUMNS) + [scale]), file=out)


def write_csv(path, rows):
    """Writes the rows with a header: UTF-8, RFC 4180 quoting, one row per stint."""
    fields = [k for k, _ in COLUMNS] + EXTRA_CSV_COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("url", nargs="?", default=os.environ.get("TREATYGRAPH_URL", DEFAULT_URL),
                   help="the GraphQL endpoint (default: $TREATYGRAPH_URL or %(default)s)")
    p.add_argument("--org", default="CSTO", help="acronym of the organization (default: %(default)s)")
    p.add_argument("--csv", default=None,
                   help="CSV file to write (default: ORG_memberships.csv, lower case)")
    args = p.parse_args(argv)
    csv_path = args.csv or f"{args.org.lower()}_memberships.csv"

    try:
        name, rows = timeline(args.url, args.org)
    except (GraphQLError, urllib.error.URLError, OSError, ValueError) as e:
        print(f"notebook: {args.url}: {e}", file=sys.stderr)
        return 1
    print_table(f"Members of the {name} ({args.org}), oldest stint first: {len(rows)} stints", rows)
    write_csv(csv_path, rows)
    print(f"\nwrote {len(rows)} rows to {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
