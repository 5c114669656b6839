-- The audit log is kept at least three years whatever the retention table says.
CREATE OR REPLACE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit log is append-only';
    END IF;
    IF OLD.at_utc::timestamptz > now() - make_interval(days => GREATEST(1095, (SELECT days::int FROM retention WHERE record_type = 'audit'))) THEN
        RAISE EXCEPTION 'audit entries are kept for their retention period (at least three years)';
    END IF;
    RETURN OLD;
END;
$$;
