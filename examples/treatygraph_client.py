#!/usr/bin/env python3
"""A notebook-style client of treatygraph, in Python's standard library only.

It asks a running treatygraph server for every stint of every member and observer of an
organization (the CSTO by default), prints them as a timeline table with the footnotes
that support each stint, and writes the same rows to a CSV file that a spreadsheet or
pandas opens as it is:

    python3 examples/treatygraph_client.py                          # http://localhost:8080/graphql
    python3 examples/treatygraph_client.py http://127.0.0.1:9000/graphql --csv csto.csv
    TREATYGRAPH_URL=https://example.org/graphql python3 examples/treatygraph_client.py --org CIS

    >>> import pandas as pd
    >>> pd.read_csv("csto_memberships.csv", dtype=str, keep_default_na=False)

From a notebook in any directory, put this file's directory on the path first (or start
Jupyter with PYTHONPATH=/path/to/treatygraph/examples):

    >>> import sys; sys.path.insert(0, "/path/to/treatygraph/examples")
    >>> import treatygraph_client as tg

For research, memberships_per_year gives flat rows (year, state, count, unknown) that pandas
pivots as they are, and POST_SOVIET_STATES and founders(acronym) are groupings of states:

    >>> rows = tg.memberships_per_year(tg.POST_SOVIET_STATES, "1991", "2014")
    >>> pd.DataFrame(rows).pivot(index="year", columns="state", values="count").plot()

It also draws pictures: a state's or organization's timeline as the server draws it (SVG,
shown inline in Jupyter), and the graph around a node, drawn with NetworkX and matplotlib
from /export/graph.json. Only the drawing needs those two packages:

    python3 examples/treatygraph_client.py http://127.0.0.1:9000/graphql --pictures pictures/

    >>> from treatygraph_client import timeline_svg, draw_neighborhood
    >>> svg = timeline_svg("state", "uzbekistan", from_="1990", roles=["MEMBER"])
    >>> draw_neighborhood("uzbekistan", depth=1, at="2010", path="uzbekistan.png")

Dates keep the precision the source gives ("1994", "2006-06-23"); an empty end means the
stint still lasted when the source was written.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
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
      unknownYears
      claims { asOf { year } }
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
            # The last year a source of the stint observes it, and the years with no data.
            "_as_of": max([c["asOf"]["year"] for c in m["claims"] if c.get("asOf")], default=None),
            "_unknown": m["unknownYears"],
        })
    return org["name"], rows


# The fifteen states that were republics of the Soviet Union until 1991, by slug: the
# grouping of the README's research questions (examples/queries/13 and 18). Pass it, or any
# list of slugs, to memberships_per_year.
POST_SOVIET_STATES = (
    "armenia", "azerbaijan", "belarus", "estonia", "georgia", "kazakhstan", "kyrgyzstan",
    "latvia", "lithuania", "moldova", "russia", "tajikistan", "turkmenistan", "ukraine",
    "uzbekistan",
)

# Counts per year and member, in SQL on the server. member is an Actor (a state or an
# organization: organizations can be members too), whose slug and name every Actor has; a
# field of states alone, such as iso3, needs the fragment "... on State { iso3 }".
PER_YEAR_QUERY = """
query PerYear($from: Date!, $to: Date!, $source: String, $filter: MembershipFilter) {
  membershipCounts(groupBy: [YEAR, MEMBER], from: $from, to: $to, source: $source, filter: $filter) {
    year
    member { slug name ... on State { iso3 } }
    count
    unknown
  }
}
"""


def memberships_per_year(states, from_, to, source="cow-igo-v3", roles=("MEMBER",), url=None):
    """Returns one row (a dict: year, state, iso3, count, unknown) per state and year from
    from_ to to: in how many organizations the state held one of roles (MEMBER, ASSOCIATE,
    OBSERVER, ...; None for any) by source (a document slug; None for every source), and for
    how many more the source does not know its standing that year. states are slugs. The
    rows pivot as they are: pd.DataFrame(rows).pivot(index="year", columns="state",
    values="count")."""
    flt = {"member": {"in": list(states)}}
    if roles:
        flt["role"] = {"in": list(roles)}
    data = graphql(url or os.environ.get("TREATYGRAPH_URL", DEFAULT_URL), PER_YEAR_QUERY,
                   {"from": str(from_), "to": str(to), "source": source, "filter": flt})
    return [{"year": c["year"], "state": c["member"]["name"], "iso3": c["member"].get("iso3"),
             "count": c["count"], "unknown": c["unknown"]} for c in data["membershipCounts"]]


FOUNDERS_QUERY = """
query Founders($acronym: String!, $source: String) {
  organization(acronym: $acronym) {
    members(roles: [MEMBER], source: $source) { member { __typename slug } start { year } }
  }
}
"""


def founders(acronym, source=None, url=None):
    """Returns the slugs of the states whose full membership of the organization starts in
    the first year any full membership starts, as source (a document slug; None for the
    stints as the sources together give them) states it: founders("CSTO",
    source="csto-article") are the nine parties of the Collective Security Treaty when it
    took effect in 1994."""
    data = graphql(url or os.environ.get("TREATYGRAPH_URL", DEFAULT_URL), FOUNDERS_QUERY,
                   {"acronym": acronym, "source": source})
    org = data["organization"]
    if org is None:
        raise GraphQLError(f"no organization with acronym {acronym!r}")
    starts = [(m["member"]["slug"], m["start"]["year"]) for m in org["members"]
              if m["member"]["__typename"] == "State" and m["start"]]
    first = min((year for _, year in starts), default=None)
    return sorted({slug for slug, year in starts if year == first})


def bars(rows, width=30):
    """A bar per stint on a common scale of years: '=' where the sources say it held, '.'
    where it may have (years without data, or after its source last looked), '?' for a start
    no source dates, '>' for a stint still so when its source last looked."""
    years = [y for r in rows for y in (*r["_years"], r["_as_of"]) if y is not None]
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
        # An open stint certainly held until its source last looked; an undated start is
        # unknown, so the bar begins where the stint is first certainly held.
        last = end if end is not None else (r["_as_of"] if r["_as_of"] is not None else start)
        first = start if start is not None else last
        bar = [" "] * width
        if first is not None and last is not None:
            for i in range(col(first), col(last) + 1):
                bar[i] = "="
            for y in r["_unknown"]:
                if lo <= y <= hi:
                    bar[col(y)] = "."
            if start is None and col(first) > 0:
                bar[col(first) - 1] = "?"
            if end is None:
                for i in range(col(last) + 1, width - 1):
                    bar[i] = "."
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


# ---------------------------------------------------------------------------------------
# Pictures: the server's SVG timelines, and the graph around a node drawn with NetworkX.


class MissingPackages(ImportError):
    """A drawing needs packages (networkx, matplotlib) that are not installed."""


def base_url(url=None):
    """The server's root URL from its GraphQL endpoint (or $TREATYGRAPH_URL, or the default)."""
    url = url or os.environ.get("TREATYGRAPH_URL", DEFAULT_URL)
    url = url.rstrip("/")
    return url[: -len("/graphql")] if url.endswith("/graphql") else url


