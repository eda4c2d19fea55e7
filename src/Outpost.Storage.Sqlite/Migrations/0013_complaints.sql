-- The Message-ID header of each accepted message (without brackets), so a complaint whose report keeps
-- only that can be matched to the message. Most mail has one; the index holds only those that do.
ALTER TABLE messages ADD COLUMN header_message_id TEXT;
CREATE INDEX messages_header_message_id ON messages(header_message_id) WHERE header_message_id IS NOT NULL;

-- Reports read from the feedback mailbox (ARF reports and forwarded complaints), kept whatever came of
-- them, with the raw report (at most Complaints:MaxReportSize bytes of raw_size) and the sentence saying
-- how each was matched or why it could not be.
CREATE TABLE complaints (
    id                 INTEGER PRIMARY KEY,
    received_at        INTEGER NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('matched', 'unmatched', 'duplicate', 'ignored')),
    explanation        TEXT NOT NULL,
    kind               TEXT NOT NULL,
    feedback_type      TEXT,
    via                TEXT NOT NULL,
    report_id          TEXT,
    report_address     TEXT,
    reporter           TEXT,
    read_by            TEXT,
    user_agent         TEXT,
    arrival_date       INTEGER,
    source_ip          TEXT,
    reported_domain    TEXT,
    original_mail_from TEXT,
    original_rcpt_to   TEXT,
    comment            TEXT,
    matched_by         TEXT,
    message_id         TEXT,
    recipient_id       INTEGER,
    complainer         TEXT,
    sender             TEXT,
    sender_domain      TEXT,
    subject            TEXT,
    raw                BLOB NOT NULL,
    raw_size           INTEGER NOT NULL,
    raw_truncated      INTEGER NOT NULL DEFAULT 0
);
-- A report delivered again after a crash is the same complaint, not a second one.
CREATE UNIQUE INDEX complaints_report ON complaints(report_id, report_address) WHERE report_id IS NOT NULL;
CREATE INDEX complaints_domain ON complaints(sender_domain, received_at);
CREATE INDEX complaints_recipient ON complaints(message_id, recipient_id) WHERE recipient_id IS NOT NULL;
