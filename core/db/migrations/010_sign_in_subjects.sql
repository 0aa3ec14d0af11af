-- The identity provider's stable subject ("sub") of each e-mail address that has signed in: bound at the first
-- sign-in, after which only that account may act under the address (a recycled or re-registered address at the
-- provider gets no one's role). Written only by core/workspace/membership.py.
CREATE TABLE sign_in_subjects (
    email    VARCHAR PRIMARY KEY,
    subject  VARCHAR NOT NULL,
    bound_at TIMESTAMP NOT NULL
);