def _get(url, timeout=30):
    """GETs a URL and returns its body as bytes, with the API's error message on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        try:
            messages = "; ".join(err.get("message", str(err)) for err in json.load(e)["errors"])
        except (ValueError, KeyError, TypeError, AttributeError):
            messages = e.reason
        raise GraphQLError(f"{url}: HTTP {e.code}: {messages}") from None


def _in_ipython():
    """The running IPython shell (a Jupyter kernel, say), or None outside one."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def timeline_svg(kind, slug, url=None, path=None, show=True, **params):
    """Returns the membership timeline the server draws for a state or an organization, as SVG text.

    kind is "state" or "organization" and slug the one in the API ("uzbekistan", "csto").
    params are the chart's query parameters: at, from_ (or "from"), to, roles (a string or a
    list of MembershipRole values) and source. In IPython or Jupyter the chart is shown
    inline; outside them, and whenever path is given, it is written to path (by default
    SLUG_timeline.svg in the current directory).
    """
    if kind not in ("state", "organization"):
        raise ValueError(f"kind must be 'state' or 'organization', not {kind!r}")
    query = {}
    for key, value in params.items():
        key = key.rstrip("_")
        if key not in ("at", "from", "to", "roles", "source"):
            raise TypeError(f"unknown timeline parameter {key!r} (at, from_, to, roles, source)")
        if value is None:
            continue
        if key == "roles" and not isinstance(value, str):
            value = ",".join(value)
        query[key] = str(value)
    address = f"{base_url(url)}/timeline/{kind}/{urllib.parse.quote(slug)}.svg"
    if query:
        address += "?" + urllib.parse.urlencode(query)
    svg = _get(address).decode("utf-8")
    shell = _in_ipython() if show else None
    if shell is not None:
        from IPython.display import SVG, display
        display(SVG(svg))
    if path is not None or (show and shell is None):
        path = path or f"{slug}_timeline.svg"
        with open(path, "w", encoding="utf-8") as f:
            f.write(svg)
    return svg


