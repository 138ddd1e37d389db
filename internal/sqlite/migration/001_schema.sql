-- The database is a build product: one file written from a validated seed set. Each table
-- keeps the domain record as JSON in data, and beside it the columns that queries filter,
-- join and order on. lo and hi are the first and last day a period may cover, as YYYYMMDD
-- numbers (0 and 99991231 for open ends).

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE documents (
  slug TEXT PRIMARY KEY,
  ord  INTEGER NOT NULL,
  data TEXT NOT NULL
) STRICT;

CREATE TABLE citations (
  document     TEXT NOT NULL REFERENCES documents(slug),
  number       INTEGER NOT NULL,
  title        TEXT,
  work         TEXT,
  publisher    TEXT,
  language     TEXT,
  dead_link    INTEGER NOT NULL,
  published_lo INTEGER,
  published_hi INTEGER,
  data         TEXT NOT NULL,
  PRIMARY KEY (document, number)
) STRICT, WITHOUT ROWID;

-- States and organizations share one slug namespace: both are actors.
CREATE TABLE actors (
  slug    TEXT PRIMARY KEY,
  kind    TEXT NOT NULL CHECK (kind IN ('State', 'Organization')),
  name    TEXT NOT NULL,
  acronym TEXT UNIQUE,
  iso2    TEXT UNIQUE,
  iso3    TEXT UNIQUE,
  parent  TEXT REFERENCES actors(slug) DEFERRABLE INITIALLY DEFERRED,
  recognition TEXT,
  type        TEXT,
  founded_lo  INTEGER,
  founded_hi  INTEGER,
  data    TEXT NOT NULL
) STRICT;
CREATE INDEX actors_kind_name ON actors (kind, name, slug);
CREATE INDEX actors_parent ON actors (parent, name);
-- Lookups by code ignore case (state(iso2: "am")), so they need indexes that do too.
CREATE INDEX actors_acronym_nocase ON actors (acronym COLLATE NOCASE);
CREATE INDEX actors_iso2_nocase ON actors (iso2 COLLATE NOCASE);
CREATE INDEX actors_iso3_nocase ON actors (iso3 COLLATE NOCASE);

CREATE TABLE places (
  slug  TEXT PRIMARY KEY,
  state TEXT REFERENCES actors(slug),
  data  TEXT NOT NULL
) STRICT;

CREATE TABLE people (
  slug TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  data TEXT NOT NULL
) STRICT;
CREATE INDEX people_name ON people (name, slug);

CREATE TABLE positions (
  slug     TEXT PRIMARY KEY,
  person   TEXT NOT NULL REFERENCES people(slug),
  of_actor TEXT REFERENCES actors(slug),
  ord      INTEGER NOT NULL,
  data     TEXT NOT NULL
) STRICT;
CREATE INDEX positions_person ON positions (person, ord);
CREATE INDEX positions_of ON positions (of_actor, ord);

CREATE TABLE memberships (
  slug         TEXT PRIMARY KEY,
  member       TEXT NOT NULL REFERENCES actors(slug),
  organization TEXT NOT NULL REFERENCES actors(slug),
  role         TEXT NOT NULL,
  lo           INTEGER NOT NULL,
  hi           INTEGER NOT NULL,
  start_lo     INTEGER,
  start_hi     INTEGER,
  end_lo       INTEGER,
  end_hi       INTEGER,
  end_reason   TEXT,
  data         TEXT NOT NULL
) STRICT;
CREATE INDEX memberships_organization ON memberships (organization, lo, slug);
CREATE INDEX memberships_member ON memberships (member, lo, slug);

CREATE TABLE events (
  slug    TEXT PRIMARY KEY,
  kind    TEXT NOT NULL,
  title   TEXT NOT NULL,
  place   TEXT,
  lo      INTEGER NOT NULL,
  hi      INTEGER NOT NULL,
  date_lo INTEGER NOT NULL,
  date_hi INTEGER NOT NULL,
  data    TEXT NOT NULL
) STRICT;
CREATE INDEX events_date ON events (lo, slug);
CREATE INDEX events_hi ON events (hi, lo);
CREATE INDEX events_kind ON events (kind, lo, slug);

-- Who or what an event involves: participants ("Organization:csto"), people and its place,
-- keyed by the node ref, ordered by date for paging.
CREATE TABLE involvement (
  ref   TEXT NOT NULL,
  lo    INTEGER NOT NULL,
  event TEXT NOT NULL REFERENCES events(slug),
  role  TEXT NOT NULL CHECK (role IN ('participant', 'person', 'place')),
  key   TEXT NOT NULL,
  PRIMARY KEY (ref, lo, event)
) STRICT, WITHOUT ROWID;
CREATE INDEX involvement_event ON involvement (event, role, key);

CREATE TABLE quotes (
  slug    TEXT PRIMARY KEY,
  speaker TEXT NOT NULL REFERENCES people(slug),
  event   TEXT REFERENCES events(slug),
  ord     INTEGER NOT NULL,
  data    TEXT NOT NULL
) STRICT;
CREATE INDEX quotes_speaker ON quotes (speaker, ord);
CREATE INDEX quotes_event ON quotes (event, ord);

CREATE TABLE figures (
  slug         TEXT PRIMARY KEY,
  state        TEXT NOT NULL REFERENCES actors(slug),
  year         INTEGER NOT NULL,
  active       INTEGER NOT NULL,
  reserve      INTEGER NOT NULL,
  paramilitary INTEGER NOT NULL,
  total        INTEGER NOT NULL,
  data         TEXT NOT NULL
) STRICT;
CREATE INDEX figures_state ON figures (state, year);

CREATE TABLE provisions (
  slug         TEXT PRIMARY KEY,
  organization TEXT NOT NULL REFERENCES actors(slug),
  ord          INTEGER NOT NULL,
  data         TEXT NOT NULL
) STRICT;
CREATE INDEX provisions_organization ON provisions (organization, ord);

-- Which footnotes support which fact; fact is a node ref such as "Membership:armenia-csto".
CREATE TABLE fact_citations (
  fact     TEXT NOT NULL,
  document TEXT NOT NULL,
  number   INTEGER NOT NULL,
  ord      INTEGER NOT NULL,
  PRIMARY KEY (fact, document, number),
  FOREIGN KEY (document, number) REFERENCES citations(document, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX fact_citations_citation ON fact_citations (document, number, fact);

-- The graph that path-finding walks: one row per direction of each link between two nodes,
-- with the fact that makes the link, the record whose footnotes support it (cite), and the
-- period it holds.
CREATE TABLE edges (
  a        TEXT NOT NULL,
  b        TEXT NOT NULL,
  relation TEXT NOT NULL,
  inverse  TEXT NOT NULL,
  fact     TEXT,
  cite     TEXT,
  lo       INTEGER NOT NULL,
  hi       INTEGER NOT NULL
) STRICT;
CREATE INDEX edges_a ON edges (a, b);

-- Full-text search over names in every language, aliases, titles, summaries and quotes.
-- remove_diacritics folds "Újimdyq" to "ujimdyq"; prefix indexes make type-ahead cheap.
CREATE VIRTUAL TABLE search USING fts5 (
  ref UNINDEXED,
  field UNINDEXED,
  text,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '1 2 3'
);
