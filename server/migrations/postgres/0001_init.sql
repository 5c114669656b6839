-- patrol-server schema (PostgreSQL). Times are UTC text 'YYYY-MM-DDTHH:MM:SS.mmmZ' (sortable, same as PostgreSQL's copy).
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('volunteer', 'officer', 'supervisor', 'admin')),
    unit TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE cases (
    id BIGSERIAL PRIMARY KEY,
    normalized_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    unit TEXT NOT NULL,
    status TEXT NOT NULL,
    categories TEXT NOT NULL,
    suicide BIGINT NOT NULL,
    urgency_rank BIGINT NOT NULL,
    checklist TEXT NOT NULL,
    minor BIGINT NOT NULL,
    region TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    post_text TEXT NOT NULL,
    author_handle TEXT,
    posted_at TEXT,
    analysis TEXT NOT NULL,
    report_count BIGINT NOT NULL,
    first_reported_at TEXT NOT NULL,
    last_reported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_inbox ON cases (suicide DESC, urgency_rank DESC, last_reported_at DESC);
CREATE TABLE submissions (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
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
    evidence_entries BIGINT NOT NULL,
    response TEXT NOT NULL,
    UNIQUE (user_id, idem_key)
);
CREATE INDEX submissions_case ON submissions (case_id);
CREATE TABLE artefacts (
    id BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions(id),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    media_type TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    content BYTEA,
    UNIQUE (submission_id, name)
);
CREATE TABLE forms (
    id BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    form TEXT NOT NULL,
    html TEXT
);
CREATE TABLE case_events (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at_utc TEXT NOT NULL,
    user_id BIGINT,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT
);
CREATE TABLE warnings (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    category TEXT NOT NULL,
    doubtful BIGINT NOT NULL,
    replied_at TEXT NOT NULL,
    reply_url TEXT,
    user_id BIGINT NOT NULL,
    by_name TEXT NOT NULL,
    unit TEXT NOT NULL
);
CREATE TABLE holds (
    id BIGSERIAL PRIMARY KEY,
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
    id BIGSERIAL PRIMARY KEY,
    normalized_url TEXT NOT NULL,
    url TEXT NOT NULL,
    case_id BIGINT,
    unit TEXT NOT NULL,
    method TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    administrator TEXT,
    foreign_admin BIGINT NOT NULL,
    admin_country TEXT,
    admin_contact TEXT,
    note TEXT,
    state TEXT NOT NULL,
    last_checked_at TEXT,
    removed_at TEXT
);
CREATE INDEX takedowns_url ON takedowns (normalized_url);
CREATE TABLE takedown_checks (
    id BIGSERIAL PRIMARY KEY,
    takedown_id BIGINT NOT NULL REFERENCES takedowns(id),
    checked_at TEXT NOT NULL,
    result TEXT NOT NULL,
    by_name TEXT NOT NULL,
    note TEXT
);
CREATE TABLE providers (
    id BIGSERIAL PRIMARY KEY,
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
    id BIGSERIAL PRIMARY KEY,
    provider_id BIGINT NOT NULL,
    at_utc TEXT NOT NULL,
    by_name TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE TABLE retention (
    record_type TEXT PRIMARY KEY,
    days BIGINT NOT NULL
);
INSERT INTO retention (record_type, days) VALUES
    ('evidence', 365), ('submission', 1095), ('case', 1095), ('takedown', 1095), ('hold', 1095), ('audit', 1095), ('session', 1);
CREATE TABLE settings (
    setting_key TEXT PRIMARY KEY,
    setting_value TEXT NOT NULL
);
CREATE TABLE site_profiles (
    id BIGSERIAL PRIMARY KEY,
    version TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL
);
CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    at_utc TEXT NOT NULL,
    user_id BIGINT,
    user_name TEXT,
    role TEXT,
    unit TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT,
    remote TEXT,
    status BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
);
-- The audit log is append-only: no row is ever changed, and a row is deleted only once it is past its retention
-- period (002 §5), by the purge.
CREATE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit log is append-only';
    END IF;
    IF OLD.at_utc::timestamptz > now() - make_interval(days => (SELECT days::int FROM retention WHERE record_type = 'audit')) THEN
        RAISE EXCEPTION 'audit entries are kept for their retention period';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_guard();