def _first_day(iso):
    """The first day a partial ISO date ("1994", "2006-06") names, as "YYYY-MM-DD"."""
    return (iso + "-01-01")[:10] if len(iso) == 4 else (iso + "-01")[:10]


def _last_day(iso):
    """The last day a partial ISO date names; "-31" stands for any month's last day when comparing."""
    return (iso + "-12-31")[:10] if len(iso) == 4 else (iso + "-31")[:10]


def covers(start, end, at):
    """Whether a fact's dates (ISO at their precision, None when open) may cover the date at:
    the fact's span and the span at names share a day."""
    lo = _first_day(start) if start else "0000-01-01"
    hi = _last_day(end) if end else "9999-12-31"
    return lo <= _last_day(at) and _first_day(at) <= hi


def link_covers(d, at, certainty="KNOWN"):
    """Whether a link of /export/graph.json holds on the date at, as the API's at does: with
    KNOWN, its fact certainly held then (its latest possible start is on or before the date's
    last day, its earliest possible end on or after its first day, and the year is not one
    its source has no data for); with POSSIBLE, it may have. A link without those bounds (a
    place lying in a state, an event) holds over its own dates."""
    if d.get("startLatest") is None and d.get("endEarliest") is None and d.get("startEarliest") is None \
            and d.get("endLatest") is None and not d.get("openAsOf"):
        return covers(d.get("start"), d.get("end"), at)
    first, last = _first_day(at), _last_day(at)
    if certainty == "POSSIBLE":
        return (d.get("startEarliest") or "0000-01-01") <= last and first <= (d.get("endLatest") or "9999-12-31")
    return ((d.get("startLatest") or "9999-12-31") <= last and first <= (d.get("endEarliest") or "0000-01-01")
            and int(at[:4]) not in (d.get("unknownYears") or []))


def load_graph(url=None):
    """Loads /export/graph.json into a NetworkX MultiGraph, whichever NetworkX is installed."""
    nx = _require("networkx")
    data = json.loads(_get(f"{base_url(url)}/export/graph.json", timeout=60))
    try:
        return nx.node_link_graph(data, edges="links")  # NetworkX 3.4 and later
    except TypeError:
        return nx.node_link_graph(data)  # NetworkX 2.x to 3.3: no edges argument, reads links


def _require(*names):
    """Imports and returns the named modules, or raises MissingPackages saying how to get them."""
    import importlib

    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            raise MissingPackages(
                f"drawing needs {' and '.join(names)}, and {name} is not installed: "
                "apt-get install python3-networkx python3-matplotlib (Debian, Ubuntu), "
                "or pip install networkx matplotlib") from None
    return modules[0] if len(modules) == 1 else modules


# Node colours by kind and edge colours by relation (Okabe-Ito, readable by most
# colour-blind readers); a kind or relation not listed is drawn grey.
KIND_COLOURS = {
    "State": "#0072b2",
    "Organization": "#e69f00",
    "Event": "#009e73",
    "Place": "#cc79a7",
    "Person": "#d55e00",
    "Quote": "#999999",
    "Provision": "#56b4e9",
    "MilitaryStrength": "#f0e442",
}
RELATION_COLOURS = {
    "member of": "#0072b2",
    "observer of": "#56b4e9",
    "associate member of": "#009e73",
    "took part in": "#009e73",
    "located in": "#cc79a7",
    "hosted": "#d55e00",
}


def _label(attrs, limit=34):
    """A short label: an organization's acronym, otherwise its name or title, cut at limit."""
    text = attrs.get("acronym") or attrs.get("name") or attrs.get("title") or attrs.get("text") \
        or attrs.get("slug") or attrs.get("kind", "?")
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_node(G, node):
    """The ID of a node given by its ID, its slug or its name (case-insensitive)."""
    if node in G:
        return node
    wanted = node.casefold()
    hits = [n for n, d in G.nodes(data=True)
            if wanted in (str(d.get("slug", "")).casefold(), str(d.get("name", "")).casefold())]
    if len(hits) != 1:
        what = "no node" if not hits else f"{len(hits)} nodes"
        raise KeyError(f"{what} with ID, slug or name {node!r}")
    return hits[0]


def neighborhood(G, node, depth=1, at=None, certainty="KNOWN"):
    """The subgraph of everything within depth links of node; with at, only facts that hold
    on that date count as links, as sure as certainty asks (KNOWN, as the API's at, or
    POSSIBLE); facts without dates, such as a place lying in a state, always do."""
    nx = _require("networkx")
    centre = find_node(G, node)
    if at is not None:
        H = G.__class__()
        H.add_nodes_from(G.nodes(data=True))
        H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
                         if link_covers(d, at, certainty))
        G = H
    return nx.ego_graph(G, centre, radius=depth), centre


