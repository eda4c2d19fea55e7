-- Keys every node needs (docs/SCALING.md "Keys every node shares"). The Data Protection key ring, one row per
-- key as the key manager writes it (its XML), so every node seals and opens stored secrets with the same keys;
-- and the DKIM private keys, sealed with that ring, so every node signs with the same keys.
CREATE TABLE data_protection_keys (
    name text PRIMARY KEY,
    xml text NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dkim_private_keys (
    domain text NOT NULL,
    selector text NOT NULL,
    sealed text NOT NULL,
    PRIMARY KEY (domain, selector)
);
