-- patrol-server schema (SQLite). Times are UTC text 'YYYY-MM-DDTHH:MM:SS.mmmZ' (sortable, same as PostgreSQL's copy).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('volunteer', 'officer', 'supervisor', 'admin')),
    unit TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    normalized_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    unit TEXT NOT NULL,
    status TEXT NOT NULL,
    categories TEXT NOT NULL,
    suicide INTEGER NOT NULL,
    urgency_rank INTEGER NOT NULL,
    checklist TEXT NOT NULL,
    minor INTEGER NOT NULL,
    region TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    post_text TEXT NOT NULL,
    author_handle TEXT,
    posted_at TEXT,
    analysis TEXT NOT NULL,
    report_count INTEGER NOT NULL,
    first_reported_at TEXT NOT NULL,
    last_reported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_inbox ON cases (suicide DESC, urgency_rank DESC, last_reported_at DESC);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    received_at TEXT NOT NULL,
    categories TEXT NOT NULL,
    post TEXT NOT NULL,
    analysis TEXT NOT NULL,
    note TEXT,
    evidence_log TEXT,
    verification TEXT,
    receipt TEXT,
    evidence_entries INTEGER NOT NULL,
    response TEXT NOT NULL,
    UNIQUE (user_id, idem_key)
);
CREATE INDEX submissions_case ON submissions (case_id);
CREATE TABLE artefacts (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    media_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    content BLOB,
    UNIQUE (submission_id, name)
);
CREATE TABLE forms (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    form TEXT NOT NULL,
    html TEXT
);
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at_utc TEXT NOT NULL,
    user_id INTEGER,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT
);
CREATE TABLE warnings (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    category TEXT NOT NULL,
    doubtful INTEGER NOT NULL,
    replied_at TEXT NOT NULL,
    reply_url TEXT,
    user_id INTEGER NOT NULL,
    by_name TEXT NOT NULL,
    unit TEXT NOT NULL
);
CREATE TABLE holds (
    id INTEGER PRIMARY KEY,
    normalized_url TEXT NOT NULL,
    url TEXT NOT NULL,
    unit TEXT NOT NULL,
    reason TEXT NOT NULL,
    contact TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    released_at TEXT,
    released_by TEXT,
    release_comment TEXT
);
CREATE INDEX holds_url ON holds (normalized_url);
CREATE TABLE takedowns (
    id INTEGER PRIMARY KEY,
    normalized_url TEXT NOT NULL,
    url TEXT NOT NULL,
    case_id INTEGER,
    unit TEXT NOT NULL,
    method TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    administrator TEXT,
    foreign_admin INTEGER NOT NULL,
    admin_country TEXT,
    admin_contact TEXT,
    note TEXT,
    state TEXT NOT NULL,
    last_checked_at TEXT,
    removed_at TEXT
);
CREATE INDEX takedowns_url ON takedowns (normalized_url);
CREATE TABLE takedown_checks (
    id INTEGER PRIMARY KEY,
    takedown_id INTEGER NOT NULL REFERENCES takedowns(id),
    checked_at TEXT NOT NULL,
    result TEXT NOT NULL,
    by_name TEXT NOT NULL,
    note TEXT
);
CREATE TABLE providers (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    department TEXT,
    phone TEXT,
    fax TEXT,
    email TEXT,
    address TEXT,
    note TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE provider_changes (
    id INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL,
    at_utc TEXT NOT NULL,
    by_name TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE TABLE retention (
    record_type TEXT PRIMARY KEY,
    days INTEGER NOT NULL
);
INSERT INTO retention (record_type, days) VALUES
    ('evidence', 365), ('submission', 1095), ('case', 1095), ('takedown', 1095), ('hold', 1095), ('audit', 1095), ('session', 1);
CREATE TABLE settings (
    setting_key TEXT PRIMARY KEY,
    setting_value TEXT NOT NULL
);
CREATE TABLE site_profiles (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at_utc TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT,
    role TEXT,
    unit TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT,
    remote TEXT,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
);
-- The audit log is append-only: no row is ever changed, and a row is deleted only once it is past its retention
-- period (002 §5), by the purge.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_no_early_delete BEFORE DELETE ON audit
WHEN julianday(OLD.at_utc) > julianday('now') - (SELECT days FROM retention WHERE record_type = 'audit')
BEGIN
    SELECT RAISE(ABORT, 'audit entries are kept for their retention period');
END;