def draw_neighborhood(node_id, depth=1, at=None, path="neighborhood.png", url=None, graph=None,
                      show=True):
    """Draws everything within depth links of a node to a PNG and returns the path.

    node_id is the API's ID of a state, organization ... (or its slug or name); at is a
    date ("2010", "2006-06-23") on which the links must hold. The graph comes from the
    server's /export/graph.json, or from graph if given (a graph load_graph returned).
    Nodes are coloured by kind and placed in rings by distance from the centre; links are
    coloured by relation, thicker where several facts join the same two nodes. Needs
    networkx and matplotlib; in IPython or Jupyter the picture is also shown inline.
    """
    nx, matplotlib = _require("networkx", "matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    import math

    G = graph if graph is not None else load_graph(url)
    H, centre = neighborhood(G, node_id, depth=depth, at=at)
    distance = nx.single_source_shortest_path_length(H, centre)
    rings = [sorted((n for n, d in distance.items() if d == r),
                    key=lambda n: (H.nodes[n].get("kind", ""), _label(H.nodes[n]).casefold(), n))
             for r in range(depth + 1)]
    rings = [ring for ring in rings if ring]
    pos = nx.shell_layout(H, nlist=rings) if len(rings) > 1 else {centre: (0.0, 0.0)}
    # shell_layout keeps the outer ring inside half the scale; stretch it to the unit circle.
    reach = max((math.hypot(x, y) for x, y in pos.values()), default=0) or 1.0
    pos = {v: (x / reach, y / reach) for v, (x, y) in pos.items()}

    # One drawn line per pair of nodes, counting the facts behind it.
    pairs = {}
    for u, v, d in H.edges(data=True):
        key = tuple(sorted((u, v)))
        pairs.setdefault(key, []).append(d.get("relation", ""))

    n = H.number_of_nodes()
    size = min(22, max(9, 5 + 0.14 * n))
    fig = Figure(figsize=(size, size), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.02, 0.06, 0.96, 0.88])
    ax.set_axis_off()
    ax.set_aspect("equal")

    # NetworkX may order a subgraph's nodes differently from run to run: draw in sorted order
    # so that the same data always makes the same picture.
    for (u, v), relations in sorted(pairs.items()):
        relation = max(sorted(set(relations)), key=relations.count)
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color=RELATION_COLOURS.get(relation, "#bbbbbb"),
                linewidth=0.8 + 1.2 * (len(relations) - 1), alpha=0.55, zorder=1)

    kinds = sorted({H.nodes[v].get("kind", "") for v in H}, key=lambda k: (k not in KIND_COLOURS, k))
    for kind in kinds:
        nodes = [v for ring in rings for v in ring if H.nodes[v].get("kind", "") == kind and v != centre]
        if nodes:
            ax.scatter([pos[v][0] for v in nodes], [pos[v][1] for v in nodes], s=110,
                       color=KIND_COLOURS.get(kind, "#bbbbbb"), edgecolors="white",
                       linewidths=0.8, zorder=2)
    ax.scatter([pos[centre][0]], [pos[centre][1]], s=700,
               color=KIND_COLOURS.get(H.nodes[centre].get("kind"), "#bbbbbb"),
               edgecolors="#222222", linewidths=1.5, zorder=3)

    # The outer ring's labels run outward along their radius; inner ones sit beside the node.
    outer = set(rings[-1]) if len(rings) > 1 else set()
    label_all = n <= 150
    for v, (x, y) in sorted(pos.items()):
        if v == centre:
            ax.annotate(H.nodes[v].get("name", _label(H.nodes[v])), (x, y), xytext=(0, -24),
                        textcoords="offset points", ha="center", va="top", fontsize=14,
                        fontweight="bold", zorder=4,
                        bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
        elif v in outer and (label_all or len(rings) == 2):
            angle = math.degrees(math.atan2(y, x))
            flip = 90 < angle % 360 < 270
            ax.text(x * 1.04, y * 1.04, _label(H.nodes[v]), fontsize=9,
                    rotation=angle + 180 if flip else angle, rotation_mode="anchor",
                    ha="right" if flip else "left", va="center", zorder=4)
        elif v not in outer:
            ax.annotate(_label(H.nodes[v]), (x, y), xytext=(0, 7), textcoords="offset points",
                        ha="center", va="bottom", fontsize=9, zorder=4,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.6, 1.6)

    name = H.nodes[centre].get("name", _label(H.nodes[centre]))
    hops = "1 link" if depth == 1 else f"{depth} links"
    when = (f", on {at}" if len(at) == 10 else f", in {at}") if at else ", at any time"
    fig.suptitle(f"{name}: everything within {hops}{when} ({n - 1} nodes, "
                 f"{H.number_of_edges()} facts)", fontsize=16, y=0.985)

    relations = sorted({r for rs in pairs.values() for r in rs},
                       key=lambda r: (r not in RELATION_COLOURS, r))
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9,
                      color=KIND_COLOURS.get(k, "#bbbbbb"), label=k or "other") for k in kinds]
    handles += [Line2D([], [], color=RELATION_COLOURS.get(r, "#bbbbbb"), linewidth=2.5,
                       label=r or "other") for r in relations]
    ax.legend(handles=handles, loc="upper left", fontsize=10, frameon=True, framealpha=0.9,
              title="nodes by kind, links by relation", title_fontsize=10)

    sources = G.graph.get("sources") or []
    credit = "; ".join(f"{s.get('title')} ({s.get('publisher')}, {s.get('licence')})" for s in sources)
    if credit:
        fig.text(0.5, 0.015, "Data: " + credit + ". Organizations by acronym.", ha="center",
                 fontsize=8, color="#555555", wrap=True)
    fig.savefig(path, dpi=100)

    if show and _in_ipython() is not None:
        from IPython.display import Image, display
        display(Image(filename=path))
    return path


