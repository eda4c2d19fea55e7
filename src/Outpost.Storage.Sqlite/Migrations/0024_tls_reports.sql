-- TLS-RPT (RFC 8460, issue 17): sessions counted per UTC day, policy domain, policy and result, and the
-- reports sent. result_type is '' for successful sessions; receiving_mx and receiving_ip are '' when not a
-- failure or not known; policy_string and mx_host hold the policy's lines and patterns, one per line.
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
    count         INTEGER NOT NULL,
    PRIMARY KEY (day, domain, policy_type, policy_string, mx_host, result_type, receiving_mx, receiving_ip)
);

-- One row per report sent (claimed before it is queued), so that none goes twice.
CREATE TABLE tls_reports_sent (
    day       TEXT NOT NULL,
    domain    TEXT NOT NULL,
    report_id TEXT NOT NULL,
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (day, domain)
);
