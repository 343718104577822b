-- Schema version 7: the organizations of this server (AWS Organizations), one document
-- holding every organization, its tree, policies, handshakes and account requests. It is read
-- whole and replaced whole in one transaction: organizations are small, and one document makes
-- every change (a move, an attachment, a new account) atomic without a table per noun. The
-- store keeps it as text; what it means is the server's.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    document TEXT NOT NULL
);
