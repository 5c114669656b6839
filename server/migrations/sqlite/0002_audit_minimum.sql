-- The audit log is kept at least three years whatever the retention table says.
DROP TRIGGER audit_no_early_delete;
CREATE TRIGGER audit_no_early_delete BEFORE DELETE ON audit
WHEN julianday(OLD.at_utc) > julianday('now') - max(1095, (SELECT days FROM retention WHERE record_type = 'audit'))
BEGIN
    SELECT RAISE(ABORT, 'audit entries are kept for their retention period (at least three years)');
END;
