-- TLS-RPT (RFC 8460, issue 17), the tables of SQLite's migration 0024: sessions counted per UTC day, policy
-- domain, policy and result (result_type '' for successes), and the reports sent, so that none goes twice.
CREATE TABLE tls_report_counts (
    day           TEXT NOT NULL,
    domain        TEXT NOT NULL,
    policy_type   TEXT NOT NULL,
    policy_string TEXT NOT NULL,
    mx_host       TEXT NOT NULL,
    result_type   TEXT NOT NULL,
    receiving_mx  TEXT NOT NULL,
    receiving_ip  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    count         BIGINT NOT NULL,
    PRIMARY KEY (day, domain, policy_type, policy_string, mx_host, result_type, receiving_mx, receiving_ip)
);

CREATE TABLE tls_reports_sent (
    day       TEXT NOT NULL,
    domain    TEXT NOT NULL,
    report_id TEXT NOT NULL,
    sent_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (day, domain)
);
