"""SQLite schema of the meta-database.

Bump :data:`SCHEMA_VERSION` on any incompatible change; :class:`~metaautoml.metadb.MetaDB`
refuses files of another version with a clear error instead of misreading them.
"""

SCHEMA_VERSION = 1
#: ``application_id`` header of every metaautoml meta-database ("MAML" in ASCII), so a foreign
#: SQLite file is recognized as such before any table is read.
APPLICATION_ID = 0x4D414D4C

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
    name        TEXT PRIMARY KEY,
    task        TEXT NOT NULL CHECK (task IN ('classification', 'regression')),
    source      TEXT NOT NULL,
    dataset_group TEXT NOT NULL,
    openml_id   INTEGER,
    licence     TEXT,
    citation    TEXT,
    n_rows_original INTEGER NOT NULL,
    n_rows      INTEGER NOT NULL,
    n_features  INTEGER NOT NULL,
    n_classes   INTEGER,
    content_hash TEXT NOT NULL
);
-- view 0 describes the dataset as evaluated; views 1.. are random row/feature subsamples of it,
-- which the matcher's prototypical loss uses as several looks at one dataset.
CREATE TABLE IF NOT EXISTS meta_features (
    dataset TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
    view    INTEGER NOT NULL DEFAULT 0,
    name    TEXT NOT NULL,
    value   REAL,
    version TEXT NOT NULL,
    PRIMARY KEY (dataset, view, name)
);
CREATE TABLE IF NOT EXISTS configurations (
    config_id  TEXT PRIMARY KEY,
    task       TEXT NOT NULL CHECK (task IN ('classification', 'regression')),
    family     TEXT NOT NULL,
    params     TEXT NOT NULL,
    pool_index INTEGER NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    UNIQUE (task, pool_index)
);
CREATE TABLE IF NOT EXISTS evaluations (
    dataset   TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
    config_id TEXT NOT NULL REFERENCES configurations(config_id),
    state     TEXT NOT NULL CHECK (state IN ('complete', 'failed', 'timeout')),
    fit_time  REAL,
    duration  REAL,
    error     TEXT,
    PRIMARY KEY (dataset, config_id)
);
CREATE TABLE IF NOT EXISTS scores (
    dataset   TEXT NOT NULL,
    config_id TEXT NOT NULL,
    metric    TEXT NOT NULL,
    value     REAL,
    PRIMARY KEY (dataset, config_id, metric),
    FOREIGN KEY (dataset, config_id) REFERENCES evaluations(dataset, config_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS scores_by_metric ON scores(metric);
""" + "\n"

#: Tables added without a version bump: every writable database gets them when opened (older
#: metaautoml versions ignore them), and readers treat a database without them as empty there.
#: A second fidelity: the build's protocol on up to ``max_rows`` rows (more than the build's own
#: cap) of the datasets that have them, for a subset of the pool. Sized defaults: a pool default
#: whose family has row-relative hyperparameters (HistGradientBoosting's leaf, k-NN's neighbours)
#: stands for scikit-learn's absolute default, which is a different configuration on every
#: dataset; ``params`` is the one evaluated on that dataset's own rows, under the build's protocol.
ADDITIVE_DDL = """
CREATE TABLE IF NOT EXISTS fidelity_evaluations (
    dataset   TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
    config_id TEXT NOT NULL REFERENCES configurations(config_id),
    max_rows  INTEGER NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('complete', 'failed', 'timeout')),
    fit_time  REAL,
    duration  REAL,
    error     TEXT,
    PRIMARY KEY (dataset, config_id, max_rows)
);
CREATE TABLE IF NOT EXISTS fidelity_scores (
    dataset   TEXT NOT NULL,
    config_id TEXT NOT NULL,
    max_rows  INTEGER NOT NULL,
    metric    TEXT NOT NULL,
    value     REAL,
    PRIMARY KEY (dataset, config_id, max_rows, metric),
    FOREIGN KEY (dataset, config_id, max_rows)
        REFERENCES fidelity_evaluations(dataset, config_id, max_rows) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS sized_default_evaluations (
    dataset   TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
    config_id TEXT NOT NULL REFERENCES configurations(config_id),
    params    TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('complete', 'failed', 'timeout')),
    fit_time  REAL,
    duration  REAL,
    error     TEXT,
    PRIMARY KEY (dataset, config_id)
);
CREATE TABLE IF NOT EXISTS sized_default_scores (
    dataset   TEXT NOT NULL,
    config_id TEXT NOT NULL,
    metric    TEXT NOT NULL,
    value     REAL,
    PRIMARY KEY (dataset, config_id, metric),
    FOREIGN KEY (dataset, config_id)
        REFERENCES sized_default_evaluations(dataset, config_id) ON DELETE CASCADE
);
"""

DDL = DDL + ADDITIVE_DDL
