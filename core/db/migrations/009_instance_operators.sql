-- Instance operators: who may change what every workspace shares (rebuild the demo world, import, erase,
-- refresh, retrain, back up). Granted only on the command line (`python -m core operator grant EMAIL`) by
-- whoever runs the server; no page can write it. Matched by verified e-mail address, lower case.
CREATE TABLE instance_operators (
    email      VARCHAR PRIMARY KEY,
    granted_at TIMESTAMP NOT NULL
);
