-- Erasure and subject-access exports look a person up by email address without
-- regard to case (Ada@Example.org and ada@example.org are one person).
CREATE INDEX requests_email_lower ON requests (lower(requester_email));
