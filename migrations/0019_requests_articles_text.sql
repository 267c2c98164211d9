-- The articles of a request as the CSV export shows them in one cell, kept on the
-- request row: "1. Title <url> (full); 2. Title <url> (extract, 400 words)". Building
-- this per row at export time was a third of the export's cost; articles are written
-- once (with their request) and almost never change, so it is kept here by triggers.
ALTER TABLE requests ADD COLUMN articles_text TEXT;

-- One definition of the text, used by the triggers below and the backfill.
CREATE VIEW request_articles_text AS
  SELECT request_id, group_concat(concat(position, '. ', title, ' <', url, '> (', portion,
    iif(extract_words IS NULL, '', concat(', ', extract_words, ' words')), ')'), '; ' ORDER BY position) AS text
  FROM request_articles GROUP BY request_id;

UPDATE requests SET articles_text = (SELECT text FROM request_articles_text WHERE request_id = requests.id);

CREATE TRIGGER request_articles_text_insert AFTER INSERT ON request_articles BEGIN
  UPDATE requests SET articles_text = (SELECT text FROM request_articles_text WHERE request_id = NEW.request_id)
    WHERE id = NEW.request_id;
END;
CREATE TRIGGER request_articles_text_update AFTER UPDATE ON request_articles BEGIN
  UPDATE requests SET articles_text = (SELECT text FROM request_articles_text WHERE request_id = NEW.request_id)
    WHERE id = NEW.request_id;
END;
CREATE TRIGGER request_articles_text_delete AFTER DELETE ON request_articles BEGIN
  UPDATE requests SET articles_text = (SELECT text FROM request_articles_text WHERE request_id = OLD.request_id)
    WHERE id = OLD.request_id;
END;
