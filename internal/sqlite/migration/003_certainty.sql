-- How sure the sources make it that a stint covers a date (kg.Span): the earliest and latest
-- day a start may fall on, the earliest and latest day an end may fall on (YYYYMMDD, 0 and
-- 99991231 unbounded), and the years without data inside it as a JSON array (NULL when
-- none). A stint certainly covers the days lo..hi when start_latest <= hi, end_earliest >= lo
-- and the days it certainly shares with them are not all in years without data; it possibly
-- covers them when start_earliest <= hi and end_latest >= lo.

ALTER TABLE memberships ADD COLUMN start_earliest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN start_latest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN end_earliest INTEGER NOT NULL DEFAULT 99991231;
ALTER TABLE memberships ADD COLUMN end_latest INTEGER NOT NULL DEFAULT 99991231;
ALTER TABLE memberships ADD COLUMN unknown TEXT;
-- The pairs of documents whose claims of the stint disagree, as a JSON array of "a|b" (a <= b),
-- NULL when they agree.
ALTER TABLE memberships ADD COLUMN dispute_pairs TEXT;

ALTER TABLE claims ADD COLUMN start_earliest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN start_latest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN end_earliest INTEGER NOT NULL DEFAULT 99991231;
ALTER TABLE claims ADD COLUMN end_latest INTEGER NOT NULL DEFAULT 99991231;
ALTER TABLE claims ADD COLUMN unknown TEXT;

-- The span of the fact behind a link, by the link's rowid, for the links that do not hold at
-- every date (a place lies in its state at every date: no row). Kept beside edges rather
-- than in it, so that a search that asks no date reads rows as narrow as before.
CREATE TABLE edge_spans (
  edge           INTEGER PRIMARY KEY,
  start_earliest INTEGER NOT NULL,
  start_latest   INTEGER NOT NULL,
  end_earliest   INTEGER NOT NULL,
  end_latest     INTEGER NOT NULL,
  unknown        TEXT
) STRICT;

-- Years in which a dataset does not know an actor's standing in an organization, outside
-- every stint it states: counted as unknown, never as "not a member". The columns a
-- membership filter reads are here too, NULL where a year without data has no value, so
-- that a filter compiled for memberships runs on this table (a role or date condition is
-- then never true, nor is its negation).
CREATE TABLE unknowns (
  document       TEXT NOT NULL REFERENCES documents(slug),
  slug           TEXT,
  member         TEXT NOT NULL REFERENCES actors(slug),
  organization   TEXT NOT NULL REFERENCES actors(slug),
  year           INTEGER NOT NULL,
  role           TEXT,
  lo             INTEGER NOT NULL,
  hi             INTEGER NOT NULL,
  start_lo       INTEGER,
  start_hi       INTEGER,
  end_lo         INTEGER,
  end_hi         INTEGER,
  end_reason     TEXT,
  start_earliest INTEGER NOT NULL,
  start_latest   INTEGER NOT NULL,
  end_earliest   INTEGER NOT NULL,
  end_latest     INTEGER NOT NULL,
  unknown        TEXT,
  PRIMARY KEY (document, organization, member, year)
) STRICT, WITHOUT ROWID;
CREATE INDEX unknowns_year ON unknowns (year, organization);
