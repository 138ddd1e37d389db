-- Several sources per fact: the Correlates of War codes of states and organizations, and one
-- row per source's claim about a stint. A claims row has the columns of a memberships row,
-- as that source states the stint, so that a filter compiled for memberships runs on either.

ALTER TABLE actors ADD COLUMN cow_code INTEGER;
ALTER TABLE actors ADD COLUMN cow_key TEXT;
CREATE UNIQUE INDEX actors_cow_code ON actors (cow_code) WHERE cow_code IS NOT NULL;
CREATE UNIQUE INDEX actors_cow_key ON actors (cow_key COLLATE NOCASE) WHERE cow_key IS NOT NULL;

ALTER TABLE memberships ADD COLUMN disputed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX memberships_disputed ON memberships (lo, slug) WHERE disputed = 1;

CREATE TABLE claims (
  document     TEXT NOT NULL REFERENCES documents(slug),
  slug         TEXT NOT NULL REFERENCES memberships(slug),
  member       TEXT NOT NULL,
  organization TEXT NOT NULL,
  role         TEXT NOT NULL,
  lo           INTEGER NOT NULL,
  hi           INTEGER NOT NULL,
  start_lo     INTEGER,
  start_hi     INTEGER,
  end_lo       INTEGER,
  end_hi       INTEGER,
  end_reason   TEXT,
  PRIMARY KEY (document, slug)
) STRICT, WITHOUT ROWID;
CREATE INDEX claims_member ON claims (document, member, lo);
CREATE INDEX claims_organization ON claims (document, organization, lo);