def write_pictures(url, directory, state="uzbekistan", depth=1, at=None, out=sys.stdout):
    """Writes the state's timeline (SVG, and PNG when rsvg-convert is installed) and its
    neighbourhood drawing (PNG) into directory; returns the paths written."""
    os.makedirs(directory, exist_ok=True)
    written = []
    svg_path = os.path.join(directory, f"{state}-timeline.svg")
    timeline_svg("state", state, url=url, path=svg_path, show=False)
    written.append(svg_path)
    rsvg = shutil.which("rsvg-convert")
    if rsvg:
        png_path = os.path.join(directory, f"{state}-timeline.png")
        subprocess.run([rsvg, "--background-color=white", "-o", png_path, svg_path],
                       check=True, timeout=60)
        written.append(png_path)
    else:
        print("treatygraph_client: rsvg-convert is not installed (Debian: librsvg2-bin), "
              "so the timeline stays SVG only", file=out)
    written.append(draw_neighborhood(state, depth=depth, at=at,
                                     path=os.path.join(directory, f"{state}-neighborhood.png"),
                                     url=url, show=False))
    return written


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("url", nargs="?", default=os.environ.get("TREATYGRAPH_URL", DEFAULT_URL),
                   help="the GraphQL endpoint (default: $TREATYGRAPH_URL or %(default)s)")
    p.add_argument("--org", default="CSTO", help="acronym of the organization (default: %(default)s)")
    p.add_argument("--csv", default=None,
                   help="CSV file to write (default: ORG_memberships.csv, lower case)")
    p.add_argument("--pictures", metavar="DIR", default=None,
                   help="instead of the table, write a state's timeline and neighbourhood pictures into DIR")
    p.add_argument("--state", default="uzbekistan",
                   help="slug of the state the pictures are about (default: %(default)s)")
    p.add_argument("--depth", type=int, default=1, help="links away to draw (default: %(default)s)")
    p.add_argument("--at", default=None, help="draw only the links that hold on this date")
    args = p.parse_args(argv)
    if args.pictures is not None:
        try:
            for path in write_pictures(args.url, args.pictures, args.state, args.depth, args.at):
                print(f"wrote {path}")
        except MissingPackages as e:
            print(f"treatygraph_client: {e}", file=sys.stderr)
            return 1
        except (GraphQLError, KeyError, urllib.error.URLError, OSError, ValueError,
                subprocess.SubprocessError) as e:
            print(f"treatygraph_client: {args.url}: {e}", file=sys.stderr)
            return 1
        return 0
    csv_path = args.csv or f"{args.org.lower()}_memberships.csv"

    try:
        name, rows = timeline(args.url, args.org)
    except (GraphQLError, urllib.error.URLError, OSError, ValueError) as e:
        print(f"treatygraph_client: {args.url}: {e}", file=sys.stderr)
        return 1
    print_table(f"Members of the {name} ({args.org}), oldest stint first: {len(rows)} stints", rows)
    write_csv(csv_path, rows)
    print(f"\nwrote {len(rows)} rows to {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
